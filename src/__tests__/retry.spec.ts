import { AttemptFailure, RetryPolicy } from '../transport/retry';

const status = (code: number, retryAfter?: string): AttemptFailure => ({
  kind: 'status',
  status: code,
  retryAfter
});

describe('RetryPolicy', () => {
  it('has the SDK defaults: 5 total, 3 connect, backoff factor 0.5', () => {
    const policy = new RetryPolicy();
    expect([policy.total, policy.connect, policy.backoffFactor]).toEqual([
      5, 3, 0.5
    ]);
  });

  it('retries every status of the seed forcelist and no other', () => {
    const policy = new RetryPolicy();
    for (const code of [500, 502, 503, 504, 520, 522, 524]) {
      expect(policy.decide('GET', [], status(code)).retry).toBe(true);
    }
    for (const code of [400, 401, 403, 404, 409, 501, 505, 521, 523]) {
      expect(policy.decide('GET', [], status(code)).retry).toBe(false);
    }
  });

  it('waits backoffFactor * 2 ** (n - 1) seconds before retry n, none before the first', () => {
    const policy = new RetryPolicy({ backoffFactor: 0.5 });
    expect([1, 2, 3, 4, 5].map(n => policy.backoffMs(n))).toEqual([
      0, 1000, 2000, 4000, 8000
    ]);
  });

  it('caps the backoff at 120 s', () => {
    expect(new RetryPolicy({ backoffFactor: 10 }).backoffMs(10)).toBe(120000);
  });

  it('bounds all retries by total', () => {
    const policy = new RetryPolicy({ total: 2 });
    expect(policy.decide('GET', [status(500)], status(500)).retry).toBe(true);
    expect(
      policy.decide('GET', [status(500), status(500)], status(500))
    ).toEqual({
      retry: false,
      reason: 'gave up after 3 attempts'
    });
  });

  it('bounds connection-error retries by connect', () => {
    const policy = new RetryPolicy({ total: 10, connect: 1 });
    const connect: AttemptFailure = { kind: 'connect' };
    expect(policy.decide('GET', [], connect).retry).toBe(true);
    expect(policy.decide('GET', [connect], connect).retry).toBe(false);
    // other failures do not use up the connect budget
    expect(policy.decide('GET', [status(503)], connect).retry).toBe(true);
  });

  it('retries a POST after a connection error (nothing was sent)', () => {
    expect(
      new RetryPolicy().decide('POST', [], { kind: 'connect' }).retry
    ).toBe(true);
  });

  it('never repeats a POST or PATCH after a failure that may have reached the server', () => {
    const policy = new RetryPolicy();
    expect(policy.decide('POST', [], { kind: 'read' }).retry).toBe(false);
    expect(policy.decide('PATCH', [], { kind: 'read' }).retry).toBe(false);
    for (const method of ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']) {
      expect(policy.decide(method, [], { kind: 'read' }).retry).toBe(true);
    }
  });

  it('retries a POST on forcelist statuses but not a PATCH', () => {
    const policy = new RetryPolicy();
    expect(policy.decide('post', [], status(503)).retry).toBe(true);
    expect(policy.decide('PATCH', [], status(503)).retry).toBe(false);
  });

  it('honours Retry-After in seconds on 503 and 429', () => {
    const policy = new RetryPolicy();
    expect(policy.decide('GET', [], status(503, '7'))).toEqual({
      retry: true,
      delayMs: 7000
    });
    expect(policy.decide('GET', [], status(429, '2'))).toEqual({
      retry: true,
      delayMs: 2000
    });
    expect(policy.decide('GET', [], status(429)).retry).toBe(false);
  });

  it('honours Retry-After as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const policy = new RetryPolicy({ now: () => now });
    expect(
      policy.decide('GET', [], status(503, 'Thu, 01 Jan 2026 00:00:05 GMT'))
    ).toEqual({ retry: true, delayMs: 5000 });
  });

  it('gives up instead of waiting longer than maxRetryAfter', () => {
    const decision = new RetryPolicy({ maxRetryAfter: 60 }).decide(
      'GET',
      [],
      status(503, '3600')
    );
    expect(decision).toEqual({
      retry: false,
      reason: 'the server asked to wait 3600 s'
    });
  });

  it('falls back to the backoff for an unreadable Retry-After', () => {
    const policy = new RetryPolicy();
    expect(policy.decide('GET', [status(503)], status(503, 'soon'))).toEqual({
      retry: true,
      delayMs: 1000
    });
  });

  it('rejects counts and factors that make no sense', () => {
    expect(() => new RetryPolicy({ total: -1 })).toThrow(RangeError);
    expect(() => new RetryPolicy({ connect: 1.5 })).toThrow(RangeError);
    expect(() => new RetryPolicy({ backoffFactor: NaN })).toThrow(RangeError);
  });
});
