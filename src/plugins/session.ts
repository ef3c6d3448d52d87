import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { PromiseDelegate } from '@lumino/coreutils';
import { ConnectionMode, ConnectionRouter } from '../api/connectionrouter';
import { moveSecretsToServer, ServerKeyStore } from '../api/serverkeys';
import { IServerHeldCredentials, QbraidSession } from '../api/session';
import { QbraidSessionView } from '../api/sessionview';
import {
  applySettings,
  IQbraidSettings,
  RegistrySettings,
  sessionUpdateFromSettings
} from '../settings';
import { IQbraidSession } from '../tokens';
import { DOMAIN, PLUGIN_ID } from './ids';
import { IQbraidSessionOwner, QbraidSessionOwner } from './owner';

/**
 * Owns the shared qBraid session: configures it from the user settings and
 * on every settings change, and routes its requests through the Jupyter
 * server's proxy when it can. With `keyStorage: server` the Jupyter server
 * holds the credentials and the session holds none. Activation makes no
 * network call: requests wait for the settings through `session.ready`.
 */
export const sessionOwnerPlugin: JupyterFrontEndPlugin<IQbraidSessionOwner> = {
  id: PLUGIN_ID,
  description: 'Owns the qBraid API session and applies the settings to it.',
  autoStart: true,
  provides: QbraidSessionOwner,
  optional: [ISettingRegistry, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    registry: ISettingRegistry | null,
    translator: ITranslator | null
  ): IQbraidSessionOwner => {
    const trans = (translator ?? nullTranslator).load(DOMAIN);
    const settingsApplied = new PromiseDelegate<void>();
    // Through the Jupyter server's proxy when it is there; the server is
    // asked after restore, or at the first request if one comes earlier.
    const router = new ConnectionRouter({
      serverSettings: app.serviceManager.serverSettings
    });
    const session = new QbraidSession({
      ready: settingsApplied.promise,
      transport: router
    });
    void app.restored.then(() => router.start());
    const serverKeys = new ServerKeyStore(app.serviceManager.serverSettings);
    let keysOnServer = false;
    let heldRead: Promise<unknown> = Promise.resolve();
    const followServer = () =>
      session.useServerCredentials(
        keysOnServer ? (serverKeys.state ?? Private.NOTHING_HELD) : null
      );
    serverKeys.changed.connect(followServer);
    const apply = (settings: ISettingRegistry.ISettings) => {
      router.mode =
        (settings.composite['connection'] as ConnectionMode) ?? 'auto';
      const onServer = settings.composite['keyStorage'] === 'server';
      if (onServer !== keysOnServer) {
        keysOnServer = onServer;
        followServer();
        if (onServer) {
          // A failure is kept in serverKeys.error, which the panel shows.
          heldRead = serverKeys.refresh().catch(() => undefined);
          serverKeys.watch(Private.HELD_INTERVAL);
          // Secrets left in the settings go to the server, then out of the settings.
          void heldRead.then(() =>
            moveSecretsToServer(
              settings.composite as IQbraidSettings,
              serverKeys,
              names =>
                new RegistrySettings(settings).save(
                  Object.fromEntries(names.map(name => [name, '']))
                )
            ).then(
              moved => {
                if (moved.length) {
                  Notification.info(
                    trans.__(
                      'Your qBraid credentials moved from the settings to the Jupyter server (~/.qbraid/qbraidrc); this page no longer holds them.'
                    ),
                    { autoClose: 8000 }
                  );
                }
              },
              error =>
                Notification.warning(
                  trans.__(
                    'Your qBraid settings still hold a key, which is not used while the Jupyter server holds the credentials; the server did not take it: %1 Sign in from the qBraid panel.',
                    (error as Error).message
                  )
                )
            )
          );
        } else {
          serverKeys.unwatch();
        }
      }
      const refused = applySettings(
        session,
        sessionUpdateFromSettings(settings.composite as IQbraidSettings)
      );
      if (refused.length) {
        Notification.error(
          trans.__(
            'These qBraid settings were not applied (the others were): %1',
            refused.join(' ')
          )
        );
      }
    };
    void (registry?.load(PLUGIN_ID) ?? Promise.resolve(null))
      .then(settings => {
        if (settings) {
          apply(settings);
          settings.changed.connect(apply);
        }
      })
      .catch(reason =>
        console.error('qBraid settings could not be loaded.', reason)
      )
      // With the server holding the key, its URL is known before the first request.
      .then(() => heldRead)
      .then(() => settingsApplied.resolve());
    // A refused access token: read the credentials again (once per request).
    session.addCredentialsReader(async () => {
      if (keysOnServer) {
        await serverKeys.refresh();
      } else {
        await registry?.reload(PLUGIN_ID);
      }
    });
    // An access token in this browser is kept alive (the server refreshes
    // its own); the refresher's code loads after restore.
    void app.restored
      .then(() => session.ready)
      .then(() => import('../api/tokenrefresh'))
      .then(({ AccessTokenRefresher }) => {
        const refresher = new AccessTokenRefresher({
          token: () =>
            session.apiVersion === 'v1' ? session.accessToken : null,
          refresh: async () => {
            const data = await session.refreshAccessToken();
            const expiry = Date.parse(String(data['expiresAt']));
            return Number.isFinite(expiry) ? expiry : null;
          },
          shared: Private.storage(),
          hidden: () => document.hidden
        });
        let token = session.accessToken;
        session.changed.connect(() => {
          if (session.accessToken !== token) {
            token = session.accessToken;
            void refresher.tokenChanged();
          }
        });
        return refresher.start();
      })
      .catch(error =>
        console.error(
          'The qBraid access-token refresher could not start.',
          error
        )
      );
    return {
      session,
      serverKeys,
      get keysOnServer() {
        return keysOnServer;
      }
    };
  }
};

/**
 * Provides the shared session to every plugin as `IQbraidSession`: a view
 * with requests, read-only state, `changed` and `ready`, and none of the
 * owner's powers (no `update`, `close` or config store), at runtime too.
 */
export const sessionPlugin: JupyterFrontEndPlugin<IQbraidSession> = {
  id: 'jupyterlab-qbraid-session:session',
  description: 'Provides one authenticated qBraid API session to every plugin.',
  autoStart: true,
  requires: [QbraidSessionOwner],
  provides: IQbraidSession,
  activate: (
    app: JupyterFrontEnd,
    owner: IQbraidSessionOwner
  ): IQbraidSession => new QbraidSessionView(owner.session)
};

namespace Private {
  /** What the session assumes the server holds before the server said. */
  export const NOTHING_HELD: IServerHeldCredentials = {
    held: [],
    email: null,
    url: null
  };

  /** How often the server is asked again what it holds (a kernel may change qbraidrc). */
  export const HELD_INTERVAL = 30 * 1000;

  /** The storage the tabs of this origin share, when the browser allows it. */
  export function storage(): Storage | undefined {
    try {
      return window.localStorage;
    } catch {
      return undefined;
    }
  }
}
