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
}

/**
 * The store the settings ask for, chosen once: the Jupyter server with
 * `keyStorage: server` (which says so where there is none), else this page
 * or the browser's storage in JupyterLite, else the settings registry.
 */
export function chooseKeyStore(
  options: IChooseKeyStoreOptions
): IQbraidKeyStore {
  const asked = options.settings?.composite['keyStorage'];
  if (asked === 'server') {
    return new ServerKeyStore(options.serverSettings, options);
  }
  return options.lite
    ? new PageKeyStore(options)
    : new SettingsKeyStore(options);
}
