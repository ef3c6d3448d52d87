import type { Contents } from '@jupyterlab/services';
import { ServerConnection } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';
import { ConfigError } from '../rules/errors';
import { QbraidrcFile } from './file';
import type { IQbraidConfigStore, QbraidConfigKey } from '../tokens';

/** Where `~/.qbraid/qbraidrc` is, relative to a server whose root is the home. */
export const QBRAIDRC_PATH = '.qbraid/qbraidrc';

/** What identifies one version of the file on the server. */
export interface IQbraidrcStamp {
  lastModified: string | null;
  hash: string | null;
}

/** The file as last read or written. */
export interface IQbraidrcSnapshot extends IQbraidrcStamp {
  /** Whether the file exists on the server. */
  exists: boolean;
  /** Its text (`''` when it does not exist). */
  text: string;
}

/**
 * Whether the server's file (`now`, `null` when missing) is still the version
 * `expected`: hashes when both sides have one, else modification times.
 */
export function isSameVersion(
  now: IQbraidrcStamp | null,
  expected: IQbraidrcSnapshot
): boolean {
  if (!now || !expected.exists) {
    return !now && !expected.exists;
  }
  if (now.hash && expected.hash) {
    return now.hash === expected.hash;
  }
  return now.lastModified === expected.lastModified;
}

/** The file changed on the server since it was read: nothing was written. */
export class QbraidrcConflictError extends ConfigError {}

/** Options of a qbraidrc store. */
export interface IQbraidrcStoreOptions {
  /** The Jupyter contents service. */
  contents: Contents.IManager;
  /** Path of the file relative to the server root (default `.qbraid/qbraidrc`). */
  path?: string;
  /** `PageConfig`'s `allow_hidden_files`; `false` fails early with the setting to change. */
  allowHidden?: boolean | null;
}

/** Where the file's bytes are: the contents API, or the server half's endpoint. */
export interface IQbraidrcBackend {
  /** The file's path as people see it. */
  readonly path: string;
  /** Whether `write` is conditional on the server (a 412), so no read-back is needed. */
  readonly conditional: boolean;
  /** The file now (not existing is a snapshot too). */
  read(): Promise<IQbraidrcSnapshot>;
  /** The file's version now, `null` when it does not exist. */
  stamp(): Promise<IQbraidrcStamp | null>;
  /** Write `text` if the file is still `expected`; else `QbraidrcConflictError`. */
  write(text: string, expected: IQbraidrcSnapshot): Promise<IQbraidrcSnapshot>;
}

/**
 * `~/.qbraid/qbraidrc` on the Jupyter server: through the server half's
 * endpoint when it is there, else through the contents API. Reads keep a
 * snapshot (what `get` answers, as the session's config store); writes are
 * made only if the file is still the version read, so an edit made meanwhile
 * (e.g. `qbraid configure` in a terminal) is never overwritten.
 */
export class QbraidrcStore implements IQbraidConfigStore {
  /**
   * Find `~/.qbraid/qbraidrc` relative to the server root. `override` (a
   * user setting) wins. jupyter_server shows a root inside the home as
   * `~/...` (then the home is out of reach) and the home itself as an absolute
   * path, like any other folder: a root that holds what a home holds
   * (`.local`, where the server keeps its runtime files, `.jupyter`, shell
   * profiles, `.qbraid`) is taken for the home. Throws a `ConfigError` that
   * says what to set otherwise.
   */
  static async locate(
    contents: Contents.IManager,
    serverRoot: string,
    override = ''
  ): Promise<string> {
    const explicit = override.trim().replace(/^\/+/, '');
    if (explicit) {
      return explicit;
    }
    const root = serverRoot.trim().replace(/\/+$/, '') || '~';
    if (root === '~') {
      return QBRAIDRC_PATH;
    }
    if (root.startsWith('~/')) {
      throw new ConfigError(
        `The Jupyter server's root is ${root}, inside your home directory, so ~/.qbraid/qbraidrc is out of the ` +
          'contents API\'s reach. Start the server with --ServerApp.root_dir=~, or set "qbraidrc path" to ' +
          `the file's path relative to ${root}.`,
        { code: 'qbraidrc_outside_root' }
      );
    }
    let names: string[];
    try {
      const listing = await contents.get('', { content: true });
      names = Array.isArray(listing.content)
        ? listing.content.map((item: Contents.IModel) => item.name)
        : [];
    } catch (error) {
      throw new ConfigError(
        `Could not list the Jupyter server's root to find ~/.qbraid/qbraidrc: ${(error as Error).message}`,
        { code: 'server_error', cause: error }
      );
    }
    if (Private.HOME_MARKERS.some(name => names.includes(name))) {
      return QBRAIDRC_PATH;
    }
    throw new ConfigError(
      `The Jupyter server's root (${root}) does not look like your home directory, so ~/.qbraid/qbraidrc may be ` +
        'outside it. Start the server with --ServerApp.root_dir=~ (and --ContentsManager.allow_hidden=True), ' +
        `or set "qbraidrc path" to the file's path relative to ${root}.`,
      { code: 'qbraidrc_outside_root' }
    );
  }

