import {
  CONFIG_KEYS,
  CREDENTIAL_FIELDS,
  SYNCED_FIELDS,
  SyncedSetting
} from '../rules/fields';
import { normalizeBaseUrl } from '../rules/url';
import type { CredentialValues, ISyncedSettings } from '../stores/settings';
import type { QbraidConfigKey } from '../tokens';
import type { QbraidrcFile } from './file';
import type { QbraidrcStore } from './store';

/*
 * What the sync compares: the values of the settings and of the file, by
 * qbraidrc key, and what it asks a person when both changed.
 */

/** Keys changed both in the settings and in the file since the last sync. */
export interface ISyncConflict {
  /** The settings whose value differs on both sides (values are not given: they are secrets). */
  readonly settings: SyncedSetting[];
  /** Path of the file. */
  readonly path: string;
}

/** Options of a credentials sync. */
export interface ICredentialsSyncOptions {
  settings: ISyncedSettings;
  store: QbraidrcStore;
  /** Quiet time after the last settings change before writing (ms, default 400). */
  debounceMs?: number;
  /**
   * How often to look for edits made outside the lab (ms; 0: never; default
   * 10000). Not while the tab is hidden; less and less often (up to
   * `maxPollMs`) while a sync error persists.
   */
  pollMs?: number;
  /** The longest wait between checks while an error persists (ms, default 60000). */
  maxPollMs?: number;
  /** Asks the user which side wins; without it the file wins (nothing is overwritten). */
  resolveConflict?: (conflict: ISyncConflict) => Promise<'mine' | 'file'>;
  /** The clock of the status times. */
  now?: () => Date;
}

/** Asks which side of a conflict wins. */
export type ConflictResolver = NonNullable<
  ICredentialsSyncOptions['resolveConflict']
>;

/** The settings of `keys`, for a message. */
export function names(keys: ReadonlyArray<QbraidConfigKey>): string {
  return keys.map(key => SETTING_OF[key]).join(', ');
}

export const AUTHENTICATING_KEYS: QbraidConfigKey[] = CREDENTIAL_FIELDS.filter(
  field => field.authenticates
).map(field => field.configKey);

export const SETTING_OF = Object.fromEntries(
  SYNCED_FIELDS.map(field => [field.configKey, field.setting])
) as Record<QbraidConfigKey, SyncedSetting>;

/** The URL as the session would use it, or `null` when it cannot. */
export function usableUrl(value: string): string | null {
  try {
    return normalizeBaseUrl(value);
  } catch {
    return null;
  }
}

/**
 * A key's value in `file`; a URL normalized, so the trailing `/` that
 * qbraid-core writes is the same URL and never a reason to write.
 */
export function valueOf(
  file: QbraidrcFile,
  key: QbraidConfigKey
): string | null {
  const value = file.get(key);
  return key === 'url' && value !== null ? (usableUrl(value) ?? value) : value;
}

export function fileValues(
  file: QbraidrcFile
): Partial<Record<QbraidConfigKey, string | null>> {
  return Object.fromEntries(CONFIG_KEYS.map(key => [key, valueOf(file, key)]));
}

/** The settings as qbraidrc values: `null` removes a key, `undefined` leaves it alone. */
export function desiredValues(
  values: CredentialValues
): Partial<Record<QbraidConfigKey, string | null>> {
  const desired: Partial<Record<QbraidConfigKey, string | null>> = {};
  for (const field of CREDENTIAL_FIELDS) {
    desired[field.configKey] = values[field.setting].trim() || null;
  }
  // An empty base URL defers to the file.
  const url = values.baseUrl.trim();
  // A URL the session refuses is never written: the session names it.
  desired.url = url ? (usableUrl(url) ?? undefined) : undefined;
  return desired;
}
