import { Token } from '@lumino/coreutils';
import type { QbraidSession } from '../api/session';

/**
 * The shared session with its owner's powers (update, config store, close),
 * for this package's own plugins only: other extensions get `IQbraidSession`.
 */
export const QbraidSessionOwner = new Token<QbraidSession>(
  'jupyterlab-qbraid-session:session-owner',
  "The qBraid session with its owner's powers; for jupyterlab-qbraid-session's own plugins."
);
