import type { ISignal } from '@lumino/signaling';
import { QbraidApiError } from '../rules/errors';
import type { IQbraidConnection } from '../tokens';
import { CREDENTIAL_HEADERS } from '../rules/fields';

/** One request as the transport sends it. */
export interface ITransportRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | null;
  signal?: AbortSignal;
  /**
   * The credentials are held by the Jupyter server, which adds them: the
   * request must go through its proxy.
   */
  serverCredentials?: boolean;
}

/**
 * What sends the session's requests: directly to the API (`QbraidTransport`),
 * or through the Jupyter server's proxy (`ProxyTransport`). Resolves with the
 * API's answer; rejects with `TransportError` when no answer arrived.
 */
export interface IQbraidTransport {
  send(request: ITransportRequest): Promise<Response>;
  /** How requests to `url` go, when the transport chooses (a router). */
  route?(url: string, serverCredentials?: boolean): IQbraidConnection;
  /** Emitted when `route` may answer otherwise. */
  readonly changed?: ISignal<unknown, void>;
}

/** How a request failed before any answer arrived. */
export class TransportError extends Error {
  /** Create a transport error. */
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

/** Options of a transport. */
export interface IQbraidTransportOptions {
  /** The real fetch; the global one by default (resolved at call time). */
  fetch?: typeof fetch;
  /** Redirects followed before giving up (requests' default: 30). */
  maxRedirects?: number;
}

/**
 * Sends requests from the browser straight to the API (no server half, or
 * the `direct` connection): a plain `fetch`, since `ServerConnection` is the
 * client of the Jupyter server and would add its token and XSRF value.
 *
 * - nothing of the Jupyter server's is added, and cookies are never sent
 *   (`credentials: 'omit'`); in a browser every answer is revalidated
 *   (`no-cache`), so one cached for another key is never reused;
 * - redirects are followed by hand (`redirect: 'manual'`) so credential headers
 *   are dropped when a redirect leaves the origin (the SDK's `should_strip_auth`).
 *   A browser hides the target of a redirect (`opaqueredirect`): that answer is
 *   an error instead of a blind follow.
 */
export class QbraidTransport implements IQbraidTransport {
  /** Create a transport. */
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
    let headers: Headers;
    try {
      // Built first, so a value fetch refuses is told apart from a network error.
      headers = new Headers(init.headers);
    } catch (error) {
      throw new QbraidApiError(
        `The request could not be sent: ${(error as Error).message}`,
        { code: 'invalid_request', cause: error }
      );
    }
    try {
      return await this._fetch.call(null, url, {
        ...init,
        headers,
        credentials: 'omit',
        cache: Private.CACHE_MODE
      });
    } catch (error) {
      if (init.signal?.aborted) {
        throw error;
      }
      throw new TransportError(
        Private.describe(error),
        Private.isConnectError(error) ? 'connect' : 'read',
        { cause: error }
      );
    }
  }

  private readonly _fetch: typeof fetch;
  private readonly _maxRedirects: number;
}

namespace Private {
  /**
   * `no-cache` makes a browser revalidate every answer with the API, so one
   * cached for another key is never reused. Node's fetch has no HTTP cache:
   * there the mode would only add two request headers.
   */
  export const CACHE_MODE: RequestCache =
    typeof document === 'undefined' ? 'default' : 'no-cache';

  export const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

  /** Error codes (Node/undici) that mean no connection was made. */
  const CONNECT_CODES = new Set([
    'ECONNREFUSED',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'UND_ERR_CONNECT_TIMEOUT'
  ]);

  /** The method after a redirect, as browsers and requests' `rebuild_method` do. */
  export function becomesGet(status: number, method: string): boolean {
    const verb = method.toUpperCase();
    return (
      (status === 303 && verb !== 'HEAD') ||
      ((status === 301 || status === 302) && verb === 'POST')
    );
  }

  /** The chain of causes of an error, outermost first. */
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
