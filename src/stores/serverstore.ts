import type { ServerConnection } from '@jupyterlab/services';
import { Poll } from '@lumino/polling';
import {
  ApiVersion,
  CREDENTIAL_FIELDS,
  CredentialSetting,
  QbraidConfigKey
} from '../rules/fields';
import type { IServerHeldCredentials, QbraidSession } from '../session/session';
import type { IQbraidIdentity, IQbraidKeyStore } from '../tokens';
import { requestAPI, ServerHalfError } from '../transport/serverhalf';
import type { IQbraidSettings } from './settings';
import { ISettingsKeyStoreOptions, SettingsKeyStore } from './settingsstore';

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
  /** Whether a JupyterHub handed the server the key (from the user's hub login). */
  from_hub?: boolean;
}

/** What a sign-in to the server answers: the held credentials and the account. */
export interface IServerSignIn extends IHeldCredentials {
  identity: { email: string };
}

/**
 * The key held by the Jupyter server (`keyStorage: server`) in
 * `~/.qbraid/qbraidrc` and its environment, seen from the browser: their
 * names, a sign-in that sends a key once (the server checks it with the API
 * and writes it), and a sign-out. No value of a secret ever comes back; the
 * settings that are no key still apply.
 */
export class ServerKeyStore extends SettingsKeyStore {
  /**
   * Create a store for the Jupyter server of `serverSettings`; nothing is
   * requested before `connect` or `refresh()`.
   */
  constructor(
    private readonly _settings: ServerConnection.ISettings,
    options: ISettingsKeyStoreOptions & { watchMs?: number } = {}
  ) {
    super(options);
    this._watchMs = options.watchMs ?? Private.HELD_INTERVAL;
  }

  /** The kind of store. */
  get kind(): string {
    return 'server';
  }

  /** The Jupyter server keeps qbraidrc: nothing is copied to or from the page. */
  get mirrorsQbraidrc(): boolean {
    return false;
  }

  /**
   * Where the server keeps the key (the file or the environment variables),
   * and why it cannot say when it cannot.
   */
  get location(): string {
    const { state, error } = this;
    if (error) {
      const why =
        error.code === 'not_found' || error.code === 'server_error'
          ? 'this Jupyter server has no qBraid server extension (jupyterlab_qbraid_session), or an older one'
          : error.message;
      return (
        `The key storage setting is "server", but the Jupyter server cannot hold the key: ${why}. ` +
        'Set the key storage to "settings", or ask your administrator.'
      );
    }
    if (!state) {
      return 'The key is held by the Jupyter server.';
    }
    const sources = [...new Set(state.held.map(key => state.sources[key]))];
    const places = sources.map(source =>
      source === 'qbraidrc' ? state.path : `its environment (${source})`
    );
    const hub =
      state.from_hub && sources.some(source => source !== 'qbraidrc')
        ? ' It comes from your JupyterHub login: signing out here clears only ' +
          `${state.path}, and the hub's key stays until an administrator removes it.`
        : '';
    return places.length
      ? `Your key is held by the Jupyter server in ${places.join(' and ')}; this page never sees it.${hub}`
      : `Your key will be held by the Jupyter server in ${state.path}; this page never sees it.`;
  }

  /**
   * Let the server hold the session's credentials, apply the other settings,
   * ask what the server holds (its URL is known before the first request)
   * and again every `watchMs` while the page is visible; a secret the
   * settings still hold is handed to the server.
   */
  async connect(session: QbraidSession): Promise<void> {
    const follow = () =>
      session.useServerCredentials(this._state ?? Private.NOTHING_HELD);
    follow();
    this.changed.connect(follow);
    await super.connect(session);
    // A failure is kept in `error`, which the panel shows.
    await this.refresh().catch(() => undefined);
    if (this._watchMs > 0) {
      this.watch(this._watchMs);
    }
    void this._moveSecrets();
  }

  /**
   * Send the key to the Jupyter server once: it checks it with the API and
   * writes it to qbraidrc; the settings get only what is not secret.
   */
  async signIn(
    values: IQbraidKeyStore.ISignIn,
    signal?: AbortSignal
  ): Promise<IQbraidIdentity> {
    const sent: Partial<Record<QbraidConfigKey, string>> = {
      'api-key': values.apiKey
    };
    if (values.email) {
      sent.email = values.email;
    }
    if (values.baseUrl) {
      sent.url = values.baseUrl;
    }
    const answer = await this.send(sent, signal);
    if (values.apiVersion) {
      await this.save({ apiVersion: values.apiVersion });
    }
    return { ...answer.identity };
  }

  /** Clear the credentials of qbraidrc (what the environment holds stays), then the settings'. */
  async signOut(): Promise<void> {
    const { data } = await requestAPI<IHeldCredentials>(
      this._settings,
      'credentials',
      { method: 'DELETE' }
    );
    this._set(data);
    await super.signOut();
  }

  /** Ask the server again. */
  async reread(): Promise<void> {
    await this.refresh();
  }

  /** What the server holds, as last read; `null` before the first read. */
  get state(): IHeldCredentials | null {
    return this._state;
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
  async send(
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
      token_expires_at: data.token_expires_at ?? null,
      from_hub: data.from_hub === true
    };
    if (this._error || JSON.stringify(state) !== JSON.stringify(this._state)) {
      this._state = state;
      this._error = null;
      this._changed.emit();
    }
  }

  /** Hand the secrets the settings still hold to the server, and say so. */
  private async _moveSecrets(): Promise<void> {
    const settings = this.options.settings;
    if (!settings) {
      return;
    }
    try {
      const moved = await moveSecretsToServer(
        settings.composite as IQbraidSettings,
        this,
        names => this.save(Object.fromEntries(names.map(name => [name, ''])))
      );
      if (moved.length) {
        this.options.notify?.(
          'info',
          this.trans.__(
            'Your qBraid credentials moved from the settings to the Jupyter server (~/.qbraid/qbraidrc); this page no longer holds them.'
          )
        );
      }
    } catch (error) {
      this.options.notify?.(
        'warning',
        this.trans.__(
          'Your qBraid settings still hold a key, which is not used while the Jupyter server holds the credentials; the server did not take it: %1 Sign in from the qBraid panel.',
          (error as Error).message
        )
      );
    }
  }

  private _state: IHeldCredentials | null = null;
  private _error: ServerHalfError | null = null;
  private _poll: Poll | null = null;
  private readonly _watchMs: number;
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
  await store.send(values);
  const names = secrets.map(field => field.setting);
  await clear(names);
  return names;
}

namespace Private {
  /** What the session assumes the server holds before the server said. */
  export const NOTHING_HELD: IServerHeldCredentials = {
    held: [],
    email: null,
    url: null
  };

  /** How often the server is asked again what it holds (a kernel may change qbraidrc). */
  export const HELD_INTERVAL = 30 * 1000;
}
