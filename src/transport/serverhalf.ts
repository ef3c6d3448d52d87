import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import RULES from '../rules/rules.json';
import { QbraidApiError, ServerErrorCode } from '../rules/errors';

/**
 * The routes of the server half (the `jupyterlab_qbraid_session` server
 * extension), under the Jupyter server's base URL.
 */
export const SERVER_NAMESPACE = 'qbraid-session';

/**
 * Every error code the server half answers with, in the `reason` of
 * jupyter_server's standard error JSON (`{message, reason}`), from the rule
 * book the server reads too.
 */
export const SERVER_ERROR_CODES = Object.keys(
  RULES.errors.server
) as ReadonlyArray<keyof typeof RULES.errors.server>;

export type { ServerErrorCode } from '../rules/errors';

/** What `GET qbraid-session/info` says. */
export interface IServerInfo {
  version: string;
  features: { proxy: boolean; qbraidrc: boolean; credentials?: boolean };
  /** The names of the credentials the server holds (never a value). */
  credentials?: string[];
  /** The qbraidrc the Python SDK reads on the server, `~`-shortened. */
  qbraidrc_path: string;
  /** The API origins the proxy may reach. */
  allowed_origins: string[];
  /** The request headers the proxy forwards. */
  forwarded_headers: string[];
}

/**
 * A refusal or failure of the server half, with its code and message: one
 * of the session's errors (`QbraidApiError`), as jupyterlab-git's error is
 * one of `ServerConnection`'s.
 */
export class ServerHalfError extends QbraidApiError {
  /** Create an error; `status` is 0 when the Jupyter server did not answer. */
  constructor(
    message: string,
    status: number,
    code: ServerErrorCode,
    options: { cause?: unknown } = {}
  ) {
    super(message, { status, code, cause: options.cause });
  }

  /** The server half's code (`ServerErrorCode`). */
  declare readonly code: ServerErrorCode;

  /**
   * The error an answer that is not OK stands for, read from the server
   * half's JSON; an answer of anything else says its status.
   */
  static async fromResponse(response: Response): Promise<ServerHalfError> {
    let message = `the Jupyter server answered ${response.status}`;
    let code: ServerErrorCode = 'server_error';
    try {
      const body = await response.json();
      if (typeof body?.message === 'string' && body.message) {
        message = body.message;
      }
      if (Private.KNOWN.has(body?.reason)) {
        code = body.reason;
      }
    } catch {
      // Not the server half's JSON: the status says what is known.
    }
    return new ServerHalfError(message, response.status, code);
  }
}

/** The URL of a server-half route. */
export function serverHalfUrl(
  settings: ServerConnection.ISettings,
  route: string
): string {
  return URLExt.join(settings.baseUrl, SERVER_NAMESPACE, route);
}

/**
 * Send a request to a server-half route with `ServerConnection` (the Jupyter
 * token and XSRF value go to the Jupyter server only) and answer the raw
 * response, whatever its status; a `ServerHalfError` (`server_unreachable`)
 * when the server did not answer (any other error, such as a bad URL, is
 * thrown as it is). `query` is appended, encoded.
 */
export async function sendToServerHalf(
  settings: ServerConnection.ISettings,
  route: string,
  init: RequestInit = {},
  query: Record<string, string> = {}
): Promise<Response> {
  // Joined once per server and route: every proxied request comes here.
  let routes = Private.urls.get(settings);
  if (!routes) {
    routes = new Map();
    Private.urls.set(settings, routes);
  }
  let base = routes.get(route);
  if (base === undefined) {
    base = serverHalfUrl(settings, route);
    routes.set(route, base);
  }
  const search = Object.entries(query)
    .map(
      ([name, value]) =>
        `${encodeURIComponent(name)}=${encodeURIComponent(value)}`
    )
    .join('&');
  const url = search ? `${base}?${search}` : base;
  try {
    return await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    if (!(error instanceof ServerConnection.NetworkError)) {
      throw error;
    }
    throw new ServerHalfError(
      `the Jupyter server did not answer: ${(error as Error).message}`,
      0,
      'server_unreachable',
      { cause: error }
    );
  }
}

/** An answer of the server half: its JSON body and headers. */
export interface IServerAnswer<T> {
  data: T;
  headers: Headers;
}

/**
 * Call a server-half route and read its JSON (the shape of `requestAPI` in
 * the Jupyter extension examples); any answer that is not OK is thrown as a
 * `ServerHalfError` with the server's code and message.
 */
export async function requestAPI<T>(
  settings: ServerConnection.ISettings,
  route: string,
  init: RequestInit = {}
): Promise<IServerAnswer<T>> {
  const response = await sendToServerHalf(settings, route, init);
  if (!response.ok) {
    throw await ServerHalfError.fromResponse(response);
  }
  let data: T;
  try {
    data = (await response.json()) as T;
  } catch (error) {
    throw new ServerHalfError(
      `the Jupyter server's answer to ${route} is not JSON`,
      response.status,
      'server_error',
      { cause: error }
    );
  }
  return { data, headers: response.headers };
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
  export const KNOWN = new Set<unknown>(SERVER_ERROR_CODES);

  /** The URL of each route, per server. */
  export const urls = new WeakMap<
    ServerConnection.ISettings,
    Map<string, string>
  >();

  export const cache = new WeakMap<
    ServerConnection.ISettings,
    Promise<IServerInfo | null>
  >();

  export async function fetchInfo(
    settings: ServerConnection.ISettings
  ): Promise<IServerInfo | null> {
    try {
      const { data } = await requestAPI<IServerInfo>(settings, 'info');
      return data && typeof data === 'object' && data.features ? data : null;
    } catch {
      return null;
    }
  }
}
