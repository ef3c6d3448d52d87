import { ServerConnection } from '@jupyterlab/services';
import type { ISignal } from '@lumino/signaling';
import { QbraidApiError } from './errors';
import type { IQbraidConnection } from '../tokens';
import { CREDENTIAL_HEADERS } from '../fields';

/**
 * One request as the transport sends it.
 */
export interface ITransportRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | null;
  signal?: AbortSignal;
}

/**
 * What sends the session's requests: directly to the API (`QbraidTransport`),
 * or through the Jupyter server's proxy (`ProxyTransport`). Resolves with the
 * API's answer; rejects with `TransportError` when no answer arrived.
 */
export interface IQbraidTransport {
  send(request: ITransportRequest): Promise<Response>;
  /** How requests to `url` go, when the transport chooses (a router). */
  route?(url: string): IQbraidConnection;
  /** Emitted when `route` may answer otherwise. */
  readonly changed?: ISignal<unknown, void>;
}

/**
 * How a request failed before any answer arrived.
 */
export class TransportError extends Error {
  /**
   * Create a transport error.
   */
  constructor(
    message: string,
    readonly kind: 'connect' | 'read',
    options?: { cause?: unknown; via?: 'server' | 'direct' }
  ) {
    super(message, options);
    this.name = 'TransportError';
    this.via = options?.via ?? 'direct';
  }

  /** Whether it went through the Jupyter server's proxy or from the browser. */
  readonly via: 'server' | 'direct';
}

/**
 * Options of a transport.
 */
export interface IQbraidTransportOptions {
  /** The real fetch; the global one by default (resolved at call time). */
  fetch?: typeof fetch;
  /** Redirects followed before giving up (requests' default: 30). */
  maxRedirects?: number;
}

/**
 * Sends requests to an external API through `ServerConnection.makeRequest`,
 * without what `makeRequest` adds for the Jupyter server:
 *
 * - settings carry no token, and the fetch strips any `Authorization: token`
 *   and `X-XSRFToken` header before the request leaves;
 * - cookies are never sent (`credentials: 'omit'`) and, in a browser,
 *   `no-cache` replaces `no-store` so no cache-busting query parameter
 *   reaches the API;
 * - redirects are followed by hand (`redirect: 'manual'`) so credential headers
 *   are dropped when a redirect leaves the origin (the SDK's `should_strip_auth`).
 *   A browser hides the target of a redirect (`opaqueredirect`): that answer is
 *   an error instead of a blind follow.
 */
export class QbraidTransport implements IQbraidTransport {
  /**
   * Create a transport.
   */
  constructor(options: IQbraidTransportOptions = {}) {
    this._fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this._maxRedirects = options.maxRedirects ?? 30;
  }

  /**
   * Send a request, following redirects; resolves with the final answer,
   * rejects with `TransportError` when no answer arrived.
   */
  async send(request: ITransportRequest): Promise<Response> {
    let { method, url, body } = request;
    const headers = { ...request.headers };
    for (let hop = 0; ; hop++) {
      const response = await this._sendOnce(url, {
        method,
        headers,
        body: body ?? undefined,
        signal: request.signal,
        redirect: 'manual'
      });
      if (response.type === 'opaqueredirect') {
        throw new QbraidApiError(
          `The qBraid API at ${new URL(url).origin} answered with a redirect that the browser hides; ` +
            'it was not followed, so no credential could reach another host. Check the base URL ' +
            '(https, and the path ending in /api).',
          { code: 'redirect_hidden' }
        );
      }
      const location = response.headers.get('Location');
      if (!Private.REDIRECT_STATUSES.has(response.status) || !location) {
        return response;
      }
      await response.body?.cancel();
      if (hop >= this._maxRedirects) {
        throw new QbraidApiError(`Exceeded ${this._maxRedirects} redirects.`, {
          status: response.status,
          code: 'too_many_redirects'
        });
      }
      const next = new URL(location, url);
      if (next.origin !== new URL(url).origin) {
        for (const name of Object.keys(headers)) {
          if (CREDENTIAL_HEADERS.includes(name.toLowerCase())) {
            delete headers[name];
          }
        }
      }
      if (Private.becomesGet(response.status, method)) {
        method = 'GET';
        body = null;
        for (const name of Object.keys(headers)) {
          if (name.toLowerCase() === 'content-type') {
            delete headers[name];
          }
        }
      }
      url = next.href;
    }
  }

  private async _sendOnce(url: string, init: RequestInit): Promise<Response> {
    const call: Private.ICall = { failure: undefined };
    const callInit: Private.ICallInit = { ...init, qbraidCall: call };
    try {
      return await ServerConnection.makeRequest(
        url,
        callInit,
        this._settingsFor(new URL(url).origin)
      );
    } catch (error) {
      if (error instanceof ServerConnection.NetworkError) {
        // makeRequest keeps only the message; the cause tells a refused connection apart.
        const original = call.failure ?? error;
        throw new TransportError(
          Private.describe(original),
          Private.isConnectError(original) ? 'connect' : 'read',
          { cause: original }
        );
      }
      // Thrown before anything was sent (e.g. a header value fetch refuses).
      throw new QbraidApiError(
        `The request could not be sent: ${(error as Error).message}`,
        { code: 'invalid_request', cause: error }
      );
    }
  }

