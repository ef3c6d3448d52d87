import { performance as nodePerformance } from 'perf_hooks';
import { ACTIVATE_MEASURE, timedActivate } from '../plugins/timing';

// jsdom's performance has no measures; the browser's and Node's do.
const jsdomPerformance = globalThis.performance;
const use = (value: unknown) =>
  Object.defineProperty(globalThis, 'performance', {
    value,
    configurable: true,
    writable: true
  });
beforeAll(() => use(nodePerformance));
afterAll(() => use(jsdomPerformance));

describe('timedActivate', () => {
  beforeEach(() => nodePerformance.clearMeasures());

  it('returns what activate returns and records its duration as a measure', () => {
    let during = 0;
    const activate = timedActivate('demo', (a: number, b: number) => {
      during = nodePerformance.now();
      return a + b;
    });
    expect(activate(2, 3)).toBe(5);
    const measures = nodePerformance.getEntriesByName(
      `${ACTIVATE_MEASURE}:demo`
    );
    expect(measures).toHaveLength(1);
    // The measure spans the activation: it starts before and ends after it ran.
    const [{ startTime, duration }] = measures;
    expect(startTime).toBeLessThanOrEqual(during);
    expect(startTime + duration).toBeGreaterThanOrEqual(during);
  });

  it('records the measure also when activate throws', () => {
    const activate = timedActivate('broken', () => {
      throw new Error('boom');
    });
    expect(() => activate()).toThrow('boom');
    expect(
      nodePerformance.getEntriesByName(`${ACTIVATE_MEASURE}:broken`)
    ).toHaveLength(1);
  });
});
