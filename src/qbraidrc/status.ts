import type { IQbraidSyncStatus } from '../tokens';

/** The sync's status before it has started (the lab is not restored yet). */
export const WAITING_STATUS: Readonly<IQbraidSyncStatus> = {
  state: 'idle',
  time: null,
  message: 'Waiting for the lab to start.',
  path: '',
  writes: 0
};
