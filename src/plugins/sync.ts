import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { PageConfig } from '@jupyterlab/coreutils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { fetchServerInfo } from '../api/serverhalf';
import { QbraidrcSyncManager } from '../qbraidrc/syncmanager';
import { IQbraidCredentialsSync } from '../tokens';
import { askWhichWins, notifySyncErrors } from '../ui/syncnotifications';
import { DOMAIN, PLUGIN_ID } from './ids';
import { IQbraidSessionOwner, QbraidSessionOwner } from './owner';

/**
 * Two-way sync of the credentials with the server's ~/.qbraid/qbraidrc,
 * started once the lab is restored (no request before that). It makes the
 * qbraidrc the session's config fallback: an owner's power.
 */
export const syncPlugin: JupyterFrontEndPlugin<IQbraidCredentialsSync> = {
  id: 'jupyterlab-qbraid-session:sync',
  description: 'Keeps the qBraid settings and ~/.qbraid/qbraidrc in agreement.',
  autoStart: true,
  requires: [QbraidSessionOwner, ISettingRegistry],
  optional: [ITranslator],
  provides: IQbraidCredentialsSync,
  activate: (
    app: JupyterFrontEnd,
    owner: IQbraidSessionOwner,
    registry: ISettingRegistry,
    translator: ITranslator | null
  ): IQbraidCredentialsSync => {
    const trans = (translator ?? nullTranslator).load(DOMAIN);
    // A `false` page option reads as '' (PageConfig drops falsy values): unknown.
    const allowHidden = String(PageConfig.getOption('allow_hidden_files'));
    const serverSettings = app.serviceManager.serverSettings;
    const manager = new QbraidrcSyncManager({
      session: owner.session,
      serverKeys: owner.serverKeys,
      contents: app.serviceManager.contents,
      serverSettings,
      serverInfo: () => fetchServerInfo(serverSettings),
      serverRoot: PageConfig.getOption('serverRoot'),
      allowHidden: allowHidden.toLowerCase() === 'true' ? true : null,
      resolveConflict: askWhichWins(trans)
    });
    manager.statusChanged.connect(notifySyncErrors(trans));
    // A refused access token may have been rotated in qbraidrc.
    owner.session.addCredentialsReader(() => manager.syncNow());
    void Promise.all([app.restored, registry.load(PLUGIN_ID)]).then(
      ([, settings]) => manager.start(settings)
    );
    return manager;
  }
};
