/**
 * Run `task` while holding the lock `name`: tasks with the same name run one
 * after another. In a browser this is the Web Locks API, shared by every tab
 * of the lab's origin, so two lab tabs never interleave their read, write and
 * read-back of the same file (the contents API has no conditional write).
 * Where Web Locks are missing (Node, old browsers) the lock is per process.
 */
export function withLock<T>(name: string, task: () => Promise<T>): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: ILockManager } })
    .navigator?.locks;
  if (locks && typeof locks.request === 'function') {
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
 * The part of the Web Locks API used here.
 */
interface ILockManager {
  request<T>(name: string, task: () => Promise<T>): Promise<T>;
}

namespace Private {
  export const queues = new Map<string, Promise<void>>();
}
