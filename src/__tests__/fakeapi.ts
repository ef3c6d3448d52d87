/**
 * A scripted stand-in for `fetch` that records what reaches "the network",
 * and a sleep that records the waits instead of taking time.
 */
export interface IRecordedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  redirect: RequestRedirect;
}

export type Answer =
  Response | Error | ((request: IRecordedRequest) => Response | Error);

export class FakeApi {
  readonly requests: IRecordedRequest[] = [];
  readonly sleeps: number[] = [];

  /** Answers in order; when they run out, `fallback` answers. */
  answers: Answer[] = [];
  fallback: Answer = () => FakeApi.json({ ok: true });

  readonly fetch = async (
    input: RequestInfo | URL,
    init?: RequestInit
  ): Promise<Response> => {
    const request = new Request(input as RequestInfo, init);
    const recorded: IRecordedRequest = {
      url: request.url,
      method: request.method,
      headers: Object.fromEntries(request.headers.entries()),
      body: await request.text(),
      redirect: request.redirect
    };
    this.requests.push(recorded);
    let answer = this.answers.length ? this.answers.shift()! : this.fallback;
    if (typeof answer === 'function') {
      answer = answer(recorded);
    }
    if (answer instanceof Error) {
      throw answer;
    }
    return answer;
  };

  readonly sleep = async (ms: number, signal: AbortSignal): Promise<void> => {
    if (signal.aborted) {
      throw signal.reason;
    }
    this.sleeps.push(ms);
  };

  static json(
    body: unknown,
    status = 200,
    headers: Record<string, string> = {}
  ): Response {
    return new Response(JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json', ...headers }
    });
  }

  static status(
    status: number,
    headers: Record<string, string> = {}
  ): Response {
    return FakeApi.json(
      { error: { message: `status ${status}`, code: `code_${status}` } },
      status,
      headers
    );
  }

  /** What undici throws when nothing listens on the port. */
  static refused(): TypeError {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {
      code: 'ECONNREFUSED'
    });
    return new TypeError('fetch failed', { cause });
  }

  /** What undici throws when the peer resets an established connection. */
  static reset(): TypeError {
    const cause = Object.assign(new Error('other side closed'), {
      code: 'UND_ERR_SOCKET'
    });
    return new TypeError('fetch failed', { cause });
  }
}

/**
 * The error a promise rejects with; fails the test when it resolves instead.
 */
export function rejection(promise: Promise<unknown>): Promise<any> {
  return promise.then(
    value => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    error => error
  );
}
