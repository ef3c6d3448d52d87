/*
 * The one table of the session's credential fields, typed. Headers, the
 * qbraidrc keys the sync mirrors, settings names, environment lookups,
 * sign-out values and masking all derive from it.
 */
import RULES from './rules.json';

/**
 * The two dialects of the qBraid API: `v1` is today's API
 * (`https://api-v2.qbraid.com/api/v1`, the one `qbraid-core` speaks), `legacy`
 * the 2023 SDK's (`https://api.qbraid.com/api`).
 */
export type ApiVersion = 'v1' | 'legacy';

/**
 * What the `apiVersion` option and setting accept: `auto` picks the dialect
 * from the base URL.
 */
export type ApiVersionOption = 'auto' | ApiVersion;

/** The session property of each credential. */
export type CredentialProperty =
  'userEmail' | 'apiKey' | 'accessToken' | 'refreshToken' | 'idToken';

/** The settings-registry name of each credential (`schema/plugin.json`). */
export type CredentialSetting =
  'email' | 'apiKey' | 'accessToken' | 'refreshToken' | 'idToken';

/**
 * The keys of the `[default]` section of `~/.qbraid/qbraidrc` that the session
 * reads and writes, spelled as the Python qBraid SDKs spell them.
 */
export type QbraidConfigKey =
  'email' | 'api-key' | 'access-token' | 'refresh-token' | 'id-token' | 'url';

/** One credential: every name it has and how each dialect uses it. */
export interface ICredentialField {
  /** The session property (and `QbraidSession` option). */
  readonly property: CredentialProperty;
  /** The settings-registry property. */
  readonly setting: CredentialSetting;
  /** The qbraidrc `[default]` key. */
  readonly configKey: QbraidConfigKey;
  /** What people call it (messages never show the value). */
  readonly label: string;
  /** Whether the value is a secret: masked, redacted, never logged. */
  readonly secret: boolean;
  /** Whether it authenticates (an email alone does not). */
  readonly authenticates: boolean;
  /** The dialects that read it; the others ignore it. */
  readonly dialects: ReadonlyArray<ApiVersion>;
  /** The header it is sent as, per dialect; absent: not sent. */
  readonly headers: Readonly<Partial<Record<ApiVersion, string>>>;
  /** Not sent in a dialect when this other credential is set. */
  readonly yieldsTo?: Readonly<Partial<Record<ApiVersion, CredentialProperty>>>;
  /** Environment variables read after qbraidrc, first set wins, per dialect. */
  readonly env: Readonly<Partial<Record<ApiVersion, ReadonlyArray<string>>>>;
}

/**
 * The credential fields, in the order people see them (`src/rules/rules.json`,
 * which the server half reads too).
 */
export const CREDENTIAL_FIELDS =
  RULES.fields as ReadonlyArray<ICredentialField>;

/** The settings the sync mirrors in qbraidrc: the credentials, then the base URL. */
export type SyncedSetting = CredentialSetting | 'baseUrl';

/**
 * Each mirrored setting with its qbraidrc key: every credential's, then
 * `baseUrl` as `url`.
 */
export const SYNCED_FIELDS: ReadonlyArray<{
  readonly setting: SyncedSetting;
  readonly configKey: QbraidConfigKey;
}> = [
  ...CREDENTIAL_FIELDS.map(({ setting, configKey }) => ({
    setting,
    configKey
  })),
  RULES.urlField as { setting: 'baseUrl'; configKey: 'url' }
];

/** The qbraidrc keys the sync mirrors. */
export const CONFIG_KEYS: ReadonlyArray<QbraidConfigKey> = SYNCED_FIELDS.map(
  field => field.configKey
);

/**
 * Every header name that carries a credential in some dialect, lower-cased,
 * plus `authorization`: none of them may reach another origin.
 */
export const CREDENTIAL_HEADERS: ReadonlyArray<string> = [
  ...new Set([
    ...CREDENTIAL_FIELDS.flatMap(field =>
      Object.values(field.headers).map(name => name!.toLowerCase())
    ),
    ...RULES.otherCredentialHeaders
  ])
];

/** Values that sign a person out: every credential cleared. */
export const SIGNED_OUT: Readonly<Record<CredentialSetting, ''>> =
  Object.fromEntries(
    CREDENTIAL_FIELDS.map(field => [field.setting, ''])
  ) as Record<CredentialSetting, ''>;

/** The field of a session property. */
export function fieldOf(property: CredentialProperty): ICredentialField {
  return CREDENTIAL_FIELDS.find(field => field.property === property)!;
}
