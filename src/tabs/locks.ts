/**
 * Run `task` while holding the lock `name`: tasks with the same name run one
 * after another. In a browser this is the Web Locks API, shared by every tab
 * of the lab's origin, so two lab tabs never interleave their read, write and
 * read-back of the same file (the contents API has no conditional write).
 * Where Web Locks are missing (Node, old browsers) the lock is per process.
 */
export function withLock<T>(name: string, task: () => Promise<T>): Promise<T> {
  const locks = Private.locks();
  if (locks) {
    return locks.request(name, task);
  }
  const previous = Private.queues.get(name) ?? Promise.resolve();
  const current = previous.then(task, task);
  const settled = current.then(
    () => undefined,
    () => undefined
  );
  Private.queues.set(name, settled);
  void settled.then(() => {
    if (Private.queues.get(name) === settled) {
      Private.queues.delete(name);
    }
  });
  return current;
}

/**
 * Hold the lock `name` while `task` runs, without waiting for it: a marker
 * other tabs can see (`isHeldElsewhere`), never a queue. Where Web Locks are
 * missing it only runs `task`.
 */
export function holdLock<T>(name: string, task: () => Promise<T>): Promise<T> {
  const locks = Private.locks();
  if (!locks) {
    return task();
  }
  // Shared mode: several tabs may hold it at once; it only says "someone asks".
  return locks.request(name, { mode: 'shared' }, task);
}

/** Whether a tab of the lab holds `name` (call it where this tab does not). */
export async function isHeldElsewhere(name: string): Promise<boolean> {
  const locks = Private.locks();
  if (!locks || typeof locks.query !== 'function') {
    return false;
  }
  const state = await locks.query();
  return (state.held ?? []).some(lock => lock.name === name);
}

/** The part of the Web Locks API used here. */
interface ILockManager {
  request<T>(name: string, task: () => Promise<T>): Promise<T>;
  request<T>(
    name: string,
    options: { mode: 'shared' | 'exclusive' },
    task: () => Promise<T>
  ): Promise<T>;
  query?(): Promise<{ held?: Array<{ name: string }> }>;
}

namespace Private {
  export const queues = new Map<string, Promise<void>>();

  export function locks(): ILockManager | null {
    const locks = (globalThis as { navigator?: { locks?: ILockManager } })
      .navigator?.locks;
    return locks && typeof locks.request === 'function' ? locks : null;
  }
}
