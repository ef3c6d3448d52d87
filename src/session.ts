import { ISignal, Signal } from '@lumino/signaling';
import {
  AuthError,
  ConfigError,
  QbraidApiError,
  QbraidNetworkError
} from './errors';
import { AttemptFailure, RetryPolicy } from './retry';
import {
  CREDENTIAL_HEADERS,
  QbraidTransport,
  TransportError
} from './transport';
import type {
  IQbraidConfigStore,
  IQbraidCredentials,
  IQbraidIdentity,
  IQbraidRequestInit,
  IQbraidRetryOptions,
  IQbraidSession,
  QbraidConfigKey
} from './tokens';
import { DEFAULT_BASE_URL, joinUrl, normalizeBaseUrl } from './url';

/**
 * Options of a QbraidSession: the SDK's constructor arguments plus what the
 * browser needs injected (config store, fetch, clock).
 */
export interface IQbraidSessionOptions
  extends IQbraidCredentials, IQbraidRetryOptions {
  /** Where credentials come from when not given (the qbraidrc). */
  config?: IQbraidConfigStore;
  /**
   * Environment variables consulted after the config store
   * (`JUPYTERHUB_USER`, `QBRAID_API_KEY`, ...); `process.env` in Node.
   */
  env?: Record<string, string | undefined>;
  /** The fetch used for requests; the global one by default. */
  fetch?: typeof fetch;
  /** Waits between retries; resolves after `ms`, rejects when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Milliseconds since the epoch (for HTTP-date `Retry-After`). */
  now?: () => number;
  /** Requests wait for this before they start (e.g. user settings loaded). */
  ready?: Promise<unknown>;
  /** Longest `Retry-After` in seconds that is waited for (default 120). */
  maxRetryAfter?: number;
}

type CredentialName = Exclude<keyof IQbraidCredentials, 'baseUrl'>;

/**
 * The longest credential accepted, in characters. Real keys and JWTs are far
 * shorter; a huge value is a paste mistake that would only be refused later.
 */
export const MAX_CREDENTIAL_LENGTH = 8192;

