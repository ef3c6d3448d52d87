import { endpointForApiKey, fieldsOf } from '../rules/dialects';
import RULES from '../rules/rules.json';
import { ApiVersion, fieldOf } from '../rules/fields';
import { AuthError, ConfigError, QbraidApiError } from '../rules/errors';
import { credentialsChanged, IState } from './resolve';
import { normalizeBaseUrl } from '../rules/url';
import { checkCredential, credentialProblem } from '../rules/validation';
import type {
  IQbraidConfigStore,
  IQbraidCredentials,
  IQbraidIdentity,
  IQbraidRequestInit,
  IQbraidSession,
  QbraidConfigKey,
  QbraidRetryUpdate
} from '../tokens';
import type { ICandidateValues, IQbraidSessionOptions } from './options';

/**
 * The session's calls that are more than one request: the credentials
 * check, the access-token refresh, the config save and the sign-in
 * candidate. They load with the first of them, not with the lab.
 */

/** What these calls read and change of the session that is not public. */
export interface ISessionInside {
  /** The values in force. */
  state(): IState;
  /** The config store, `null` when there is none or the server holds the keys. */
  config(): IQbraidConfigStore | null;
  /** Whether the Jupyter server holds the credentials. */
  serverHeld(): boolean;
  /** The secrets an error must never show. */
  secrets(): string[];
  /** Keep the email the check learnt (none was configured). */
  learnEmail(email: string): void;
  /** Resolve the values again (the config store changed). */
  refresh(): void;
}

/**
 * The identity in each dialect's check answer, or `null` when it has none:
 * v1 `{success, data: {email, ...}}` (what qbraid-core's
 * `get_user_auth_metadata` reads), legacy the identity itself.
 */
export const IDENTITY: Readonly<
  Record<ApiVersion, (body: unknown) => IQbraidIdentity | null>
> = {
  v1: body => Private.withEmail(Private.unwrap('v1', body)),
  legacy: body => Private.withEmail(Private.unwrap('legacy', body))
};

/** `QbraidSession.verify`. */
export async function verify(
  session: IQbraidSession,
  inside: ISessionInside,
  init?: IQbraidRequestInit
): Promise<IQbraidIdentity> {
  if (!session.hasCredentials) {
    throw new AuthError(
      'No qBraid credentials are configured: set an API key first.',
      { code: 'no_credentials' }
    );
  }
  const checked = inside.state();
  const dialect = checked.dialect;
  // Compared with the email in force when the check was sent.
  const configured = session.userEmail;
  const answer = await session.get(dialect.verifyPath, init);
  const identity = IDENTITY[dialect.version](answer);
  if (!identity) {
    throw new QbraidApiError(
      `The qBraid API answered ${dialect.verifyPath} without a usable email (none, or not an address). ` +
        "Try again later, or tell the API's administrators.",
      { code: 'invalid_identity', secrets: inside.secrets() }
    );
  }
  const email = identity.email;
  if (configured && configured.toLowerCase() !== email.toLowerCase()) {
    throw new AuthError(
      `Credential mismatch: these credentials belong to ${email}, not to the email configured for this session.`,
      { status: 200, code: 'credential_mismatch', secrets: inside.secrets() }
    );
  }
  // The answer is about the credentials checked: an email learnt for them
  // must not stick to others that came into force meanwhile.
  const now = inside.state();
  if (
    !configured &&
    !credentialsChanged(checked, now) &&
    checked.baseUrl === now.baseUrl
  ) {
    inside.learnEmail(email);
  }
  return identity;
}

/** `QbraidSession.refreshAccessToken`. */
export async function refreshAccessToken(
  session: IQbraidSession,
  init?: IQbraidRequestInit
): Promise<Record<string, unknown>> {
  if (session.apiVersion !== 'v1') {
    throw new ConfigError(
      'Access tokens exist only on the qBraid API v1; this session speaks the legacy API.',
      { code: 'unsupported_dialect' }
    );
  }
  if (!session.accessToken) {
    throw new AuthError('This session has no access token to refresh.', {
      code: 'no_credentials'
    });
  }
  const answer = await session.post<{ data?: unknown } | null>(
    '/access-tokens/refresh',
    undefined,
    init
  );
  const data = answer?.data;
  return data && typeof data === 'object'
    ? (data as Record<string, unknown>)
    : {};
}

/** `QbraidSession.saveConfig`. */
export async function saveConfig(
  session: IQbraidSession,
  inside: ISessionInside,
  values: IQbraidCredentials
): Promise<void> {
  if (inside.serverHeld()) {
    throw new ConfigError(
      'The Jupyter server holds the qBraid credentials (the key storage setting is "server"): ' +
        'sign in from the qBraid panel, which sends the key to the server once.',
      { code: 'credentials_on_server' }
    );
  }
  const config = inside.config();
  if (!config) {
    throw new ConfigError('This session has no config store to save to.', {
      code: 'no_config_store'
    });
  }
  const saved: Partial<Record<QbraidConfigKey, string | null>> = {};
  for (const field of fieldsOf(session.apiVersion)) {
    const given = values[field.property];
    const value = given !== undefined ? given : session[field.property];
    saved[field.configKey] = checkCredential(field.property, value) || null;
  }
  saved.url = normalizeBaseUrl(values.baseUrl || session.baseUrl);
  await config.save(saved);
  inside.refresh();
}

/**
 * `QbraidSession.candidate`: a session for entered values (made by `make`),
 * resolved as `session` would resolve them.
 */
export function candidate<
  S extends IQbraidSession & { update(values: QbraidRetryUpdate): void }
>(
  session: IQbraidSession,
  values: ICandidateValues,
  options: Pick<IQbraidSessionOptions, 'maxRetryAfter' | 'transport' | 'sleep'>,
  make: (options: IQbraidSessionOptions) => S
): S {
  const baseUrl =
    values.baseUrl ||
    (values.apiVersion === 'legacy'
      ? null
      : endpointForApiKey(values.apiKey)) ||
    (values.apiVersion ? null : session.baseUrl);
  const probe = make({
    userEmail: values.userEmail || null,
    apiKey: values.apiKey,
    baseUrl,
    apiVersion:
      values.apiVersion || (values.baseUrl ? 'auto' : session.apiVersion),
    env: {},
    ...options
  });
  // The retry settings in force are this dialect's: they apply to a
  // candidate of the same API only.
  if (probe.apiVersion === session.apiVersion) {
    probe.update(session.retryOptions);
  }
  return probe;
}

namespace Private {
  /** The account in a check's answer, by the rule book's envelope of `version`. */
  export function unwrap(version: ApiVersion, body: unknown): unknown {
    const key = (RULES.identity.envelope as Record<string, string | null>)[
      version
    ];
    if (key === null) {
      return body;
    }
    const answer = body as Record<string, unknown> | null;
    return answer?.success === true ? answer[key] : null;
  }

  export function withEmail(data: unknown): IQbraidIdentity | null {
    const identity = data as IQbraidIdentity | null;
    // The email becomes a header (legacy) and a qbraidrc line: it must be
    // an address, never a line break or a control character.
    return identity &&
      typeof identity === 'object' &&
      typeof identity.email === 'string' &&
      identity.email &&
      credentialProblem(fieldOf('userEmail'), identity.email) === null
      ? identity
      : null;
  }
}
