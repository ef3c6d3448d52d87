import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { PromiseDelegate } from '@lumino/coreutils';
import { ConnectionMode, ConnectionRouter } from '../api/connectionrouter';
import { QbraidSession } from '../api/session';
import {
  applySettings,
  IQbraidSettings,
  sessionUpdateFromSettings
} from '../settings';
import { IQbraidSession } from '../tokens';
import { DOMAIN, PLUGIN_ID } from './ids';
import { QbraidSessionOwner } from './owner';
import { timedActivate } from './timing';

/**
 * Owns the shared qBraid session: configures it from the user settings and
 * on every settings change, and routes its requests through the Jupyter
 * server's proxy when it can. Activation makes no network call: requests
 * wait for the settings through `session.ready`.
 */
export const sessionOwnerPlugin: JupyterFrontEndPlugin<QbraidSession> = {
  id: PLUGIN_ID,
  description: 'Owns the qBraid API session and applies the settings to it.',
  autoStart: true,
  provides: QbraidSessionOwner,
  optional: [ISettingRegistry, ITranslator],
  activate: timedActivate(
    'session',
    (
      app: JupyterFrontEnd,
      registry: ISettingRegistry | null,
      translator: ITranslator | null
    ): QbraidSession => {
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
      const apply = (settings: ISettingRegistry.ISettings) => {
        router.mode =
          (settings.composite['connection'] as ConnectionMode) ?? 'auto';
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
        .then(() => settingsApplied.resolve());
      return session;
    }
  )
};

/**
 * Provides the shared session to every plugin as `IQbraidSession`: requests,
 * read-only state, `changed` and `ready`.
 */
export const sessionPlugin: JupyterFrontEndPlugin<IQbraidSession> = {
  id: 'jupyterlab-qbraid-session:session',
  description: 'Provides one authenticated qBraid API session to every plugin.',
  autoStart: true,
  requires: [QbraidSessionOwner],
  provides: IQbraidSession,
  activate: (app: JupyterFrontEnd, session: QbraidSession): IQbraidSession =>
    session
};
