import { JupyterFrontEnd } from '@jupyterlab/application';
import { PageConfig } from '@jupyterlab/coreutils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import type { TranslationBundle } from '@jupyterlab/translation';
import { fetchServerInfo } from '../transport/serverhalf';
import { QbraidrcSyncManager } from '../qbraidrc/syncmanager';
import { askWhichWins, notifySyncErrors } from '../ui/syncnotifications';
import { PLUGIN_ID } from './ids';
import { inJupyterLite } from '../lite/jupyterlite';
import type { IQbraidSessionOwner } from './owner';

/**
 * Start the qbraidrc sync (this code loads after the lab is restored): it
 * makes the qbraidrc the session's config fallback, an owner's power.
 * Resolves with the running manager.
 */
export async function startSync(
  app: JupyterFrontEnd,
  owner: IQbraidSessionOwner,
  registry: ISettingRegistry,
  trans: TranslationBundle
): Promise<QbraidrcSyncManager> {
  const keyStore = await owner.keyStore;
  // A `false` page option reads as '' (PageConfig drops falsy values): unknown.
  const allowHidden = String(PageConfig.getOption('allow_hidden_files'));
  const serverSettings = app.serviceManager.serverSettings;
  // JupyterLite has no server: its drive is the browser's, where a qbraidrc
  // is synced only when someone put one there.
  const lite = inJupyterLite();
  const manager = new QbraidrcSyncManager({
    session: owner.session,
    keyStore,
    contents: app.serviceManager.contents,
    serverSettings,
    serverInfo: lite ? undefined : () => fetchServerInfo(serverSettings),
    existingFileOnly: lite,
    serverRoot: PageConfig.getOption('serverRoot'),
    allowHidden: allowHidden.toLowerCase() === 'true' ? true : null,
    resolveConflict: askWhichWins(trans)
  });
  manager.statusChanged.connect(notifySyncErrors(trans));
  // A refused access token may have been rotated in qbraidrc.
  owner.session.addCredentialsReader(() => manager.syncNow());
  void registry.load(PLUGIN_ID).then(settings => manager.start(settings));
  return manager;
}
