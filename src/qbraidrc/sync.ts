import { Debouncer } from '@lumino/polling';
import { holdLock } from '../tabs/locks';
import { SyncSteps } from './syncsteps';
import { QbraidrcFile } from './file';
import {
  IQbraidrcSnapshot,
  isSameVersion,
  QbraidrcConflictError
} from './store';
import { DIALECTS } from '../rules/dialects';
import { CONFIG_KEYS, SIGNED_OUT } from '../rules/fields';
import type { QbraidConfigKey } from '../tokens';
import type { CredentialValues, ISyncedSettings } from '../stores/settings';
import {
  AUTHENTICATING_KEYS,
  ConflictResolver,
  desiredValues,
  fileValues,
  ICredentialsSyncOptions,
  ISyncConflict,
  names,
  SETTING_OF,
  usableUrl,
  valueOf
} from './syncvalues';

export type { ICredentialsSyncOptions, ISyncConflict } from './syncvalues';

export type { CredentialValues, ISyncedSettings } from '../stores/settings';

/**
 * Keeps the credential settings and `~/.qbraid/qbraidrc` in agreement.
 *
 * - At start: empty settings import the file's credentials (say from
 *   `qbraid configure`); settings with credentials are written to the file
 *   where it lacks or differs from them.
 * - On settings changes: after a quiet time, one write with only the keys
 *   that changed; none when nothing changed.
 * - Before every write the file's version is compared with the one read: an
 *   edit made meanwhile to other keys is merged (and imported), an edit to the
 *   same keys is a conflict the user resolves; nothing is overwritten silently.
 * - `signOut()` clears the credentials from both, leaving the rest of the file.
 */
export class CredentialsSync extends SyncSteps {
  /** Create a sync; call `start()` to begin. */
  constructor(options: ICredentialsSyncOptions) {
    super(options);
    this._settings = options.settings;
    this._debouncer = new Debouncer(
      () => this._run(() => this._write()),
      options.debounceMs ?? 400
    );
    this._resolveConflict = options.resolveConflict ?? null;
  }

  /** Read the file and reconcile it with the settings, then follow changes. */
  async start(): Promise<void> {
    if (this._started) {
      return;
    }
    this._started = true;
    this._settings.changed.connect(this._onSettingsChanged, this);
    await this._run(() => this._initialSync());
    this._startPolling(() => this.checkFile());
  }

  /** Stop following changes (pending writes are dropped). */
  dispose(): void {
    this._settings.changed.disconnect(this._onSettingsChanged, this);
    this._debouncer.dispose();
    this._debounced = null;
    this._stopPolling();
    this._started = false;
    this._setStatus('disabled', 'Sync with qbraidrc is off.');
  }

  /** Write pending settings changes now. */
  flush(): Promise<void> {
    void this._debouncer.stop();
    this._debounced = null;
    return this._run(() => this._write());
  }

  /**
   * Retry a write that failed, else look for an edit made outside the lab
   * and import it (polled; also call it when the lab regains focus).
   */
  checkFile(): Promise<void> {
    if (this._lastStep || this._debounced || !this._started) {
      return this._lastStep ?? Promise.resolve();
    }
    return this._run(async () =>
      this._hasPendingChanges() ? this._write() : this._importExternalEdit()
    );
  }

  /** Whether settings hold changes not yet written (e.g. after a failed write). */
  private _hasPendingChanges(): boolean {
    return this._pendingKeys(this._desired()).length > 0;
  }

  /** Our keys whose settings value changed since the last sync. */
  private _pendingKeys(
    desired: Partial<Record<QbraidConfigKey, string | null>>
  ): QbraidConfigKey[] {
    // A key the person is being asked about waits for the answer.
    return CONFIG_KEYS.filter(
      key =>
        desired[key] !== undefined &&
        desired[key] !== this._synced[key] &&
        !this._asking.has(key)
    );
  }

  /**
   * Sign out: clear the credentials from the settings and the file; every
   * other key, section and comment of the file stays.
   */
  async signOut(): Promise<void> {
    await this._settings.save(SIGNED_OUT);
    await this.flush();
  }

  private _onSettingsChanged(): void {
    if (this._importing) {
      return;
    }
    // One write after a quiet time, however many changes came before it.
    const debounced = this._debouncer
      .invoke()
      // A flush or a dispose stops the wait: nothing is lost, flush writes.
      .catch(() => undefined)
      .then(() => {
        if (this._debounced === debounced) {
          this._debounced = null;
        }
        if (this._status.state === 'error') {
          // A new change is worth a look soon, however long the problem lasted.
          void this._poll?.refresh();
        }
      });
    this._debounced = debounced;
  }

