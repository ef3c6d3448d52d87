import type { Contents } from '@jupyterlab/services';
import { ServerConnection } from '@jupyterlab/services';
import { Signal } from '@lumino/signaling';
import { createHash } from 'crypto';
import {
  IQbraidrcBackend,
  IQbraidrcSnapshot,
  IQbraidrcStamp,
  QbraidrcConflictError
} from '../qbraidrc/store';
import type { CredentialValues, ISyncedSettings } from '../qbraidrc/sync';

function refusal(
  status: number,
  message: string
): ServerConnection.ResponseError {
  return new ServerConnection.ResponseError(
    new Response(JSON.stringify({ message }), { status }),
    message
  );
}

/**
 * An in-memory Jupyter contents service: files with modification times and
 * sha256 hashes, PUT counting, and refusals on request.
 */
export class FakeContents {
  readonly files = new Map<string, { content: string; mtime: number }>();
  readonly folders = new Set<string>(['']);
  puts = 0;
  /** Answer the next save with this status (e.g. 500), once. */
  failNextSave: number | null = null;
  /** Called after each save (another writer landing right after it). */
  afterSave: ((path: string) => void) | null = null;
  /** Refuse every request with this status. */
  refuse: { status: number; message: string } | null = null;
  /** What the real service emits after a save. */
  readonly fileChanged = new Signal<this, Contents.IChangedArgs>(this);
  private _clock = 0;

  /** Change a file as a terminal would (outside the contents service). */
  edit(path: string, content: string): void {
    this.files.set(path, { content, mtime: ++this._clock });
  }

  read(path: string): string | undefined {
    return this.files.get(path)?.content;
  }

  get manager(): Contents.IManager {
    return this as unknown as Contents.IManager;
  }

  async get(
    path: string,
    options: Contents.IFetchOptions = {}
  ): Promise<Contents.IModel> {
    if (this.refuse) {
      throw refusal(this.refuse.status, this.refuse.message);
    }
    const file = this.files.get(path);
    if (!file) {
      if (this.folders.has(path)) {
        const model = this._model(path, 'directory', null, 0);
        return options.content === false
          ? model
          : { ...model, content: this._list(path) };
      }
      throw refusal(404, `No such file or directory: ${path}`);
    }
    return this._model(
      path,
      'file',
      options.content === false ? null : file.content,
      file.mtime,
      options.hash
        ? createHash('sha256').update(file.content).digest('hex')
        : undefined
    );
  }

  async save(
    path: string,
    options: Partial<Contents.IModel> = {}
  ): Promise<Contents.IModel> {
    if (this.refuse) {
      throw refusal(this.refuse.status, this.refuse.message);
    }
    if (options.type === 'directory') {
      this.folders.add(path);
      return this._model(path, 'directory', null, 0);
    }
    const folder = path.split('/').slice(0, -1).join('/');
    if (!this.folders.has(folder)) {
      throw refusal(500, `No such file or directory: ${folder}`);
    }
    if (this.failNextSave !== null) {
      const status = this.failNextSave;
      this.failNextSave = null;
      throw refusal(status, 'Unexpected error while saving file');
    }
    this.puts++;
    this.edit(path, String(options.content));
    const model = this._model(path, 'file', null, this.files.get(path)!.mtime);
    this.afterSave?.(path);
    this.fileChanged.emit({ type: 'save', oldValue: null, newValue: model });
    return model;
  }

  private _list(folder: string): Contents.IModel[] {
    const prefix = folder ? `${folder}/` : '';
    const children = [...this.files.keys(), ...this.folders].filter(
      p =>
        p &&
        p !== folder &&
        p.startsWith(prefix) &&
        !p.slice(prefix.length).includes('/')
    );
    return children.map(p =>
      this._model(p, this.folders.has(p) ? 'directory' : 'file', null, 0)
    );
  }

  private _model(
    path: string,
    type: Contents.ContentType,
    content: string | null,
    mtime: number,
    hash?: string
  ): Contents.IModel {
    return {
      name: path.split('/').pop()!,
      path,
      type,
      content,
      format: content === null ? null : 'text',
      writable: true,
      created: new Date(0).toISOString(),
      last_modified: new Date(mtime * 1000).toISOString(),
      mimetype: 'text/plain',
      hash
    } as Contents.IModel;
  }
}

/**
 * Settings held in memory, with the registry's change signal on every save.
 */
export class FakeSettings implements ISyncedSettings {
  values: CredentialValues = {
    email: '',
    apiKey: '',
    accessToken: '',
    refreshToken: '',
    idToken: '',
    baseUrl: ''
  };
  saves = 0;
  readonly changed = new Signal<this, void>(this);

  constructor(values: Partial<CredentialValues> = {}) {
    this.values = { ...this.values, ...values };
  }

  async save(values: Partial<CredentialValues>): Promise<void> {
    this.saves++;
    this.values = { ...this.values, ...values };
    this.changed.emit();
  }

  /** A change made by the user in the Settings Editor. */
  async set(values: Partial<CredentialValues>): Promise<void> {
    await this.save(values);
  }
}

/**
 * The server half's qbraidrc endpoint in memory: a conditional write (the
 * version read, else 412), PUT counting, and an edit landing before a write.
 */
export class FakeServerBackend implements IQbraidrcBackend {
  readonly path = '~/.qbraid/qbraidrc';
  readonly conditional = true;
  text: string | null = null;
  reads = 0;
  puts = 0;
  refusedPuts = 0;
  /** Edits made by another writer just before each of the next writes. */
  editsBeforeWrite: string[] = [];

  async read(): Promise<IQbraidrcSnapshot> {
    this.reads++;
    return this.text === null
      ? { exists: false, text: '', lastModified: null, hash: null }
      : { exists: true, text: this.text, lastModified: null, hash: this._etag };
  }

  async stamp(): Promise<IQbraidrcStamp | null> {
    return this.text === null ? null : { lastModified: null, hash: this._etag };
  }

  async write(
    text: string,
    expected: IQbraidrcSnapshot
  ): Promise<IQbraidrcSnapshot> {
    const edit = this.editsBeforeWrite.shift();
    if (edit !== undefined) {
      this.text = edit;
    }
    const current = this.text === null ? null : this._etag;
    if (current !== (expected.exists ? expected.hash : null)) {
      this.refusedPuts++;
      throw new QbraidrcConflictError('412', { status: 412 });
    }
    this.puts++;
    this.text = text;
    return { exists: true, text, lastModified: null, hash: this._etag };
  }

  private get _etag(): string {
    return createHash('sha256')
      .update(this.text ?? '')
      .digest('hex');
  }
}
