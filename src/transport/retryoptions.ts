import type { IQbraidRetryOptions } from '../tokens';

/**
 * The session's retry options, as its constructor, `update` and the settings
 * name them.
 */
export const RETRY_OPTIONS: ReadonlyArray<keyof IQbraidRetryOptions> = [
  'retriesTotal',
  'retriesConnect',
  'backoffFactor',
  'timeout'
];

/**
 * The retry policy's counts and factor, checked (a `RangeError` names the
 * one refused). The session checks them when they are set; the policy,
 * whose code loads with the first request, when it is made.
 */
export function checkRetryCounts<
  T extends { total: number; connect: number; backoffFactor: number }
>(counts: T): T {
  for (const name of ['total', 'connect'] as const) {
    const count = counts[name];
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(
        `${name} must be a whole number >= 0, got ${String(count)}`
      );
    }
  }
  const factor = counts.backoffFactor;
  if (!Number.isFinite(factor) || factor < 0) {
    throw new RangeError(
      `backoffFactor must be a number >= 0, got ${String(factor)}`
    );
  }
  return counts;
}