  /** Create a store on `options.backend`, else on the contents API. */
  constructor(options: IQbraidrcStoreOptions | { backend: IQbraidrcBackend }) {
    this._backend =
      'backend' in options
        ? options.backend
        : new ContentsQbraidrcBackend(options);
    this.path = this._backend.path;
  }

  /** The file's path as people see it. */
  readonly path: string;

  /** Whether writes are conditional on the server (no read-back needed). */
  get conditional(): boolean {
    return this._backend.conditional;
  }

  /** Emitted when a read or write changed the snapshot's text. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The parsed file of the last snapshot. */
  get file(): QbraidrcFile | null {
    return this._file;
  }

  /** A key of `[default]` in the last snapshot (the config store's read). */
  get(name: QbraidConfigKey): string | null {
    return this._file?.get(name) ?? null;
  }

  /** Read the file; a missing file is an empty snapshot. */
  async read(): Promise<IQbraidrcSnapshot> {
    const snapshot = await this._backend.read();
    this._accept(snapshot, QbraidrcFile.parse(snapshot.text));
    return snapshot;
  }

  /** The file's version now, `null` when it does not exist. */
  stamp(): Promise<IQbraidrcStamp | null> {
    return this._backend.stamp();
  }

  /**
   * Write `file` if the file is still `expected`; rejects with
   * `QbraidrcConflictError` (nothing written) when it changed.
   */
  async write(
    file: QbraidrcFile,
    expected: IQbraidrcSnapshot
  ): Promise<IQbraidrcSnapshot> {
    const text = file.toString();
    const snapshot = await this._backend.write(text, expected);
    this._accept(snapshot, QbraidrcFile.parse(text));
    return snapshot;
  }

  /**
   * Merge values into `[default]` (the session's `saveConfig`), keeping every
   * other line: one read, one write of that version (an edit landing in
   * between is a `QbraidrcConflictError`, nothing is overwritten).
   */
  async save(
    values: Partial<Record<QbraidConfigKey, string | null>>
  ): Promise<void> {
    const snapshot = await this.read();
    const file = QbraidrcFile.parse(snapshot.text);
    if (file.update(values)) {
      await this.write(file, snapshot);
    }
  }

  private _accept(snapshot: IQbraidrcSnapshot, file: QbraidrcFile): void {
    const changed = this._snapshot?.text !== snapshot.text;
    this._snapshot = snapshot;
    this._file = file;
    if (changed) {
      this._changed.emit();
    }
  }

  private readonly _backend: IQbraidrcBackend;
  private readonly _changed = new Signal<this, void>(this);
  private _snapshot: IQbraidrcSnapshot | null = null;
  private _file: QbraidrcFile | null = null;
}

/**
 * The file through the Jupyter contents API: paths relative to the server
 * root, hidden folders only with `allow_hidden`, no conditional write (a
 * version check just before the write, and the sync reads back).
 */
export class ContentsQbraidrcBackend implements IQbraidrcBackend {
  /** Create a backend. */
  constructor(options: IQbraidrcStoreOptions) {
    this._contents = options.contents;
    this.path = options.path ?? QBRAIDRC_PATH;
    this._allowHidden = options.allowHidden ?? null;
  }

  /** The file's path relative to the server root. */
  readonly path: string;

  /** The contents API has no conditional write. */
  readonly conditional = false;

  /** Read the file; a missing file is an empty snapshot. */
  async read(): Promise<IQbraidrcSnapshot> {
    this._checkHidden();
    let snapshot: IQbraidrcSnapshot;
    try {
      const model = await this._contents.get(this.path, {
        type: 'file',
        format: 'text',
        content: true,
        hash: true
      });
      snapshot = {
        exists: true,
        text: typeof model.content === 'string' ? model.content : '',
        lastModified: model.last_modified ?? null,
        hash: model.hash ?? null
      };
    } catch (error) {
      if (Private.status(error) !== 404) {
        throw this._explain(error, 'read');
      }
      snapshot = { exists: false, text: '', lastModified: null, hash: null };
    }
    return snapshot;
  }

