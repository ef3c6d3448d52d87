import { ServerConnection } from '@jupyterlab/services';
import { ConfigError } from '../rules/errors';
import {
  IQbraidrcBackend,
  IQbraidrcSnapshot,
  IQbraidrcStamp,
  QbraidrcConflictError
} from './store';
import {
  IServerAnswer,
  requestAPI,
  ServerHalfError
} from '../transport/serverhalf';

/**
 * The file the Python SDK reads, through the server half's `qbraidrc`
 * endpoint: any server root, hidden files allowed or not, and conditional
 * writes (`If-Match` with the ETag read, `If-None-Match: *` to create; a
 * change meanwhile is a 412, so nothing is overwritten). The server writes
 * atomically, keeps the file's mode (0600 for a new one) and checks the text
 * with Python's configparser.
 */
export class ServerQbraidrcBackend implements IQbraidrcBackend {
  /** Create a backend; `path` is the server's `~`-shortened path of the file. */
  constructor(
    private readonly _settings: ServerConnection.ISettings,
    path: string
  ) {
    this.path = path;
  }

  /** The file's path on the server, as the SDK sees it. */
  readonly path: string;

  /** The server checks the version and writes in one step. */
  readonly conditional = true;

  /** Read the file; a missing file is an empty snapshot. */
  async read(): Promise<IQbraidrcSnapshot> {
    try {
      const { data, headers } = await this._request<{ content?: unknown }>(
        {},
        'read'
      );
      return {
        exists: true,
        text: typeof data.content === 'string' ? data.content : '',
        lastModified: null,
        hash: headers.get('ETag')
      };
    } catch (error) {
      if (error instanceof ConfigError && error.code === 'qbraidrc_missing') {
        return { exists: false, text: '', lastModified: null, hash: null };
      }
      throw error;
    }
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
    const { headers } = await this._request(
      {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', ...condition },
        body: JSON.stringify({ content: text })
      },
      'write'
    );
    return {
      exists: true,
      text,
      lastModified: null,
      hash: headers.get('ETag')
    };
  }

  /**
   * Call the endpoint; a refusal becomes a `ConfigError` (or, for a change
   * meanwhile, a `QbraidrcConflictError`) with the server's code and message.
   */
  private async _request<T>(
    init: RequestInit,
    action: 'read' | 'write'
  ): Promise<IServerAnswer<T>> {
    try {
      return await requestAPI<T>(this._settings, 'qbraidrc', init);
    } catch (error) {
      if (!(error instanceof ServerHalfError)) {
        throw error;
      }
      if (error.code === 'qbraidrc_conflict') {
        throw new QbraidrcConflictError(
          `${this.path} changed on the server since it was read; nothing was written.`,
          { status: error.status, code: error.code, cause: error }
        );
      }
      const what =
        error.code === 'server_unreachable'
          ? `The Jupyter server did not answer while trying to ${action} ${this.path}`
          : `The Jupyter server could not ${action} ${this.path}`;
      throw new ConfigError(`${what}: ${error.message}`, {
        status: error.status,
        code: error.code,
        cause: error
      });
    }
  }
}
