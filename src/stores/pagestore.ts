import type { IQbraidCredentials, IQbraidKeyStore } from '../tokens';
import { SettingsKeyStore } from './settingsstore';

/**
 * The key where the settings are the browser's own storage (JupyterLite):
 * a sign-in may keep it in this page's memory only, in force above the
 * settings until sign-out or the page goes; otherwise it is saved in the
 * settings, which the panel says are kept in the browser.
 */
export class PageKeyStore extends SettingsKeyStore {
  /** The kind of store. */
  get kind(): string {
    return 'page';
  }

  /** Where the key is kept, and how to keep it out of the browser's storage. */
  get location(): string | null {
    if (this._held) {
      return 'Your key is kept in this page only: it is forgotten when the page is closed or reloaded.';
    }
    return this.session?.hasCredentials
      ? "Your key is saved in this browser's storage (IndexedDB), with this site's settings; sign out to remove it."
      : "In JupyterLite a key you save is kept in this browser's storage (IndexedDB), with this site's settings. " +
          'Keep it for this page only to leave nothing there.';
  }

  /** A sign-in may keep the key in this page only. */
  get canKeepForPage(): boolean {
    return true;
  }

  /** The credentials this page holds above the settings, or `null`. */
  get held(): IQbraidCredentials | null {
    return this._held ? { ...this._held } : null;
  }

  /** Forget what the page held, then clear the settings' credentials. */
  async signOut(): Promise<void> {
    this._release();
    await super.signOut();
  }

  /** Hold checked values in the page, or save them (replacing what the page held). */
  protected async keep(
    values: IQbraidKeyStore.ISignIn,
    email: string
  ): Promise<void> {
    if (!values.pageOnly) {
      this._release();
      return super.keep(values, email);
    }
    this._held = {
      userEmail: email || null,
      apiKey: values.apiKey,
      ...(values.baseUrl ? { baseUrl: values.baseUrl } : {}),
      ...(values.apiVersion ? { apiVersion: values.apiVersion } : {})
    };
    this.apply();
    this._changed.emit();
  }

  /** The settings, with what the page holds in force above them. */
  protected update(): ReturnType<SettingsKeyStore['update']> {
    return { ...this._released, ...super.update(), ...this._held };
  }

  /** Forget what the page held: the settings (or nothing) take its place. */
  private _release(): void {
    if (!this._held) {
      return;
    }
    this._released = Object.fromEntries(
      Object.keys(this._held).map(name => [name, null])
    );
    this._held = null;
    this.apply();
    this._released = {};
    this._changed.emit();
  }

  private _held: IQbraidCredentials | null = null;
  /** While releasing: every value the page held, cleared under the settings. */
  private _released: IQbraidCredentials = {};
}
