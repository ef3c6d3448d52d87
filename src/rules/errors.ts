import { redact } from './redact';

/**
 * A code of the server half's errors (the rule book's), with
 * `server_unreachable` when the Jupyter server did not answer at all and
 * `server_error` for an answer that is not the extension's JSON (a proxy in
 * front of Jupyter, an older server half).
 */
export type ServerErrorCode =
  | keyof (typeof import('./rules.json'))['errors']['server']
  | 'server_unreachable'
  | 'server_error';

/** The codes the page gives its own errors. */
export type PageErrorCode =
  | 'aborted'
  | 'closed'
  | 'connect'
  | 'read'
  | 'timeout'
  | 'invalid_base_url'
  | 'invalid_credential'
  | 'invalid_setting'
  | 'invalid_option'
  | 'invalid_request'
  | 'invalid_method'
  | 'invalid_json'
  | 'invalid_identity'
  | 'unsupported_dialect'
  | 'foreign_url'
  | 'redirect_hidden'
  | 'too_many_redirects'
  | 'response_too_large'
  | 'no_credentials'
  | 'credential_mismatch'
  | 'credentials_on_server'
  | 'no_config_store'
  | 'no_server_route'
  | 'read_only_session'
  | 'qbraidrc_conflict'
  | 'qbraidrc_hidden'
  | 'qbraidrc_interpolation'
  | 'qbraidrc_outside_root'
  | 'qbraidrc_permission'
  | 'qbraidrc_syntax'
  | 'qbraidrc_too_large'
  | 'qbraidrc_value';

/**
 * Every code of this package's errors, the server half's included: one
 * vocabulary, each with one message that says what to do
 * (`describeError`). An error from the API carries the API's own code.
 */
export type QbraidErrorCode = PageErrorCode | ServerErrorCode;

/** What an error was created with. */
export interface IQbraidErrorOptions {
  /** HTTP status of the answer; 0 when there was none. */
  status?: number;
  /** A machine-readable code: the API's `error.code`, or one of ours. */
  code?: string | null;
  /** How many attempts were made before giving up. */
  attempts?: number;
  /** The underlying error. */
  cause?: unknown;
  /** Values to redact from the message (every credential of the session). */
  secrets?: Iterable<string | null | undefined>;
  /** What else the API's error object carried (`needed`, `balance`, ...). */
  details?: Record<string, unknown> | null;
}

/**
 * An error talking to the qBraid API (the SDK's `ApiError`/`RequestsApiError`).
 * The message never contains a credential of the session that raised it.
 */
export class QbraidApiError extends Error {
  /** Create an error; `message` is redacted with `options.secrets`. */
  constructor(message: string, options: IQbraidErrorOptions = {}) {
    super(redact(message, options.secrets ?? []));
    this.name = new.target.name;
    this.status = options.status ?? 0;
    this.code = options.code ?? null;
    this.attempts = options.attempts ?? 1;
    this.details = options.details ?? null;
    if (options.cause !== undefined) {
      // Kept off the enumerable properties so a JSON dump of the error stays clean.
      Object.defineProperty(this, 'cause', {
        value: options.cause,
        enumerable: false
      });
    }
  }

  /** HTTP status of the answer; 0 when no answer arrived. */
  readonly status: number;
  /** The API's `error.code`, or one of ours (`network`, `timeout`, ...). */
  readonly code: string | null;
  /** Attempts made, retries included. */
  readonly attempts: number;
  /**
   * What else the API's error object held besides `message` and `code` (the
   * v1 envelope `{success, message, error: {code, message, ...details}}`),
   * with every credential redacted; `null` when it held nothing more.
   */
  readonly details: Readonly<Record<string, unknown>> | null;
}

/** The API refused the credentials (401/403), or they belong to another user. */
export class AuthError extends QbraidApiError {}

/** The session is misconfigured or closed, or a config value cannot be used. */
export class ConfigError extends QbraidApiError {
  /** Create an error with one of this package's codes. */
  constructor(
    message: string,
    options: IQbraidErrorOptions & { code?: QbraidErrorCode } = {}
  ) {
    super(message, options);
  }
}

/** No usable answer arrived: connection refused or reset, timeout, CORS refusal. */
export class QbraidNetworkError extends QbraidApiError {
  /** Create a network error of the given kind. */
  constructor(
    message: string,
    kind: QbraidNetworkError.Kind,
    options: IQbraidErrorOptions & { via?: 'server' | 'direct' } = {}
  ) {
    super(message, { code: kind, ...options });
    this.kind = kind;
    this.via = options.via ?? 'direct';
  }

  /** `connect`: nothing was sent; `read`: it may have reached the server; `timeout`. */
  readonly kind: QbraidNetworkError.Kind;
  /** Whether the request went through the Jupyter server's proxy or from the browser. */
  readonly via: 'server' | 'direct';
}

/** A namespace for QbraidNetworkError statics. */
export namespace QbraidNetworkError {
  /** How the request failed. */
  export type Kind = 'connect' | 'read' | 'timeout';
}

/**
 * The API refused because the account has too few credits (v1 error code
 * `INSUFFICIENT_CREDITS`, sent with 400 or 402): what was needed and what
 * there is, when the API said, and what to do.
 */
export class InsufficientCreditsError extends QbraidApiError {
  /**
   * Create the error from the API's `details`; `detail` (what failed, and
   * the API's words) follows the message that says what to do.
   */
  constructor(detail: string, options: IQbraidErrorOptions = {}) {
    const figure = (name: string) => {
      const raw = options.details?.[name];
      const value = Number(raw);
      return raw !== undefined && raw !== null && Number.isFinite(value)
        ? value
        : null;
    };
    const needed = figure('needed');
    const minRequired = figure('minRequired');
    const balance = figure('balance');
    const shown = (value: number | null) =>
      value === null ? 'unknown' : String(value);
    super(
      `Not enough qBraid credits: this needs ${shown(needed ?? minRequired)}` +
        `${minRequired !== null && needed !== null ? ` (at least ${minRequired} to start)` : ''}, ` +
        `and the balance is ${shown(balance)}. Add credits on your qBraid account page ` +
        `(https://account.qbraid.com), or ask your organization's admin. ${detail}`,
      options
    );
    this.needed = needed;
    this.minRequired = minRequired;
    this.balance = balance;
  }

  /** Credits the request needed. */
  readonly needed: number | null;
  /** The least balance the API requires to start. */
  readonly minRequired: number | null;
  /** The balance the account has. */
  readonly balance: number | null;
}
