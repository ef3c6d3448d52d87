import { ServerConnection } from '@jupyterlab/services';
import { ConfigError, QbraidApiError } from './errors';
import { serverHalfUrl } from './serverhalf';
import {
  IQbraidTransport,
  ITransportRequest,
  TransportError
} from './transport';

/**
 * The header with which the server's proxy says no answer came from the API:
 * `connect` (nothing reached it), `read` (the request may have), or `refused`
 * (the proxy did not forward it).
 */
export const PROXY_ERROR_HEADER = 'X-Qbraid-Proxy-Error';

/**
 * Sends the session's requests through the Jupyter server's same-origin proxy
 * with `ServerConnection.makeRequest`, which is what it is for: the Jupyter
 * token and XSRF value go to the Jupyter server, where they belong, and the
 * proxy forwards only the qBraid headers. No CORS is needed. Redirects are
 * followed by the proxy, within the origins it may reach.
 */
export class ProxyTransport implements IQbraidTransport {
  /**
   * Create a transport for the Jupyter server of `settings`.
   */
  constructor(private readonly _settings: ServerConnection.ISettings) {
    this._endpoint = serverHalfUrl(_settings, 'proxy');
  }

  /**
   * Send a request; the API's answer, or a `TransportError` the retry policy
   * reads as the proxy said.
   */
  async send(request: ITransportRequest): Promise<Response> {
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(
        `${this._endpoint}?url=${encodeURIComponent(request.url)}`,
        {
          method: request.method,
          headers: request.headers,
          body: request.body ?? undefined,
          signal: request.signal
        },
        this._settings
      );
    } catch (error) {
      if (error instanceof ServerConnection.NetworkError) {
        // The Jupyter server did not answer: nothing reached the API.
        throw new TransportError(
          `the Jupyter server did not answer: ${error.message}`,
          'connect',
          { cause: error, via: 'server' }
        );
      }
      throw new QbraidApiError(
        `The request could not be sent: ${(error as Error).message}`,
        { code: 'invalid_request', cause: error }
      );
    }
    const failure = response.headers.get(PROXY_ERROR_HEADER);
    if (!failure) {
      return response;
    }
    const message = await Private.message(response);
    if (failure === 'connect' || failure === 'read') {
      throw new TransportError(message, failure, { via: 'server' });
    }
    throw new ConfigError(message, {
      status: response.status,
      code: 'proxy_refused'
    });
  }

  private readonly _endpoint: string;
}

namespace Private {
  export async function message(response: Response): Promise<string> {
    try {
      const body = await response.json();
      if (typeof body?.error?.message === 'string') {
        return body.error.message;
      }
    } catch {
      // Not the proxy's JSON: say what is known.
    }
    return `answered ${response.status}`;
  }
}
