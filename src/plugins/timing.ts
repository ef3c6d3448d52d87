/**
 * The prefix of the performance measures of the plugins' activation, read by
 * `make bench` (activate_ms).
 */
export const ACTIVATE_MEASURE = 'jupyterlab-qbraid-session:activate';

/**
 * Wrap a plugin's `activate` so its duration is recorded as a performance
 * measure named `jupyterlab-qbraid-session:activate:<name>`.
 */
export function timedActivate<A extends unknown[], R>(
  name: string,
  activate: (...args: A) => R
): (...args: A) => R {
  return (...args: A): R => {
    const start = performance.now();
    try {
      return activate(...args);
    } finally {
      performance.measure(`${ACTIVATE_MEASURE}:${name}`, {
        start,
        end: performance.now()
      });
    }
  };
}
