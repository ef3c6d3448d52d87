import { ConfigError } from '../rules/errors';

/**
 * Join a base URL and a path the way qbraid-core does
 * (`urljoin(base.rstrip('/') + '/', path.lstrip('/'))`): no doubled slashes.
 * An absolute `path` is accepted only under `base`, so credentials cannot be
 * sent to another address through a path.
 */
export function joinUrl(
  base: string,
  path: string,
  params?: Record<string, string | number | boolean | undefined>
): string {
  let url: string;
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) {
    if (path !== base && !path.startsWith(base + '/')) {
      throw new ConfigError(
        `Refusing to send qBraid credentials to "${new URL(path).origin}": only URLs under ${base} are allowed.`,
        { code: 'foreign_url' }
      );
    }
    url = path;
  } else {
    url = base.replace(/\/+$/, '') + '/' + path.replace(/^\/+/, '');
  }
  if (!params) {
    return url;
  }
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) {
      query.append(key, String(value));
    }
  }
  const search = query.toString();
  if (search) {
    url += (url.includes('?') ? '&' : '?') + search;
  }
  return url;
}
