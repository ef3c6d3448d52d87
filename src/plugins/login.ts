import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { lazy } from '../lazy';
import { IQbraidCredentialsSync } from '../tokens';
import { QbraidSidebar } from '../ui/sidebar';
import { DOMAIN } from './ids';
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
    // The model, commands and status item load with the panel's code:
    // after restore, or when the tab is opened first.
    const load = lazy(() =>
      Private.load({
        owner,
        sync,
        registry,
        commands: app.commands,
        palette,
        statusBar,
        trans,
        openPanel,
        pageOrigin: window.location.origin
      })
    );
    const sidebar = new QbraidSidebar(
      async () => (await load()).panel(),
      trans
    );
    app.shell.add(sidebar, 'left', { rank: 900, type: 'qBraid' });
    const openPanel = () => {
      app.shell.activateById(sidebar.id);
      void sidebar.focusFirst();
    };
    // A failure shows in the tab, which tries again when opened.
    void app.restored.then(() => sidebar.load().catch(() => undefined));
  }
};

namespace Private {
  /** The login code, in the setup chunk loaded after restore. */
  export async function load(
    options: import('./loginsetup').ILoginSetupOptions
  ): ReturnType<(typeof import('./loginsetup'))['setUpLogin']> {
    const { setUpLogin } = await import(
      /* webpackChunkName: "setup" */ './loginsetup'
    );
    return setUpLogin(options);
  }
}
