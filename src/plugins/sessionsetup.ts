import { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { TranslationBundle } from '@jupyterlab/translation';
import { PromiseDelegate } from '@lumino/coreutils';
import { ConnectionMode, ConnectionRouter } from '../api/connectionrouter';
import { moveSecretsToServer, ServerKeyStore } from '../api/serverkeys';
import type { IServerHeldCredentials, QbraidSession } from '../api/session';
import { AccessTokenRefresher } from '../api/tokenrefresh';
import {
  applySettings,
  IQbraidSettings,
  RegistrySettings,
  sessionUpdateFromSettings
} from '../settings';
import type { IQbraidCredentials } from '../tokens';
import type { IPageOnlyCredentials } from '../ui/signinmodel';
import { PLUGIN_ID } from './ids';
import { inJupyterLite } from './jupyterlite';
import type { IQbraidSessionServer } from './owner';

/**
 * Configure the shared session once the lab is restored (this code loads
 * then, not with the lab): its route (the Jupyter server's proxy when it is
 * there), the user settings and their changes, the credentials the server
 * holds with `keyStorage: server`, and the access-token refresher.
 * `settingsApplied` resolves when the session's requests may start.
 */
export function configureSession(
  app: JupyterFrontEnd,
  session: QbraidSession,
  registry: ISettingRegistry | null,
  trans: TranslationBundle,
  settingsApplied: PromiseDelegate<void>
): IQbraidSessionServer {
  // Through the Jupyter server's proxy when it is there; the server is
  // asked after restore, or at the first request if one comes earlier.
  const lite = inJupyterLite();
  const router = new ConnectionRouter({
    serverSettings: app.serviceManager.serverSettings,
    withoutServer: lite
  });
  session.useTransport(router);
  void router.start();
  const serverKeys = new ServerKeyStore(app.serviceManager.serverSettings);
  let keysOnServer = false;
  let heldRead: Promise<unknown> = Promise.resolve();
  const followServer = () =>
    session.useServerCredentials(
      keysOnServer ? (serverKeys.state ?? Private.NOTHING_HELD) : null
    );
  serverKeys.changed.connect(followServer);
  // JupyterLite keeps the settings in the browser's storage: a key may be
  // kept in this page's memory instead, in force above the settings.
  let forPage: IQbraidCredentials | null = null;
  let loaded: ISettingRegistry.ISettings | null = null;
  const pageOnly: IPageOnlyCredentials | null = lite
    ? {
        get held() {
          return forPage !== null;
        },
        hold(values) {
          forPage = { ...values };
          reapply();
        },
        clear() {
          if (forPage) {
            // What the page held gives way to the settings (or to nothing).
            const cleared = Object.fromEntries(
              Object.keys(forPage).map(name => [name, null])
            );
            forPage = null;
            applySettings(session, loaded ? settingsUpdate(loaded) : cleared);
          }
        }
      }
    : null;
  const settingsUpdate = (settings: ISettingRegistry.ISettings) => ({
    ...sessionUpdateFromSettings(settings.composite as IQbraidSettings),
    ...forPage
  });
  const reapply = () =>
    applySettings(session, loaded ? settingsUpdate(loaded) : forPage!);
  const apply = (settings: ISettingRegistry.ISettings) => {
    loaded = settings;
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
    const refused = applySettings(session, settingsUpdate(settings));
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
  void session.ready
    .then(() => {
      const refresher = new AccessTokenRefresher({
        token: () => (session.apiVersion === 'v1' ? session.accessToken : null),
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
      console.error('The qBraid access-token refresher could not start.', error)
    );
  return {
    serverKeys,
    pageOnly,
    get keysOnServer() {
      return keysOnServer;
    }
  };
}

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
