/*
 * The public surface other extensions import: the IQbraidSession token and its
 * interfaces. Keep this module light (types, one Token) so depending on it costs
 * a consumer nothing at load time.
 */
import { Token } from '@lumino/coreutils';
import type { ISignal } from '@lumino/signaling';
import type {
  ApiVersion,
  ApiVersionOption,
  CredentialProperty,
  QbraidConfigKey
} from './rules/fields';

export type {
  ApiVersion,
  ApiVersionOption,
  CredentialProperty,
  QbraidConfigKey
} from './rules/fields';

/**
 * Credentials and the API location. `undefined` leaves a value as it is in an
 * update; `null` or `''` clears it so it falls back to the config store, the
 * environment and then the default.
 */
export interface IQbraidCredentials {
  /** qBraid / JupyterHub user email (legacy header `email`; v1 checks it against the account). */
  userEmail?: string | null;
  /** qBraid API key (v1 header `X-API-Key`, legacy header `api-key`). */
  apiKey?: string | null;
  /** qBraid access token (v1 header `X-Access-Token`, sent instead of the API key). */
  accessToken?: string | null;
  /** qBraid refresh token (legacy header `refresh-token`). */
  refreshToken?: string | null;
  /** qBraid id token (legacy header `id-token`, sent only without a refresh token). */
  idToken?: string | null;
  /** Base URL of the API, e.g. `https://api-v2.qbraid.com/api/v1`. */
  baseUrl?: string | null;
  /** Which API the base URL speaks; `auto` (the default) tells from the URL. */
  apiVersion?: ApiVersionOption | null;
}

/**
 * Retry and timeout behaviour. Each defaults to the dialect's SDK: v1
 * (qbraid-core) 3 / 1 / 0.5 / 30000, legacy (the 2023 SDK) 5 / 3 / 0.5 / 30000.
 */
export interface IQbraidRetryOptions {
  /** Upper bound of all retries of one request. */
  retriesTotal?: number;
  /** Upper bound of retries after connection errors. */
  retriesConnect?: number;
  /** Seconds; retry n waits `backoffFactor * 2 ** (n - 1)`, none before the first. */
  backoffFactor?: number;
  /** Milliseconds one attempt may take; 0 means no limit. */
  timeout?: number;
}

/** A retry option as an update gives it: `null` goes back to the dialect's default. */
export type QbraidRetryUpdate = {
  [K in keyof IQbraidRetryOptions]?: number | null;
};

/** How the session's requests reach the API. */
export interface IQbraidConnection {
  /**
   * `server`: through the Jupyter server's same-origin proxy; `direct`: from
   * the browser; `unknown`: not decided yet (or no route, with the reason).
   */
  via: 'server' | 'direct' | 'unknown';
  /** Why requests do not go through the server, for people; `null` when nothing needs saying. */
  reason: string | null;
}

/** Options of one request. */
export interface IQbraidRequestInit {
  /** Headers merged over the session's headers for this call only. */
  headers?: Record<string, string>;
  /** A value sent as a JSON body (sets `Content-Type: application/json`). */
  json?: unknown;
  /** A raw body, when `json` is not used. */
  body?: string | null;
  /** Query parameters appended to the URL; `undefined` values are left out. */
  params?: Record<string, string | number | boolean | undefined>;
  /** Cancels the request, including any wait between retries. */
  signal?: AbortSignal;
  /** Milliseconds each attempt may take; overrides the session's `timeout`. */
  timeout?: number;
}

/**
 * The user the API says the credentials belong to (v1 `GET /users/verify`'s
 * `data`, legacy `GET /identity`).
 */
export interface IQbraidIdentity {
  email: string;
  [key: string]: unknown;
}

/**
 * Where credentials come from when they are not given directly: the
 * counterpart of the SDK's qbraidrc reader. Reads are synchronous snapshots
 * (like `configparser` on an already loaded file); writes are merged.
 */
export interface IQbraidConfigStore {
  /** The stored value of a key, or `null`/`undefined` when there is none. */
  get(name: QbraidConfigKey): string | null | undefined;
  /** Merge values into the store; `null` removes a key. Other keys are kept. */
  save(values: Partial<Record<QbraidConfigKey, string | null>>): Promise<void>;
  /** Emitted when the stored values change from outside the session. */
  readonly changed?: ISignal<IQbraidConfigStore, void>;
}

/**
 * One authenticated session to the qBraid API, the browser counterpart of the
 * Python `qbraid.api.QbraidSession`. Every plugin that requires
 * `IQbraidSession` receives the same instance: requests, read-only state,
 * `changed` and `ready`. Reconfiguring it, its config store and closing it
 * stay with the plugin that owns it (the settings are how people change it).
 */
