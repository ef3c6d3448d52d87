import { ISignal, Signal } from '@lumino/signaling';
import { CREDENTIAL_FIELDS } from '../rules/fields';
import { ConfigError } from '../rules/errors';
import type { QbraidSession } from '../session/session';
import { normalizeBaseUrl } from '../rules/url';
import { settingsProblems } from '../rules/validation';
import { SettingsKeyStore } from '../stores/settingsstore';
import { IAccount, loadCredits } from './account';
import type {
  IQbraidIdentity,
  IQbraidKeyStore,
  IQbraidSession
} from '../tokens';

/** Where the user stands with the qBraid API. */
export type SignInState =
  'signed-out' | 'unverified' | 'checking' | 'signed-in' | 'error';

/** What a person enters to sign in. */
export type ISignInValues = IQbraidKeyStore.ISignIn;

export type { IAccount } from './account';

/** Options of the sign-in model. */
export interface ISignInModelOptions {
  session: QbraidSession;
  /** Where the credentials are kept: a sign-in keeps them there (by default nowhere but the session, after a check). */
  store?: IQbraidKeyStore;
  /** Clears the credentials (the store's, and qbraidrc); by default the store's sign-out. */
  signOut?: () => Promise<void>;
  /**
   * The settings' own check of values about to be saved (the schema), run
   * before anything is sent; a message naming the refused setting, or `null`.
   */
  validate?: (values: Partial<ISignInValues>) => Promise<string | null>;
  /** The clock of `lastCheck`. */
  now?: () => Date;
}

/**
 * The signed-in state the login panel and the status bar show: signs in
 * (checking the credentials with `GET /identity` before saving them), checks
 * the session's credentials, signs out. No DOM.
 */
export class SignInModel {
  /** Create the status of a session. */
  constructor(options: ISignInModelOptions) {
    this.session = options.session;
    this._store = options.store ?? Private.connected(this.session);
    this._signOut = options.signOut ?? (() => this._store.signOut());
    this._validate = options.validate ?? null;
    this._now = options.now ?? (() => new Date());
    this._store.changed.connect(() => this._changed.emit(), this);
    this.session.changed.connect(this._onSessionChanged, this);
    this._state = this.hasCredentials ? 'unverified' : 'signed-out';
  }

  /** The session this is the status of. */
  readonly session: QbraidSession;

  /** Emitted when anything shown changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Where the user stands. */
  get state(): SignInState {
    return this._state;
  }

  /** The account of the last check, or `null` before one succeeded. */
  get account(): IAccount | null {
    if (this._state !== 'signed-in' || !this._identity) {
      return null;
    }
    const text = (value: unknown) =>
      typeof value === 'string' && value ? value : null;
    return {
      name: text(this._identity['userName']),
      organization: text(this._identity['organizationId']),
      credits: this._credits
    };
  }

  /** The email the API confirmed at the last check, else the configured one. */
  get email(): string | null {
    return this._identity?.email ?? this.session.userEmail;
  }

  /** When the credentials were last checked. */
  get lastCheck(): Date | null {
    return this._lastCheck;
  }

  /** Why the last check or sign-in failed. */
  get error(): unknown {
    return this._error;
  }

  /** Whether a sign-in or a check is running. */
  get busy(): boolean {
    return this._busy > 0;
  }

  /** Whether a sign-in is running. */
  get signingIn(): boolean {
    return this._signingIn;
  }

  /**
   * Stop the sign-in or check that is running (its wait between retries
   * included); the state is what it was before, with no error.
   */
  cancel(): void {
    this._abort?.abort();
  }

  /**
   * Forget the last failure (the person is editing what it was about), so
   * that no message stays about values that are no longer entered.
   */
  dismissError(): void {
    if (this._error !== null && !this.busy) {
      this._error = null;
      this._changed.emit();
    }
  }

  /** Where the credentials are kept, for people; `null` when nothing needs saying. */
  get keyLocation(): string | null {
    return this._store.location;
  }

  /** Whether a sign-in may keep the key in this page only (`pageOnly`). */
  get canKeepForPage(): boolean {
    return this._store.canKeepForPage;
  }

  /** Whether the session has credentials (an API key or a token). */
  get hasCredentials(): boolean {
    return this.session.hasCredentials;
  }

  /**
   * Why the stored settings were refused (hand-edited settings the schema
   * rejects), naming the setting; `null` when they were accepted.
   */
  get settingsError(): string | null {
    return this._settingsError;
  }

