import { Token } from '@lumino/coreutils';
import type { QbraidSession } from '../session/session';
import type { IQbraidKeyStore } from '../tokens';

/**
 * The shared session with its owner's powers (update, config store, close)
 * and where its credentials are kept, for this package's own plugins only:
 * other extensions get `IQbraidSession`, a view without them.
 */
export interface IQbraidSessionOwner {
  /** The session itself. */
  readonly session: QbraidSession;
  /** Where the credentials are kept, once the session is configured (after the lab is restored). */
  readonly keyStore: Promise<IQbraidKeyStore>;
}

/** The DI token of the session's owner. */
export const QbraidSessionOwner = new Token<IQbraidSessionOwner>(
  'jupyterlab-qbraid-session:session-owner',
  "The qBraid session with its owner's powers; for jupyterlab-qbraid-session's own plugins."
);
