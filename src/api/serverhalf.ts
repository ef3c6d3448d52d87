import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/**
 * The routes of the server half (the `jupyterlab_qbraid_session` server
 * extension), under the Jupyter server's base URL.
 */
export const SERVER_NAMESPACE = 'qbraid-session';

/**
 * What `GET qbraid-session/info` says.
 */
export interface IServerInfo {
  version: string;
  features: { proxy: boolean; qbraidrc: boolean };
  /** The qbraidrc the Python SDK reads on the server, `~`-shortened. */
  qbraidrc_path: string;
  /** The API origins the proxy may reach. */
  allowed_origins: string[];
  /** The request headers the proxy forwards. */
  forwarded_headers: string[];
}

/**
 * The URL of a server-half route.
 */
export function serverHalfUrl(
  settings: ServerConnection.ISettings,
  route: string
): string {
  return URLExt.join(settings.baseUrl, SERVER_NAMESPACE, route);
}

/**
 * Ask the Jupyter server whether the server half is there (one request per
 * server, shared by every caller); `null` when it is not (frontend-only
 * install, JupyterLite, disabled) or the server did not answer.
 */
export function fetchServerInfo(
  settings: ServerConnection.ISettings
): Promise<IServerInfo | null> {
  let info = Private.cache.get(settings);
  if (!info) {
    info = Private.fetchInfo(settings);
    Private.cache.set(settings, info);
  }
  return info;
}

namespace Private {
  export const cache = new WeakMap<
    ServerConnection.ISettings,
    Promise<IServerInfo | null>
  >();

  export async function fetchInfo(
    settings: ServerConnection.ISettings
  ): Promise<IServerInfo | null> {
    try {
      const response = await ServerConnection.makeRequest(
        serverHalfUrl(settings, 'info'),
        {},
        settings
      );
      if (!response.ok) {
        return null;
      }
      const info = (await response.json()) as IServerInfo;
      return info && typeof info === 'object' && info.features ? info : null;
    } catch {
      return null;
    }
  }
}
