import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';
import { ConfigError } from '../rules/errors';
import { isHeldElsewhere, withLock } from '../tabs/locks';
import type { IQbraidSyncStatus, QbraidConfigKey } from '../tokens';
import { QbraidrcConflictError, QbraidrcStore } from './store';
import { ICredentialsSyncOptions, SETTING_OF } from './syncvalues';

/**
 * How the sync's steps run: one at a time under the file's lock (shared by
 * the lab's tabs), each outcome said in `status`, the keys a person is being
 * asked about, and a poll that looks at the file again.
 */
export abstract class SyncSteps {
  /** Set up the status of a sync of `options.store`. */
  constructor(options: ICredentialsSyncOptions) {
    this._store = options.store;
    this._pollMs = options.pollMs ?? 10000;
    this._maxPollMs = Math.max(this._pollMs, options.maxPollMs ?? 60000);
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
   * Look at the file every `pollMs` with `check` while the tab is visible,
   * less and less often while an error persists.
   */
  protected _startPolling(check: () => Promise<void>): void {
    if (this._pollMs <= 0) {
      return;
    }
    this._poll = new Poll({
      factory: async () => {
        await check();
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

  /** Stop looking at the file. */
  protected _stopPolling(): void {
    this._poll?.dispose();
    this._poll = null;
  }

  /**
   * Run one sync step under the file's lock (the one queue: steps of this tab
   * and of the lab's other tabs run one after another), recording its outcome.
   */
  protected _run(step: () => Promise<string | null>): Promise<void> {
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

  protected _waitingMessage(): string {
    const names = [...this._asking].map(key => SETTING_OF[key]);
    return `${names.join(', ')} changed both here and in ${this._store.path}: waiting for your answer.`;
  }

  protected get _lockName(): string {
    return `jupyterlab-qbraid-session:${this._store.path}`;
  }

  protected _setStatus(
    state: IQbraidSyncStatus['state'],
    message: string
  ): void {
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

  protected readonly _store: QbraidrcStore;
  protected _status: IQbraidSyncStatus;
  /** The last step started, while it waits for the lock or runs. */
  protected _lastStep: Promise<void> | null = null;
  /** The keys a person is being asked about, and the answer's settling. */
  protected readonly _asking = new Set<QbraidConfigKey>();
  protected _poll: Poll | null = null;
  private readonly _pollMs: number;
  private readonly _maxPollMs: number;
  private readonly _now: () => Date;
  private readonly _statusChanged = new Signal<this, IQbraidSyncStatus>(this);
}
