import type { ServerConnection } from '@jupyterlab/services';
import type { IQbraidKeyStore } from '../tokens';
import { PageKeyStore } from './pagestore';
import { ServerKeyStore } from './serverstore';
import { ISettingsKeyStoreOptions, SettingsKeyStore } from './settingsstore';

/** What decides where the key is kept. */
export interface IChooseKeyStoreOptions extends ISettingsKeyStoreOptions {
  /** The Jupyter server the lab runs on. */
  serverSettings: ServerConnection.ISettings;
  /** Whether the lab is JupyterLite (no Jupyter server: the settings are the browser's storage). */
  lite: boolean;
  /**
   * The key storage the Jupyter server asks for by default (`server` where a
   * JupyterHub handed it the key); a user's or an administrator's setting wins.
   */
  serverDefault?: string;
}

/**
 * The store the settings ask for, chosen once: the Jupyter server with
 * `keyStorage: server` (which says so where there is none), else this page
 * or the browser's storage in JupyterLite, else the settings registry.
 */
export function chooseKeyStore(
  options: IChooseKeyStoreOptions
): IQbraidKeyStore {
  const asked = askedKeyStorage(options);
  if (asked === 'server') {
    return new ServerKeyStore(options.serverSettings, options);
  }
  return options.lite
    ? new PageKeyStore(options)
    : new SettingsKeyStore(options);
}

/**
 * The key storage in force: the user's setting, else an administrator's
 * default (overrides.json), else the server's, else the schema's.
 */
export function askedKeyStorage(
  options: Pick<IChooseKeyStoreOptions, 'settings' | 'serverDefault'>
): unknown {
  const settings = options.settings;
  const user = settings?.user['keyStorage'];
  const admin = settings?.default('keyStorage');
  if (user !== undefined || (admin !== undefined && admin !== 'settings')) {
    return user ?? admin;
  }
  return options.serverDefault || settings?.composite['keyStorage'];
}
