import type { ServerConnection } from '@jupyterlab/services';
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';
import {
  ApiVersion,
  CREDENTIAL_FIELDS,
  CredentialSetting,
  QbraidConfigKey
} from '../fields';
import { requestAPI, ServerHalfError } from './serverhalf';

/**
 * What the Jupyter server says it holds (`GET qbraid-session/credentials`):
 * names and where each comes from, never a value.
 */
export interface IHeldCredentials {
  /** The qbraidrc keys of the credentials that authenticate, e.g. `api-key`. */
  held: QbraidConfigKey[];
  /** Where each comes from: `qbraidrc`, or the environment variable's name. */
  sources: Partial<Record<QbraidConfigKey, string>>;
  /** The account's email, when qbraidrc (or the environment) names one. */
  email: string | null;
  /** The API URL the credentials are for (the server adds them there only). */
  url: string;
  /** Where the URL comes from: `qbraidrc`, `QBRAID_API_URL`, `API key` or `default`. */
  url_source: string;
  /** The dialect of that URL. */
  api_version: ApiVersion;
  /** The qbraidrc the server reads, `~`-shortened. */
  path: string;
  /** Changes when the values held change (a keyed hash, never a value). */
  revision: string;
  /** When the access token the server holds and keeps alive expires (Unix seconds), if known. */
  token_expires_at?: number | null;
}

/**
 * What a sign-in to the server answers: the held credentials and the account.
 */
export interface IServerSignIn extends IHeldCredentials {
  identity: { email: string };
}

/**
 * The credentials the Jupyter server holds in `~/.qbraid/qbraidrc` and its
 * environment, seen from the browser: their names, a sign-in that sends a key
 * once (the server checks it with the API and writes it), and a sign-out.
 * No value of a secret ever comes back.
 */
export class ServerKeyStore {
  /**
   * Create a store for the Jupyter server of `settings`; nothing is requested
   * before `refresh()`.
   */
  constructor(private readonly _settings: ServerConnection.ISettings) {}

  /** What the server holds, as last read; `null` before the first read. */
  get state(): IHeldCredentials | null {
    return this._state;
  }

  /** Emitted when `state` changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Why the server could not say what it holds at the last read, or `null`. */
  get error(): ServerHalfError | null {
    return this._error;
  }

  /** Ask the server what it holds now; a failure is kept in `error` and rethrown. */
  async refresh(): Promise<IHeldCredentials> {
    try {
      const { data } = await requestAPI<IHeldCredentials>(
        this._settings,
        'credentials'
      );
      this._set(data);
      return data;
    } catch (error) {
      const failure =
        error instanceof ServerHalfError
          ? error
          : new ServerHalfError(String(error), 0, 'server_error');
      if (failure.message !== this._error?.message) {
        this._error = failure;
        this._changed.emit();
      }
      throw failure;
    }
  }

  /**
   * Read again every `intervalMs` while the page is visible (a kernel or a
   * terminal may change qbraidrc), until `unwatch()`.
   */
  watch(intervalMs: number): void {
    if (this._poll) {
      return;
    }
    this._poll = new Poll({
      factory: () => this.refresh(),
      frequency: { interval: intervalMs, backoff: true, max: 10 * intervalMs },
      standby: 'when-hidden',
      auto: false
    });
    void this._poll.start();
  }

  /** Stop reading again. */
  unwatch(): void {
    this._poll?.dispose();
    this._poll = null;
  }

  /**
   * Send credentials to the server, which checks them with the API and,
   * once they pass, writes them to qbraidrc; rejects with the server's
   * `ServerHalfError` (`credentials_refused`, `credential_mismatch`, ...).
   */
  async signIn(
    values: Partial<Record<QbraidConfigKey, string>>,
    signal?: AbortSignal
  ): Promise<IServerSignIn> {
    const { data } = await requestAPI<IServerSignIn>(
      this._settings,
      'credentials',
      { method: 'PUT', body: JSON.stringify({ values }), signal }
    );
    this._set(data);
    return data;
  }

  /** Clear the credentials of qbraidrc; what the environment holds stays. */
  async signOut(): Promise<IHeldCredentials> {
    const { data } = await requestAPI<IHeldCredentials>(
      this._settings,
      'credentials',
      { method: 'DELETE' }
    );
    this._set(data);
    return data;
  }

  private _set(data: IHeldCredentials): void {
    const state: IHeldCredentials = {
      held: data.held,
      sources: data.sources,
      email: data.email,
      url: data.url,
      url_source: data.url_source,
      api_version: data.api_version,
      path: data.path,
      revision: data.revision,
      token_expires_at: data.token_expires_at ?? null
    };
    if (this._error || JSON.stringify(state) !== JSON.stringify(this._state)) {
      this._state = state;
      this._error = null;
      this._changed.emit();
    }
  }

  private _state: IHeldCredentials | null = null;
  private _error: ServerHalfError | null = null;
  private _poll: Poll | null = null;
  private readonly _changed = new Signal<this, void>(this);
}

/**
 * Hand the secrets the settings still hold to the Jupyter server, which
 * checks them with the API as a sign-in does and keeps them in qbraidrc;
 * once it has, `clear` removes them from the settings. Resolves with what
 * was moved (setting names; none when the settings hold no secret).
 * Rejects, leaving the settings as they are, when the server refuses them.
 */
export async function moveSecretsToServer(
  settings: Partial<Record<CredentialSetting | 'baseUrl', string>>,
  store: ServerKeyStore,
  clear: (names: CredentialSetting[]) => Promise<void>
): Promise<CredentialSetting[]> {
  const secrets = CREDENTIAL_FIELDS.filter(
    field => field.secret && settings[field.setting]?.trim()
  );
  if (!secrets.length) {
    return [];
  }
  const values: Partial<Record<QbraidConfigKey, string>> = {};
  for (const field of CREDENTIAL_FIELDS) {
    const value = settings[field.setting]?.trim();
    if (value) {
      values[field.configKey] = value;
    }
  }
  if (settings.baseUrl?.trim()) {
    values.url = settings.baseUrl.trim();
  }
  await store.signIn(values);
  const names = secrets.map(field => field.setting);
  await clear(names);
  return names;
}
