import type { IQbraidCredentials, IQbraidRetryOptions } from './tokens';

/**
 * The user settings of the session plugin, as `schema/plugin.json` defines them.
 */
export interface IQbraidSettings {
  email?: string;
  apiKey?: string;
  refreshToken?: string;
  idToken?: string;
  baseUrl?: string;
  retriesTotal?: number;
  retriesConnect?: number;
  backoffFactor?: number;
  timeout?: number;
}

/**
 * The session update that applies `settings`: an empty string clears a value,
 * so the session falls back to qbraidrc, the environment and the default.
 */
export function sessionUpdateFromSettings(
  settings: IQbraidSettings
): IQbraidCredentials & IQbraidRetryOptions {
  const text = (value: string | undefined) => (value ? value.trim() : null);
  return {
    userEmail: text(settings.email),
    apiKey: text(settings.apiKey),
    refreshToken: text(settings.refreshToken),
    idToken: text(settings.idToken),
    baseUrl: text(settings.baseUrl),
    retriesTotal: settings.retriesTotal,
    retriesConnect: settings.retriesConnect,
    backoffFactor: settings.backoffFactor,
    timeout: settings.timeout
  };
}
