import { ISignal, Signal } from '@lumino/signaling';
import type { IQbraidConfigStore, QbraidConfigKey } from '../tokens';

/**
 * A config store held in memory: for tests, and for a session that has no
 * qbraidrc to read.
 */
export class MemoryConfigStore implements IQbraidConfigStore {
  /**
   * Create a store with initial values.
   */
  constructor(values: Partial<Record<QbraidConfigKey, string>> = {}) {
    for (const [key, value] of Object.entries(values)) {
      this._values.set(key as QbraidConfigKey, value);
    }
  }

  /** Emitted by `set` (a change made outside the session). */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The stored value of `name`. */
  get(name: QbraidConfigKey): string | undefined {
    return this._values.get(name);
  }

  /** Merge values; `null` removes a key. */
  async save(
    values: Partial<Record<QbraidConfigKey, string | null>>
  ): Promise<void> {
    this._merge(values);
  }

  /** Change values from "outside" (as an edit of the file would), emitting `changed`. */
  set(values: Partial<Record<QbraidConfigKey, string | null>>): void {
    this._merge(values);
    this._changed.emit();
  }

  /** A copy of everything stored. */
  toJSON(): Partial<Record<QbraidConfigKey, string>> {
    return Object.fromEntries(this._values);
  }

  private _merge(values: Partial<Record<QbraidConfigKey, string | null>>) {
    for (const [key, value] of Object.entries(values)) {
      if (value === null) {
        this._values.delete(key as QbraidConfigKey);
      } else if (value !== undefined) {
        this._values.set(key as QbraidConfigKey, value);
      }
    }
  }

  private readonly _values = new Map<QbraidConfigKey, string>();
  private readonly _changed = new Signal<this, void>(this);
}
