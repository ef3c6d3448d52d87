import { ICommandPalette } from '@jupyterlab/apputils';
import { CommandRegistry } from '@lumino/commands';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import type { TranslationBundle } from '@jupyterlab/translation';
import {
  describeSettingsErrors,
  settingsErrorReasons
} from '../stores/settings';
import type { IQbraidCredentialsSync } from '../tokens';
import { addCommands, CommandIDs } from '../ui/commands';
import { LoginPanel } from '../ui/loginpanel';
import { SignInModel } from '../ui/signinmodel';
import { QbraidStatusItem } from '../ui/statusitem';
import { PLUGIN_ID } from './ids';
import type { IQbraidSessionOwner } from './owner';

/** What the login plugin needs from the lab. */
export interface ILoginSetupOptions {
  owner: IQbraidSessionOwner;
  sync: IQbraidCredentialsSync;
  registry: ISettingRegistry;
  commands: CommandRegistry;
  palette: ICommandPalette | null;
  statusBar: IStatusBar | null;
  trans: TranslationBundle;
  /** Opens the qBraid tab and focuses its first field. */
  openPanel: () => void;
  pageOrigin: string;
}

/**
 * The sign-in model, the commands and the status item; loaded after the
 * lab is restored (or when the tab is opened first), with the panel's
 * code. Resolves with what makes the panel.
 */
export async function setUpLogin(
  options: ILoginSetupOptions
): Promise<{ panel: () => LoginPanel }> {
  const { owner, sync, registry, trans } = options;
  const { session } = owner;
  // Where the key is kept is known once the session is configured.
  const store = await owner.keyStore;
  const status = new SignInModel({
    session,
    store,
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
    // The store's sign-out, then qbraidrc's.
    signOut: () => sync.signOut()
  });
  addCommands(options.commands, {
    status,
    trans,
    openPanel: options.openPanel,
    pageOrigin: options.pageOrigin
  });
  for (const command of Object.values(CommandIDs)) {
    options.palette?.addItem({ command, category: 'qBraid' });
  }
  options.statusBar?.registerStatusItem('jupyterlab-qbraid-session:status', {
    item: new QbraidStatusItem(status, trans, options.openPanel),
    align: 'left',
    rank: 900
  });
  // The first check, once the settings are applied.
  void session.ready.then(() => status.startAutoCheck());
  // Hand-edited settings the schema refuses: name the setting and why.
  void registry.load(PLUGIN_ID).then(
    () => (status.settingsError = null),
    errors => (status.settingsError = describeSettingsErrors(errors))
  );
  return { panel: () => new LoginPanel(status, trans) };
}
