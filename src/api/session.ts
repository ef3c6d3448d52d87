import { ISignal, Signal } from '@lumino/signaling';
import {
  AuthError,
  ConfigError,
  InsufficientCreditsError,
  QbraidApiError,
  QbraidNetworkError
} from './errors';
import {
  credentialHeaders,
  detectApiVersion,
  DIALECTS,
  endpointForApiKey,
  fieldsOf,
  IDialect
} from './dialects';
import {
  ApiVersion,
  CREDENTIAL_FIELDS,
  CREDENTIAL_HEADERS,
  CredentialProperty
} from '../fields';
import { redact } from './redact';
import { checkCredential, MAX_CREDENTIAL_LENGTH } from './validation';
import { AttemptFailure, RETRY_OPTIONS, RetryPolicy } from './retry';
import { IQbraidTransport, QbraidTransport, TransportError } from './transport';
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
import { joinUrl, normalizeBaseUrl, originOf } from './url';

/**
 * Options of a QbraidSession: the SDK's constructor arguments plus what the
 * browser needs injected (config store, transport, clock).
 */
export interface IQbraidSessionOptions
  extends IQbraidCredentials, QbraidRetryUpdate {
  /** Where credentials come from when not given (the qbraidrc). */
  config?: IQbraidConfigStore;
  /**
   * Environment variables consulted after the config store (the field
   * table's: `QBRAID_API_KEY`, `QBRAID_ACCESS_TOKEN`, `QBRAID_API_URL`,
   * `JUPYTERHUB_USER`, ...); `process.env` in Node.
   */
  env?: Record<string, string | undefined>;
  /** What sends requests; by default a direct `QbraidTransport` on the global fetch. */
  transport?: IQbraidTransport;
  /** Waits between retries; resolves after `ms`, rejects when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Milliseconds since the epoch (for HTTP-date `Retry-After`). */
  now?: () => number;
  /** Requests wait for this before they start (e.g. user settings loaded). */
  ready?: Promise<unknown>;
  /** Longest `Retry-After` in seconds that is waited for (default: the dialect's, v1 5, legacy 120). */
  maxRetryAfter?: number;
  /** Largest answer read, in bytes; a longer one is cut off with an error (default 16 MB). */
  maxResponseBytes?: number;
}

export { MAX_CREDENTIAL_LENGTH } from './validation';

/**
 * What the Jupyter server holds when it keeps the credentials (the
 * `keyStorage` setting is `server`): names, never values.
 */
export interface IServerHeldCredentials {
  /** The qbraidrc keys of the credentials the server holds, e.g. `api-key`. */
  readonly held: ReadonlyArray<QbraidConfigKey>;
  /** The account's email the server knows, if any. */
  readonly email: string | null;
  /** The API URL the server adds them for (`null`: not known yet). */
  readonly url: string | null;
  /** Changes when the values held change (a keyed hash; never a value). */
  readonly revision?: string;
}

/**
 * A session to the qBraid API: the browser/Node counterpart of the Python
 * `qbraid.api.QbraidSession` (legacy dialect) and of qbraid-core's
 * `QbraidSessionV1` (v1 dialect, the default).
 *
 * Credentials resolve as in the SDKs: the value given (argument or `update`),
 * then the config store (qbraidrc), then the environment. The base URL
 * resolves, for v1, from the argument, `QBRAID_API_URL`, the host a
 * white-label API key names, qbraidrc `url`, then
 * `https://api-v2.qbraid.com/api/v1`; for legacy from the argument, qbraidrc
 * `url`, then `https://api.qbraid.com/api`. The dialect (`apiVersion`) is
 * given, or told from the base URL. Credentials are sent as the dialect's
 * headers (see `fields.ts`). Requests retry per `RetryPolicy` with the
 * dialect's defaults, answer parsed JSON, reject with `QbraidApiError` kinds
 * whose messages never contain a credential, and never carry a credential
 * through a redirect to another origin.
 */
