import type { Contents, ServerConnection } from '@jupyterlab/services';
import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ISignal, Signal } from '@lumino/signaling';
import type { ConfigError } from '../rules/errors';
import { QbraidrcStore } from './store';
import { ServerQbraidrcBackend } from './serverbackend';
import type { IServerInfo } from '../transport/serverhalf';
import { RegistrySettings } from '../stores/settings';
import { SettingsKeyStore } from '../stores/settingsstore';
import { CredentialsSync, type ICredentialsSyncOptions } from './sync';
import type {
  IQbraidConfigStore,
  IQbraidCredentialsSync,
  IQbraidKeyStore,
  IQbraidSyncStatus
} from '../tokens';
import { WAITING_STATUS } from './status';

/** Options of the sync manager. */
export interface IQbraidrcSyncManagerOptions {
  /** The session whose config fallback is the qbraidrc store (its owner's power). */
  session: { setConfigStore(store: IQbraidConfigStore | null): void };
  /** Where the credentials are kept (by default the settings): sign-out clears them there. */
  keyStore?: Pick<IQbraidKeyStore, 'mirrorsQbraidrc' | 'signOut'>;
  /** The Jupyter contents service (when the server half is not there). */
  contents: Contents.IManager;
  /** The Jupyter server's settings, for the server half's qbraidrc endpoint. */
  serverSettings?: ServerConnection.ISettings;
  /** What the server says of its server half (`null`: not there). */
  serverInfo?: () => Promise<IServerInfo | null>;
  /** `PageConfig`'s `serverRoot` (`~` when the root is the home directory). */
  serverRoot: string;
  /** `PageConfig`'s `allow_hidden_files`, when known. */
  allowHidden: boolean | null;
  /**
   * Sync only a qbraidrc that is already there (JupyterLite, whose drive is
   * the browser's): without one the sync is off, with no error, and it
   * starts when the file is added to the drive.
   */
  existingFileOnly?: boolean;
  /** Asks the user which side of a conflict wins. */
  resolveConflict?: ICredentialsSyncOptions['resolveConflict'];
  /** Passed to the sync (tests shorten them). */
  debounceMs?: number;
  pollMs?: number;
}

/**
 * Runs the qbraidrc sync as the settings say (`syncQbraidrc`,
 * `qbraidrcPath`, `keyStorage`), restarting it when they change, and makes
 * the qbraidrc store the session's config fallback. While the Jupyter server
 * holds the credentials (`keyStorage: server`) there is no sync: the file's
 * secrets never come to the browser, and none goes into the settings.
 */
export class QbraidrcSyncManager implements IQbraidCredentialsSync {
  /** Create a manager; nothing happens before `start`. */
  constructor(options: IQbraidrcSyncManagerOptions) {
    this._options = options;
    this._status = { ...WAITING_STATUS };
  }

  /** The outcome of the last sync. */
  get status(): IQbraidSyncStatus {
    return { ...this._status };
  }

  /** Emitted when `status` changes. */
  get statusChanged(): ISignal<this, IQbraidSyncStatus> {
    return this._statusChanged;
  }

  /** Begin with the loaded settings, and follow their changes. */
  async start(settings: ISettingRegistry.ISettings): Promise<void> {
    this._settings = settings;
    this._store = this._options.keyStore ?? new SettingsKeyStore({ settings });
    settings.changed.connect(() => void this.configured(), this);
    await this.configured();
  }

  /**
   * Re-read the sync settings (after the ones queued before), resolving when
   * the sync they ask for is running.
   */
  configured(): Promise<void> {
    const next = this._configuring.then(() => this._configure());
    // A failure is the caller's to see; the configurations after it still run.
    this._configuring = next.catch(() => undefined);
    return next;
  }

  /** Write pending changes and look for outside edits now. */
  async syncNow(): Promise<void> {
    await this._configuring;
    await this._sync?.flush();
    await this._sync?.checkFile();
  }

  /** Clear the credentials where they are kept, then from qbraidrc. */
  async signOut(): Promise<void> {
    await this._configuring;
    await this._store?.signOut();
    await this._sync?.flush();
  }

