import type { IQbraidRequestInit } from '../tokens';

/**
 * The HTTP verbs of a session: each is `request` with its method (and the
 * value given as the JSON body), for the session and the view alike.
 */
export abstract class SessionVerbs {
  /** Send a request; resolves with the parsed JSON body. */
  abstract request<T = unknown>(
    method: string,
    path: string,
    init?: IQbraidRequestInit
  ): Promise<T>;

  /** Sends a GET request. */
  get<T = unknown>(path: string, init?: IQbraidRequestInit): Promise<T> {
    return this.request<T>('GET', path, init);
  }

  /** Sends a HEAD request. */
  head(path: string, init?: IQbraidRequestInit): Promise<null> {
    return this.request<null>('HEAD', path, init);
  }

  /** Sends an OPTIONS request. */
  options<T = unknown>(path: string, init?: IQbraidRequestInit): Promise<T> {
    return this.request<T>('OPTIONS', path, init);
  }

  /** Sends a DELETE request. */
  delete<T = unknown>(path: string, init?: IQbraidRequestInit): Promise<T> {
    return this.request<T>('DELETE', path, init);
  }

  /** Sends a POST request with `json` as its body. */
  post<T = unknown>(
    path: string,
    json?: unknown,
    init?: IQbraidRequestInit
  ): Promise<T> {
    return this.request<T>('POST', path, { ...init, json });
  }

  /** Sends a PUT request with `json` as its body. */
  put<T = unknown>(
    path: string,
    json?: unknown,
    init?: IQbraidRequestInit
  ): Promise<T> {
    return this.request<T>('PUT', path, { ...init, json });
  }

  /** Sends a PATCH request with `json` as its body. */
  patch<T = unknown>(
    path: string,
    json?: unknown,
    init?: IQbraidRequestInit
  ): Promise<T> {
    return this.request<T>('PATCH', path, { ...init, json });
  }
}