export class QbraidSession implements IQbraidSession {
  /**
   * Create a session. Throws `ConfigError` for an unusable value.
   */
  constructor(options: IQbraidSessionOptions = {}) {
    this._config = options.config ?? null;
    this._env =
      options.env ??
      (typeof process !== 'undefined' && process.env ? process.env : {});
    this._transport = options.transport ?? new QbraidTransport();
    this._transport.changed?.connect(this._onRouteChanged, this);
    this._sleep = options.sleep ?? Private.sleep;
    this._now = options.now ?? Date.now;
    this._maxRetryAfter = options.maxRetryAfter;
    this._maxResponseBytes =
      options.maxResponseBytes ?? Private.MAX_RESPONSE_BYTES;
    this.ready = Promise.resolve(options.ready).then(() => {
      this._isReady = true;
    });
    this._explicit = {};
    this._assign(options);
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

  /**
   * Send a request and resolve with the parsed JSON body (`null` when empty).
   */
  async request<T = unknown>(
    method: string,
    path: string,
    init: IQbraidRequestInit = {}
  ): Promise<T> {
    const verb = method.toUpperCase();
    this._checkOpen();
    if (!Private.METHOD.test(verb) || Private.FORBIDDEN_METHODS.has(verb)) {
      throw new ConfigError(
        `"${method}" is not a method fetch can send (CONNECT, TRACE and TRACK are forbidden).`,
        { code: 'invalid_method' }
      );
    }
    if (!this._isReady) {
      await this.ready;
      this._checkOpen();
    }
    if (this._configError) {
      throw this._configError;
    }
    const url = joinUrl(this._state.baseUrl, path, init.params);
    // Header names are lower case in the state; per-call ones are merged in.
    const credentials = () => {
      const headers = init.headers
        ? Private.mergeHeaders(this._state.headers, init.headers)
        : { ...this._state.headers };
      const secrets = init.headers
        ? [...this._secrets(), ...Private.credentialValues(headers)]
        : this._secrets();
      if (init.json !== undefined) {
        headers['content-type'] ??= 'application/json';
      }
      return { headers, secrets };
    };
    let { headers, secrets } = credentials();
    const body =
      init.json !== undefined ? JSON.stringify(init.json) : (init.body ?? null);
    const timeout = init.timeout ?? this._state.retry.timeout;
    const policy = this._state.policy;
    const failures: AttemptFailure[] = [];
    let reread = false;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this._attempt(
        { method: verb, url, headers, body },
        { signal: init.signal, timeout, attempt, secrets }
      );
      if (outcome.ok) {
        return outcome.value as T;
      }
      if (
        !reread &&
        outcome.failure.kind === 'status' &&
        outcome.failure.status === 401 &&
        this._sentAccessToken(headers)
      ) {
        // A rotated token: read the credentials again, once; retried once
        // only with other credentials, never with the same.
        reread = true;
        const before = this._credentialStamp();
        await this._rereadCredentials();
        if (this._credentialStamp() !== before && !this._closed) {
          ({ headers, secrets } = credentials());
          continue;
        }
      }
      const decision = policy.decide(verb, failures, outcome.failure);
      failures.push(outcome.failure);
      if (!decision.retry) {
        throw outcome.error;
      }
      await this._wait(decision.delayMs, init.signal, attempt, secrets);
    }
  }

  /** Sends a GET request. */
  get<T = unknown>(path: string, init?: IQbraidRequestInit): Promise<T> {
    return this.request<T>('GET', path, init);
  }

  /** Sends a HEAD request. */
  head(path: string, init?: IQbraidRequestInit): Promise<null> {
    return this.request<null>('HEAD', path, init);
  }

  /** Sends an OPTIONS request. */
  options<T = unknown>(path: string, init?: IQbraidRequestInit): Promise<T> {
    return this.request<T>('OPTIONS', path, init);
  }

  /** Sends a DELETE request. */
  delete<T = unknown>(path: string, init?: IQbraidRequestInit): Promise<T> {
    return this.request<T>('DELETE', path, init);
  }

