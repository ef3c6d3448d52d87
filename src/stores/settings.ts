import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import type { ISignal } from '@lumino/signaling';
import { RETRY_OPTIONS } from '../transport/retryoptions';
import {
  CREDENTIAL_FIELDS,
  CredentialSetting,
  SYNCED_FIELDS,
  SyncedSetting
} from '../rules/fields';
import type {
  ApiVersionOption,
  IQbraidCredentials,
  IQbraidRetryOptions,
  QbraidRetryUpdate
} from '../tokens';

/** Values of the mirrored settings (`''` means unset). */
export type CredentialValues = Record<SyncedSetting, string>;

/** What the sync needs of the settings: their values, a change signal, a save. */
export interface ISyncedSettings {
  readonly values: CredentialValues;
  readonly changed: ISignal<unknown, unknown>;
  save(values: Partial<CredentialValues>): Promise<void>;
}

/** The user settings of the session plugin, as `schema/plugin.json` defines them. */
export type IQbraidSettings = Partial<Record<CredentialSetting, string>> & {
  baseUrl?: string;
  apiVersion?: ApiVersionOption;
} & { [K in keyof IQbraidRetryOptions]?: number | null };

/**
 * The session update that applies `settings`: an empty string clears a value,
 * so the session falls back to qbraidrc, the environment and the default; an
 * unset retry option is the dialect's default.
 */
export function sessionUpdateFromSettings(
  settings: IQbraidSettings
): IQbraidCredentials & QbraidRetryUpdate {
  const text = (value: string | undefined) => (value ? value.trim() : null);
  const update: IQbraidCredentials & QbraidRetryUpdate = {
    baseUrl: text(settings.baseUrl),
    apiVersion: settings.apiVersion ?? 'auto'
  };
  for (const option of RETRY_OPTIONS) {
    update[option] = settings[option] ?? null;
  }
  for (const field of CREDENTIAL_FIELDS) {
    update[field.property] = text(settings[field.setting]);
  }
  return update;
}

/**
 * One refusal of the settings validator (ajv's error shape, as the settings
 * registry rejects with).
 */
export interface ISettingsValidationError {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/**
 * What to tell a person whose stored settings the schema refused: each
 * setting named, with why. The validator's messages name the rule, never the
 * value, so no secret is shown.
 */
export function describeSettingsErrors(errors: unknown): string {
  return (
    `Your qBraid session settings were refused, so none of them apply: ${settingsErrorReasons(errors)}. ` +
    'Fix or remove that value in Settings → Settings Editor → qBraid session (JSON Settings Editor), then reload the page.'
  );
}

/** Each refused setting named, with why (the validator's words, never the value). */
export function settingsErrorReasons(errors: unknown): string {
  const list = Array.isArray(errors)
    ? (errors as ISettingsValidationError[])
    : [];
  const reasons = list.map(error => {
    const extra = error.params?.['additionalProperty'];
    const name =
      typeof extra === 'string'
        ? extra
        : (error.instancePath ?? '').replace(/^\//, '') || '(the whole file)';
    const why =
      typeof extra === 'string'
        ? 'is not a setting of this extension'
        : (error.message ?? 'is not valid');
    return `"${name}" ${why}`;
  });
  return reasons.length
    ? reasons.join('; ')
    : errors instanceof Error
      ? errors.message
      : String(errors);
}

/**
 * Apply `update` to `session`; when a value is refused, apply every other one
 * and answer why each refused one was (one message per value, never the
 * value), so one bad setting does not drop a good key.
 */
export function applySettings(
  session: { update(values: IQbraidCredentials & QbraidRetryUpdate): void },
  update: IQbraidCredentials & QbraidRetryUpdate
): string[] {
  try {
    session.update(update);
    return [];
  } catch {
    const refused: string[] = [];
    for (const [name, value] of Object.entries(update)) {
      try {
        session.update({ [name]: value });
      } catch (error) {
        refused.push((error as Error).message);
      }
    }
    return refused;
  }
}

/**
 * The plugin's settings seen as the values the sync mirrors. Imports are saved
 * in one write of the user settings.
 */
export class RegistrySettings implements ISyncedSettings {
  /** Wrap loaded settings. */
  constructor(private readonly _settings: ISettingRegistry.ISettings) {}

  /** The mirrored values (`''` when unset). */
  get values(): CredentialValues {
    const composite = this._settings.composite as Record<string, unknown>;
    const values = {} as CredentialValues;
    for (const { setting: key } of SYNCED_FIELDS) {
      const value = composite[key];
      values[key] = typeof value === 'string' ? value : '';
    }
    return values;
  }

  /** The registry's change signal. */
  get changed(): ISignal<unknown, unknown> {
    return this._settings.changed;
  }

  /** Merge values into the user settings with one save. */
  async save(values: ReadonlyPartialJSONObject): Promise<void> {
    const user = {
      ...(this._settings.user as ReadonlyPartialJSONObject),
      ...values
    };
    await this._settings.save(JSON.stringify(user, null, 2));
  }
}
