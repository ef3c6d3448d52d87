import { QbraidApiError, QbraidNetworkError } from '../rules/errors';
import { CREDENTIAL_HEADERS } from '../rules/fields';
import { parseBody, readText, responseError } from './answers';
import type { IState } from './resolve';
import { AttemptFailure, RetryPolicy } from '../transport/retry';
import {
  IQbraidTransport,
  QbraidTransport,
  TransportError
} from '../transport/transport';
import type { IQbraidRequestInit } from '../tokens';

/** Loaded with the machinery: the session builds each request's URL with it. */
export { joinUrl } from '../transport/requesturl';

/**
 * What a request needs of its session: the state in force when it is sent
 * (read again after a reread of the credentials), its route, and its
 * life (closed, sleeping between retries).
 */
export interface IRequestContext {
  state(): IState;
  /** What sends it (`null`: a direct fetch). */
  transport(): IQbraidTransport | null;
  /** Whether the Jupyter server adds the credentials. */
  serverCredentials(): boolean;
  /** Aborts when the session closes. */
  readonly closed: AbortSignal;
  readonly maxResponseBytes: number;
  /** Waits between retries (`null`: a timer). */
  readonly sleep: ((ms: number, signal: AbortSignal) => Promise<void>) | null;
  /** The secrets an error must never show. */
  secrets(): string[];
  /** Whether these credentials include an access token (sent, or added by the server). */
  sentAccessToken(headers: Record<string, string>): boolean;
  /** What identifies the credentials in force (compared, never shown). */
  credentialStamp(): string;
  /** Read the credentials again (a rotated access token). */
  rereadCredentials(): Promise<void>;
  /** Throws the session's `closed` error once it is closed. */
  checkOpen(): void;
}

/**
 * Send a request to `url` with the session's credentials, retrying per its
 * policy; resolves with the parsed JSON body (`null` when empty). A 401 to
 * an access token rereads the credentials once and, only with other ones,
 * tries once more.
 */
export async function send(
  context: IRequestContext,
  method: string,
  url: string,
  init: IQbraidRequestInit
): Promise<unknown> {
  let { headers, secrets } = requestCredentials(context, init);
  const body =
    init.json !== undefined ? JSON.stringify(init.json) : (init.body ?? null);
  const state = context.state();
  // Made at the first failure: most requests never need it.
  let policy: RetryPolicy | null = null;
  const retry = state.retry;
  const timeout = init.timeout ?? retry.timeout;
  const failures: AttemptFailure[] = [];
  let reread = false;
  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptOnce(
      context,
      { method, url, headers, body },
      { signal: init.signal, timeout, attempt, secrets }
    );
    if (outcome.ok) {
      return outcome.value;
    }
    if (
      !reread &&
      outcome.failure.kind === 'status' &&
      outcome.failure.status === 401 &&
      context.sentAccessToken(headers)
    ) {
      // A rotated token: read the credentials again, once; retried once
      // only with other credentials, never with the same.
      reread = true;
      const before = context.credentialStamp();
      await context.rereadCredentials();
      if (context.credentialStamp() !== before && !context.closed.aborted) {
        ({ headers, secrets } = requestCredentials(context, init));
        continue;
      }
    }
    policy ??= new RetryPolicy(state.policy);
    const decision = policy.decide(method, failures, outcome.failure);
    failures.push(outcome.failure);
    if (!decision.retry) {
      throw outcome.error;
    }
    await wait(context, decision.delayMs, init.signal, attempt, secrets);
  }
}

/** The direct transport of sessions given none (the global fetch; it holds no state). */
let direct: QbraidTransport | null = null;

type Outcome =
  | { ok: true; value: unknown }
  | { ok: false; failure: AttemptFailure; error: QbraidApiError };

/**
 * The signal of one attempt: the caller's, the session's close and the
 * timeout, as one controller whose listeners and timer are removed when the
 * attempt ends (nothing is left on a signal that outlives it). In Node 20
 * this costs a third of `AbortSignal.any` with `AbortSignal.timeout` (about
 * 6 against 17 us an attempt), and it works where those do not exist.
 */
function attemptSignal(
  signals: AbortSignal[],
  timeout: number
): { signal: AbortSignal; timedOut: () => boolean; done: () => void } {
  const controller = new AbortController();
  const abort = () => controller.abort();
  signals.forEach(s => s.addEventListener('abort', abort));
  if (signals.some(s => s.aborted)) {
    controller.abort();
  }
  let expired = false;
  const timer =
    timeout > 0
      ? setTimeout(() => {
          expired = true;
          controller.abort();
        }, timeout)
      : null;
  return {
    signal: controller.signal,
    timedOut: () => expired,
    done: () => {
      if (timer !== null) {
        clearTimeout(timer);
      }
      signals.forEach(s => s.removeEventListener('abort', abort));
    }
  };
}

