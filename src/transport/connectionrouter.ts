import type { ServerConnection } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';
import { ConfigError } from '../rules/errors';
import { ProxyTransport } from './proxytransport';
import { fetchServerInfo, IServerInfo } from './serverhalf';
import type { IQbraidConnection } from '../tokens';
import { originOf } from '../rules/url';
import {
  IQbraidTransport,
  ITransportRequest,
  QbraidTransport
} from './transport';

/**
 * The `connection` setting: `auto` uses the Jupyter server's proxy when it is
 * there and may reach the API, else a direct fetch; `server` and `direct`
 * insist on one.
 */
export type ConnectionMode = 'auto' | 'server' | 'direct';

/** Options of a connection router. */
export interface IConnectionRouterOptions {
  /** The Jupyter server's settings (where the server half would be). */
  serverSettings: ServerConnection.ISettings;
  /** What sends direct requests; a `QbraidTransport` by default. */
  direct?: IQbraidTransport;
  /** What sends requests through the server; a `ProxyTransport` by default. */
  proxy?: IQbraidTransport;
  /** Asks the server for its server half; `fetchServerInfo` by default. */
  fetchInfo?: () => Promise<IServerInfo | null>;
  mode?: ConnectionMode;
  /**
   * There is no Jupyter server to ask (JupyterLite): every request is a
   * direct fetch, and nothing is requested to find out.
   */
  withoutServer?: boolean;
}

/**
 * Sends each request through the Jupyter server's proxy or directly, as the
 * `connection` setting, the server half's presence and its allowed origins
 * say. The server is asked once: at `start()` (after restore) or at the first
 * request, whichever comes first.
 */
export class ConnectionRouter implements IQbraidTransport {
  /** Create a router; nothing is requested before `start()` or a request. */
  constructor(options: IConnectionRouterOptions) {
    const { serverSettings } = options;
    this._direct = options.direct ?? new QbraidTransport();
    this._proxy = options.proxy ?? new ProxyTransport(serverSettings);
    this._withoutServer = options.withoutServer ?? false;
    this._fetchInfo = this._withoutServer
      ? () => Promise.resolve(null)
      : (options.fetchInfo ?? (() => fetchServerInfo(serverSettings)));
    this._mode = options.mode ?? 'auto';
  }

  /** Emitted when a route may have changed (the server answered, the mode changed). */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The connection setting in force. */
  get mode(): ConnectionMode {
    return this._mode;
  }

  set mode(mode: ConnectionMode) {
    if (mode !== this._mode) {
      this._mode = mode;
      this._changed.emit();
    }
  }

  /** Ask the server for its server half (once). */
  start(): Promise<IServerInfo | null> {
    if (!this._started) {
      this._started = this._fetchInfo().then(info => {
        this._info = info;
        // Normalised once, not on every request.
        this._allowed = new Set((info?.allowed_origins ?? []).map(originOf));
        this._changed.emit();
        return info;
      });
    }
    return this._started;
  }

  /**
   * How requests to `url` go now; with `serverCredentials` (the Jupyter
   * server holds the key) only the server's route is a route.
   */
  route(url: string, serverCredentials = false): IQbraidConnection {
    const route = this._route(url);
    if (serverCredentials && route.via === 'direct') {
      return {
        via: 'unknown',
        reason:
          'The Jupyter server holds the qBraid credentials (the key storage setting is "server"), so requests ' +
          `must go through it, but: ${route.reason ?? 'it cannot take them.'}`
      };
    }
    return route;
  }

  private _route(url: string): IQbraidConnection {
    if (this._mode === 'direct') {
      return { via: 'direct', reason: 'The connection setting is "direct".' };
    }
    if (this._info === undefined) {
      return { via: 'unknown', reason: null };
    }
    const origin = originOf(url);
    if (this._withoutServer) {
      return {
        via: this._mode === 'server' ? 'unknown' : 'direct',
        reason:
          'JupyterLite has no Jupyter server, so requests go from the browser, which needs the API to ' +
          'allow this site in CORS.'
      };
    }
    if (!this._info?.features.proxy) {
      return {
        via: this._mode === 'server' ? 'unknown' : 'direct',
        reason:
          'The Jupyter server has no qBraid proxy (the jupyterlab_qbraid_session server extension), ' +
          'so requests go from the browser, which needs the API to allow this page in CORS.'
      };
    }
    if (origin !== null && this._allowed.has(origin)) {
      return { via: 'server', reason: null };
    }
    return {
      via: this._mode === 'server' ? 'unknown' : 'direct',
      reason:
        `The Jupyter server's proxy may not reach ${origin ?? url}; an administrator can add it with ` +
        'c.QbraidProxy.allowed_origins. Meanwhile requests go from the browser.'
    };
  }

  /** Send through the route `route()` gives once the server was asked. */
  async send(request: ITransportRequest): Promise<Response> {
    if (this._mode !== 'direct') {
      await this.start();
    }
    const route = this.route(request.url, request.serverCredentials);
    if (route.via === 'server') {
      return this._proxy.send(request);
    }
    if (route.via === 'direct') {
      return this._direct.send(request);
    }
    if (request.serverCredentials) {
      throw new ConfigError(
        `${route.reason} Set the key storage to "settings" to keep the key in this browser's settings instead.`,
        { code: 'no_server_route' }
      );
    }
    throw new ConfigError(
      `The connection setting is "server", but no request can go through the Jupyter server: ${route.reason ?? ''} ` +
        'Set the connection to "auto" to use a direct request instead.',
      { code: 'no_server_route' }
    );
  }

  private readonly _direct: IQbraidTransport;
  private readonly _proxy: IQbraidTransport;
  private readonly _fetchInfo: () => Promise<IServerInfo | null>;
  private readonly _withoutServer: boolean;
  private readonly _changed = new Signal<this, void>(this);
  private _mode: ConnectionMode;
  private _info: IServerInfo | null | undefined = undefined;
  private _allowed = new Set<string | null>();
  private _started: Promise<IServerInfo | null> | null = null;
}
