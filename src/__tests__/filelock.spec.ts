import { withLock } from '../tabs/locks';

describe('withLock', () => {
  it('runs tasks of the same name one after another, even when one fails', async () => {
    const events: string[] = [];
    const task =
      (id: string, fail = false) =>
      async () => {
        events.push(`start ${id}`);
        await new Promise(resolve => setTimeout(resolve, 5));
        events.push(`end ${id}`);
        if (fail) {
          throw new Error(id);
        }
        return id;
      };
    const results = await Promise.allSettled([
      withLock('a', task('1', true)),
      withLock('a', task('2')),
      withLock('b', task('3'))
    ]);
    expect(results.map(r => r.status)).toEqual([
      'rejected',
      'fulfilled',
      'fulfilled'
    ]);
    expect(events.indexOf('start 2')).toBeGreaterThan(events.indexOf('end 1'));
    // Another name does not wait.
    expect(events.indexOf('start 3')).toBeLessThan(events.indexOf('end 1'));
  });

  it('uses the Web Locks API when the browser has it', async () => {
    const requested: string[] = [];
    const navigator = globalThis.navigator as unknown as { locks?: unknown };
    const saved = navigator.locks;
    Object.defineProperty(navigator, 'locks', {
      configurable: true,
      value: {
        request: (name: string, task: () => Promise<unknown>) => {
          requested.push(name);
          return task();
        }
      }
    });
    try {
      await expect(withLock('x', async () => 42)).resolves.toBe(42);
    } finally {
      Object.defineProperty(navigator, 'locks', {
        configurable: true,
        value: saved
      });
    }
    expect(requested).toEqual(['x']);
  });
});
