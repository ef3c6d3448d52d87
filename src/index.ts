import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { PageConfig } from '@jupyterlab/coreutils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { IFormRendererRegistry } from '@jupyterlab/ui-components';
import { PromiseDelegate } from '@lumino/coreutils';
import { addCommands, CommandIDs } from './commands';
import { ConnectionMode, ConnectionRouter } from './connectionrouter';
import { ConnectionStatus } from './connection';
import { fetchServerInfo } from './serverhalf';
import { QbraidSession } from './session';
import { timedActivate } from './timing';
import { CREDENTIAL_FIELDS } from './fields';
import {
  applySettings,
  describeSettingsErrors,
  IQbraidSettings,
  sessionUpdateFromSettings,
  settingsErrorReasons
} from './settings';
import { QbraidrcSyncManager, RegistrySettings } from './syncmanager';
import { IQbraidCredentialsSync, IQbraidSession } from './tokens';
import { LoginPanel } from './widgets/loginpanel';
import { createMaskedField } from './widgets/maskedinput';
import { QbraidStatusItem } from './widgets/statusitem';
import { askWhichWins, notifySyncErrors } from './widgets/syncnotifications';

// Consumers import from the package root, which `sharedPackages` makes one shared module.
export * from './tokens';
export {
  AuthError,
  ConfigError,
  QbraidApiError,
  QbraidNetworkError
} from './errors';

const PLUGIN_ID = 'jupyterlab-qbraid-session:plugin';
const DOMAIN = 'jupyterlab_qbraid_session';

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
  activate: timedActivate(
    'session',
    (
      app: JupyterFrontEnd,
      registry: ISettingRegistry | null,
      translator: ITranslator | null
    ): IQbraidSession => {
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
 * Two-way sync of the credentials with the server's ~/.qbraid/qbraidrc,
 * started once the lab is restored (no request before that).
 */
const syncPlugin: JupyterFrontEndPlugin<IQbraidCredentialsSync> = {
  id: 'jupyterlab-qbraid-session:sync',
  description: 'Keeps the qBraid settings and ~/.qbraid/qbraidrc in agreement.',
  autoStart: true,
  requires: [IQbraidSession, ISettingRegistry],
  optional: [ITranslator],
  provides: IQbraidCredentialsSync,
  activate: timedActivate(
    'sync',
    (
      app: JupyterFrontEnd,
      session: IQbraidSession,
      registry: ISettingRegistry,
      translator: ITranslator | null
    ): IQbraidCredentialsSync => {
      const trans = (translator ?? nullTranslator).load(DOMAIN);
      // A `false` page option reads as '' (PageConfig drops falsy values): unknown.
      const allowHidden = String(PageConfig.getOption('allow_hidden_files'));
      const serverSettings = app.serviceManager.serverSettings;
      const manager = new QbraidrcSyncManager({
        session,
        contents: app.serviceManager.contents,
        serverSettings,
        serverInfo: () => fetchServerInfo(serverSettings),
        serverRoot: PageConfig.getOption('serverRoot'),
        allowHidden: allowHidden.toLowerCase() === 'true' ? true : null,
        resolveConflict: askWhichWins(trans)
      });
      manager.statusChanged.connect(notifySyncErrors(trans));
      void Promise.all([app.restored, registry.load(PLUGIN_ID)]).then(
        ([, settings]) => manager.start(settings)
      );
      return manager;
    }
  )
};

/**
 * Masked inputs (with show/hide) for the secrets in the Settings Editor.
 */
const maskedFieldsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-qbraid-session:masked-fields',
  description: 'Masks the qBraid API key and tokens in the Settings Editor.',
  autoStart: true,
  requires: [IFormRendererRegistry],
  optional: [ITranslator],
  activate: timedActivate(
    'masked-fields',
    (
      app: JupyterFrontEnd,
      renderers: IFormRendererRegistry,
      translator: ITranslator | null
    ) => {
      const fieldRenderer = createMaskedField(
        (translator ?? nullTranslator).load(DOMAIN)
      );
      for (const field of CREDENTIAL_FIELDS.filter(f => f.secret)) {
        renderers.addRenderer(`${PLUGIN_ID}.${field.setting}`, {
          fieldRenderer
        });
      }
    }
  )
};

/**
 * What a person sees: the login panel, the status bar item and the palette
 * commands, all on one connection status (a consumer of `IQbraidSession`).
 */
const loginPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-qbraid-session:login',
  description: 'The qBraid login panel, status bar item and commands.',
  autoStart: true,
  requires: [IQbraidSession, IQbraidCredentialsSync, ISettingRegistry],
  optional: [ICommandPalette, IStatusBar, ITranslator],
  activate: timedActivate(
    'login',
    (
      app: JupyterFrontEnd,
      session: IQbraidSession,
      sync: IQbraidCredentialsSync,
      registry: ISettingRegistry,
      palette: ICommandPalette | null,
      statusBar: IStatusBar | null,
      translator: ITranslator | null
    ) => {
      const trans = (translator ?? nullTranslator).load(DOMAIN);
      const status = new ConnectionStatus({
        session,
        // The check of a sign-in goes the way the session's requests go.
        transport:
          session instanceof QbraidSession ? session.transport : undefined,
        // What the settings will apply, checked before anything is sent.
        validate: async values => {
          const settings = await registry.load(PLUGIN_ID);
          const entered = Object.fromEntries(
            Object.entries(values).filter(([, value]) => value)
          );
          const errors = settings.validate(
            JSON.stringify({ ...settings.user, ...entered })
          );
          return errors ? settingsErrorReasons(errors) : null;
        },
        save: async values =>
          new RegistrySettings(await registry.load(PLUGIN_ID)).save(values),
        signOut: () => sync.signOut()
      });
      const panel = new LoginPanel(status, trans);
      app.shell.add(panel, 'left', { rank: 900, type: 'qBraid' });
      const openPanel = () => {
        app.shell.activateById(panel.id);
        requestAnimationFrame(() => panel.focusFirst());
      };
      statusBar?.registerStatusItem('jupyterlab-qbraid-session:status', {
        item: new QbraidStatusItem(status, trans, openPanel),
        align: 'left',
        rank: 900
      });
      addCommands(app.commands, {
        status,
        trans,
        openPanel,
        pageOrigin: window.location.origin
      });
      for (const command of Object.values(CommandIDs)) {
        palette?.addItem({ command, category: 'qBraid' });
      }
      // After restore: the first check makes no request during start-up.
      void app.restored
        .then(() => session.ready)
        .then(() => status.startAutoCheck());
      // Hand-edited settings the schema refuses: name the setting and why.
      void app.restored.then(() =>
        registry.load(PLUGIN_ID).then(
          () => (status.settingsError = null),
          errors => (status.settingsError = describeSettingsErrors(errors))
        )
      );
    }
  )
};

export default [sessionPlugin, syncPlugin, maskedFieldsPlugin, loginPlugin];