  set settingsError(value: string | null) {
    if (value !== this._settingsError) {
      this._settingsError = value;
      this._changed.emit();
    }
  }

  /**
   * Check the entered credentials with the API, then save them. Resolves
   * with the identity; rejects (and sets `error`) when refused.
   */
  async signIn(values: ISignInValues): Promise<IQbraidIdentity> {
    const entered: ISignInValues = {
      email: values.email.trim(),
      apiKey: values.apiKey.trim(),
      baseUrl: values.baseUrl.trim(),
      apiVersion: values.apiVersion ?? '',
      pageOnly: !!values.pageOnly && this.canKeepForPage
    };
    return this._track('sign-in', async signal => {
      // Nothing is sent before the values pass the check the settings apply.
      const problem = await this._check(entered);
      if (problem) {
        throw new ConfigError(problem, { code: 'invalid_setting' });
      }
      const identity = await this._store.signIn(entered, signal);
      this._verified = Private.credentialsInForce(this.session);
      return identity;
    });
  }

  /** Check the session's credentials (`GET /identity`). */
  async check(): Promise<IQbraidIdentity | null> {
    if (!this.hasCredentials) {
      this._identity = null;
      this._error = null;
      this._set('signed-out');
      return null;
    }
    const checked = Private.credentialsInForce(this.session);
    try {
      return await this._track(
        'check',
        signal => this.session.verify({ signal }),
        checked
      );
    } catch (error) {
      if (error instanceof Private.Stale) {
        // The credentials changed while the old ones were checked: check these.
        return this.check();
      }
      throw error;
    }
  }

  /** Clear the credentials (settings and qbraidrc). */
  async signOut(): Promise<void> {
    await this._signOut();
    this._identity = null;
    this._error = null;
    this._verified = null;
    this._set(this.hasCredentials ? 'unverified' : 'signed-out');
  }

  /**
   * Check now, and again `delayMs` after credentials change elsewhere
   * (Settings Editor, qbraidrc), so what is shown is what the API says.
   */
  startAutoCheck(delayMs = 1000): Promise<IQbraidIdentity | null> {
    this._autoCheckMs = delayMs;
    return this.check().catch(() => null);
  }

  /** Stop following the session. */
  dispose(): void {
    this.session.changed.disconnect(this._onSessionChanged, this);
    if (this._autoTimer !== null) {
      clearTimeout(this._autoTimer);
    }
  }