/**
 * A session to the qBraid API: the browser/Node counterpart of the Python
 * `qbraid.api.QbraidSession`.
 *
 * Credentials resolve as in the SDK: the value given (argument or `update`),
 * then the config store (qbraidrc), then the environment; the base URL falls
 * back to `https://api.qbraid.com/api`. They are sent as the SDK's headers
 * (`email`, `api-key`, `refresh-token`, `id-token` only without a refresh
 * token). Requests retry per `RetryPolicy`, answer parsed JSON, reject with
 * `QbraidApiError` kinds whose messages never contain a credential, and never
 * carry a credential through a redirect to another origin.
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
    this._transport = new QbraidTransport({ fetch: options.fetch });
    this._sleep = options.sleep ?? Private.sleep;
    this._now = options.now ?? Date.now;
    this._maxRetryAfter = options.maxRetryAfter;
    this.ready = Promise.resolve(options.ready).then(() => {
      this._isReady = true;
    });
    this._retry = { ...Private.DEFAULT_RETRY };
    this._explicit = {};
    this._assign(options);
    this._policy = this._makePolicy();
    this._state = this._resolve();
    this._config?.changed?.connect(this._onConfigChanged, this);
  }

  /** Resolves once the initial configuration is applied. */
  readonly ready: Promise<void>;

  /** Emitted when credentials or the base URL change. */
  get changed(): ISignal<this, IQbraidSession.IChangedArgs> {
    return this._changed;
  }

  /** The user email sent as the `email` header. */
  get userEmail(): string | null {
    return this._state.userEmail;
  }

  /** The API key sent as the `api-key` header. */
  get apiKey(): string | null {
    return this._state.apiKey;
  }

  /** The refresh token sent as the `refresh-token` header. */
  get refreshToken(): string | null {
    return this._state.refreshToken;
  }

  /** The id token, sent as `id-token` when there is no refresh token. */
  get idToken(): string | null {
    return this._state.idToken;
  }

  /** The base URL, without a trailing slash. */
  get baseUrl(): string {
    return this._state.baseUrl;
  }

  /** The credential headers sent with every request (a copy). */
  get headers(): Readonly<Record<string, string>> {
    return { ...this._state.headers };
  }

  /** The retry and timeout settings in force. */
  get retryOptions(): Required<IQbraidRetryOptions> {
    return { ...this._retry };
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
    const headers = Private.mergeHeaders(this._state.headers, init.headers);
    const secrets = [...this._secrets(), ...Private.credentialValues(headers)];
    let body = init.body ?? null;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers['content-type'] ??= 'application/json';
    }
    const timeout = init.timeout ?? this._retry.timeout;
    const policy = this._policy;
    const failures: AttemptFailure[] = [];
    for (let attempt = 1; ; attempt++) {
      const outcome = await this._attempt(
        { method: verb, url, headers, body },
        { signal: init.signal, timeout, attempt, secrets }
      );
      if (outcome.ok) {
        return outcome.value as T;
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
   * Check the credentials with `GET /identity`; fills `userEmail` when none
   * is set, rejects with `AuthError` on refusal or a credential mismatch.
   */
  async verify(init?: IQbraidRequestInit): Promise<IQbraidIdentity> {
    if (!this.apiKey && !this.refreshToken && !this.idToken) {
      throw new AuthError(
        'No qBraid credentials are configured: set an API key first.',
        { code: 'no_credentials' }
      );
    }
    const identity = await this.get<IQbraidIdentity>('/identity', init);
    const email =
      identity && typeof identity.email === 'string' ? identity.email : null;
    if (!email) {
      throw new QbraidApiError(
        'The qBraid API answered /identity without an email.',
        { code: 'invalid_identity', secrets: this._secrets() }
      );
    }
    const configured = this.userEmail;
    if (configured && configured.toLowerCase() !== email.toLowerCase()) {
      throw new AuthError(
        `Credential mismatch: these credentials belong to ${email}, not to the email configured for this session.`,
        {
          status: 200,
          code: 'credential_mismatch',
          secrets: [this.apiKey, this.refreshToken, this.idToken]
        }
      );
    }
    if (!configured) {
      this._identityEmail = email;
      this._refresh();
    }
    return identity;
  }

  /** The config store's value of `name` (the SDK's `get_config_variable`). */
  getConfigVariable(name: QbraidConfigKey): string | null {
    return this._config?.get(name) || null;
  }

  /**
   * Write credentials to the config store (the SDK's `save_config`): values
   * given, else the session's own. A base URL equal to the default is not
   * written (and removed), as qbraid-core reads `url` for another API.
   */
  async saveConfig(values: IQbraidCredentials = {}): Promise<void> {
    if (!this._config) {
      throw new ConfigError('This session has no config store to save to.', {
        code: 'no_config_store'
      });
    }
    const pick = (name: CredentialName): string | null => {
      const value = values[name] !== undefined ? values[name] : this[name];
      return Private.checkCredential(name, value) ?? null;
    };
    const baseUrl = normalizeBaseUrl(values.baseUrl || this.baseUrl);
    await this._config.save({
      email: pick('userEmail'),
      'api-key': pick('apiKey'),
      'refresh-token': pick('refreshToken'),
      'id-token': pick('idToken'),
      url: baseUrl === DEFAULT_BASE_URL ? null : baseUrl
    });
    this._refresh();
  }

  /**
   * Reconfigure the session live. Throws `ConfigError` (changing nothing)
   * for an unusable value; emits `changed` when something changed.
   */
  update(values: IQbraidCredentials & IQbraidRetryOptions): void {
    this._checkOpen();
    const explicit = { ...this._explicit };
    const retry = { ...this._retry };
    try {
      this._assign(values);
      this._policy = this._makePolicy();
      this._refresh(true);
    } catch (error) {
      this._explicit = explicit;
      this._retry = retry;
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
        signal: controller.signal
      });
      const text = request.method === 'HEAD' ? '' : await response.text();
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
      const detail = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        failure: { kind },
        error: new QbraidNetworkError(
          `Could not ${kind === 'connect' ? 'connect to' : 'get an answer from'} the qBraid API at ${origin()} ` +
            `(${attempt} attempt${attempt > 1 ? 's' : ''}): ${detail}. In a browser this is also what a refused ` +
            "CORS preflight looks like: the API must allow this page's origin and the credential headers.",
          kind,
          { attempts: attempt, cause: error, secrets }
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

  private _assign(values: IQbraidCredentials & IQbraidRetryOptions): void {
    for (const name of Private.CREDENTIAL_NAMES) {
      const value = values[name];
      if (value !== undefined) {
        this._explicit[name] = Private.checkCredential(name, value) || null;
      }
    }
    if (values.baseUrl !== undefined) {
      this._explicit.baseUrl = values.baseUrl
        ? normalizeBaseUrl(values.baseUrl)
        : null;
    }
    for (const key of Object.keys(Private.DEFAULT_RETRY) as Array<
      keyof IQbraidRetryOptions
    >) {
      if (values[key] !== undefined) {
        this._retry[key] = values[key]!;
      }
    }
  }

  private _makePolicy(): RetryPolicy {
    const timeout = this._retry.timeout;
    if (!Number.isFinite(timeout) || timeout < 0) {
      throw new ConfigError(
        `timeout must be a number of milliseconds >= 0, got ${String(timeout)}`,
        {
          code: 'invalid_option'
        }
      );
    }
    try {
      return new RetryPolicy({
        total: this._retry.retriesTotal,
        connect: this._retry.retriesConnect,
        backoffFactor: this._retry.backoffFactor,
        maxRetryAfter: this._maxRetryAfter,
        now: this._now
      });
    } catch (error) {
      throw new ConfigError((error as Error).message, {
        code: 'invalid_option'
      });
    }
  }

  /** Resolve every value: explicit, then config store, then environment, then default. */
  private _resolve(): Private.IState {
    const config = (key: QbraidConfigKey) => this._config?.get(key) || null;
    const env = (...names: string[]) =>
      names.map(name => this._env[name]).find(value => !!value) || null;
    const pick = (
      name: CredentialName,
      fromConfig: string | null,
      fromEnv: string | null
    ) =>
      this._explicit[name] ||
      Private.checkCredential(name, fromConfig) ||
      Private.checkCredential(name, fromEnv) ||
      null;
    const state = {
      userEmail:
        pick('userEmail', config('email'), env('JUPYTERHUB_USER')) ??
        this._identityEmail,
      apiKey: pick('apiKey', config('api-key'), env('QBRAID_API_KEY')),
      refreshToken: pick(
        'refreshToken',
        config('refresh-token'),
        env('REFRESH', 'QBRAID_REFRESH_TOKEN')
      ),
      idToken: pick('idToken', config('id-token'), env('QBRAID_ID_TOKEN')),
      baseUrl: normalizeBaseUrl(
        this._explicit.baseUrl || config('url') || DEFAULT_BASE_URL
      )
    };
    const headers: Record<string, string> = {};
    if (state.userEmail) {
      headers['email'] = state.userEmail;
    }
    if (state.apiKey) {
      headers['api-key'] = state.apiKey;
    }
    if (state.refreshToken) {
      headers['refresh-token'] = state.refreshToken;
    } else if (state.idToken) {
      headers['id-token'] = state.idToken;
    }
    return { ...state, headers };
  }

  /** Re-resolve and emit `changed`; `strict` rethrows a config error. */
  private _refresh(strict = false): void {
    const previous = this._state;
    let next: Private.IState;
    try {
      next = this._resolve();
      if (
        this._identityEmail &&
        Private.TOKEN_NAMES.some(name => previous[name] !== next[name])
      ) {
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
    const changed = Private.CHANGE_NAMES.filter(
      name => previous[name] !== next[name]
    );
    if (changed.length) {
      this._changed.emit({ changed });
    }
  }

  private _onConfigChanged(): void {
    this._refresh();
  }

  private _secrets(): string[] {
    const { userEmail, apiKey, refreshToken, idToken } = this._state;
    return [userEmail, apiKey, refreshToken, idToken].filter(
      (s): s is string => !!s
    );
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
  private readonly _transport: QbraidTransport;
  private readonly _sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly _now: () => number;
  private readonly _maxRetryAfter: number | undefined;
  private readonly _closeController = new AbortController();
  private readonly _inflight = new Set<AbortController>();
  private readonly _changed = new Signal<this, IQbraidSession.IChangedArgs>(
    this
  );
  private _explicit: Partial<Record<keyof IQbraidCredentials, string | null>>;
  private _retry: Required<IQbraidRetryOptions>;
  private _policy: RetryPolicy;
  private _state: Private.IState;
  private _identityEmail: string | null = null;
  private _configError: ConfigError | null = null;
  private _closed = false;
  private _isReady = false;
}

namespace Private {
  export const DEFAULT_RETRY: Required<IQbraidRetryOptions> = {
    retriesTotal: 5,
    retriesConnect: 3,
    backoffFactor: 0.5,
    timeout: 0
  };

  export const CREDENTIAL_NAMES: ReadonlyArray<CredentialName> = [
    'userEmail',
    'apiKey',
    'refreshToken',
    'idToken'
  ];

  export const CHANGE_NAMES = [...CREDENTIAL_NAMES, 'baseUrl'] as const;

  export const METHOD = /^[A-Z]+$/;

  /** Methods the Fetch standard refuses to send. */
  export const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

  export const TOKEN_NAMES = ['apiKey', 'refreshToken', 'idToken'] as const;

  export interface IState {
    userEmail: string | null;
    apiKey: string | null;
    refreshToken: string | null;
    idToken: string | null;
    baseUrl: string;
    headers: Record<string, string>;
  }

  export type Outcome =
    | { ok: true; value: unknown }
    | { ok: false; failure: AttemptFailure; error: QbraidApiError };

  // eslint-disable-next-line no-control-regex
  const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/;

  /**
   * Check a credential value; returns it, or throws a ConfigError that names
   * the credential but never shows its value.
   */
  export function checkCredential(
    name: CredentialName,
    value: string | null | undefined
  ): string | null | undefined {
    if (value === null || value === undefined || value === '') {
      return value;
    }
    if (typeof value !== 'string') {
      throw new ConfigError(`${name} must be a string.`, {
        code: 'invalid_credential'
      });
    }
    if (value.length > MAX_CREDENTIAL_LENGTH) {
      throw new ConfigError(
        `${name} is ${value.length} characters long; at most ${MAX_CREDENTIAL_LENGTH} are accepted.`,
        { code: 'invalid_credential' }
      );
    }
    // Control characters would split a header (or a qbraidrc line) in two.
    if (UNSAFE_CHARACTERS.test(value) || value !== value.trim()) {
      throw new ConfigError(
        `${name} contains a line break, a control character or surrounding spaces.`,
        { code: 'invalid_credential' }
      );
    }
    return value;
  }

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
        `The qBraid API answered ${response.status} with a body that is not JSON: ${Private.excerpt(text)}`,
        { status: response.status, code: 'invalid_json', secrets }
      );
    }
  }

  export function excerpt(text: string): string {
    const flat = text.replace(/\s+/g, ' ').trim();
    return flat.length > 300 ? flat.slice(0, 300) + '…' : flat;
  }

  /** The error for an error status, with the API's `error.message`/`error.code` when given. */
  export function responseError(
    request: { method: string; url: string },
    response: Response,
    text: string,
    attempts: number,
    secrets: string[]
  ): QbraidApiError {
    let message: string | null = null;
    let code: string | null = null;
    try {
      const data = JSON.parse(text);
      const error = data?.error;
      if (error && typeof error === 'object') {
        message = typeof error.message === 'string' ? error.message : null;
        code =
          error.code !== undefined && error.code !== null
            ? String(error.code)
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
      message ?? (excerpt(text) || response.statusText || 'no details');
    const path = new URL(request.url).pathname;
    const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
    const full = `${request.method} ${path} failed with ${response.status}${tries}: ${detail}${code ? ` (${code})` : ''}`;
    const options = { status: response.status, code, attempts, secrets };
    if (response.status === 401 || response.status === 403) {
      return new AuthError(`Invalid qBraid API credentials. ${full}`, options);
    }
    return new QbraidApiError(full, options);
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