  private async _configure(): Promise<void> {
    const composite = this._settings!.composite;
    const enabled = composite['syncQbraidrc'] !== false;
    const override = String(composite['qbraidrcPath'] ?? '');
    const onServer = !this._store!.mirrorsQbraidrc;
    const key = `${enabled}\u0000${override}\u0000${onServer}`;
    if (key === this._configuredAs) {
      return;
    }
    this._configuredAs = key;
    this._sync?.dispose();
    this._sync = null;
    this._awaitFile(null);
    if (onServer || !enabled) {
      return this._off(
        onServer
          ? 'The Jupyter server holds the credentials (key storage "server"): nothing is copied between qbraidrc and the settings.'
          : 'Sync with qbraidrc is off.'
      );
    }
    let store: QbraidrcStore;
    try {
      store = await this._makeStore(override);
      if (this._options.existingFileOnly && (await store.stamp()) === null) {
        this._awaitFile(store.path);
        return this._off(
          `There is no ${store.path} in this site's files, so nothing is copied to one; the sync starts when you add it.`,
          store.path
        );
      }
    } catch (error) {
      return this._off((error as ConfigError).message, '', 'error');
    }
    await this._startSync(store);
  }

  /** No sync: the session has no config store, and the status says why. */
  private _off(
    message: string,
    path = '',
    state: 'disabled' | 'error' = 'disabled'
  ): void {
    this._options.session.setConfigStore(null);
    this._setStatus({
      state,
      message,
      path,
      ...(state === 'error' ? { time: new Date() } : {})
    });
  }

  /** Sync with `store`, the session's config fallback from now on. */
  private async _startSync(store: QbraidrcStore): Promise<void> {
    this._options.session.setConfigStore(store);
    const sync = new CredentialsSync({
      settings: new RegistrySettings(this._settings!),
      store,
      resolveConflict: this._options.resolveConflict,
      debounceMs: this._options.debounceMs,
      pollMs: this._options.pollMs
    });
    sync.statusChanged.connect((_, status) => this._setStatus(status));
    this._sync = sync;
    await sync.start();
  }

  /**
   * The server half's endpoint when it is there (any root, hidden files or
   * not, conditional writes), else the contents API; a `qbraidrc path`
   * setting asks for the contents API.
   */
  private async _makeStore(override: string): Promise<QbraidrcStore> {
    const { contents, serverRoot, allowHidden, serverSettings, serverInfo } =
      this._options;
    const info = override.trim() ? null : await serverInfo?.();
    if (info?.features.qbraidrc && serverSettings) {
      return new QbraidrcStore({
        backend: new ServerQbraidrcBackend(serverSettings, info.qbraidrc_path)
      });
    }
    return new QbraidrcStore({
      contents,
      path: await QbraidrcStore.locate(contents, serverRoot, override),
      allowHidden
    });
  }

  /**
   * Start the sync when a file at `path` is created, uploaded or renamed
   * there (`null`: stop waiting).
   */
  private _awaitFile(path: string | null): void {
    const { contents } = this._options;
    contents.fileChanged.disconnect(this._onFileChanged, this);
    this._awaitedPath = path;
    if (path !== null) {
      contents.fileChanged.connect(this._onFileChanged, this);
    }
  }

  private _onFileChanged(_: unknown, change: Contents.IChangedArgs): void {
    if (change.newValue?.path === this._awaitedPath) {
      this._configuredAs = null;
      void this.configured().catch(() => undefined);
    }
  }

  private _setStatus(status: Partial<IQbraidSyncStatus>): void {
    this._status = { ...this._status, ...status };
    this._statusChanged.emit(this.status);
  }

  private readonly _options: IQbraidrcSyncManagerOptions;
  private readonly _statusChanged = new Signal<this, IQbraidSyncStatus>(this);
  private _status: IQbraidSyncStatus;
  private _settings: ISettingRegistry.ISettings | null = null;
  private _sync: CredentialsSync | null = null;
  private _configuredAs: string | null = null;
  private _store: Pick<IQbraidKeyStore, 'mirrorsQbraidrc' | 'signOut'> | null =
    null;
  private _awaitedPath: string | null = null;
  private _configuring: Promise<void> = Promise.resolve();
}
