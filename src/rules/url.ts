import RULES from './rules.json';
import { ConfigError } from './errors';

/**
 * Whether plain `http` is allowed to `hostname` (as `URL` gives it): a
 * loopback host of the rule book (`localhost`, 127.0.0.0/8, `[::1]`), for a
 * local API in tests and demos. The server half applies the same rule.
 */
export function isLoopback(hostname: string): boolean {
  const { names, ipv4Prefix, ipv6 } = RULES.loopback;
  const host = hostname.toLowerCase();
  return (
    names.includes(host) ||
    (host.startsWith(ipv4Prefix) && /^[\d.]+$/.test(host)) ||
    ipv6.some(address => host === `[${address}]`)
  );
}

/** The origin of `url`, or `null` when it is not a URL. */
export function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * Check a base URL and return it without a trailing slash.
 *
 * Only `https` is accepted, and `http` for a loopback host (`isLoopback`): the
 * session sends credentials to this address.
 */
export function normalizeBaseUrl(value: string): string {
  // A backslash or a control character is read differently by browsers and
  // by other parsers (the settings schema, Python): refuse instead of guessing.
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u0020\u007f-\uffff]/.test(value.trim())) {
    throw new ConfigError(
      'The qBraid base URL may hold only printable ASCII characters, without spaces or backslashes.',
      { code: 'invalid_base_url' }
    );
  }
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ConfigError(
      `The qBraid base URL "${value}" is not an absolute URL (expected e.g. https://api-v2.qbraid.com/api/v1).`,
      { code: 'invalid_base_url' }
    );
  }
  const local = isLoopback(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw new ConfigError(
      `The qBraid base URL must use https (plain http only for localhost), got "${url.protocol}//${url.host}".`,
      { code: 'invalid_base_url' }
    );
  }
  // The URL parser takes port 0 (and 00, 0000); nothing listens there.
  if (url.port === '0') {
    throw new ConfigError(
      "The qBraid base URL has port 0: give the API's port (1 to 65535) or none.",
      { code: 'invalid_base_url' }
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ConfigError(
      'The qBraid base URL may not carry user info, a query or a fragment.',
      { code: 'invalid_base_url' }
    );
  }
  return url.href.replace(/\/+$/, '');
}
