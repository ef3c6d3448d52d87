import { ServerConnection } from '@jupyterlab/services';
import { ConfigError } from '../api/errors';
import {
  IQbraidrcBackend,
  IQbraidrcSnapshot,
  IQbraidrcStamp,
  QbraidrcConflictError
} from './store';
import { serverHalfUrl } from '../api/serverhalf';

/**
 * The file the Python SDK reads, through the server half's `qbraidrc`
 * endpoint: any server root, hidden files allowed or not, and conditional
 * writes (`If-Match` with the ETag read, `If-None-Match: *` to create; a
 * change meanwhile is a 412, so nothing is overwritten). The server writes
 * atomically, keeps the file's mode (0600 for a new one) and checks the text
 * with Python's configparser.
 */
export class ServerQbraidrcBackend implements IQbraidrcBackend {
  /**
   * Create a backend; `path` is the server's `~`-shortened path of the file.
   */
  constructor(
    private readonly _settings: ServerConnection.ISettings,
    path: string
  ) {
    this.path = path;
    this._url = serverHalfUrl(_settings, 'qbraidrc');
  }

  /** The file's path on the server, as the SDK sees it. */
  readonly path: string;

  /** The server checks the version and writes in one step. */
  readonly conditional = true;

  /** Read the file; a missing file is an empty snapshot. */
  async read(): Promise<IQbraidrcSnapshot> {
    const response = await this._request({}, 'read');
    if (response.status === 404) {
      return { exists: false, text: '', lastModified: null, hash: null };
    }
    await this._check(response, 'read');
    const body = await response.json();
    return {
      exists: true,
      text: typeof body.content === 'string' ? body.content : '',
      lastModified: null,
      hash: response.headers.get('ETag')
    };
  }

  /** The file's version now (one read: the endpoint has no cheaper one). */
  async stamp(): Promise<IQbraidrcStamp | null> {
    const snapshot = await this.read();
    return snapshot.exists ? { lastModified: null, hash: snapshot.hash } : null;
  }

  /** Write `text` if the file is still `expected` (the server checks). */
  async write(
    text: string,
    expected: IQbraidrcSnapshot
  ): Promise<IQbraidrcSnapshot> {
    const condition: Record<string, string> =
      expected.exists && expected.hash
        ? { 'If-Match': expected.hash }
        : { 'If-None-Match': '*' };
    const response = await this._request(
      {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', ...condition },
        body: JSON.stringify({ content: text })
      },
      'write'
    );
    if (response.status === 412) {
      throw new QbraidrcConflictError(
        `${this.path} changed on the server since it was read; nothing was written.`,
        { status: 412, code: 'qbraidrc_conflict' }
      );
    }
    await this._check(response, 'write');
    return {
      exists: true,
      text,
      lastModified: null,
      hash: response.headers.get('ETag')
    };
  }

  private async _request(
    init: RequestInit,
    action: 'read' | 'write'
  ): Promise<Response> {
    try {
      return await ServerConnection.makeRequest(
        this._url,
        init,
        this._settings
      );
    } catch (error) {
      throw new ConfigError(
        `The Jupyter server did not answer while trying to ${action} ${this.path}: ${(error as Error).message}`,
        { code: 'qbraidrc_network', cause: error }
      );
    }
  }

  /** Turn a refusal into a `ConfigError` with the server's own explanation. */
  private async _check(
    response: Response,
    action: 'read' | 'write'
  ): Promise<void> {
    if (response.ok) {
      return;
    }
    let detail = `answered ${response.status}`;
    try {
      const message = (await response.json())?.error?.message;
      if (typeof message === 'string') {
        detail = message;
      }
    } catch {
      // Not the endpoint's JSON: the status says what is known.
    }
    throw new ConfigError(
      `The Jupyter server could not ${action} ${this.path}: ${detail}`,
      {
        status: response.status,
        code:
          response.status === 403 ? 'qbraidrc_permission' : 'qbraidrc_server'
      }
    );
  }

  private readonly _url: string;
}