  private async _initialSync(): Promise<string> {
    const snapshot = await this._store.read();
    this._baseline = snapshot;
    const file = this._store.file!;
    const mine = this._desired();
    const hasCredentials = (
      values: Partial<Record<QbraidConfigKey, string | null>>
    ) => AUTHENTICATING_KEYS.some(key => !!values[key]);
    const theirs = fileValues(file);
    if (!hasCredentials(mine) && hasCredentials(theirs)) {
      await this._import(file, CONFIG_KEYS);
      return `Imported the credentials of ${this._store.path}.`;
    }
    // Only what the settings hold is written at start; the file's other values stay.
    for (const key of CONFIG_KEYS) {
      this._synced[key] = mine[key] ? theirs[key] : (mine[key] ?? null);
    }
    return (
      (await this._write()) ?? `${this._store.path} agrees with the settings.`
    );
  }

  /** Write the keys whose settings changed since the last sync; `null` when none did. */
  private async _write(): Promise<string | null> {
    const desired = this._desired();
    let changed = this._pendingKeys(desired);
    if (!changed.length) {
      return null;
    }
    this._setStatus('syncing', `Writing ${this._store.path}…`);
    const baseline = this._baseline ?? (await this._store.read());
    let wrote: boolean;
    try {
      wrote = await this._writeKeys(baseline, changed, desired);
    } catch (error) {
      if (!(error instanceof QbraidrcConflictError)) {
        throw error;
      }
      // Edited outside this tab since we read it: other keys are merged (and
      // imported), a key changed on both sides is a question, and the rest is
      // written once more; should that conflict too, the next check retries.
      const { snapshot, fresh, external } = await this._reread(baseline);
      const asked = external.filter(
        key => changed.includes(key) && valueOf(fresh, key) !== desired[key]
      );
      await this._import(
        fresh,
        external.filter(key => !changed.includes(key) && !this._asking.has(key))
      );
      if (asked.length) {
        // Never wait for a person while holding the file's lock (other tabs
        // must go on): the other keys are written now, these once answered.
        this._startQuestion(asked, fresh);
        changed = changed.filter(key => !asked.includes(key));
      }
      wrote = await this._writeKeys(snapshot, changed, desired);
    }
    for (const key of changed) {
      this._synced[key] = desired[key] ?? null;
    }
    if (wrote && !this._store.conditional) {
      // The contents API has no conditional write: read back what landed,
      // and take what another writer put there since as an edit of theirs.
      await this._importSince(this._baseline!);
    }
    return changed.length
      ? `Wrote ${changed.map(k => SETTING_OF[k]).join(', ')} to ${this._store.path}.`
      : null;
  }

  /**
   * Write `keys` into the version `baseline`; a key the file already holds
   * (a URL compared as the session uses it) is left as it is written there.
   * Whether anything was written.
   */
  private async _writeKeys(
    baseline: IQbraidrcSnapshot,
    keys: QbraidConfigKey[],
    desired: Partial<Record<QbraidConfigKey, string | null>>
  ): Promise<boolean> {
    this._baseline = baseline;
    const file = QbraidrcFile.parse(baseline.text);
    const values = Object.fromEntries(
      keys
        .filter(key => valueOf(file, key) !== (desired[key] ?? null))
        .map(key => [key, desired[key] ?? null])
    );
    if (!file.update(values)) {
      return false;
    }
    this._baseline = await this._store.write(file, baseline);
    this._status.writes++;
    return true;
  }

  private async _importExternalEdit(): Promise<string | null> {
    const baseline = this._baseline;
    if (!baseline || isSameVersion(await this._store.stamp(), baseline)) {
      return null;
    }
    return (await this._importSince(baseline))
      ? `Imported a change of ${this._store.path} made outside the lab.`
      : null;
  }

  /**
   * Read the file and import our keys that changed since the version
   * `baseline` (a key the person is being asked about waits for the answer);
   * whether any did.
   */
  private async _importSince(baseline: IQbraidrcSnapshot): Promise<boolean> {
    const { snapshot, fresh, external } = await this._reread(baseline);
    this._baseline = snapshot;
    await this._import(
      fresh,
      external.filter(key => !this._asking.has(key))
    );
    return external.length > 0;
  }

  /**
   * Read the file again after it changed on the server; `external` are our
   * keys whose value differs from the version `baseline`.
   */
  private async _reread(baseline: IQbraidrcSnapshot): Promise<{
    snapshot: IQbraidrcSnapshot;
    fresh: QbraidrcFile;
    external: QbraidConfigKey[];
  }> {
    const before = QbraidrcFile.parse(baseline.text);
    const snapshot = await this._store.read();
    const fresh = this._store.file!;
    const external = CONFIG_KEYS.filter(
      key => valueOf(fresh, key) !== valueOf(before, key)
    );
    return { snapshot, fresh, external };
  }