  /** Sends a POST request with `json` as its body. */
  post<T = unknown>(
    path: string,
    json?: unknown,
    init?: IQbraidRequestInit
  ): Promise<T> {
    return this.request<T>('POST', path, { ...init, json });
  }

  /** Sends a PUT request with `json` as its body. */
  put<T = unknown>(
    path: string,
    json?: unknown,
    init?: IQbraidRequestInit
  ): Promise<T> {
    return this.request<T>('PUT', path, { ...init, json });
  }

  /** Sends a PATCH request with `json` as its body. */
  patch<T = unknown>(
    path: string,
    json?: unknown,
    init?: IQbraidRequestInit
  ): Promise<T> {
    return this.request<T>('PATCH', path, { ...init, json });
  }

  /**
   * Check the credentials with the dialect's check (v1 `GET /users/verify`,
   * legacy `GET /identity`); fills `userEmail` when none is set, rejects with
   * `AuthError` on refusal or a credential mismatch.
   */
  async verify(init?: IQbraidRequestInit): Promise<IQbraidIdentity> {
    if (!this.hasCredentials) {
      throw new AuthError(
        'No qBraid credentials are configured: set an API key first.',
        { code: 'no_credentials' }
      );
    }
    const dialect = this._state.dialect;
    const answer = await this.get(dialect.verifyPath, init);
    const identity = dialect.identity(answer);
    if (!identity) {
      throw new QbraidApiError(
        `The qBraid API answered ${dialect.verifyPath} without an email.`,
        { code: 'invalid_identity', secrets: this._secrets() }
      );
    }
    const email = identity.email;
    const configured = this.userEmail;
    if (configured && configured.toLowerCase() !== email.toLowerCase()) {
      throw new AuthError(
        `Credential mismatch: these credentials belong to ${email}, not to the email configured for this session.`,
        { status: 200, code: 'credential_mismatch', secrets: this._secrets() }
      );
    }
    if (!configured) {
      this._identityEmail = email;
      this._refresh();
    }
    return identity;
  }

  /**
   * Extend the access token's life (v1 `POST /access-tokens/refresh`, as
   * qbraid-core's `refresh_access_token`); resolves with the answer's `data`.
   */
  async refreshAccessToken(
    init?: IQbraidRequestInit
  ): Promise<Record<string, unknown>> {
    if (this.apiVersion !== 'v1') {
      throw new ConfigError(
        'Access tokens exist only on the qBraid API v1; this session speaks the legacy API.',
        { code: 'unsupported_dialect' }
      );
    }
    if (!this.accessToken) {
      throw new AuthError('This session has no access token to refresh.', {
        code: 'no_credentials'
      });
    }
    const answer = await this.post<{ data?: unknown } | null>(
      '/access-tokens/refresh',
      undefined,
      init
    );
    const data = answer?.data;
    return data && typeof data === 'object'
      ? (data as Record<string, unknown>)
      : {};
  }

  /** The config store's value of `name` (the SDK's `get_config_variable`). */
  getConfigVariable(name: QbraidConfigKey): string | null {
    if (this._server) {
      // The server's qbraidrc: what is not secret, and never a secret.
      return name === 'email'
        ? this._server.email
        : name === 'url'
          ? this._server.url
          : null;
    }
    return this._config?.get(name) || null;
  }

  /**
   * Write credentials to the config store (the SDK's `save_config`): the
   * values given, else the session's own, for the fields of the dialect in
   * use, and the base URL as qbraid-core does.
   */
  async saveConfig(values: IQbraidCredentials = {}): Promise<void> {
    if (this._server) {
      throw new ConfigError(
        'The Jupyter server holds the qBraid credentials (the key storage setting is "server"): ' +
          'sign in from the qBraid panel, which sends the key to the server once.',
        { code: 'credentials_on_server' }
      );
    }
    if (!this._config) {
      throw new ConfigError('This session has no config store to save to.', {
        code: 'no_config_store'
      });
    }
    const saved: Partial<Record<QbraidConfigKey, string | null>> = {};
    for (const field of fieldsOf(this.apiVersion)) {
      const given = values[field.property];
      const value = given !== undefined ? given : this[field.property];
      saved[field.configKey] = checkCredential(field.property, value) || null;
    }
    saved.url = normalizeBaseUrl(values.baseUrl || this.baseUrl);
    await this._config.save(saved);
    this._refresh();
  }