  /**
   * The stamp of the file on the server now, without its content; `null`
   * when it does not exist.
   */
  async stamp(): Promise<IQbraidrcStamp | null> {
    this._checkHidden();
    try {
      const model = await this._contents.get(this.path, {
        type: 'file',
        content: false,
        hash: true
      });
      return {
        lastModified: model.last_modified ?? null,
        hash: model.hash ?? null
      };
    } catch (error) {
      if (Private.status(error) === 404) {
        return null;
      }
      throw this._explain(error, 'read');
    }
  }

  /** Check the version, then save. */
  async write(
    text: string,
    expected: IQbraidrcSnapshot
  ): Promise<IQbraidrcSnapshot> {
    const now = await this.stamp();
    if (!isSameVersion(now, expected)) {
      throw new QbraidrcConflictError(
        `${this.path} changed on the server since it was read; nothing was written.`,
        { code: 'qbraidrc_conflict' }
      );
    }
    try {
      if (!expected.exists) {
        await this._ensureFolder();
      }
      const model = await this._contents.save(this.path, {
        type: 'file',
        format: 'text',
        content: text
      });
      const snapshot: IQbraidrcSnapshot = {
        exists: true,
        text,
        lastModified: model.last_modified ?? null,
        hash: model.hash ?? null
      };
      return snapshot;
    } catch (error) {
      throw this._explain(error, 'write');
    }
  }

  private async _ensureFolder(): Promise<void> {
    const folder = this.path.split('/').slice(0, -1).join('/');
    if (!folder) {
      return;
    }
    try {
      await this._contents.get(folder, { content: false });
    } catch (error) {
      if (Private.status(error) !== 404) {
        throw error;
      }
      // PUT with type directory creates it (the server answers 500 for a file in a missing folder).
      await this._contents.save(folder, { type: 'directory' });
    }
  }

  private _checkHidden(): void {
    if (this._allowHidden === false && Private.isHidden(this.path)) {
      throw Private.hiddenError(this.path);
    }
  }

  private _explain(error: unknown, action: 'read' | 'write'): ConfigError {
    if (error instanceof ConfigError) {
      return error;
    }
    const status = Private.status(error);
    const detail = error instanceof Error ? error.message : String(error);
    if (
      Private.isHidden(this.path) &&
      (status === 400 || status === 404) &&
      /hidden|cannot create/i.test(detail)
    ) {
      return Private.hiddenError(this.path);
    }
    if (status === 403) {
      return new ConfigError(
        `Permission denied: the Jupyter server may not ${action} ${this.path}. Check the owner and mode of ~/.qbraid and ~/.qbraid/qbraidrc.`,
        { status, code: 'qbraidrc_permission', cause: error }
      );
    }
    if (status === 0) {
      return new ConfigError(
        `The Jupyter server did not answer while trying to ${action} ${this.path}: ${detail}`,
        { code: 'server_unreachable', cause: error }
      );
    }
    return new ConfigError(
      `The Jupyter server could not ${action} ${this.path} (${status}): ${detail}`,
      { status, code: 'server_error', cause: error }
    );
  }

  private readonly _contents: Contents.IManager;
  private readonly _allowHidden: boolean | null;
}

namespace Private {
  /**
   * What a home directory holds: `.local` (jupyter_server's runtime files),
   * Jupyter's and the shells' configuration, qBraid's folder.
   */
  export const HOME_MARKERS = [
    '.qbraid',
    '.local',
    '.jupyter',
    '.ipython',
    '.bashrc',
    '.profile',
    '.bash_profile',
    '.zshrc',
    '.config',
    '.cache'
  ];

  export function status(error: unknown): number {
    if (error instanceof ServerConnection.ResponseError) {
      return error.response.status;
    }
    const response = (error as { response?: { status?: unknown } })?.response;
    return typeof response?.status === 'number' ? response.status : 0;
  }

  export function isHidden(path: string): boolean {
    return path.split('/').some(part => part.startsWith('.'));
  }

  export function hiddenError(path: string): ConfigError {
    return new ConfigError(
      `The Jupyter server hides dot-folders from the contents API, so ${path} cannot be read or written. ` +
        'Start it with --ContentsManager.allow_hidden=True (or set c.ContentsManager.allow_hidden = True ' +
        'in jupyter_server_config.py).',
      { code: 'qbraidrc_hidden' }
    );
  }
}
