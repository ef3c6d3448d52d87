import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import {
  nullTranslator,
  type TranslationBundle
} from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';
import { CREDENTIAL_FIELDS, SIGNED_OUT } from '../rules/fields';
import type { QbraidSession } from '../session/session';
import type {
  IQbraidCredentials,
  IQbraidIdentity,
  IQbraidKeyStore,
  QbraidRetryUpdate
} from '../tokens';
import {
  applySettings,
  IQbraidSettings,
  RegistrySettings,
  sessionUpdateFromSettings
} from './settings';

/**
 * What a store says to people outside the panel (JupyterLab's
 * Notification in the lab); messages never hold a secret.
 */
export type Notify = (kind: 'info' | 'warning' | 'error', text: string) => void;

/** Options of the settings store. */
export interface ISettingsKeyStoreOptions {
  /** The loaded settings of the session plugin; `null`: none (the session keeps its values). */
  settings?: ISettingRegistry.ISettings | null;
  /** Keeps checked values; by default merged into the user settings with one save. */
  save?: (values: ReadonlyPartialJSONObject) => Promise<void>;
  /** Reads the settings again (the registry's `reload`). */
  reload?: () => Promise<unknown>;
  /** A session that checks entered values; by default the connected session's candidate. */
  probe?: (
    values: IQbraidKeyStore.ISignIn
  ) => QbraidSession | Promise<QbraidSession>;
  /** Whether the credentials come from the settings (`false`: only the other settings apply). */
  credentials?: boolean;
  /** Where messages for people go. */
  notify?: Notify;
  /** The translation of those messages. */
  trans?: TranslationBundle;
}

/**
 * The key kept in the settings registry (`keyStorage: settings`): the
 * settings are applied to the session live, a sign-in checks the entered key
 * with the API and saves it there, a sign-out clears it. The other stores
 * build on this one, since the settings that are no key apply to them too.
 */
export class SettingsKeyStore implements IQbraidKeyStore {
  /** Create a store; nothing is applied before `connect`. */
  constructor(options: ISettingsKeyStoreOptions = {}) {
    this.options = options;
    const settings = options.settings ?? null;
    this._save =
      options.save ??
      (values =>
        settings
          ? new RegistrySettings(settings).save(values)
          : Promise.resolve());
  }

  /** The kind of store. */
  get kind(): string {
    return 'settings';
  }

  /** Nothing needs saying: the settings are where people look. */
  get location(): string | null {
    return null;
  }

  /** A key is kept in the settings or nowhere. */
  get canKeepForPage(): boolean {
    return false;
  }

  /** The settings are copied to qbraidrc (when the sync is on). */
  get mirrorsQbraidrc(): boolean {
    return true;
  }

  /** Emitted when what is held, or `location`, changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The session connected, or `null` before `connect`. */
  get session(): QbraidSession | null {
    return this._session;
  }

  /** Apply the settings to `session`, now and on every change. */
  async connect(session: QbraidSession): Promise<void> {
    this._session = session;
    this.options.settings?.changed.connect(() => this.apply(), this);
    this.apply();
  }

  /**
   * Check the entered values with the API (the sign-in waits for no long
   * `Retry-After`), then keep them: what was left empty keeps its setting.
   */
  async signIn(
    values: IQbraidKeyStore.ISignIn,
    signal?: AbortSignal
  ): Promise<IQbraidIdentity> {
    const probe = await (this.options.probe?.(values) ??
      this._session!.candidate(
        {
          userEmail: values.email || null,
          apiKey: values.apiKey,
          baseUrl: values.baseUrl || null,
          apiVersion: values.apiVersion || undefined
        },
        { maxRetryAfter: Private.INTERACTIVE_RETRY_AFTER }
      ));
    try {
      const identity = await probe.verify({ signal });
      await this.keep(values, values.email || identity.email);
      return identity;
    } finally {
      probe.close();
    }
  }

  /** Clear every credential of the settings. */
  async signOut(): Promise<void> {
    await this.save(SIGNED_OUT);
  }

  /** Read the settings again. */
  async reread(): Promise<void> {
    await this.options.reload?.();
  }

  /** Keep checked values (`email`: the entered one, else the account's). */
  protected async keep(
    values: IQbraidKeyStore.ISignIn,
    email: string
  ): Promise<void> {
    await this.save(Private.saved(values, email));
  }

  /** Merge values into the settings. */
  protected save(values: ReadonlyPartialJSONObject): Promise<void> {
    return this._save(values);
  }

  /** What the session gets: the settings, as one update. */
  protected update(): IQbraidCredentials & QbraidRetryUpdate {
    const settings = this.options.settings;
    if (!settings) {
      return {};
    }
    const update = sessionUpdateFromSettings(
      settings.composite as IQbraidSettings
    );
    if (this.options.credentials === false) {
      for (const field of CREDENTIAL_FIELDS) {
        delete update[field.property];
      }
    }
    return update;
  }

  /** Apply `update()`; a refused value is said, and the others apply. */
  protected apply(): void {
    if (!this._session) {
      return;
    }
    const refused = applySettings(this._session, this.update());
    if (refused.length) {
      this.options.notify?.(
        'error',
        this.trans.__(
          'These qBraid settings were not applied (the others were): %1',
          refused.join(' ')
        )
      );
    }
  }

  /** The translation of messages for people. */
  protected get trans(): TranslationBundle {
    return (
      this.options.trans ?? nullTranslator.load('jupyterlab_qbraid_session')
    );
  }

  protected readonly options: ISettingsKeyStoreOptions;
  protected readonly _changed = new Signal<this, void>(this);
  private _session: QbraidSession | null = null;
  private readonly _save: (values: ReadonlyPartialJSONObject) => Promise<void>;
}

namespace Private {
  /** The longest `Retry-After` (s) a sign-in from the panel waits for. */
  export const INTERACTIVE_RETRY_AFTER = 10;

  /** The settings a sign-in saves: what was left empty keeps its setting. */
  export function saved(
    values: IQbraidKeyStore.ISignIn,
    email: string
  ): Record<string, string> {
    const saved: Record<string, string> = { email, apiKey: values.apiKey };
    if (values.baseUrl) {
      saved.baseUrl = values.baseUrl;
    }
    if (values.apiVersion) {
      saved.apiVersion = values.apiVersion;
    }
    return saved;
  }
}