  /**
   * Send requests with `transport` from now on (the plugin that owns the
   * session chooses between the server's proxy and a direct fetch).
   */
  useTransport(transport: IQbraidTransport): void {
    this._transport.changed?.disconnect(this._onRouteChanged, this);
    this._transport = transport;
    transport.changed?.connect(this._onRouteChanged, this);
    this._onRouteChanged();
  }

  /** What sends the requests (a sign-in probe sends its check the same way). */
  get transport(): IQbraidTransport {
    return this._transport;
  }

  /** How requests to the base URL go. */
  get connection(): IQbraidConnection {
    return (
      this._transport.route?.(this._state.baseUrl, this._server !== null) ?? {
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
      this._assign(values);
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
    this._inflight.forEach(controller => controller.abort());
    this._inflight.clear();
    this._config?.changed?.disconnect(this._onConfigChanged, this);
    Signal.clearData(this);
  }

  /** One attempt: an answer, or the failure and the error it would end with. */
  private async _attempt(
    request: {
      method: string;
      url: string;
      headers: Record<string, string>;
      body: string | null;
    },
    context: {
      signal?: AbortSignal;
      timeout: number;
      attempt: number;
      secrets: string[];
    }
  ): Promise<Private.Outcome> {
    const { attempt, secrets } = context;
    // One controller per attempt, known to close(); no listener is added to a
    // signal that outlives the attempt (a Request follows its signal until GC).
    const controller = new AbortController();
    this._inflight.add(controller);
    const abort = () => controller.abort();
    context.signal?.addEventListener('abort', abort);
    if (context.signal?.aborted || this._closed) {
      controller.abort();
    }
    let timedOut = false;
    const timer =
      context.timeout > 0
        ? setTimeout(() => {
            timedOut = true;
            controller.abort();
          }, context.timeout)
        : null;
    // Only error messages need it.
    const origin = () => new URL(request.url).origin;
    try {
      const response = await this._transport.send({
        ...request,
        signal: controller.signal,
        serverCredentials: this._server !== null
      });
      const text =
        request.method === 'HEAD'
          ? ''
          : await Private.readText(response, this._maxResponseBytes, request);
      if (response.ok) {
        return { ok: true, value: Private.parseBody(text, response, secrets) };
      }
      return {
        ok: false,
        failure: {
          kind: 'status',
          status: response.status,
          retryAfter: response.headers.get('Retry-After')
        },
        error: Private.responseError(request, response, text, attempt, secrets)
      };
    } catch (error) {
      this._checkOpen();
      if (context.signal?.aborted) {
        throw new QbraidApiError(`The request to ${origin()} was aborted.`, {
          code: 'aborted',
          attempts: attempt,
          cause: context.signal.reason
        });
      }
      if (error instanceof QbraidApiError) {
        throw error;
      }
      if (timedOut) {
        return {
          ok: false,
          failure: { kind: 'read' },
          error: new QbraidNetworkError(
            `The qBraid API at ${origin()} did not answer within ${context.timeout} ms (${attempt} attempt${attempt > 1 ? 's' : ''}).`,
            'timeout',
            { attempts: attempt, secrets }
          )
        };
      }
      const kind = error instanceof TransportError ? error.kind : 'read';
      const via = error instanceof TransportError ? error.via : 'direct';
      const detail = error instanceof Error ? error.message : String(error);
      const cors =
        via === 'direct'
          ? ' In a browser this is also what a refused CORS preflight looks like: the API must allow ' +
            "this page's origin and the credential headers."
          : '';
      return {
        ok: false,
        failure: { kind },
        error: new QbraidNetworkError(
          `Could not ${kind === 'connect' ? 'connect to' : 'get an answer from'} the qBraid API at ${origin()} ` +
            `${via === 'server' ? 'through the Jupyter server ' : ''}(${attempt} attempt${attempt > 1 ? 's' : ''}): ${detail}.${cors}`,
          kind,
          { attempts: attempt, cause: error, secrets, via }
        )
      };
    } finally {
      if (timer !== null) {
        clearTimeout(timer);
      }
      this._inflight.delete(controller);
      context.signal?.removeEventListener('abort', abort);
    }
  }

  private async _wait(
    ms: number,
    signal: AbortSignal | undefined,
    attempt: number,
    secrets: string[]
  ): Promise<void> {
    const controller = new AbortController();
    const abort = () => controller.abort();
    const linked = [this._closeController.signal, signal].filter(
      (s): s is AbortSignal => !!s
    );
    linked.forEach(s => s.addEventListener('abort', abort));
    try {
      if (linked.some(s => s.aborted)) {
        controller.abort();
      }
      await this._sleep(ms, controller.signal);
    } catch (error) {
      this._checkOpen();
      throw new QbraidApiError('The request was aborted between retries.', {
        code: 'aborted',
        attempts: attempt,
        cause: error,
        secrets
      });
    } finally {
      linked.forEach(s => s.removeEventListener('abort', abort));
    }
  }

  private _assign(values: IQbraidCredentials & QbraidRetryUpdate): void {
    for (const { property } of CREDENTIAL_FIELDS) {
      const value = values[property];
      if (value !== undefined) {
        this._explicit[property] = checkCredential(property, value) || null;
      }
    }
    if (values.baseUrl !== undefined) {
      this._explicit.baseUrl = values.baseUrl
        ? normalizeBaseUrl(values.baseUrl)
        : null;
    }
    if (values.apiVersion !== undefined) {
      const version = values.apiVersion || 'auto';
      if (version !== 'auto' && !Object.keys(DIALECTS).includes(version)) {
        throw new ConfigError(
          `apiVersion must be "auto", "v1" or "legacy", got "${String(version)}".`,
          { code: 'invalid_option' }
        );
      }
      this._explicit.apiVersion = version;
    }
    for (const key of RETRY_OPTIONS) {
      if (values[key] !== undefined) {
        this._explicit[key] = values[key];
      }
    }
  }

  /** The retry options in force for `dialect` and their policy. */
  private _makePolicy(dialect: IDialect): {
    retry: Required<IQbraidRetryOptions>;
    policy: RetryPolicy;
  } {
    const retry = { ...dialect.retry };
    for (const key of RETRY_OPTIONS) {
      const value = this._explicit[key];
      if (value !== undefined && value !== null) {
        retry[key] = value;
      }
    }
    if (!Number.isFinite(retry.timeout) || retry.timeout < 0) {
      throw new ConfigError(
        `timeout must be a number of milliseconds >= 0, got ${String(retry.timeout)}`,
        { code: 'invalid_option' }
      );
    }
    try {
      const policy = new RetryPolicy({
        total: retry.retriesTotal,
        connect: retry.retriesConnect,
        backoffFactor: retry.backoffFactor,
        maxRetryAfter: this._maxRetryAfter ?? dialect.maxRetryAfter,
        retryAfterMillisecondsAbove: dialect.retryAfterMillisecondsAbove,
        now: this._now
      });
      return { retry, policy };
    } catch (error) {
      throw new ConfigError((error as Error).message, {
        code: 'invalid_option'
      });
    }
  }

  /**
   * Resolve every value: explicit, then config store, then environment, then
   * default; the dialect is the one asked for, else the base URL's.
   */
  private _resolve(): Private.IState {
    const server = this._server;
    if (server) {
      return this._resolveOnServer(server);
    }
    const config = (key: QbraidConfigKey) => this._config?.get(key) || null;
    const env = (names: ReadonlyArray<string> = []) =>
      names.map(name => this._env[name]).find(value => !!value) || null;
    const credentials = (version: ApiVersion) => {
      const values = {} as Record<CredentialProperty, string | null>;
      for (const field of CREDENTIAL_FIELDS) {
        const { property } = field;
        values[property] = field.dialects.includes(version)
          ? this._explicit[property] ||
            checkCredential(property, config(field.configKey)) ||
            checkCredential(property, env(field.env[version])) ||
            null
          : null;
      }
      values.userEmail ??= this._identityEmail;
      return values;
    };
    const requested = this._explicit.apiVersion ?? 'auto';
    // `auto` resolves as today's API does, then speaks what the URL speaks.
    let dialect = DIALECTS[requested === 'auto' ? 'v1' : requested];
    let values = credentials(dialect.version);
    const baseUrl = normalizeBaseUrl(
      this._explicit.baseUrl ||
        env(dialect.urlEnv) ||
        (dialect.keyNamesHost && !values.accessToken
          ? endpointForApiKey(values.apiKey)
          : null) ||
        config('url') ||
        dialect.defaultBaseUrl
    );
    const spoken = detectApiVersion(baseUrl);
    if (requested === 'auto' && spoken !== dialect.version) {
      dialect = DIALECTS[spoken];
      values = credentials(dialect.version);
    }
    return this._stateOf(dialect, values, baseUrl, new Set());
  }

  /** The state of these resolved values: their headers and retry policy. */
  private _stateOf(
    dialect: IDialect,
    values: Record<CredentialProperty, string | null>,
    baseUrl: string,
    serverHeld: ReadonlySet<CredentialProperty>
  ): Private.IState {
    return {
      dialect,
      values,
      baseUrl,
      headers: {
        ...dialect.fixedHeaders,
        ...credentialHeaders(dialect.version, values)
      },
      serverHeld,
      ...this._makePolicy(dialect)
    };
  }

  /**
   * The values in force while the server holds the credentials: no secret;
   * the email and URL given, else the server's; the server's credentials
   * count only for the origin it adds them to.
   */
  private _resolveOnServer(server: IServerHeldCredentials): Private.IState {
    const requested = this._explicit.apiVersion ?? 'auto';
    const baseUrl = normalizeBaseUrl(
      this._explicit.baseUrl ||
        server.url ||
        DIALECTS[requested === 'auto' ? 'v1' : requested].defaultBaseUrl
    );
    const dialect =
      DIALECTS[requested === 'auto' ? detectApiVersion(baseUrl) : requested];
    const values = {} as Record<CredentialProperty, string | null>;
    const serverHeld = new Set<CredentialProperty>();
    const sameOrigin =
      server.url !== null && originOf(server.url) === originOf(baseUrl);
    for (const field of CREDENTIAL_FIELDS) {
      const read = field.dialects.includes(dialect.version);
      values[field.property] =
        read && !field.secret
          ? this._explicit[field.property] ||
            server.email ||
            this._identityEmail
          : null;
      if (read && sameOrigin && server.held.includes(field.configKey)) {
        serverHeld.add(field.property);
      }
    }
    return this._stateOf(dialect, values, baseUrl, serverHeld);
  }

  /** Re-resolve and emit `changed`; `strict` rethrows a config error. */
  private _refresh(strict = false): void {
    const previous = this._state;
    let next: Private.IState;
    try {
      next = this._resolve();
      if (this._identityEmail && Private.credentialsChanged(previous, next)) {
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
    const changed = Private.changedNames(previous, next);
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

  /** Whether the credentials of a request include an access token (sent, or added by the server). */
  private _sentAccessToken(headers: Record<string, string>): boolean {
    return this._server
      ? this._state.serverHeld.has('accessToken')
      : !!headers['x-access-token'];
  }

  /** What identifies the credentials in force (compared, never shown). */
  private _credentialStamp(): string {
    return this._server
      ? JSON.stringify([this._server.held, this._server.revision ?? null])
      : JSON.stringify(this._state.headers);
  }

  /** Every reader, one after the other; a reader that fails is passed over. */
  private async _rereadCredentials(): Promise<void> {
    for (const reader of [...this._readers]) {
      try {
        await reader();
      } catch {
        // The credentials stay as they were read last.
      }
    }
  }

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

  private _config: IQbraidConfigStore | null;
  private readonly _env: Record<string, string | undefined>;
  private _transport: IQbraidTransport;
  private readonly _sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly _now: () => number;
  private readonly _maxRetryAfter: number | undefined;
  private readonly _maxResponseBytes: number;
  private readonly _closeController = new AbortController();
  private readonly _inflight = new Set<AbortController>();
  private readonly _changed = new Signal<this, IQbraidSession.IChangedArgs>(
    this
  );
  private _explicit: Private.IExplicit;
  private _state: Private.IState;
  private _identityEmail: string | null = null;
  private _server: IServerHeldCredentials | null = null;
  private readonly _readers = new Set<() => Promise<unknown>>();
  private _configError: ConfigError | null = null;
  private _closed = false;
  private _isReady = false;
}

namespace Private {
  export const METHOD = /^[A-Z]+$/;

  /** The largest answer read (the server half's proxy has the same cap). */
  export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

  /** How much of a message from the API is shown. */
  export const EXCERPT = 300;

  /**
   * How much of an answer is looked at for an excerpt: enough for any secret
   * (a credential's longest) to be found whole before the cut.
   */
  const EXCERPT_SOURCE = EXCERPT + 2 * MAX_CREDENTIAL_LENGTH;

  /**
   * The answer's text, read as a stream and cut off past `cap` bytes with an
   * error that says so (an endless answer must not fill the tab's memory).
   */
  export async function readText(
    response: Response,
    cap: number,
    request: { method: string; url: string }
  ): Promise<string> {
    const tooLarge = () =>
      new QbraidApiError(
        `The qBraid API's answer to ${request.method} ${new URL(request.url).pathname} is larger than ` +
          `${Math.round(cap / 1024 / 1024)} MB; it was not read further.`,
        { status: response.status, code: 'response_too_large' }
      );
    if (Number(response.headers.get('Content-Length')) > cap) {
      await response.body?.cancel().catch(() => undefined);
      throw tooLarge();
    }
    const body = response.body;
    if (!body || typeof body.getReader !== 'function') {
      return response.text();
    }
    const reader = body.getReader();
    const decoder = new TextDecoder();
    const parts: string[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        break;
      }
      size += value.byteLength;
      if (size > cap) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      parts.push(decoder.decode(value, { stream: true }));
    }
    parts.push(decoder.decode());
    return parts.join('');
  }

  /** Methods the Fetch standard refuses to send. */
  export const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

  /** What was given directly (arguments, `update`): `null` clears. */
  export type IExplicit = Partial<
    Record<CredentialProperty | 'baseUrl', string | null>
  > &
    QbraidRetryUpdate & { apiVersion?: IQbraidCredentials['apiVersion'] };

  export interface IState {
    dialect: IDialect;
    values: Record<CredentialProperty, string | null>;
    baseUrl: string;
    headers: Record<string, string>;
    /** The credentials the Jupyter server holds and adds for this base URL. */
    serverHeld: ReadonlySet<CredentialProperty>;
    retry: Required<IQbraidRetryOptions>;
    policy: RetryPolicy;
  }

  /** Whether a key or token differs (the email learnt from a check belonged to the old ones). */
  export function credentialsChanged(previous: IState, next: IState): boolean {
    return CREDENTIAL_FIELDS.some(
      field =>
        field.authenticates &&
        (previous.values[field.property] !== next.values[field.property] ||
          previous.serverHeld.has(field.property) !==
            next.serverHeld.has(field.property))
    );
  }

  /** The names of the public values that differ. */
  export function changedNames(
    previous: IState,
    next: IState
  ): IQbraidSession.IChangedArgs['changed'][number][] {
    const names: IQbraidSession.IChangedArgs['changed'][number][] =
      CREDENTIAL_FIELDS.map(field => field.property).filter(
        name =>
          previous.values[name] !== next.values[name] ||
          previous.serverHeld.has(name) !== next.serverHeld.has(name)
      );
    if (previous.baseUrl !== next.baseUrl) {
      names.push('baseUrl');
    }
    if (previous.dialect !== next.dialect) {
      names.push('apiVersion');
    }
    return names;
  }

  export type Outcome =
    | { ok: true; value: unknown }
    | { ok: false; failure: AttemptFailure; error: QbraidApiError };

  /** Per-call headers merged over the session's, names compared case-insensitively. */
  export function mergeHeaders(
    base: Record<string, string>,
    extra: Record<string, string> | undefined
  ): Record<string, string> {
    const merged: Record<string, string> = {};
    for (const [name, value] of Object.entries({ ...base })) {
      merged[name.toLowerCase()] = value;
    }
    for (const [name, value] of Object.entries(extra ?? {})) {
      merged[name.toLowerCase()] = value;
    }
    return merged;
  }

  export function credentialValues(headers: Record<string, string>): string[] {
    return Object.entries(headers)
      .filter(([name]) => CREDENTIAL_HEADERS.includes(name))
      .map(([, value]) => value);
  }

  export function parseBody(
    text: string,
    response: Response,
    secrets: string[]
  ): unknown {
    if (!text.trim()) {
      return null;
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new QbraidApiError(
        `The qBraid API answered ${response.status} with a body that is not JSON: ${excerpt(text, secrets)}`,
        { status: response.status, code: 'invalid_json', secrets }
      );
    }
  }

  /**
   * The start of `text` for a message: every secret redacted first, then cut,
   * so no part of a secret survives at the cut.
   */
  export function excerpt(text: string, secrets: string[]): string {
    const flat = redact(text.slice(0, EXCERPT_SOURCE), secrets)
      .replace(/\s+/g, ' ')
      .trim();
    return flat.length > EXCERPT ? flat.slice(0, EXCERPT) + '…' : flat;
  }

  /**
   * The error for an error status, from the API's envelope when it has one
   * (v1 `{success, message, error: {code, message, ...details}}`, legacy
   * `{error: {message, code}}`), else the body's text.
   */
  export function responseError(
    request: { method: string; url: string },
    response: Response,
    text: string,
    attempts: number,
    secrets: string[]
  ): QbraidApiError {
    let message: string | null = null;
    let code: string | null = null;
    let details: Record<string, unknown> | null = null;
    try {
      const data = JSON.parse(text);
      const error = data?.error;
      if (error && typeof error === 'object') {
        message = typeof error.message === 'string' ? error.message : null;
        code =
          error.code !== undefined && error.code !== null
            ? String(error.code)
            : null;
        const rest = Object.entries(error).filter(
          ([key]) => !['message', 'code', 'success'].includes(key)
        );
        details = rest.length
          ? (redactDeep(Object.fromEntries(rest), secrets) as Record<
              string,
              unknown
            >)
          : null;
      } else if (typeof error === 'string') {
        message = error;
      }
      if (!message && typeof data?.message === 'string') {
        message = data.message;
      }
    } catch {
      // Not JSON: the body text is the message.
    }
    const detail =
      excerpt(message ?? text, secrets) || response.statusText || 'no details';
    code = code === null ? null : excerpt(code, secrets);
    const path = new URL(request.url).pathname;
    const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
    const full = `${request.method} ${path} failed with ${response.status}${tries}: ${detail}${code ? ` (${code})` : ''}`;
    const options = {
      status: response.status,
      code,
      attempts,
      secrets,
      details
    };
    if (code === 'INSUFFICIENT_CREDITS') {
      return new InsufficientCreditsError(full, options);
    }
    if (response.status === 401 || response.status === 403) {
      return new AuthError(`Invalid qBraid API credentials. ${full}`, options);
    }
    return new QbraidApiError(full, options);
  }

  /** `value` with every string in it redacted. */
  function redactDeep(value: unknown, secrets: string[]): unknown {
    if (typeof value === 'string') {
      return redact(value, secrets);
    }
    if (Array.isArray(value)) {
      return value.map(item => redactDeep(item, secrets));
    }
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [
          redact(key, secrets),
          redactDeep(item, secrets)
        ])
      );
    }
    return value;
  }

  /** Wait `ms`, rejecting early when `signal` aborts. */
  export function sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
