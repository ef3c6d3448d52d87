import { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { PageConfig } from '@jupyterlab/coreutils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { TranslationBundle } from '@jupyterlab/translation';
import { inJupyterLite } from '../lite/jupyterlite';
import { AccessTokenRefresher } from '../refresh/tokenrefresh';
import type { QbraidSession } from '../session/session';
import { askedKeyStorage, chooseKeyStore } from '../stores/choose';
import { SettingsKeyStore } from '../stores/settingsstore';
import type { IQbraidKeyStore } from '../tokens';
import {
  ConnectionMode,
  ConnectionRouter
} from '../transport/connectionrouter';
import { PLUGIN_ID } from './ids';

/**
 * Configure the shared session once the lab is restored (this code loads
 * then, not with the lab): its route (the Jupyter server's proxy when it is
 * there), the key store the settings ask for (or the one another extension
 * provides) and the access-token refresher. Resolves with the key store once
 * the session's requests may start.
 */
export async function configureSession(
  app: JupyterFrontEnd,
  session: QbraidSession,
  registry: ISettingRegistry | null,
  trans: TranslationBundle,
  provided: IQbraidKeyStore | null
): Promise<IQbraidKeyStore> {
  const lite = inJupyterLite();
  const serverSettings = app.serviceManager.serverSettings;
  // Through the Jupyter server's proxy when it is there; the server is
  // asked after restore, or at the first request if one comes earlier.
  const router = new ConnectionRouter({ serverSettings, withoutServer: lite });
  session.useTransport(router);
  void router.start();
  const settings = await (registry?.load(PLUGIN_ID) ?? null)?.catch(reason => {
    console.error('qBraid settings could not be loaded.', reason);
    return null;
  });
  const options = {
    settings,
    reload: () => registry?.reload(PLUGIN_ID) ?? Promise.resolve(),
    notify: Private.notify,
    trans
  };
  const serverDefault = PageConfig.getOption('qbraidKeyStorage');
  const store =
    provided ??
    chooseKeyStore({
      ...options,
      serverSettings,
      lite,
      serverDefault
    });
  if (provided) {
    // The other settings (API, retries) still apply.
    await new SettingsKeyStore({ ...options, credentials: false }).connect(
      session
    );
  }
  await store.connect(session);
  if (settings) {
    Private.follow(
      settings,
      router,
      provided ? null : () => askedKeyStorage({ settings, serverDefault }),
      trans
    );
  }
  // A refused access token: read the credentials again (once per request).
  session.addCredentialsReader(() => store.reread());
  Private.keepTokenAlive(session);
  return store;
}

namespace Private {
  /** JupyterLab's notifications, for what a store says. */
  export function notify(
    kind: 'info' | 'warning' | 'error',
    text: string
  ): void {
    Notification[kind](text, kind === 'info' ? { autoClose: 8000 } : {});
  }

  /**
   * The connection setting, live; a new key storage is said to need a
   * reload (the store is chosen once).
   */
  export function follow(
    settings: ISettingRegistry.ISettings,
    router: ConnectionRouter,
    chosen: (() => unknown) | null,
    trans: TranslationBundle
  ): void {
    const first = chosen?.();
    const apply = () => {
      router.mode =
        (settings.composite['connection'] as ConnectionMode) ?? 'auto';
      const asked = chosen?.();
      if (chosen && asked !== first) {
        Notification.info(
          trans.__(
            'Reload this page to keep your qBraid key where the key storage setting now says (%1).',
            String(asked)
          ),
          { autoClose: 8000 }
        );
      }
    };
    apply();
    settings.changed.connect(apply);
  }

  /**
   * An access token in this browser is kept alive (the server refreshes its
   * own); the refresher's code loads after restore.
   */
  export function keepTokenAlive(session: QbraidSession): void {
    const refresher = new AccessTokenRefresher({
      token: () => (session.apiVersion === 'v1' ? session.accessToken : null),
      refresh: async () => {
        const data = await session.refreshAccessToken();
        const expiry = Date.parse(String(data['expiresAt']));
        return Number.isFinite(expiry) ? expiry : null;
      },
      shared: storage(),
      hidden: () => document.hidden
    });
    let token = session.accessToken;
    session.changed.connect(() => {
      if (session.accessToken !== token) {
        token = session.accessToken;
        void refresher.tokenChanged();
      }
    });
    void refresher
      .start()
      .catch(error =>
        console.error(
          'The qBraid access-token refresher could not start.',
          error
        )
      );
  }

  /** The storage the tabs of this origin share, when the browser allows it. */
  function storage(): Storage | undefined {
    try {
      return window.localStorage;
    } catch {
      return undefined;
    }
  }
}