export interface IQbraidSession {
  /** The user email (configured, or learnt from the last check), or `null`. */
  readonly userEmail: string | null;
  /** The API key, or `null`. */
  readonly apiKey: string | null;
  /** The access token (v1), or `null`. */
  readonly accessToken: string | null;
  /** The refresh token (legacy), or `null`. */
  readonly refreshToken: string | null;
  /** The id token (legacy), or `null`. */
  readonly idToken: string | null;
  /** Whether a credential that authenticates (a key or a token) is set. */
  readonly hasCredentials: boolean;
  /** The resolved base URL, without a trailing slash. */
  readonly baseUrl: string;
  /** The dialect in use: `v1` (today's API) or `legacy`. */
  readonly apiVersion: ApiVersion;
  /** How requests reach the API (through the Jupyter server, or direct). */
  readonly connection: IQbraidConnection;
  /** The credential headers sent with every request (a copy). */
  readonly headers: Readonly<Record<string, string>>;
  /** Resolves once the initial configuration (e.g. user settings) is applied. */
  readonly ready: Promise<void>;
  /** Whether `close()` was called. */
  readonly isClosed: boolean;
  /** The retry and timeout settings in force. */
  readonly retryOptions: Required<IQbraidRetryOptions>;
  /** Emitted when credentials or the base URL change. */
  readonly changed: ISignal<IQbraidSession, IQbraidSession.IChangedArgs>;

  /**
   * Send a request to `path` (relative to the base URL, or an absolute URL on
   * the same origin) and resolve with the parsed JSON body (`null` when empty).
   *
   * Rejects with `QbraidApiError` (or its `AuthError`/`ConfigError` kinds).
   */
  request<T = unknown>(
    method: string,
    path: string,
    init?: IQbraidRequestInit
  ): Promise<T>;
  /** Sends a GET request. */
  get<T = unknown>(path: string, init?: IQbraidRequestInit): Promise<T>;
  /** Sends a HEAD request (resolves with `null`). */
  head(path: string, init?: IQbraidRequestInit): Promise<null>;
  /** Sends an OPTIONS request. */
  options<T = unknown>(path: string, init?: IQbraidRequestInit): Promise<T>;
  /** Sends a DELETE request. */
  delete<T = unknown>(path: string, init?: IQbraidRequestInit): Promise<T>;
  /** Sends a POST request with `json` as the body. */
  post<T = unknown>(
    path: string,
    json?: unknown,
    init?: IQbraidRequestInit
  ): Promise<T>;
  /** Sends a PUT request with `json` as the body. */
  put<T = unknown>(
    path: string,
    json?: unknown,
    init?: IQbraidRequestInit
  ): Promise<T>;
  /** Sends a PATCH request with `json` as the body. */
  patch<T = unknown>(
    path: string,
    json?: unknown,
    init?: IQbraidRequestInit
  ): Promise<T>;

  /**
   * Check the credentials with the dialect's check (v1 `GET /users/verify`,
   * legacy `GET /identity`). Fills `userEmail` when none was set; rejects with
   * `AuthError` when the API refuses the credentials or the key belongs to
   * another user than the configured email.
   */
  verify(init?: IQbraidRequestInit): Promise<IQbraidIdentity>;
  /**
   * Extend the access token's life (v1 `POST /access-tokens/refresh`) and
   * resolve with the answer's `data`. Rejects with `AuthError` without an
   * access token, `ConfigError` on the legacy API.
   */
  refreshAccessToken(
    init?: IQbraidRequestInit
  ): Promise<Record<string, unknown>>;
  /** The config store's value of `name` (the SDK's `get_config_variable`). */
  getConfigVariable(name: QbraidConfigKey): string | null;
  /**
   * Write credentials to the config store (the SDK's `save_config`); values
   * not given are taken from the session. Rejects with `ConfigError`; on the
   * session other extensions share, always (`read_only_session`): only the
   * person configures it.
   */
  saveConfig(values?: IQbraidCredentials): Promise<void>;
}

/** A namespace for IQbraidSession statics. */
export namespace IQbraidSession {
  /** What changed in a `changed` emission. */
  export interface IChangedArgs {
    /** The names of the properties whose value changed. */
    readonly changed: ReadonlyArray<
      CredentialProperty | 'baseUrl' | 'apiVersion' | 'connection'
    >;
  }
}

/** The DI token of the shared qBraid session. */
export const IQbraidSession = new Token<IQbraidSession>(
  'jupyterlab-qbraid-session:IQbraidSession',
  'One authenticated, retrying session to the qBraid API, shared by every plugin.'
);

