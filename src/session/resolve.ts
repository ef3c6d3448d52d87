import {
  credentialHeaders,
  detectApiVersion,
  DIALECTS,
  endpointForApiKey,
  IDialect
} from '../rules/dialects';
import { ConfigError } from '../rules/errors';
import {
  ApiVersion,
  CREDENTIAL_FIELDS,
  CredentialProperty
} from '../rules/fields';
import type { IRetryPolicyOptions } from '../transport/retry';
import { checkRetryCounts, RETRY_OPTIONS } from '../transport/retryoptions';
import type {
  IQbraidConfigStore,
  IQbraidCredentials,
  IQbraidRetryOptions,
  IQbraidSession,
  QbraidConfigKey,
  QbraidRetryUpdate
} from '../tokens';
import { normalizeBaseUrl, originOf } from '../rules/url';
import { checkCredential } from '../rules/validation';

/**
 * What the Jupyter server holds when it keeps the credentials (the
 * `keyStorage` setting is `server`): names, never values.
 */
export interface IServerHeldCredentials {
  /** The qbraidrc keys of the credentials the server holds, e.g. `api-key`. */
  readonly held: ReadonlyArray<QbraidConfigKey>;
  /** The account's email the server knows, if any. */
  readonly email: string | null;
  /** The API URL the server adds them for (`null`: not known yet). */
  readonly url: string | null;
  /** Changes when the values held change (a keyed hash; never a value). */
  readonly revision?: string;
}

/** What was given directly (arguments, `update`): `null` clears. */
export type IExplicit = Partial<
  Record<CredentialProperty | 'baseUrl', string | null>
> &
  QbraidRetryUpdate & { apiVersion?: IQbraidCredentials['apiVersion'] };

/** The values in force, and what requests are sent with. */
export interface IState {
  dialect: IDialect;
  values: Record<CredentialProperty, string | null>;
  baseUrl: string;
  headers: Record<string, string>;
  /** The credentials the Jupyter server holds and adds for this base URL. */
  serverHeld: ReadonlySet<CredentialProperty>;
  retry: Required<IQbraidRetryOptions>;
  /** What the retry policy of a request is made from (checked). */
  policy: IRetryPolicyOptions;
}

/** Where the values come from, in the SDK's order. */
export interface IResolveSources {
  explicit: IExplicit;
  config: IQbraidConfigStore | null;
  env: Record<string, string | undefined>;
  /** What the Jupyter server holds, when it holds the credentials. */
  server: IServerHeldCredentials | null;
  /** The email the last check answered (when none is configured). */
  identityEmail: string | null;
  maxRetryAfter?: number;
  now: () => number;
}

/**
 * Add `values` to `explicit` (checked; `null` or `''` clears). Throws
 * `ConfigError` for an unusable value.
 */
export function assignExplicit(
  explicit: IExplicit,
  values: IQbraidCredentials & QbraidRetryUpdate
): void {
  for (const { property } of CREDENTIAL_FIELDS) {
    const value = values[property];
    if (value !== undefined) {
      explicit[property] = checkCredential(property, value) || null;
    }
  }
  if (values.baseUrl !== undefined) {
    explicit.baseUrl = values.baseUrl ? normalizeBaseUrl(values.baseUrl) : null;
  }
  if (values.apiVersion !== undefined) {
    const version = values.apiVersion || 'auto';
    if (version !== 'auto' && !Object.keys(DIALECTS).includes(version)) {
      throw new ConfigError(
        `apiVersion must be "auto", "v1" or "legacy", got "${String(version)}".`,
        { code: 'invalid_option' }
      );
    }
    explicit.apiVersion = version;
  }
  for (const key of RETRY_OPTIONS) {
    if (values[key] !== undefined) {
      explicit[key] = values[key];
    }
  }
}

/**
 * Resolve every value: explicit, then config store, then environment, then
 * default; the dialect is the one asked for, else the base URL's. While the
 * server holds the credentials, no secret is read from anywhere.
 */
