import { Token } from '@lumino/coreutils';
import type { QbraidSession } from '../api/session';
import type { ServerKeyStore } from '../api/serverkeys';
import type { IPageOnlyCredentials } from '../ui/signinmodel';

/**
 * The shared session with its owner's powers (update, config store, close)
 * and the credentials the Jupyter server holds, for this package's own
 * plugins only: other extensions get `IQbraidSession`, a view without them.
 */
export interface IQbraidSessionOwner {
  /** The session itself. */
  readonly session: QbraidSession;
  /** Resolves once the session is configured (after the lab is restored). */
  readonly server: Promise<IQbraidSessionServer>;
}

/**
 * Where the credentials are kept, known once the session is configured.
 */
export interface IQbraidSessionServer {
  /** The credentials the Jupyter server holds (sign-in and sign-out there). */
  readonly serverKeys: ServerKeyStore;
  /** Whether the credentials are held by the Jupyter server (`keyStorage` is `server`). */
  readonly keysOnServer: boolean;
  /**
   * Credentials kept in this page's memory instead of the settings, where
   * the settings are the browser's storage (JupyterLite); else `null`.
   */
  readonly pageOnly: IPageOnlyCredentials | null;
}

/**
 * The DI token of the session's owner.
 */
export const QbraidSessionOwner = new Token<IQbraidSessionOwner>(
  'jupyterlab-qbraid-session:session-owner',
  "The qBraid session with its owner's powers; for jupyterlab-qbraid-session's own plugins."
);