/** One attempt: an answer, or the failure and the error it would end with. */
async function attemptOnce(
  context: IRequestContext,
  request: {
    method: string;
    url: string;
    headers: Record<string, string>;
    body: string | null;
  },
  options: {
    signal?: AbortSignal;
    timeout: number;
    attempt: number;
    secrets: string[];
  }
): Promise<Outcome> {
  const { attempt, secrets } = options;
  const linked = attemptSignal(
    options.signal ? [context.closed, options.signal] : [context.closed],
    options.timeout
  );
  try {
    const transport = context.transport() ?? (direct ??= new QbraidTransport());
    const response = await transport.send({
      ...request,
      signal: linked.signal,
      serverCredentials: context.serverCredentials()
    });
    const text =
      request.method === 'HEAD'
        ? ''
        : await readText(response, context.maxResponseBytes, request);
    if (response.ok) {
      return { ok: true, value: parseBody(text, response, secrets) };
    }
    return {
      ok: false,
      failure: {
        kind: 'status',
        status: response.status,
        retryAfter: response.headers.get('Retry-After')
      },
      error: responseError(request, response, text, attempt, secrets)
    };
  } catch (error) {
    return failedAttempt(context, request, options, error, linked.timedOut());
  } finally {
    linked.done();
  }
}

/** The outcome of an attempt that ended without an answer (or throws, when it must not be retried). */
function failedAttempt(
  context: IRequestContext,
  request: { url: string },
  options: {
    signal?: AbortSignal;
    timeout: number;
    attempt: number;
    secrets: string[];
  },
  error: unknown,
  timedOut: boolean
): Outcome {
  const { attempt, secrets } = options;
  // Only error messages need it.
  const origin = () => new URL(request.url).origin;
  context.checkOpen();
  if (options.signal?.aborted) {
    throw new QbraidApiError(`The request to ${origin()} was aborted.`, {
      code: 'aborted',
      attempts: attempt,
      cause: options.signal.reason
    });
  }
  if (error instanceof QbraidApiError) {
    throw error;
  }
  if (timedOut) {
    return {
      ok: false,
      failure: { kind: 'read' },
      error: new QbraidNetworkError(
        `The qBraid API at ${origin()} did not answer within ${options.timeout} ms (${attempt} attempt${attempt > 1 ? 's' : ''}).`,
        'timeout',
        { attempts: attempt, secrets }
      )
    };
  }
  const kind = error instanceof TransportError ? error.kind : 'read';
  const via = error instanceof TransportError ? error.via : 'direct';
  const detail = error instanceof Error ? error.message : String(error);
  const cors =
    via === 'direct'
      ? ' In a browser this is also what a refused CORS preflight looks like: the API must allow ' +
        "this page's origin and the credential headers."
      : '';
  return {
    ok: false,
    failure: { kind },
    error: new QbraidNetworkError(
      `Could not ${kind === 'connect' ? 'connect to' : 'get an answer from'} the qBraid API at ${origin()} ` +
        `${via === 'server' ? 'through the Jupyter server ' : ''}(${attempt} attempt${attempt > 1 ? 's' : ''}): ${detail}.${cors}`,
      kind,
      { attempts: attempt, cause: error, secrets, via }
    )
  };
}

/** The wait before a retry; the caller's abort or the session's close ends it. */
async function wait(
  context: IRequestContext,
  ms: number,
  signal: AbortSignal | undefined,
  attempt: number,
  secrets: string[]
): Promise<void> {
  const linked = attemptSignal(
    signal ? [context.closed, signal] : [context.closed],
    0
  );
  try {
    await (context.sleep ?? sleep)(ms, linked.signal);
  } catch (error) {
    context.checkOpen();
    throw new QbraidApiError('The request was aborted between retries.', {
      code: 'aborted',
      attempts: attempt,
      cause: error,
      secrets
    });
  } finally {
    linked.done();
  }
}

/**
 * The headers of a request (the session's, lower case, with the call's
 * merged in) and the secrets its errors must not show.
 */
function requestCredentials(
  context: IRequestContext,
  init: IQbraidRequestInit
): { headers: Record<string, string>; secrets: string[] } {
  const { headers: base } = context.state();
  const headers = init.headers ? mergeHeaders(base, init.headers) : { ...base };
  const secrets = init.headers
    ? [...context.secrets(), ...credentialValues(headers)]
    : context.secrets();
  if (init.json !== undefined) {
    headers['content-type'] ??= 'application/json';
  }
  return { headers, secrets };
}

/** Per-call headers merged over the session's, names compared case-insensitively. */
function mergeHeaders(
  base: Record<string, string>,
  extra: Record<string, string> | undefined
): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...base })) {
    merged[name.toLowerCase()] = value;
  }
  for (const [name, value] of Object.entries(extra ?? {})) {
    merged[name.toLowerCase()] = value;
  }
  return merged;
}

function credentialValues(headers: Record<string, string>): string[] {
  return Object.entries(headers)
    .filter(([name]) => CREDENTIAL_HEADERS.includes(name))
    .map(([, value]) => value);
}

/** Wait `ms`, rejecting early when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
