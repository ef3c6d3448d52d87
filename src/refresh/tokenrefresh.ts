import { Poll } from '@lumino/polling';
import { withLock } from '../tabs/locks';
import RULES from '../rules/rules.json';

/**
 * When an access token is refreshed: once it is in force (to learn its
 * expiry), then at two thirds of the time it has left (half, for a token
 * about to expire), never sooner than `minGap` after the last refresh. A hidden page waits until the token is
 * within `HIDDEN_MARGIN` of its expiry. These are the whole policy.
 */
export const REFRESH_POLICY = {
  /** The share of the remaining life after which the token is refreshed. */
  share: RULES.refresh.share,
  /** Below twice this (ms) of life left, a token is refreshed at half its time left. */
  minDelay: RULES.refresh.nearEndMs,
  /** The shortest wait between two refreshes (ms): never a tight loop. */
  minGap: RULES.refresh.minGapMs,
  /** A hidden page refreshes only this close to the expiry (ms). */
  hiddenMargin: 10 * 60 * 1000,
  /** How often a hidden page looks again (ms). */
  hiddenCheck: 5 * 60 * 1000,
  /** After a failed refresh, the next try (ms), backing off up to `failureMax`. */
  failureDelay: RULES.refresh.failureDelayMs,
  failureMax: RULES.refresh.failureMaxMs,
  /** The wait when the API gave no expiry, or there is no access token (ms). */
  idle: 60 * 60 * 1000
} as const;

/**
 * The wait (ms) before the next refresh of a token that expires at
 * `expiresAt`, `now` being the time; `null` when it already expired (a
 * refresh would be refused: the credentials must be replaced).
 */
export function refreshDelay(expiresAt: number, now: number): number | null {
  const remaining = expiresAt - now;
  if (!(remaining > 0)) {
    return null;
  }
  // A token about to expire: half its time left, before it does.
  const share =
    remaining > REFRESH_POLICY.minDelay * 2 ? REFRESH_POLICY.share : 1 / 2;
  // Never a tight loop, however short the token's life.
  return Math.max(REFRESH_POLICY.minGap, remaining * share);
}

/**
 * What the tabs of one lab share about the last refresh (`localStorage` in
 * the browser): which token (a fingerprint, never the token), when it was
 * refreshed and until when it lasts.
 */
export interface IRefreshRecord {
  token: string;
  refreshedAt: number;
  expiresAt: number;
}

/** Options of a refresher. */
export interface IAccessTokenRefresherOptions {
  /** The access token in force, or `null` (an API key needs no refresh). */
  token: () => string | null;
  /** Refresh it; resolves with the new expiry (ms since the epoch), or `null` when the API gave none. */
  refresh: () => Promise<number | null>;
  /** Runs `fn` alone; by default `withLock`: across every tab of the lab (Web Locks), else in this process. */
  lock?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Where the tabs keep the last refresh (`localStorage`); by default this tab only. */
  shared?: {
    getItem(key: string): string | null;
    setItem(key: string, value: string): void;
  };
  /** Whether the page is hidden (`document.hidden`). */
  hidden?: () => boolean;
  /** The clock, ms since the epoch. */
  now?: () => number;
}

/**
 * Keeps an access token alive: refreshes it as `REFRESH_POLICY` says, once
 * for all tabs of a lab (the tab that holds the lock refreshes; the others
 * read its record and refresh nothing). Its timer is a `@lumino/polling`
 * `Poll` whose interval is set after each tick.
 */
export class AccessTokenRefresher {
  /** Create a refresher; nothing happens before `start()`. */
  constructor(options: IAccessTokenRefresherOptions) {
    this._options = options;
    this._now = options.now ?? Date.now;
    this._lock = options.lock ?? (fn => withLock(Private.LOCK, fn));
    const memory = new Map<string, string>();
    this._shared = options.shared ?? {
      getItem: key => memory.get(key) ?? null,
      setItem: (key, value) => void memory.set(key, value)
    };
    this._poll = new Poll({
      auto: false,
      factory: () => this._tick(),
      frequency: {
        interval: REFRESH_POLICY.idle,
        backoff: false,
        max: REFRESH_POLICY.idle
      },
      standby: 'never'
    });
  }

  /** When the token in force expires, as last learnt (ms), or `null`. */
  get expiresAt(): number | null {
    return this._expiresAt;
  }

  /** How many refreshes this tab sent. */
  get refreshes(): number {
    return this._refreshes;
  }

  /** Begin: the first tick comes at once. */
  start(): Promise<void> {
    return this._poll.start();
  }

  /** The token in force changed (a sign-in, a rotation): look again now. */
  tokenChanged(): Promise<void> {
    this._learnedAt = -Infinity;
    this._expiresAt = null;
    return this._poll.refresh();
  }

