import {
  ApiVersion,
  CREDENTIAL_FIELDS,
  CredentialProperty,
  ICredentialField
} from './fields';
import RULES from './rules.json';

/**
 * What differs between the two qBraid APIs, each taken from the SDK that
 * speaks it: the 2023 `qbraid.api.QbraidSession` for `legacy`, `qbraid-core`
 * 0.6.37 (`QbraidSessionV1`, `PostForcelistRetry`) for `v1`. How each reads
 * its check's answer is `IDENTITY` in `calls.ts`, loaded with the first call.
 */
export interface IDialect {
  /** The dialect's name. */
  readonly version: ApiVersion;
  /** What people call it. */
  readonly title: string;
  /** The base URL when nothing names one. */
  readonly defaultBaseUrl: string;
  /** The credential check (`GET`). */
  readonly verifyPath: string;
  /** Headers sent with every request, whatever the credentials. */
  readonly fixedHeaders: Readonly<Record<string, string>>;
  /** Environment variables naming the base URL, read after the argument. */
  readonly urlEnv: ReadonlyArray<string>;
  /** Whether a white-label API key names its API host (`prefix_<base32>.<hex>`). */
  readonly keyNamesHost: boolean;
  /** Retry and timeout defaults. */
  readonly retry: Readonly<
    Record<
      'retriesTotal' | 'retriesConnect' | 'backoffFactor' | 'timeout',
      number
    >
  >;
  /** The longest `Retry-After` waited for, in seconds; longer ones end the retries. */
  readonly maxRetryAfter: number;
  /** `Retry-After` seconds above this are read as milliseconds (`null`: never). */
  readonly retryAfterMillisecondsAbove: number | null;
}

/** The two dialects (`src/rules/rules.json`, which the server half reads too). */
export const DIALECTS = Object.fromEntries(
  Object.entries(RULES.dialects).map(([version, dialect]) => [
    version,
    { version, ...dialect }
  ])
) as unknown as Readonly<Record<ApiVersion, IDialect>>;

/** The dialect of today's API, used when nothing says otherwise. */
export const DEFAULT_API_VERSION = RULES.defaultApiVersion as ApiVersion;

/**
 * The dialect a base URL speaks when the `apiVersion` is `auto`: qBraid's two
 * hosts are known; elsewhere a path ending in `/v1` is today's API and one
 * ending in `/api` the legacy API; anything else is today's API.
 */
export function detectApiVersion(baseUrl: string): ApiVersion {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return DEFAULT_API_VERSION;
  }
  const hosts: Record<string, string> = RULES.detection.knownHosts;
  const path = url.pathname.replace(/\/+$/, '').toLowerCase();
  const bySuffix = RULES.detection.pathSuffixes.find(([end]) =>
    path.endsWith(end)
  );
  return (hosts[url.hostname.toLowerCase()] ??
    bySuffix?.[1] ??
    DEFAULT_API_VERSION) as ApiVersion;
}

/**
 * The API URL a white-label API key names (`<prefix>_<base32 host>.<64 hex>`),
 * decoded as qbraid-core decodes it: canonical unpadded lower-case base32 of a
 * DNS host name, always `https://<host>/api/v1`. `null` for other keys
 * (qBraid's own `qbr_<hex>` keys name no host).
 */
export function endpointForApiKey(
  apiKey: string | null | undefined
): string | null {
  const match = Private.KEY_WITH_HOST.exec(apiKey ?? '');
  if (!match) {
    return null;
  }
  const encoded = match[1];
  const host = Private.base32Decode(encoded);
  if (
    host === null ||
    Private.base32Encode(host) !== encoded ||
    !Private.HOSTNAME.test(host)
  ) {
    return null;
  }
  return RULES.keyHost.urlTemplate.replace('{host}', host);
}

/** The credential headers a dialect sends for `values`. */
export function credentialHeaders(
  version: ApiVersion,
  values: Readonly<Partial<Record<CredentialProperty, string | null>>>
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const field of CREDENTIAL_FIELDS) {
    const name = field.headers[version];
    const yieldsTo = field.yieldsTo?.[version];
    if (name && values[field.property] && !(yieldsTo && values[yieldsTo])) {
      headers[name.toLowerCase()] = values[field.property]!;
    }
  }
  return headers;
}

/** The fields a dialect reads. */
export function fieldsOf(version: ApiVersion): ICredentialField[] {
  return CREDENTIAL_FIELDS.filter(field => field.dialects.includes(version));
}

namespace Private {
  export const KEY_WITH_HOST = new RegExp(RULES.keyHost.keyPattern);

  export const HOSTNAME = new RegExp(RULES.keyHost.hostnamePattern);

  const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

  /** RFC 4648 base32 (lower case, unpadded) to ASCII; `null` when it is not. */
  export function base32Decode(encoded: string): string | null {
    // Python's b32decode refuses a length that padding cannot complete.
    if ([1, 3, 6].includes(encoded.length % 8)) {
      return null;
    }
    let bits = 0;
    let value = 0;
    let out = '';
    for (const char of encoded) {
      value = (value << 5) | ALPHABET.indexOf(char);
      bits += 5;
      if (bits >= 8) {
        bits -= 8;
        const code = (value >> bits) & 0xff;
        if (code > 0x7f) {
          return null;
        }
        out += String.fromCharCode(code);
        value &= (1 << bits) - 1;
      }
    }
    return out;
  }

  /** ASCII to RFC 4648 base32, lower case, unpadded. */
  export function base32Encode(text: string): string {
    let bits = 0;
    let value = 0;
    let out = '';
    for (let i = 0; i < text.length; i++) {
      value = (value << 8) | text.charCodeAt(i);
      bits += 8;
      while (bits >= 5) {
        bits -= 5;
        out += ALPHABET[(value >> bits) & 31];
      }
      value &= (1 << bits) - 1;
    }
    if (bits > 0) {
      out += ALPHABET[(value << (5 - bits)) & 31];
    }
    return out;
  }
}