  /** Copy `keys` of `file` into the settings, remembering them as synced. */
  private async _import(
    file: QbraidrcFile,
    keys: ReadonlyArray<QbraidConfigKey>
  ): Promise<void> {
    const values: Partial<CredentialValues> = {};
    for (const key of keys) {
      const value = valueOf(file, key);
      if (key === 'url' && value !== null && usableUrl(value) === null) {
        // A URL the session cannot use is not imported.
        continue;
      }
      this._synced[key] = value;
      // Today's API is what an empty setting means: no need to spell it out.
      values[SETTING_OF[key]] =
        key === 'url' && value === DIALECTS.v1.defaultBaseUrl
          ? ''
          : (value ?? '');
    }
    if (!Object.keys(values).length) {
      return;
    }
    this._importing = true;
    try {
      await this._settings.save(values);
    } finally {
      this._importing = false;
    }
  }

  /**
   * Ask about `keys` outside every lock and queue, then settle the answer in
   * a step of its own: other writes (of this tab or another) go on meanwhile.
   */
  private _startQuestion(keys: QbraidConfigKey[], file: QbraidrcFile): void {
    keys.forEach(key => this._asking.add(key));
    // The answer is about these values of the file, and no others.
    const askedAbout = new Map(keys.map(key => [key, valueOf(file, key)]));
    const conflict: ISyncConflict = {
      settings: keys.map(key => SETTING_OF[key]),
      path: this._store.path
    };
    const answer = this._resolveConflict
      ? holdLock(`${this._lockName}:question`, () =>
          this._resolveConflict!(conflict)
        )
      : Promise.resolve<'mine' | 'file'>('file');
    void answer
      .catch((): 'file' => 'file')
      .then(choice =>
        this._run(() => {
          keys.forEach(key => this._asking.delete(key));
          return this._settle(keys, choice, askedAbout);
        })
      );
  }

  /**
   * Make the file and the settings agree on what the person chose: the file's
   * value as it is now, or the settings' value written to the file and saved
   * to the settings again (another tab may have saved another one meanwhile).
   * "Keep mine" holds only for the version of the file it was asked about: a
   * key written there since (by another lab, a terminal) is asked about again,
   * never overwritten.
   */
  private async _settle(
    asked: QbraidConfigKey[],
    choice: 'mine' | 'file',
    askedAbout: ReadonlyMap<QbraidConfigKey, string | null>
  ): Promise<string> {
    const snapshot = await this._store.read();
    this._baseline = snapshot;
    const file = this._store.file!;
    let keys = asked;
    if (choice === 'file') {
      await this._import(file, keys);
      return `Took ${names(keys)} from ${this._store.path}.`;
    }
    const desired = this._desired();
    const newer = keys.filter(
      key => valueOf(file, key) !== askedAbout.get(key)
    );
    if (newer.length) {
      keys = keys.filter(key => !newer.includes(key));
      const clash = newer.filter(
        key => valueOf(file, key) !== (desired[key] ?? null)
      );
      newer
        .filter(key => !clash.includes(key))
        .forEach(key => (this._synced[key] = desired[key] ?? null));
      if (clash.length) {
        this._startQuestion(clash, file);
      }
      if (!keys.length) {
        return `${names(newer)} changed again in ${this._store.path} while you were asked.`;
      }
    }
    const kept = names(keys);
    const values = Object.fromEntries(
      keys.map(key => [key, desired[key] ?? null])
    );
    const edited = QbraidrcFile.parse(snapshot.text);
    if (edited.update(values)) {
      this._baseline = await this._store.write(edited, snapshot);
      this._status.writes++;
    }
    const settings: Partial<CredentialValues> = {};
    for (const key of keys) {
      this._synced[key] = values[key];
      settings[SETTING_OF[key]] = this._settings.values[SETTING_OF[key]];
    }
    this._importing = true;
    try {
      await this._settings.save(settings);
    } finally {
      this._importing = false;
    }
    return `Kept your ${kept} in ${this._store.path}.`;
  }

  /** The settings as qbraidrc values. */
  private _desired(): Partial<Record<QbraidConfigKey, string | null>> {
    return desiredValues(this._settings.values);
  }

  private readonly _settings: ISyncedSettings;
  private readonly _resolveConflict: ConflictResolver | null;
  private readonly _synced: Partial<Record<QbraidConfigKey, string | null>> =
    {};
  private _baseline: IQbraidrcSnapshot | null = null;
  private readonly _debouncer: Debouncer<void>;
  /** The debounced write, while it waits or runs. */
  private _debounced: Promise<void> | null = null;
  private _importing = false;
  private _started = false;
}
