import { ISignal, Signal } from '@lumino/signaling';
import { lazy } from '../lazy';
import { SessionVerbs } from './verbs';
import type { IRequestContext } from './attempt';
import type { ISessionInside } from './calls';
import { ConfigError } from '../rules/errors';
import { fieldsOf } from '../rules/dialects';
import type { ApiVersion } from '../rules/fields';
import {
  assignExplicit,
  changedNames,
  credentialsChanged,
  IExplicit,
  IServerHeldCredentials,
  IState,
  resolveState
} from './resolve';
import type { IQbraidTransport } from '../transport/transport';
import type {
  IQbraidConfigStore,
  IQbraidConnection,
  IQbraidCredentials,
  IQbraidIdentity,
  IQbraidRequestInit,
  IQbraidRetryOptions,
  IQbraidSession,
  QbraidConfigKey,
  QbraidRetryUpdate
} from '../tokens';

import {
  ICandidateValues,
  IQbraidSessionOptions,
  checkedMethod,
  MAX_RESPONSE_BYTES,
  processEnv,
  readAll
} from './options';

export type { ICandidateValues, IQbraidSessionOptions } from './options';
export type { IServerHeldCredentials } from './resolve';

export { MAX_CREDENTIAL_LENGTH } from '../rules/validation';

/**
 * A session to the qBraid API: the browser/Node counterpart of the Python
 * `qbraid.api.QbraidSession` (legacy) and of qbraid-core's `QbraidSessionV1`
 * (v1, the default). Credentials resolve as in the SDKs: the value given,
 * then the config store (qbraidrc), then the environment; the base URL as
 * `resolve.ts` says; the dialect is given or told from the base URL.
 * Requests retry per `RetryPolicy` with the dialect's defaults, answer
 * parsed JSON, reject with `QbraidApiError` kinds whose messages never hold
 * a credential, and never carry one through a redirect to another origin.
 */
export class QbraidSession extends SessionVerbs implements IQbraidSession {
  /** Create a session. Throws `ConfigError` for an unusable value. */
  constructor(options: IQbraidSessionOptions = {}) {
    super();
    this._config = options.config ?? null;
    this._env = options.env ?? processEnv();
    this._transport = options.transport ?? null;
    this._transport?.changed?.connect(this._onRouteChanged, this);
    this._now = options.now ?? Date.now;
    this._maxRetryAfter = options.maxRetryAfter;
    this._context = this._makeContext(
      options.sleep ?? null,
      options.maxResponseBytes ?? MAX_RESPONSE_BYTES
    );
    this.ready = Promise.resolve(options.ready).then(() => {
      this._isReady = true;
    });
    this._explicit = {};
    assignExplicit(this._explicit, options);
    this._state = this._resolve();
    this._config?.changed?.connect(this._onConfigChanged, this);
  }

  /** Resolves once the initial configuration is applied. */
  readonly ready: Promise<void>;

  /** Emitted when credentials or the base URL change. */
  get changed(): ISignal<this, IQbraidSession.IChangedArgs> {
    return this._changed;
  }

  /** The user email: configured, else learnt from the last check. */
  get userEmail(): string | null {
    return this._state.values.userEmail;
  }

  /** The API key (v1 `X-API-Key`, legacy `api-key`). */
  get apiKey(): string | null {
    return this._state.values.apiKey;
  }

  /** The access token (v1 `X-Access-Token`, sent instead of the API key). */
  get accessToken(): string | null {
    return this._state.values.accessToken;
  }

  /** The refresh token (legacy `refresh-token`). */
  get refreshToken(): string | null {
    return this._state.values.refreshToken;
  }

  /** The id token (legacy `id-token`, sent when there is no refresh token). */
  get idToken(): string | null {
    return this._state.values.idToken;
  }

  /** Whether a key or a token is set (or held for the base URL by the Jupyter server). */
  get hasCredentials(): boolean {
    return fieldsOf(this.apiVersion).some(
      field =>
        field.authenticates &&
        (!!this._state.values[field.property] ||
          this._state.serverHeld.has(field.property))
    );
  }

  /** Whether the Jupyter server holds the credentials (none is in this browser). */
  get credentialsOnServer(): boolean {
    return this._server !== null;
  }

  /** The base URL, without a trailing slash. */
  get baseUrl(): string {
    return this._state.baseUrl;
  }

  /** The dialect in use. */
  get apiVersion(): ApiVersion {
    return this._state.dialect.version;
  }

  /** The credential headers sent with every request (a copy). */
  get headers(): Readonly<Record<string, string>> {
    return { ...this._state.headers };
  }

