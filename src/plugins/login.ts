import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import {
  describeSettingsErrors,
  RegistrySettings,
  settingsErrorReasons
} from '../settings';
import { IQbraidCredentialsSync } from '../tokens';
import { addCommands, CommandIDs } from '../ui/commands';
import { QbraidSidebar } from '../ui/sidebar';
import { SignInModel } from '../ui/signinmodel';
import { DOMAIN, PLUGIN_ID } from './ids';
import { IQbraidSessionOwner, QbraidSessionOwner } from './owner';

/**
 * What a person sees: the login panel, the status bar item and the palette
 * commands, all on one sign-in model. It reads the session as any consumer
 * does; its sign-in check goes the way the session's requests go.
 */
export const loginPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-qbraid-session:login',
  description: 'The qBraid login panel, status bar item and commands.',
  autoStart: true,
  requires: [QbraidSessionOwner, IQbraidCredentialsSync, ISettingRegistry],
  optional: [ICommandPalette, IStatusBar, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    owner: IQbraidSessionOwner,
    sync: IQbraidCredentialsSync,
    registry: ISettingRegistry,
    palette: ICommandPalette | null,
    statusBar: IStatusBar | null,
    translator: ITranslator | null
  ) => {
    const trans = (translator ?? nullTranslator).load(DOMAIN);
    const { session } = owner;
    const status = new SignInModel({
      session,
      // With keyStorage "server", a sign-in sends the key to the server.
      server: owner,
      // The check of a sign-in goes the way the session's requests go.
      transport: session.transport,
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
    // The React views load after restore (or when the tab is opened first).
    let views: Promise<typeof import('../ui/views')> | null = null;
    const loadViews = () =>
      (views ??= import('../ui/views').catch(error => {
        views = null; // the next call tries again
        throw error;
      }));
    const sidebar = new QbraidSidebar(
      async () => new (await loadViews()).LoginPanel(status, trans),
      trans
    );
    app.shell.add(sidebar, 'left', { rank: 900, type: 'qBraid' });
    const openPanel = () => {
      app.shell.activateById(sidebar.id);
      void sidebar.focusFirst();
    };
    void app.restored.then(async () => {
      // A failure shows in the tab, which tries again when opened.
      await sidebar.load().catch(() => undefined);
      if (!statusBar) {
        return;
      }
      try {
        const { QbraidStatusItem } = await loadViews();
        statusBar.registerStatusItem('jupyterlab-qbraid-session:status', {
          item: new QbraidStatusItem(status, trans, openPanel),
          align: 'left',
          rank: 900
        });
      } catch (error) {
        console.error('The qBraid status bar item could not load.', error);
      }
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
};
