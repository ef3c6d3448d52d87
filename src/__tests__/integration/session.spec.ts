/**
 * The session over real HTTP against the local qBraid-compatible API.
 * Waits between retries go through a recording sleep: no test takes real time.
 */
import {
  AuthError,
  QbraidApiError,
  QbraidNetworkError
} from '../../rules/errors';
import type { IQbraidSessionOptions } from '../../session/session';
import { rejection } from '../fakeapi';
import { closedPort, demoSession, useLocalApi } from './localapi';

const local = useLocalApi();
let sleeps: number[];
beforeEach(() => {
  sleeps = [];
});

function session(options: IQbraidSessionOptions = {}) {
  return demoSession(local.api.baseUrl, sleeps, options);
}

describe('QbraidSession against the local API', () => {
  it('gets /identity with the api-key header', async () => {
    await expect(session().get('/identity')).resolves.toMatchObject({
      email: 'demo@example.com'
    });
    const [recorded] = await local.api.apiRequests();
    expect(recorded.headers['api-key']).toBe('demo-api-key');
    expect(recorded.path).toBe('/api/identity');
    expect(recorded.query).toBe('');
  });

  it('authenticates with a refresh token or an id token', async () => {
    const byRefresh = session({
      apiKey: null,
      refreshToken: 'demo-refresh-token'
    });
    await expect(byRefresh.verify()).resolves.toMatchObject({
      email: 'demo@example.com'
    });
    const byId = session({ apiKey: null, idToken: 'demo-id-token' });
    await expect(byId.verify()).resolves.toMatchObject({
      email: 'demo@example.com'
    });
  });

  it('raises AuthError with the echoed key redacted', async () => {
    const error = await rejection(
      session({ apiKey: 'wrong-key-123' }).get('/identity')
    );
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(error.message).not.toContain('wrong-key-123');
    expect(error.message).toContain("API key '[redacted]' is not valid");
  });

  it('sends every verb with JSON bodies and parses the answers', async () => {
    const s = session();
    await expect(s.post('/echo', { a: 1 })).resolves.toMatchObject({
      method: 'POST',
      body: { a: 1 }
    });
    await expect(s.put('/echo', [1])).resolves.toMatchObject({
      method: 'PUT',
      body: [1]
    });
    await expect(s.patch('/echo', 'x')).resolves.toMatchObject({
      method: 'PATCH',
      body: 'x'
    });
    await expect(s.delete('/echo')).resolves.toMatchObject({
      method: 'DELETE'
    });
    await expect(s.options('/echo')).resolves.toMatchObject({
      method: 'OPTIONS'
    });
    await expect(s.head('/echo')).resolves.toBeNull();
    await expect(s.get('/empty')).resolves.toBeNull();
    await expect(
      s.get('/echo', { params: { q: 'a b' } })
    ).resolves.toMatchObject({
      query: { q: ['a b'] }
    });
  });

  it('reports a non-JSON error body as the message', async () => {
    await expect(
      session().get('/error', { params: { status: 418 } })
    ).rejects.toThrow('GET /api/error failed with 418: something broke');
  });

  it('retries 503 twice then succeeds, waiting 0 s then 1 s', async () => {
    await local.api.inject({
      kind: 'status',
      status: 503,
      times: 2,
      path: '/api/identity'
    });
    await expect(session().get('/identity')).resolves.toMatchObject({
      email: 'demo@example.com'
    });
    expect(await local.api.apiRequests()).toHaveLength(3);
    expect(sleeps).toEqual([0, 1000]);
  });

  it('honours Retry-After from the server', async () => {
    await local.api.inject({
      kind: 'status',
      status: 503,
      retry_after: 2,
      times: 1
    });
    await session().get('/identity');
    expect(sleeps).toEqual([2000]);
  });

  it('retries a GET after the server resets the connection', async () => {
    await local.api.inject({ kind: 'reset', times: 1 });
    await expect(session().get('/identity')).resolves.toMatchObject({
      email: 'demo@example.com'
    });
    expect(await local.api.apiRequests()).toHaveLength(2);
  });

  it('retries a GET whose answer is cut mid-body', async () => {
    await local.api.inject({ kind: 'reset-mid-body', times: 1 });
    await expect(session().get('/identity')).resolves.toMatchObject({
      email: 'demo@example.com'
    });
    expect(await local.api.apiRequests()).toHaveLength(2);
  });

  it('does not repeat a POST after a reset that may have reached the server', async () => {
    await local.api.inject({ kind: 'reset', times: 1 });
    const error = await rejection(session().post('/echo', { a: 1 }));
    expect(error).toBeInstanceOf(QbraidNetworkError);
    expect(error.kind).toBe('read');
    expect(await local.api.apiRequests()).toHaveLength(1);
  });

  it('retries a connection refused up to retriesConnect times, also for POST', async () => {
    const port = await closedPort();
    const closed = session({
      baseUrl: `http://127.0.0.1:${port}/api`,
      retriesConnect: 2
    });
    const error = await rejection(closed.post('/echo', {}));
    expect(error).toBeInstanceOf(QbraidNetworkError);
    expect(error).toMatchObject({ kind: 'connect', attempts: 3 });
    expect(sleeps).toEqual([0, 1000]);
  });

  it('times out a slow answer and gives up with a timeout error', async () => {
    await local.api.inject({ kind: 'delay', ms: 1500, times: 3 });
    const error = await rejection(
      session({ timeout: 100, retriesTotal: 2 }).get('/identity')
    );
    expect(error).toMatchObject({
      name: 'QbraidNetworkError',
      kind: 'timeout',
      attempts: 3
    });
  });

  it('drops credentials on a redirect to the second origin and keeps them on the same origin', async () => {
    const s = session({
      userEmail: 'demo@example.com',
      refreshToken: 'demo-refresh-token'
    });
    await expect(
      s.get('/redirect', { params: { to: 'other' } })
    ).resolves.toMatchObject({
      server: 'other'
    });
    await expect(
      s.get('/redirect', { params: { to: 'same', status: 307 } })
    ).resolves.toMatchObject({
      email: 'demo@example.com'
    });
    const recorded = await local.api.apiRequests();
    const atOther = recorded.filter(r => r.server === 'other');
    expect(atOther).toHaveLength(1);
    for (const name of [
      'email',
      'api-key',
      'refresh-token',
      'id-token',
      'authorization'
    ]) {
      expect(atOther[0].headers[name]).toBeUndefined();
    }
    const sameOrigin = recorded.filter(r => r.path === '/api/identity');
    expect(sameOrigin[0].headers['api-key']).toBe('demo-api-key');
  });

  it('close() aborts a slow request in flight', async () => {
    await local.api.inject({ kind: 'delay', ms: 1000, times: 1 });
    const s = session();
    const pending = rejection(s.get('/identity'));
    await new Promise(resolve => setTimeout(resolve, 100));
    s.close();
    const error = await pending;
    expect(error).toBeInstanceOf(QbraidApiError);
    expect(error.message).toBe('The qBraid session is closed.');
  });
});

describe('unbounded answers', () => {
  it('cuts off an endless answer with an error that says so, and does not blame the network', async () => {
    const error = await rejection(
      session({ maxResponseBytes: 1024 * 1024 }).get('/endless')
    );
    expect(error).toBeInstanceOf(QbraidApiError);
    expect(error).not.toBeInstanceOf(QbraidNetworkError);
    expect(error.code).toBe('response_too_large');
    expect(error.message).toContain('larger than 1 MB');
    expect(error.message).not.toContain('CORS');
  });

  it('keeps a 5 MB error message to a few hundred characters', async () => {
    const error = await rejection(session().get('/huge-error'));
    expect(error.status).toBe(400);
    expect(error.message.length).toBeLessThan(500);
  });
});