  /** The retry and timeout settings in force. */
  get retryOptions(): Required<IQbraidRetryOptions> {
    return { ...this._state.retry };
  }

  /** Whether `close()` was called. */
  get isClosed(): boolean {
    return this._closed;
  }

  /** Send a request and resolve with the parsed JSON body (`null` when empty). */
  async request<T = unknown>(
    method: string,
    path: string,
    init: IQbraidRequestInit = {}
  ): Promise<T> {
    this._checkOpen();
    const verb = checkedMethod(method);
    if (!this._isReady) {
      await this.ready;
      this._checkOpen();
    }
    if (this._configError) {
      throw this._configError;
    }
    // The request machinery loads with the first request, not with the lab.
    const { send, joinUrl } = await Private.engine();
    this._checkOpen();
    const url = joinUrl(this._state.baseUrl, path, init.params);
    return (await send(this._context, verb, url, init)) as T;
  }

  /**
   * Check the credentials with the dialect's check (v1 `GET /users/verify`,
   * legacy `GET /identity`); fills `userEmail` when none is set, rejects with
   * `AuthError` on refusal or a credential mismatch.
   */
  async verify(init?: IQbraidRequestInit): Promise<IQbraidIdentity> {
    return (await Private.calls()).verify(this, this._inside, init);
  }

  /**
   * Extend the access token's life (v1 `POST /access-tokens/refresh`, as
   * qbraid-core's `refresh_access_token`); resolves with the answer's `data`.
   */
  async refreshAccessToken(
    init?: IQbraidRequestInit
  ): Promise<Record<string, unknown>> {
    return (await Private.calls()).refreshAccessToken(this, init);
  }

  /** The config store's value of `name` (the SDK's `get_config_variable`). */
  getConfigVariable(name: QbraidConfigKey): string | null {
    if (this._server) {
      // The server's qbraidrc: what is not secret, and never a secret.
      const shown = { email: this._server.email, url: this._server.url };
      return name === 'email' || name === 'url' ? shown[name] : null;
    }
    return this._config?.get(name) || null;
  }

  /**
   * Write credentials to the config store (the SDK's `save_config`): the
   * values given, else the session's own, for the fields of the dialect in
   * use, and the base URL as qbraid-core does.
   */
  async saveConfig(values: IQbraidCredentials = {}): Promise<void> {
    return (await Private.calls()).saveConfig(this, this._inside, values);
  }

  /**
   * A session for a candidate set of values (a sign-in about to be saved),
   * resolved as this session would: its API and dialect unless others are
   * given, a white-label key's own API when no base URL is given (as
   * qbraid-core picks it), its retry options for the same dialect, and
   * sent the way this session's requests go. Close it when done.
   */
  async candidate(
    values: ICandidateValues,
    options: { maxRetryAfter?: number } = {}
  ): Promise<QbraidSession> {
    return (await Private.calls()).candidate(
      this,
      values,
      {
        ...options,
        transport: this._transport ?? undefined,
        sleep: this._context.sleep ?? undefined
      },
      given => new QbraidSession(given)
    );
  }

  /**
   * Send requests with `transport` from now on (the plugin that owns the
   * session chooses between the server's proxy and a direct fetch).
   */
  useTransport(transport: IQbraidTransport): void {
    this._transport?.changed?.disconnect(this._onRouteChanged, this);
    this._transport = transport;
    transport.changed?.connect(this._onRouteChanged, this);
    this._onRouteChanged();
  }

  /** How requests to the base URL go. */
  get connection(): IQbraidConnection {
    return (
      this._transport?.route?.(this._state.baseUrl, this._server !== null) ?? {
        via: 'direct',
        reason: null
      }
    );
  }

  /**
   * Reconfigure the session live. Throws `ConfigError` (changing nothing)
   * for an unusable value; emits `changed` when something changed.
   */
  update(values: IQbraidCredentials & QbraidRetryUpdate): void {
    this._checkOpen();
    const explicit = { ...this._explicit };
    try {
      assignExplicit(this._explicit, values);
      this._refresh(true);
    } catch (error) {
      this._explicit = explicit;
      throw error;
    }
  }

  /**
   * Use `store` (or none) as the fallback for values not given directly;
   * emits `changed` when values change.
   */
  setConfigStore(store: IQbraidConfigStore | null): void {
    this._checkOpen();
    if (store === this._config) {
      return;
    }
    this._config?.changed?.disconnect(this._onConfigChanged, this);
    this._config = store;
    this._config?.changed?.connect(this._onConfigChanged, this);
    this._refresh();
  }