  /**
   * Settings for an external origin (made once per origin): no token, no
   * cookies, no cache-busting parameter, and a fetch that strips what
   * `makeRequest` adds for the Jupyter server.
   */
  private _settingsFor(origin: string): ServerConnection.ISettings {
    let settings = this._settings.get(origin);
    if (!settings) {
      settings = ServerConnection.makeSettings({
        baseUrl: origin + '/',
        token: '',
        appendToken: false,
        init: { cache: Private.CACHE_MODE, credentials: 'omit' },
        Request: Private.CallRequest as unknown as typeof Request,
        fetch: input => {
          const request = input as unknown as Private.CallRequest;
          Private.stripJupyterSecrets(request.headers);
          return this._fetch
            .call(null, request.url, {
              ...request.init,
              headers: request.headers
            })
            .catch(error => {
              if (request.call) {
                request.call.failure = error;
              }
              throw error;
            });
        }
      });
      this._settings.set(origin, settings);
    }
    return settings;
  }

  private readonly _settings = new Map<string, ServerConnection.ISettings>();
  private readonly _fetch: typeof fetch;
  private readonly _maxRedirects: number;
}

namespace Private {
  /**
   * `no-store` would make `makeRequest` append a cache-busting parameter;
   * `no-cache` makes a browser revalidate every answer with the API, so one
   * cached for another key is never reused. Node's fetch has no HTTP cache:
   * there the mode would only add two request headers.
   */
  export const CACHE_MODE: RequestCache =
    typeof document === 'undefined' ? 'default' : 'no-cache';

  export const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

  /**
   * Error codes (Node/undici) that mean no connection was made.
   */
  const CONNECT_CODES = new Set([
    'ECONNREFUSED',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'UND_ERR_CONNECT_TIMEOUT'
  ]);

  /**
   * The method after a redirect, as browsers and requests' `rebuild_method` do.
   */
  export function becomesGet(status: number, method: string): boolean {
    const verb = method.toUpperCase();
    return (
      (status === 303 && verb !== 'HEAD') ||
      ((status === 301 || status === 302) && verb === 'POST')
    );
  }

  /**
   * One call through `makeRequest`: where the fetch records why it failed.
   */
  export interface ICall {
    failure: unknown;
  }

  /**
   * Request options carrying the call; `makeRequest` spreads them into the
   * `Request` it builds, which is how the fetch finds its call.
   */
  export type ICallInit = RequestInit & { qbraidCall?: ICall };

  /**
   * The settings' `Request`: what `makeRequest` needs of a request (its URL,
   * its headers to add to) without building a real one, which `fetch` would
   * only copy again. The fetch sends it as `fetch(url, init)` and records a
   * failure on its call.
   */
  export class CallRequest {
    constructor(url: string, init: ICallInit = {}) {
      const { qbraidCall, ...rest } = init;
      this.url = url;
      this.init = rest;
      this.headers = new Headers(rest.headers);
      this.call = qbraidCall ?? null;
    }

    readonly url: string;
    readonly init: RequestInit;
    readonly headers: Headers;
    readonly call: ICall | null;
  }

  /**
   * Remove the Jupyter token and the XSRF header, which `makeRequest` adds for
   * the Jupyter server whatever the destination (a request's headers may be
   * changed until it is sent).
   */
  export function stripJupyterSecrets(headers: Headers): void {
    headers.delete('X-XSRFToken');
    const authorization = headers.get('Authorization');
    if (authorization !== null) {
      const kept = authorization
        .split(',')
        .map(part => part.trim())
        .filter(part => part && !/^token\s/i.test(part));
      if (kept.length) {
        headers.set('Authorization', kept.join(', '));
      } else {
        headers.delete('Authorization');
      }
    }
  }

  /**
   * The chain of causes of an error, outermost first.
   */
  function causes(error: unknown): unknown[] {
    const chain: unknown[] = [];
    let current = error;
    while (current && chain.length < 5 && !chain.includes(current)) {
      chain.push(current);
      current = (current as { cause?: unknown }).cause;
    }
    return chain;
  }

  export function isConnectError(error: unknown): boolean {
    return causes(error).some(e =>
      CONNECT_CODES.has(String((e as { code?: unknown }).code))
    );
  }

  export function describe(error: unknown): string {
    return causes(error)
      .map(e => {
        const code = (e as { code?: unknown }).code;
        const message = (e as { message?: unknown }).message ?? String(e);
        return code ? `${String(message)} (${String(code)})` : String(message);
      })
      .join(': ');
  }
}