  /**
   * The field table's check of the entered values, then the settings' own:
   * one message naming each refused field (never a value), or `null`.
   */
  private async _check(values: ISignInValues): Promise<string | null> {
    const problems = settingsProblems({
      email: values.email,
      apiKey: values.apiKey
    });
    if (values.baseUrl) {
      try {
        normalizeBaseUrl(values.baseUrl);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    if (problems.length) {
      return problems.join(' ');
    }
    // The settings check what they would hold: where the key is kept is no setting.
    const { pageOnly, ...settings } = values;
    return this._validate ? this._validate(settings) : null;
  }

  /**
   * Run a sign-in or check; a check's outcome (`checked`: the credentials it
   * was about) applies only while those credentials are still in force, and
   * is otherwise thrown away as `Private.Stale`.
   */
  private async _track(
    kind: 'sign-in' | 'check',
    run: (signal: AbortSignal) => Promise<IQbraidIdentity>,
    checked?: string
  ): Promise<IQbraidIdentity> {
    const before = this._state;
    // A new sign-in or check replaces one still running.
    this._abort?.abort();
    const abort = new AbortController();
    this._abort = abort;
    this._busy++;
    this._signingIn = kind === 'sign-in';
    this._set('checking');
    const stale = () =>
      checked !== undefined &&
      Private.credentialsInForce(this.session) !== checked;
    try {
      const identity = await run(abort.signal);
      const credits = await loadCredits(this.session, identity, abort.signal);
      // Nothing is kept before this point: a stale outcome leaves no trace.
      if (stale()) {
        throw new Private.Stale();
      }
      this._identity = identity;
      if (checked !== undefined) {
        this._verified = checked;
      }
      this._error = null;
      this._lastCheck = this._now();
      this._credits = credits;
      this._set('signed-in');
      return identity;
    } catch (error) {
      const stalled =
        error instanceof Private.Stale || (!abort.signal.aborted && stale());
      throw this._failed(kind, before, stalled, abort.signal.aborted, error);
    } finally {
      if (this._abort === abort) {
        this._abort = null;
      }
      this._busy--;
      this._signingIn = false;
      this._changed.emit();
    }
  }

  /**
   * The state after a sign-in or check that failed, and the error to throw:
   * nothing is learned from a stale or cancelled one; a refused sign-in
   * leaves the state as it was, a failed check is an error state.
   */
  private _failed(
    kind: 'sign-in' | 'check',
    before: SignInState,
    stale: boolean,
    cancelled: boolean,
    error: unknown
  ): unknown {
    if (stale) {
      this._identity = null;
      this._credits = null;
      this._error = null;
      this._set('unverified');
      return error instanceof Private.Stale ? error : new Private.Stale();
    }
    const wasChecking = before === 'checking' ? 'unverified' : before;
    if (cancelled) {
      this._error = null;
      this._set(wasChecking);
      return error;
    }
    this._error = error;
    this._lastCheck = this._now();
    this._set(kind === 'check' ? 'error' : wasChecking);
    return error;
  }

  private _onSessionChanged(
    _: IQbraidSession,
    args: IQbraidSession.IChangedArgs
  ): void {
    if (args.changed.every(name => name === 'connection')) {
      // Only the route changed: show it, the credentials stand as they were.
      this._changed.emit();
      return;
    }
    if (!this.hasCredentials) {
      this._identity = null;
      this._set('signed-out');
      return;
    }
    if (
      Private.credentialsInForce(this.session) !== this._verified ||
      this._state === 'signed-out'
    ) {
      // Credentials changed elsewhere (Settings Editor, qbraidrc): not checked yet.
      this._identity = null;
      this._verified = null;
      if (this._state !== 'checking') {
        this._set('unverified');
        this._scheduleCheck();
      }
    }
  }

  private _scheduleCheck(): void {
    if (this._autoCheckMs === null) {
      return;
    }
    if (this._autoTimer !== null) {
      clearTimeout(this._autoTimer);
    }
    this._autoTimer = setTimeout(() => {
      this._autoTimer = null;
      if (this._state === 'unverified') {
        this.check().catch(() => undefined);
      }
    }, this._autoCheckMs);
  }

  private _set(state: SignInState): void {
    this._state = state;
    this._changed.emit();
  }

  private readonly _store: IQbraidKeyStore;
  private readonly _signOut: () => Promise<void>;
  private readonly _now: () => Date;
  private readonly _changed = new Signal<this, void>(this);
  private _state: SignInState;
  private _identity: IQbraidIdentity | null = null;
  private _credits: IAccount['credits'] = null;
  private _lastCheck: Date | null = null;
  private _error: unknown = null;
  private _busy = 0;
  private _signingIn = false;
  private _autoCheckMs: number | null = null;
  private _autoTimer: ReturnType<typeof setTimeout> | null = null;
  /** The credentials and API the last sign-in checked (`Private.credentialsInForce`). */
  private _verified: string | null = null;
  private _settingsError: string | null = null;
  private _abort: AbortController | null = null;
  private readonly _validate:
    ((values: Partial<ISignInValues>) => Promise<string | null>) | null;
}

namespace Private {
  /** A check's outcome about credentials no longer in force. */
  export class Stale extends Error {}

  /** A store that keeps nothing (no settings), connected to `session`. */
  export function connected(session: QbraidSession): IQbraidKeyStore {
    const store = new SettingsKeyStore();
    void store.connect(session);
    return store;
  }

  /** The headers that authenticate, in any dialect (lower case). */
  const AUTH_HEADERS = new Set(
    CREDENTIAL_FIELDS.filter(field => field.authenticates).flatMap(field =>
      Object.values(field.headers).map(name => name!.toLowerCase())
    )
  );

  /**
   * What a check's answer stands for: the API and every credential sent to
   * it (an access token beside the key, a refresh token, ...); the email,
   * which the check may fill in, is left out.
   */
  export function credentialsInForce(session: {
    readonly baseUrl: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly hasCredentials: boolean;
  }): string {
    const sent = Object.entries(session.headers)
      .filter(([name]) => AUTH_HEADERS.has(name))
      .sort(([a], [b]) => a.localeCompare(b));
    // Held by the Jupyter server, the credentials send no header from here.
    return JSON.stringify([session.baseUrl, sent, session.hasCredentials]);
  }
}
