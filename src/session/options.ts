import { ConfigError } from '../rules/errors';
import type { IQbraidTransport } from '../transport/transport';
import type {
  IQbraidConfigStore,
  IQbraidCredentials,
  QbraidRetryUpdate
} from '../tokens';

/** The values a sign-in is about to save. */
export interface ICandidateValues {
  userEmail?: string | null;
  apiKey: string;
  baseUrl?: string | null;
  apiVersion?: IQbraidCredentials['apiVersion'];
}

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

/** The largest answer read (the server half's proxy has the same cap). */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/**
 * Node's environment, or none in a browser. Read through `globalThis` so
 * the lab's webpack does not bundle its `process` polyfill for a bare
 * `process` reference (a browser has no environment to read).
 */
export function processEnv(): Record<string, string | undefined> {
  const node = (
    globalThis as {
      process?: { env?: Record<string, string | undefined> };
    }
  ).process;
  return node?.env ?? {};
}

/** `method` in upper case; a `ConfigError` for one fetch cannot send. */
export function checkedMethod(method: string): string {
  const verb = method.toUpperCase();
  if (!/^[A-Z]+$/.test(verb) || ['CONNECT', 'TRACE', 'TRACK'].includes(verb)) {
    throw new ConfigError(
      `"${method}" is not a method fetch can send (CONNECT, TRACE and TRACK are forbidden).`,
      { code: 'invalid_method' }
    );
  }
  return verb;
}

/** Run every reader, one after the other; one that fails is passed over. */
export async function readAll(
  readers: ReadonlySet<() => Promise<unknown>>
): Promise<void> {
  for (const reader of [...readers]) {
    try {
      await reader();
    } catch {
      // The credentials stay as they were read last.
    }
  }
}