export function resolveState(sources: IResolveSources): IState {
  if (sources.server) {
    return resolveOnServer(sources, sources.server);
  }
  const { explicit } = sources;
  const config = (key: QbraidConfigKey) => sources.config?.get(key) || null;
  const env = (names: ReadonlyArray<string> = []) =>
    names.map(name => sources.env[name]).find(value => !!value) || null;
  const credentials = (version: ApiVersion) => {
    const values = {} as Record<CredentialProperty, string | null>;
    for (const field of CREDENTIAL_FIELDS) {
      const { property } = field;
      values[property] = field.dialects.includes(version)
        ? explicit[property] ||
          checkCredential(property, config(field.configKey)) ||
          checkCredential(property, env(field.env[version])) ||
          null
        : null;
    }
    values.userEmail ??= sources.identityEmail;
    return values;
  };
  const requested = explicit.apiVersion ?? 'auto';
  // `auto` resolves as today's API does, then speaks what the URL speaks.
  let dialect = DIALECTS[requested === 'auto' ? 'v1' : requested];
  let values = credentials(dialect.version);
  const baseUrl = normalizeBaseUrl(
    explicit.baseUrl ||
      env(dialect.urlEnv) ||
      (dialect.keyNamesHost && !values.accessToken
        ? endpointForApiKey(values.apiKey)
        : null) ||
      config('url') ||
      dialect.defaultBaseUrl
  );
  const spoken = detectApiVersion(baseUrl);
  if (requested === 'auto' && spoken !== dialect.version) {
    dialect = DIALECTS[spoken];
    values = credentials(dialect.version);
  }
  return stateOf(sources, dialect, values, baseUrl, new Set());
}

/**
 * The values in force while the server holds the credentials: no secret;
 * the email and URL given, else the server's; the server's credentials
 * count only for the origin it adds them to.
 */
function resolveOnServer(
  sources: IResolveSources,
  server: IServerHeldCredentials
): IState {
  const { explicit } = sources;
  const requested = explicit.apiVersion ?? 'auto';
  const baseUrl = normalizeBaseUrl(
    explicit.baseUrl ||
      server.url ||
      DIALECTS[requested === 'auto' ? 'v1' : requested].defaultBaseUrl
  );
  const dialect =
    DIALECTS[requested === 'auto' ? detectApiVersion(baseUrl) : requested];
  const values = {} as Record<CredentialProperty, string | null>;
  const serverHeld = new Set<CredentialProperty>();
  const sameOrigin =
    server.url !== null && originOf(server.url) === originOf(baseUrl);
  for (const field of CREDENTIAL_FIELDS) {
    const read = field.dialects.includes(dialect.version);
    values[field.property] =
      read && !field.secret
        ? explicit[field.property] || server.email || sources.identityEmail
        : null;
    if (read && sameOrigin && server.held.includes(field.configKey)) {
      serverHeld.add(field.property);
    }
  }
  return stateOf(sources, dialect, values, baseUrl, serverHeld);
}

/** The state of these resolved values: their headers and retry policy. */
function stateOf(
  sources: IResolveSources,
  dialect: IDialect,
  values: Record<CredentialProperty, string | null>,
  baseUrl: string,
  serverHeld: ReadonlySet<CredentialProperty>
): IState {
  const retry = { ...dialect.retry };
  for (const key of RETRY_OPTIONS) {
    const value = sources.explicit[key];
    if (value !== undefined && value !== null) {
      retry[key] = value;
    }
  }
  if (!Number.isFinite(retry.timeout) || retry.timeout < 0) {
    throw new ConfigError(
      `timeout must be a number of milliseconds >= 0, got ${String(retry.timeout)}`,
      { code: 'invalid_option' }
    );
  }
  const counts = {
    total: retry.retriesTotal,
    connect: retry.retriesConnect,
    backoffFactor: retry.backoffFactor
  };
  try {
    checkRetryCounts(counts);
  } catch (error) {
    throw new ConfigError((error as Error).message, {
      code: 'invalid_option'
    });
  }
  const policy: IRetryPolicyOptions = {
    ...counts,
    maxRetryAfter: sources.maxRetryAfter ?? dialect.maxRetryAfter,
    retryAfterMillisecondsAbove: dialect.retryAfterMillisecondsAbove,
    now: sources.now
  };
  return {
    dialect,
    values,
    baseUrl,
    headers: {
      ...dialect.fixedHeaders,
      ...credentialHeaders(dialect.version, values)
    },
    serverHeld,
    retry,
    policy
  };
}

/** Whether a key or token differs (the email learnt from a check belonged to the old ones). */
export function credentialsChanged(previous: IState, next: IState): boolean {
  return CREDENTIAL_FIELDS.some(
    field =>
      field.authenticates &&
      (previous.values[field.property] !== next.values[field.property] ||
        previous.serverHeld.has(field.property) !==
          next.serverHeld.has(field.property))
  );
}

/** The names of the public values that differ. */
export function changedNames(
  previous: IState,
  next: IState
): IQbraidSession.IChangedArgs['changed'][number][] {
  const names: IQbraidSession.IChangedArgs['changed'][number][] =
    CREDENTIAL_FIELDS.map(field => field.property).filter(
      name =>
        previous.values[name] !== next.values[name] ||
        previous.serverHeld.has(name) !== next.serverHeld.has(name)
    );
  if (previous.baseUrl !== next.baseUrl) {
    names.push('baseUrl');
  }
  if (previous.dialect !== next.dialect) {
    names.push('apiVersion');
  }
  return names;
}