  /**
   * Let the Jupyter server hold the credentials (`held`: what it says it
   * holds), or, with `null`, hold them here again. While the server holds
   * them, no secret is read from the values given, the config store or the
   * environment; requests go through the server's proxy, which adds them.
   */
  useServerCredentials(held: IServerHeldCredentials | null): void {
    this._checkOpen();
    this._server = held ? { ...held, held: [...held.held] } : null;
    this._refresh();
  }

  /**
   * Add what reads the credentials again (the settings registry, qbraidrc,
   * the server's held credentials) when the API refuses an access token;
   * the returned function removes it.
   */
  addCredentialsReader(reader: () => Promise<unknown>): () => void {
    this._readers.add(reader);
    return () => this._readers.delete(reader);
  }

  /** Abort requests in flight; later requests reject with `ConfigError`. */
  close(): void {
    if (this._closed) {
      return;
    }
    this._closed = true;
    this._closeController.abort();
    this._config?.changed?.disconnect(this._onConfigChanged, this);
    Signal.clearData(this);
  }

  private _resolve(): IState {
    return resolveState({
      explicit: this._explicit,
      config: this._config,
      env: this._env,
      server: this._server,
      identityEmail: this._identityEmail,
      maxRetryAfter: this._maxRetryAfter,
      now: this._now
    });
  }

  /** Re-resolve and emit `changed`; `strict` rethrows a config error. */
  private _refresh(strict = false): void {
    const previous = this._state;
    let next: IState;
    try {
      next = this._resolve();
      if (this._identityEmail && credentialsChanged(previous, next)) {
        // The email learnt from /identity belonged to the previous credentials.
        this._identityEmail = null;
        next = this._resolve();
      }
      this._configError = null;
    } catch (error) {
      if (strict || !(error instanceof ConfigError)) {
        throw error;
      }
      // A bad value in the config store: keep what works, fail requests clearly.
      this._configError = error;
      return;
    }
    this._state = next;
    const changed = changedNames(previous, next);
    if (changed.length) {
      this._changed.emit({ changed });
    }
  }

  private _onRouteChanged(): void {
    this._changed.emit({ changed: ['connection'] });
  }

  private _onConfigChanged(): void {
    this._refresh();
  }

  /** What the request machinery reads of this session. */
  private _makeContext(
    sleep: IRequestContext['sleep'],
    maxResponseBytes: number
  ): IRequestContext {
    return {
      state: () => this._state,
      transport: () => this._transport,
      serverCredentials: () => this._server !== null,
      closed: this._closeController.signal,
      maxResponseBytes,
      sleep,
      secrets: () => this._secrets(),
      // An access token was sent, or the server adds one.
      sentAccessToken: headers =>
        this._server
          ? this._state.serverHeld.has('accessToken')
          : !!headers['x-access-token'],
      credentialStamp: () =>
        this._server
          ? JSON.stringify([this._server.held, this._server.revision ?? null])
          : JSON.stringify(this._state.headers),
      rereadCredentials: () => readAll(this._readers),
      checkOpen: () => this._checkOpen()
    };
  }

  /** What the session's calls (`calls.ts`) read and change of it. */
  private readonly _inside: ISessionInside = {
    state: () => this._state,
    config: () => (this._server ? null : this._config),
    serverHeld: () => this._server !== null,
    secrets: () => this._secrets(),
    learnEmail: email => {
      this._identityEmail = email;
      this._refresh();
    },
    refresh: () => this._refresh()
  };

  private _secrets(): string[] {
    return Object.values(this._state.values).filter((s): s is string => !!s);
  }

  private _checkOpen(): void {
    if (this._closed) {
      throw new ConfigError('The qBraid session is closed.', {
        code: 'closed'
      });
    }
  }

  private readonly _context: IRequestContext;
  private _config: IQbraidConfigStore | null;
  private readonly _env: Record<string, string | undefined>;
  private _transport: IQbraidTransport | null;
  private readonly _now: () => number;
  private readonly _maxRetryAfter: number | undefined;
  private readonly _closeController = new AbortController();
  private readonly _changed = new Signal<this, IQbraidSession.IChangedArgs>(
    this
  );
  private _explicit: IExplicit;
  private _state: IState;
  private _identityEmail: string | null = null;
  private _server: IServerHeldCredentials | null = null;
  private readonly _readers = new Set<() => Promise<unknown>>();
  private _configError: ConfigError | null = null;
  private _closed = false;
  private _isReady = false;
}

namespace Private {
  /** The calls beyond one request, loaded with the first. */
  export const calls = lazy(
    () => import(/* webpackChunkName: "setup" */ './calls')
  );

  /** The request machinery, loaded with the first request. */
  export const engine = lazy(
    () => import(/* webpackChunkName: "setup" */ './attempt')
  );
}
