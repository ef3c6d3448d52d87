import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';
import type { QbraidrcSyncManager } from '../qbraidrc/syncmanager';
import { IQbraidCredentialsSync, IQbraidSyncStatus } from '../tokens';
import { DOMAIN } from './ids';
import { IQbraidSessionOwner, QbraidSessionOwner } from './owner';
import { WAITING_STATUS } from '../qbraidrc/status';

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
    return new Private.DeferredSync(
      app.restored
        .then(() => import(/* webpackChunkName: "setup" */ './syncsetup'))
        .then(({ startSync }) => startSync(app, owner, registry, trans))
    );
  }
};

namespace Private {
  /**
   * The sync as other plugins see it from start-up: its status is the
   * manager's once that has loaded; its actions wait for it.
   */
  export class DeferredSync implements IQbraidCredentialsSync {
    constructor(manager: Promise<QbraidrcSyncManager>) {
      this._manager = manager;
      manager.then(
        loaded => {
          loaded.statusChanged.connect((_, status) => this._set(status));
          this._set(loaded.status);
        },
        error =>
          this._set({
            ...this._status,
            state: 'error',
            message: `The qbraidrc sync could not start (${(error as Error).message}); reload the page.`
          })
      );
    }

    get status(): IQbraidSyncStatus {
      return { ...this._status };
    }

    get statusChanged(): ISignal<this, IQbraidSyncStatus> {
      return this._statusChanged;
    }

    async syncNow(): Promise<void> {
      return (await this._manager).syncNow();
    }

    async signOut(): Promise<void> {
      return (await this._manager).signOut();
    }

    private _set(status: IQbraidSyncStatus): void {
      this._status = { ...status };
      this._statusChanged.emit(this.status);
    }

    private readonly _manager: Promise<QbraidrcSyncManager>;
    private _status: IQbraidSyncStatus = { ...WAITING_STATUS };
    private readonly _statusChanged = new Signal<this, IQbraidSyncStatus>(this);
  }
}
