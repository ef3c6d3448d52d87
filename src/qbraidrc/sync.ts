import { Debouncer, Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';
import { ConfigError } from '../rules/errors';
import { holdLock, isHeldElsewhere, withLock } from '../tabs/locks';
import { QbraidrcFile } from './file';
import {
  IQbraidrcSnapshot,
  isSameVersion,
  QbraidrcConflictError,
  QbraidrcStore
} from './store';
import { DIALECTS } from '../rules/dialects';
import {
  CONFIG_KEYS,
  CREDENTIAL_FIELDS,
  SIGNED_OUT,
  SYNCED_FIELDS,
  SyncedSetting
} from '../rules/fields';
import type { IQbraidSyncStatus, QbraidConfigKey } from '../tokens';
import { normalizeBaseUrl } from '../rules/url';
import type { CredentialValues, ISyncedSettings } from '../stores/settings';

export type { CredentialValues, ISyncedSettings } from '../stores/settings';

/**
 * Keys changed both in the settings and in the file since the last sync.
 */
export interface ISyncConflict {
  /** The settings whose value differs on both sides (values are not given: they are secrets). */
  readonly settings: SyncedSetting[];
  /** Path of the file. */
  readonly path: string;
}

/**
 * Options of a credentials sync.
 */
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
export class CredentialsSync {
  /**
   * Create a sync; call `start()` to begin.
   */
  constructor(options: ICredentialsSyncOptions) {
    this._settings = options.settings;
    this._store = options.store;
    this._debouncer = new Debouncer(
      () => this._run(() => this._write()),
      options.debounceMs ?? 400
    );
    this._pollMs = options.pollMs ?? 10000;
    this._maxPollMs = Math.max(this._pollMs, options.maxPollMs ?? 60000);
    this._resolveConflict = options.resolveConflict ?? null;
    this._now = options.now ?? (() => new Date());
    this._status = {
      state: 'idle',
      time: null,
      message: 'Not synced yet.',
      path: this._store.path,
      writes: 0
    };
  }

  /** The outcome of the last sync. */
  get status(): Readonly<IQbraidSyncStatus> {
    return { ...this._status };
  }

  /** Emitted whenever `status` changes. */
  get statusChanged(): ISignal<this, IQbraidSyncStatus> {
    return this._statusChanged;
  }

  /**
   * Read the file and reconcile it with the settings, then follow changes.
   */
  async start(): Promise<void> {
    if (this._started) {
      return;
    }
    this._started = true;
    this._settings.changed.connect(this._onSettingsChanged, this);
    await this._run(() => this._initialSync());
    if (this._pollMs > 0) {
      this._poll = new Poll({
        factory: async () => {
          await this.checkFile();
          if (this._status.state === 'error') {
            // A rejection makes the poll back off while the problem persists.
            throw new Error(this._status.message);
          }
        },
        frequency: {
          interval: this._pollMs,
          backoff: true,
          max: this._maxPollMs
        },
        standby: 'when-hidden'
      });
    }
  }

  /**
   * Stop following changes (pending writes are dropped).
   */
  dispose(): void {
    this._settings.changed.disconnect(this._onSettingsChanged, this);
    this._debouncer.dispose();
    this._debounced = null;
    this._poll?.dispose();
    this._poll = null;
    this._started = false;
    this._setStatus('disabled', 'Sync with qbraidrc is off.');
  }

  /**
   * Write pending settings changes now.
   */
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

  /**
   * Run one sync step under the file's lock (the one queue: steps of this tab
   * and of the lab's other tabs run one after another), recording its outcome.
   */
  private _run(step: () => Promise<string | null>): Promise<void> {
    const current = withLock(this._lockName, async () => {
      try {
        const message = await step();
        if (this._asking.size) {
          this._setStatus('conflict', this._waitingMessage());
        } else if (message !== null) {
          // This tab asks nothing now: a held question lock is another tab's.
          const elsewhere = await isHeldElsewhere(`${this._lockName}:question`);
          this._setStatus(
            'ok',
            elsewhere
              ? `${message} A question about ${this._store.path} is waiting for your answer in another tab.`
              : message
          );
        } else if (this._status.state === 'error') {
          // The problem is gone, though nothing needed doing: say so.
          this._setStatus(
            'ok',
            `${this._store.path} agrees with the settings.`
          );
        }
      } catch (error) {
        const conflict = error instanceof QbraidrcConflictError;
        this._setStatus(
          conflict ? 'conflict' : 'error',
          error instanceof ConfigError
            ? error.message
            : `qbraidrc sync failed: ${(error as Error).message}`
        );
      }
    });
    // The lock runs steps in order: the last one started ends last.
    this._lastStep = current;
    void current.then(() => {
      if (this._lastStep === current) {
        this._lastStep = null;
      }
    });
    return current;
  }

  private async _initialSync(): Promise<string> {
    const snapshot = await this._store.read();
    this._baseline = snapshot;
    const file = this._store.file!;
    const mine = this._desired();
    const hasCredentials = (
      values: Partial<Record<QbraidConfigKey, string | null>>
    ) => Private.CREDENTIAL_KEYS.some(key => !!values[key]);
    const theirs = Private.fileValues(file);
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
        key =>
          changed.includes(key) && Private.valueOf(fresh, key) !== desired[key]
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
      ? `Wrote ${changed.map(k => Private.SETTING_OF[k]).join(', ')} to ${this._store.path}.`
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
        .filter(key => Private.valueOf(file, key) !== (desired[key] ?? null))
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
      key => Private.valueOf(fresh, key) !== Private.valueOf(before, key)
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
      const value = Private.valueOf(file, key);
      if (
        key === 'url' &&
        value !== null &&
        Private.usableUrl(value) === null
      ) {
        // A URL the session cannot use is not imported.
        continue;
      }
      this._synced[key] = value;
      // Today's API is what an empty setting means: no need to spell it out.
      values[Private.SETTING_OF[key]] =
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
    const askedAbout = new Map(
      keys.map(key => [key, Private.valueOf(file, key)])
    );
    const conflict: ISyncConflict = {
      settings: keys.map(key => Private.SETTING_OF[key]),
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
      return `Took ${Private.names(keys)} from ${this._store.path}.`;
    }
    const desired = this._desired();
    const newer = keys.filter(
      key => Private.valueOf(file, key) !== askedAbout.get(key)
    );
    if (newer.length) {
      keys = keys.filter(key => !newer.includes(key));
      const clash = newer.filter(
        key => Private.valueOf(file, key) !== (desired[key] ?? null)
      );
      newer
        .filter(key => !clash.includes(key))
        .forEach(key => (this._synced[key] = desired[key] ?? null));
      if (clash.length) {
        this._startQuestion(clash, file);
      }
      if (!keys.length) {
        return `${Private.names(newer)} changed again in ${this._store.path} while you were asked.`;
      }
    }
    const names = Private.names(keys);
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
      settings[Private.SETTING_OF[key]] =
        this._settings.values[Private.SETTING_OF[key]];
    }
    this._importing = true;
    try {
      await this._settings.save(settings);
    } finally {
      this._importing = false;
    }
    return `Kept your ${names} in ${this._store.path}.`;
  }

  private _waitingMessage(): string {
    const names = [...this._asking].map(key => Private.SETTING_OF[key]);
    return `${names.join(', ')} changed both here and in ${this._store.path}: waiting for your answer.`;
  }

  private get _lockName(): string {
    return `jupyterlab-qbraid-session:${this._store.path}`;
  }

  /** The settings as qbraidrc values: `null` removes a key, `undefined` leaves it alone. */
  private _desired(): Partial<Record<QbraidConfigKey, string | null>> {
    const values = this._settings.values;
    const desired: Partial<Record<QbraidConfigKey, string | null>> = {};
    for (const field of CREDENTIAL_FIELDS) {
      desired[field.configKey] = values[field.setting].trim() || null;
    }
    // An empty base URL defers to the file.
    const url = values.baseUrl.trim();
    // A URL the session refuses is never written: the session names it.
    desired.url = url ? (Private.usableUrl(url) ?? undefined) : undefined;
    return desired;
  }

  private _setStatus(state: IQbraidSyncStatus['state'], message: string): void {
    if (this._status.state === 'error' && state === 'ok') {
      // Fixed: look as often as before, starting now.
      void this._poll?.refresh();
    }
    this._status = {
      ...this._status,
      state,
      message,
      time: state === 'syncing' ? this._status.time : this._now()
    };
    this._statusChanged.emit(this.status);
  }

  private readonly _settings: ISyncedSettings;
  private readonly _store: QbraidrcStore;
  private readonly _pollMs: number;
  private readonly _maxPollMs: number;
  private readonly _resolveConflict: ISyncOptionsResolver | null;
  private readonly _now: () => Date;
  private readonly _statusChanged = new Signal<this, IQbraidSyncStatus>(this);
  private readonly _synced: Partial<Record<QbraidConfigKey, string | null>> =
    {};
  private _status: IQbraidSyncStatus;
  private _baseline: IQbraidrcSnapshot | null = null;
  private readonly _debouncer: Debouncer<void>;
  /** The debounced write, while it waits or runs. */
  private _debounced: Promise<void> | null = null;
  private _poll: Poll | null = null;
  /** The last step started, while it waits for the lock or runs. */
  private _lastStep: Promise<void> | null = null;
  private _importing = false;
  /** The keys a person is being asked about, and the answer's settling. */
  private readonly _asking = new Set<QbraidConfigKey>();
  private _started = false;
}

type ISyncOptionsResolver = NonNullable<
  ICredentialsSyncOptions['resolveConflict']
>;

namespace Private {
  /** The settings of `keys`, for a message. */
  export function names(keys: ReadonlyArray<QbraidConfigKey>): string {
    return keys.map(key => SETTING_OF[key]).join(', ');
  }

  export const CREDENTIAL_KEYS: QbraidConfigKey[] = CREDENTIAL_FIELDS.filter(
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
    return key === 'url' && value !== null
      ? (usableUrl(value) ?? value)
      : value;
  }

  export function fileValues(
    file: QbraidrcFile
  ): Partial<Record<QbraidConfigKey, string | null>> {
    return Object.fromEntries(
      CONFIG_KEYS.map(key => [key, valueOf(file, key)])
    );
  }
}
