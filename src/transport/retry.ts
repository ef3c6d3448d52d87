import { checkRetryCounts } from './retryoptions';

export { RETRY_OPTIONS } from './retryoptions';

/** One failed attempt, as the retry policy sees it. */
export type AttemptFailure =
  /** No connection was made: nothing reached the server. */
  | { kind: 'connect' }
  /** The connection failed after the request may have been sent (reset, timeout). */
  | { kind: 'read' }
  /** The server answered with an error status. */
  | { kind: 'status'; status: number; retryAfter?: string | null };

/** What the policy decided after a failure. */
export type RetryDecision =
  { retry: true; delayMs: number } | { retry: false; reason: string };

/** Options of a retry policy; defaults are the Python SDK's. */
export interface IRetryPolicyOptions {
  /** Upper bound of all retries of one request (default 5). */
  total?: number;
  /** Upper bound of retries after connection errors (default 3). */
  connect?: number;
  /** Seconds; see `RetryPolicy.backoffMs` (default 0.5). */
  backoffFactor?: number;
  /** Longest `Retry-After` (seconds) the policy waits for; longer ones end the retries (default 120). */
  maxRetryAfter?: number;
  /**
   * `Retry-After` seconds above this are read as milliseconds, as qbraid-core
   * does for servers that send milliseconds by mistake (default: never).
   */
  retryAfterMillisecondsAbove?: number | null;
  /** Milliseconds since the epoch, for HTTP-date `Retry-After` values. */
  now?: () => number;
}

/**
 * The retry semantics of the SDK's urllib3 `Retry(total, connect,
 * backoff_factor, status_forcelist)`, as a pure unit: it counts and decides,
 * the session waits and re-sends.
 *
 * - Connection errors are retried for every method (nothing was sent), at most
 *   `connect` times.
 * - Errors after the request may have reached the server are retried only for
 *   idempotent methods: a POST or PATCH is never repeated then.
 * - Forcelist statuses are retried for idempotent methods and POST (the server
 *   said it did not handle the request); 413/429/503 with `Retry-After` too.
 * - Retry n waits `backoffFactor * 2 ** (n - 1)` seconds, none before the first,
 *   at most 120 s; a `Retry-After` header replaces that wait.
 */
export class RetryPolicy {
  /** Statuses that are retried (the seed's forcelist). */
  static readonly STATUS_FORCELIST: ReadonlySet<number> = new Set([
    500, 502, 503, 504, 520, 522, 524
  ]);
  /** Statuses whose `Retry-After` header is honoured (urllib3's list). */
  static readonly RETRY_AFTER_STATUSES: ReadonlySet<number> = new Set([
    413, 429, 503
  ]);
  /** Methods that may be repeated after an ambiguous failure. */
  static readonly IDEMPOTENT_METHODS: ReadonlySet<string> = new Set([
    'GET',
    'HEAD',
    'PUT',
    'DELETE',
    'OPTIONS',
    'TRACE'
  ]);
  /** The longest wait between two attempts, in seconds (urllib3's BACKOFF_MAX). */
  static readonly BACKOFF_MAX = 120;

  /** Create a policy. */
  constructor(options: IRetryPolicyOptions = {}) {
    const counts = checkRetryCounts({
      total: options.total ?? 5,
      connect: options.connect ?? 3,
      backoffFactor: options.backoffFactor ?? 0.5
    });
    this.total = counts.total;
    this.connect = counts.connect;
    this.backoffFactor = counts.backoffFactor;
    this.maxRetryAfter = options.maxRetryAfter ?? RetryPolicy.BACKOFF_MAX;
    this.retryAfterMillisecondsAbove =
      options.retryAfterMillisecondsAbove ?? null;
    this._now = options.now ?? Date.now;
  }

  /** Upper bound of all retries. */
  readonly total: number;
  /** Upper bound of connection-error retries. */
  readonly connect: number;
  /** The backoff factor, in seconds. */
  readonly backoffFactor: number;
  /** The longest honoured `Retry-After`, in seconds. */
  readonly maxRetryAfter: number;
  /** `Retry-After` seconds above this are milliseconds (`null`: never). */
  readonly retryAfterMillisecondsAbove: number | null;

  /** The wait before retry `n` (1-based), in milliseconds. */
  backoffMs(n: number): number {
    if (n <= 1) {
      return 0;
    }
    return (
      Math.min(RetryPolicy.BACKOFF_MAX, this.backoffFactor * 2 ** (n - 1)) *
      1000
    );
  }

  /**
   * Decide whether to retry after `failure`, given the failures of the same
   * request before it (`history`, oldest first, without `failure`).
   */
  decide(
    method: string,
    history: ReadonlyArray<AttemptFailure>,
    failure: AttemptFailure
  ): RetryDecision {
    const verb = method.toUpperCase();
    const all = [...history, failure];
    if (all.length > this.total) {
      return { retry: false, reason: `gave up after ${all.length} attempts` };
    }
    if (failure.kind === 'connect') {
      const connects = all.filter(f => f.kind === 'connect').length;
      if (connects > this.connect) {
        return {
          retry: false,
          reason: `could not connect after ${connects} attempts`
        };
      }
    }
    if (failure.kind === 'read' && !RetryPolicy.IDEMPOTENT_METHODS.has(verb)) {
      return {
        retry: false,
        reason: `${verb} is not repeated after a failure that may have reached the server`
      };
    }
    if (failure.kind !== 'status') {
      return { retry: true, delayMs: this.backoffMs(all.length) };
    }
    const wait = this._statusWait(verb, failure);
    return typeof wait === 'string'
      ? { retry: false, reason: wait }
      : { retry: true, delayMs: wait ?? this.backoffMs(all.length) };
  }

  /**
   * Whether an error status is retried: why not, or the wait the server
   * asked for (`Retry-After`, ms; `null` when it asked none).
   */
  private _statusWait(
    verb: string,
    failure: Extract<AttemptFailure, { kind: 'status' }>
  ): string | number | null {
    if (!RetryPolicy.IDEMPOTENT_METHODS.has(verb) && verb !== 'POST') {
      return `${verb} is not retried`;
    }
    const honoursRetryAfter =
      RetryPolicy.RETRY_AFTER_STATUSES.has(failure.status) &&
      !!failure.retryAfter;
    if (
      !RetryPolicy.STATUS_FORCELIST.has(failure.status) &&
      !honoursRetryAfter
    ) {
      return `status ${failure.status} is not retried`;
    }
    if (!honoursRetryAfter) {
      return null;
    }
    const retryAfterMs = this.parseRetryAfter(failure.retryAfter!);
    if (retryAfterMs !== null && retryAfterMs > this.maxRetryAfter * 1000) {
      return `the server asked to wait ${Math.ceil(retryAfterMs / 1000)} s`;
    }
    return retryAfterMs;
  }

  /**
   * Milliseconds to wait for a `Retry-After` value (seconds or an HTTP date),
   * or `null` when it cannot be read.
   */
  parseRetryAfter(value: string): number | null {
    const trimmed = value.trim();
    if (/^\d+$/.test(trimmed)) {
      const seconds = parseInt(trimmed, 10);
      const above = this.retryAfterMillisecondsAbove;
      // Only a number can be milliseconds sent by mistake; a date cannot.
      return above !== null && seconds > above ? seconds : seconds * 1000;
    }
    const date = Date.parse(trimmed);
    if (Number.isNaN(date)) {
      return null;
    }
    return Math.max(0, date - this._now());
  }

  private readonly _now: () => number;
}
