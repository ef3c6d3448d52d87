import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { PromiseDelegate } from '@lumino/coreutils';
import { addCheckConnectionCommand } from './commands';
import { QbraidSession } from './session';
import { IQbraidSettings, sessionUpdateFromSettings } from './settings';
import { IQbraidSession } from './tokens';

// Consumers import from the package root, which `sharedPackages` makes one shared module.
export * from './tokens';
export {
  AuthError,
  ConfigError,
  QbraidApiError,
  QbraidNetworkError
} from './errors';

const PLUGIN_ID = 'jupyterlab-qbraid-session:plugin';

/**
 * Provides the shared qBraid session, configured from the user settings and
 * reconfigured on every settings change. Activation makes no network call:
 * requests wait for the settings through `session.ready`.
 */
const sessionPlugin: JupyterFrontEndPlugin<IQbraidSession> = {
  id: PLUGIN_ID,
  description: 'Provides one authenticated qBraid API session to every plugin.',
  autoStart: true,
  provides: IQbraidSession,
  optional: [ISettingRegistry, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    registry: ISettingRegistry | null,
    translator: ITranslator | null
  ): IQbraidSession => {
    const trans = (translator ?? nullTranslator).load(
      'jupyterlab_qbraid_session'
    );
    const settingsApplied = new PromiseDelegate<void>();
    const session = new QbraidSession({ ready: settingsApplied.promise });
    const apply = (settings: ISettingRegistry.ISettings) => {
      try {
        session.update(
          sessionUpdateFromSettings(settings.composite as IQbraidSettings)
        );
      } catch (error) {
        Notification.error(
          trans.__('qBraid settings not applied: %1', (error as Error).message)
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
};

/**
 * Palette commands of the session; a consumer of `IQbraidSession` itself.
 */
const commandsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-qbraid-session:commands',
  description: 'Commands to check the qBraid connection.',
  autoStart: true,
  requires: [IQbraidSession],
  optional: [ICommandPalette, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    session: IQbraidSession,
    palette: ICommandPalette | null,
    translator: ITranslator | null
  ) => {
    addCheckConnectionCommand(
      app.commands,
      session,
      translator ?? nullTranslator
    );
    palette?.addItem({
      command: 'qbraid:check-connection',
      category: 'qBraid'
    });
  }
};

export default [sessionPlugin, commandsPlugin];
