import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { IQbraidSession } from 'jupyterlab-qbraid-session';

/**
 * What `qbraid-consumer:whoami` resolves with.
 */
interface IWhoAmI {
  /** The email of the shared session now. */
  email: string | null;
  /** The session properties this plugin saw change, in order. */
  changes: string[];
  /** What the API says about the credentials (null when there are none). */
  identity: unknown;
}

/**
 * What `qbraid-consumer:inspect` resolves with: what a plugin can see of
 * the shared session.
 */
interface IWhatISee {
  /** Owner powers this plugin could call (none: the session is a view). */
  ownerPowers: string[];
  /** The secrets the getters give (all null while the Jupyter server holds them). */
  secrets: Array<string | null>;
  /** The headers the session sends from the browser. */
  headers: Record<string, string>;
  hasCredentials: boolean;
  via: string;
}

/**
 * A second extension that requires IQbraidSession: it gets the one session
 * jupyterlab-qbraid-session provides (a singleton through sharedPackages),
 * sees sign-ins without a reload, and calls the API with it.
 */
const plugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-qbraid-consumer-example:plugin',
  description: 'An example extension that uses the shared qBraid session.',
  autoStart: true,
  requires: [IQbraidSession],
  activate: (app: JupyterFrontEnd, session: IQbraidSession) => {
    const changes: string[] = [];
    session.changed.connect((_, args) => changes.push(...args.changed));
    app.commands.addCommand('qbraid-consumer:whoami', {
      label: 'qBraid example: who am I?',
      execute: async (): Promise<IWhoAmI> => ({
        email: session.userEmail,
        changes: [...changes],
        // The check of whichever API the session speaks (v1 or legacy).
        identity: session.hasCredentials ? await session.verify() : null
      })
    });
    app.commands.addCommand('qbraid-consumer:inspect', {
      label: 'qBraid example: what can this plugin see of the session?',
      execute: (): IWhatISee => ({
        ownerPowers: [
          'update',
          'close',
          'setConfigStore',
          'useTransport'
        ].filter(name => name in session),
        secrets: [
          session.apiKey,
          session.accessToken,
          session.refreshToken,
          session.idToken
        ],
        headers: { ...session.headers },
        hasCredentials: session.hasCredentials,
        via: session.connection.via
      })
    });
  }
};

export default plugin;