  /** Stop for good. */
  dispose(): void {
    this._poll.dispose();
  }

  /**
   * Refresh the token of `fingerprint` (holding the lock), unless another
   * tab did since this one looked: then take its word.
   */
  private async _refreshOnce(fingerprint: string): Promise<void> {
    const record = Private.read(this._shared);
    if (
      record &&
      record.token === fingerprint &&
      record.refreshedAt > this._learnedAt &&
      !Private.due(record, this._now())
    ) {
      this._learnedAt = record.refreshedAt;
      this._expiresAt = record.expiresAt;
      return;
    }
    const expiresAt = await this._options.refresh();
    this._refreshes++;
    const refreshedAt = this._now();
    this._learnedAt = refreshedAt;
    this._expiresAt = expiresAt;
    if (expiresAt !== null) {
      Private.write(this._shared, {
        token: fingerprint,
        refreshedAt,
        expiresAt
      });
    }
  }

  private async _tick(): Promise<void> {
    const token = this._options.token();
    if (!token) {
      this._expiresAt = null;
      return this._next(REFRESH_POLICY.idle);
    }
    const fingerprint = Private.fingerprint(token);
    const now = this._now();
    if (
      this._expiresAt !== null &&
      this._options.hidden?.() &&
      this._expiresAt - now > REFRESH_POLICY.hiddenMargin
    ) {
      // Hidden: not yet, unless the expiry comes close.
      return this._next(
        Math.min(
          REFRESH_POLICY.hiddenCheck,
          this._expiresAt - now - REFRESH_POLICY.hiddenMargin
        )
      );
    }
    try {
      await this._lock(() => this._refreshOnce(fingerprint));
    } catch {
      // Tried again later, doubling the wait each time (the Poll's own
      // backoff is jittered from its last interval, which may be zero).
      this._failures++;
      return this._next(
        Math.min(
          REFRESH_POLICY.failureMax,
          REFRESH_POLICY.failureDelay * 2 ** (this._failures - 1)
        )
      );
    }
    this._failures = 0;
    const delay =
      this._expiresAt === null
        ? REFRESH_POLICY.idle
        : refreshDelay(this._expiresAt, this._now());
    // Expired: nothing to refresh until the credentials change.
    return this._next(delay ?? REFRESH_POLICY.idle);
  }

  private _next(interval: number): void {
    const ms = Math.max(
      1000,
      Math.min(Math.round(interval), Poll.MAX_INTERVAL)
    );
    this._poll.frequency = { interval: ms, backoff: false, max: ms };
  }

  private readonly _options: IAccessTokenRefresherOptions;
  private readonly _now: () => number;
  private readonly _lock: <T>(fn: () => Promise<T>) => Promise<T>;
  private readonly _shared: NonNullable<IAccessTokenRefresherOptions['shared']>;
  private readonly _poll: Poll;
  private _expiresAt: number | null = null;
  private _learnedAt = -Infinity;
  private _refreshes = 0;
  private _failures = 0;
}

namespace Private {
  export const KEY = 'jupyterlab-qbraid-session:access-token-refresh';

  /** The lock the tabs of a lab refresh under. */
  export const LOCK = 'jupyterlab-qbraid-session:token-refresh';

  /** Whether the token of `record` is due for a refresh at `now`. */
  export function due(record: IRefreshRecord, now: number): boolean {
    const delay = refreshDelay(record.expiresAt, record.refreshedAt);
    return delay === null || now >= record.refreshedAt + delay;
  }

  export function read(
    shared: NonNullable<IAccessTokenRefresherOptions['shared']>
  ): IRefreshRecord | null {
    try {
      const record = JSON.parse(shared.getItem(KEY) ?? 'null');
      return record &&
        typeof record.token === 'string' &&
        Number.isFinite(record.refreshedAt) &&
        Number.isFinite(record.expiresAt)
        ? record
        : null;
    } catch {
      return null;
    }
  }

  export function write(
    shared: NonNullable<IAccessTokenRefresherOptions['shared']>,
    record: IRefreshRecord
  ): void {
    try {
      shared.setItem(KEY, JSON.stringify(record));
    } catch {
      // Storage full or off: each tab then refreshes on its own.
    }
  }

  /**
   * Which token a record is about: a 53-bit hash, enough to tell tokens
   * apart, never enough to tell one (the token itself is high-entropy).
   */
  export function fingerprint(token: string): string {
    let h1 = 0xdeadbeef;
    let h2 = 0x41c6ce57;
    for (let i = 0; i < token.length; i++) {
      const c = token.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
    h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
    h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
  }
}
