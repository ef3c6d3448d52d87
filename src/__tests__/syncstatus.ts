import { ISignal } from '@lumino/signaling';
import type { IQbraidSyncStatus } from '../tokens';

/** What reports a sync status: a sync, or the manager that runs one. */
export interface IStatusSource {
  readonly status: IQbraidSyncStatus;
  readonly statusChanged: ISignal<any, IQbraidSyncStatus>;
}

/** Resolves once `sync`'s status passes `test`: checked now and at each change. */
export function statusWhere(
  sync: IStatusSource,
  test: (status: IQbraidSyncStatus) => boolean
): Promise<void> {
  return new Promise(resolve => {
    const check = () => {
      if (test(sync.status)) {
        sync.statusChanged.disconnect(check);
        resolve();
      }
    };
    sync.statusChanged.connect(check);
    check();
  });
}

export const answered = (sync: IStatusSource) =>
  statusWhere(sync, status => status.state !== 'conflict');