/**
 * Where the qBraid credentials are kept, as one connector: the settings
 * registry, the Jupyter server (`keyStorage: server`), this page only
 * (JupyterLite), or a store another extension provides with this token.
 * The session, the sign-in panel and the qbraidrc sync talk only to it.
 */
export interface IQbraidKeyStore {
  /** What kind of store it is, e.g. `settings`, `server`, `page`. */
  readonly kind: string;
  /** Where the key is kept, for people; `null` when nothing needs saying. */
  readonly location: string | null;
  /** Whether a sign-in may keep the key in this page only (`pageOnly`). */
  readonly canKeepForPage: boolean;
  /** Whether the page copies the credentials to qbraidrc (`false`: the Jupyter server keeps the file). */
  readonly mirrorsQbraidrc: boolean;
  /** Emitted when what is held, or `location`, changes. */
  readonly changed: ISignal<IQbraidKeyStore, void>;
  /** Give `session` the credentials held, now and on every change; resolves once requests may start. */
  connect(session: IQbraidKeyStore.ISessionControl): Promise<void>;
  /** Check entered values with the API, then keep them; rejects, keeping nothing, when refused. */
  signIn(
    values: IQbraidKeyStore.ISignIn,
    signal?: AbortSignal
  ): Promise<IQbraidIdentity>;
  /** Forget the credentials kept here. */
  signOut(): Promise<void>;
  /** Read the credentials again (the API refused an access token that may have been rotated). */
  reread(): Promise<void>;
}

/** A namespace for IQbraidKeyStore statics. */
export namespace IQbraidKeyStore {
  /** What a person enters to sign in. */
  export interface ISignIn {
    /** Optional: the API tells whose key it is. */
    email: string;
    apiKey: string;
    /** Empty for the session's current base URL (or the one a white-label key names). */
    baseUrl: string;
    /** Empty for the session's current API. */
    apiVersion?: ApiVersionOption | '';
    /** Keep the key in this page only, where the store offers it (`canKeepForPage`). */
    pageOnly?: boolean;
  }

  /** What a store may do to the session it is connected to (an owner's power). */
  export interface ISessionControl extends IQbraidSession {
    /** Apply credentials (`null` clears one); throws `ConfigError` for an unusable value. */
    update(values: IQbraidCredentials): void;
    /** A session for entered values, to check them before they are kept. Close it when done. */
    candidate(
      values: {
        userEmail?: string | null;
        apiKey: string;
        baseUrl?: string | null;
        apiVersion?: ApiVersionOption;
      },
      options?: { maxRetryAfter?: number }
    ): Promise<IQbraidSession & { close(): void }>;
  }
}

/**
 * The DI token of a key store another extension provides (optional): the
 * session then takes its credentials from it instead of the settings.
 */
export const IQbraidKeyStore = new Token<IQbraidKeyStore>(
  'jupyterlab-qbraid-session:IQbraidKeyStore',
  'Where the qBraid credentials are kept (a connector another extension may provide).'
);

/** The outcome of the last settings <-> qbraidrc sync. */
export interface IQbraidSyncStatus {
  /** `disabled` when sync is turned off in the settings. */
  state: 'idle' | 'syncing' | 'ok' | 'conflict' | 'error' | 'disabled';
  /** When the last sync ended. */
  time: Date | null;
  /** What happened, for people (never a credential). */
  message: string;
  /** Path of the qbraidrc file relative to the server root. */
  path: string;
  /** How many times the file was written. */
  writes: number;
}

/**
 * Keeps the credential settings and the server's `~/.qbraid/qbraidrc` in
 * agreement, so notebooks using the Python qBraid SDK are signed in too.
 */
export interface IQbraidCredentialsSync {
  /** The outcome of the last sync. */
  readonly status: IQbraidSyncStatus;
  /** Emitted when `status` changes. */
  readonly statusChanged: ISignal<IQbraidCredentialsSync, IQbraidSyncStatus>;
  /** Write pending changes and look for edits made outside the lab, now. */
  syncNow(): Promise<void>;
  /** Clear the credentials from the settings and from qbraidrc (the rest of the file stays). */
  signOut(): Promise<void>;
}

/** The DI token of the credentials sync. */
export const IQbraidCredentialsSync = new Token<IQbraidCredentialsSync>(
  'jupyterlab-qbraid-session:IQbraidCredentialsSync',
  'Two-way sync of the qBraid credentials between the settings and ~/.qbraid/qbraidrc.'
);
