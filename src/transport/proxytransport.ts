import { ServerConnection } from '@jupyterlab/services';
import { ConfigError, QbraidApiError } from '../rules/errors';
import { sendToServerHalf, ServerHalfError } from './serverhalf';
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
  /** Create a transport for the Jupyter server of `settings`. */
  constructor(private readonly _settings: ServerConnection.ISettings) {}

  /**
   * Send a request; the API's answer, or a `TransportError` the retry policy
   * reads as the proxy said.
   */
  async send(request: ITransportRequest): Promise<Response> {
    let response: Response;
    try {
      response = await sendToServerHalf(
        this._settings,
        'proxy',
        {
          method: request.method,
          headers: request.headers,
          body: request.body ?? undefined,
          signal: request.signal
        },
        // The server adds the credentials it holds (for its own URL's origin only).
        request.serverCredentials
          ? { url: request.url, credentials: 'server' }
          : { url: request.url }
      );
    } catch (error) {
      if (error instanceof ServerHalfError) {
        // The Jupyter server did not answer: nothing reached the API.
        throw new TransportError(error.message, 'connect', {
          cause: error,
          via: 'server'
        });
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
    const error = await ServerHalfError.fromResponse(response);
    if (failure === 'connect' || failure === 'read') {
      throw new TransportError(error.message, failure, {
        via: 'server',
        cause: error
      });
    }
    throw new ConfigError(error.message, {
      status: response.status,
      code: error.code,
      cause: error
    });
  }
}
