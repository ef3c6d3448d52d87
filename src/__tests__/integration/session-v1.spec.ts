/**
 * The v1 dialect (today's API) over real HTTP against the local API, which
 * checks X-Domain and the credential as the real API does.
 */
import { AuthError } from '../../rules/errors';
import type { IQbraidSessionOptions } from '../../session/session';
import { rejection } from '../fakeapi';
import { demoSession, useLocalApi } from './localapi';

const local = useLocalApi();
let sleeps: number[];
beforeEach(() => {
  sleeps = [];
});

function session(options: IQbraidSessionOptions = {}) {
  return demoSession(local.api.v1BaseUrl, sleeps, options);
}

describe('QbraidSession (v1) against the local API', () => {
  it('verifies an API key with GET /users/verify, sending X-API-Key and X-Domain', async () => {
    const s = session();
    expect(s.apiVersion).toBe('v1');
    await expect(s.verify()).resolves.toMatchObject({
      email: 'demo@example.com'
    });
    const [recorded] = await local.api.apiRequests();
    expect(recorded).toMatchObject({
      method: 'GET',
      path: '/api/v1/users/verify'
    });
    expect(recorded.headers).toMatchObject({
      'x-api-key': 'demo-api-key',
      'x-domain': 'qbraid'
    });
    expect(recorded.headers).not.toHaveProperty('api-key');
    expect(recorded.headers).not.toHaveProperty('email');
  });

  it('verifies and refreshes an access token', async () => {
    const s = session({ apiKey: null, accessToken: 'demo-access-token' });
    await expect(s.verify()).resolves.toMatchObject({
      email: 'demo@example.com'
    });
    await expect(s.refreshAccessToken()).resolves.toMatchObject({
      expiresAt: expect.any(String)
    });
    const recorded = await local.api.apiRequests();
    expect(recorded.map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v1/users/verify',
      'POST /api/v1/access-tokens/refresh'
    ]);
    expect(recorded[1].headers['x-access-token']).toBe('demo-access-token');
  });

  it('raises AuthError for a refused key, without the key in the message', async () => {
    const error = await rejection(session({ apiKey: 'qbr_wrong-77' }).verify());
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect(error.message).not.toContain('qbr_wrong-77');
  });

  it('is refused by the API in the legacy dialect (headers it does not read)', async () => {
    const error = await rejection(
      session({ apiVersion: 'legacy' }).get('/users/verify')
    );
    expect(error).toMatchObject({ status: 400, code: 'INVALID_DOMAIN' });
  });

  it('retries a 503 with qbraid-core semantics: Retry-After over 60 is milliseconds', async () => {
    await local.api.inject({
      kind: 'status',
      status: 503,
      retry_after: 250,
      path: '/api/v1/users/verify'
    });
    await session().verify();
    expect(sleeps).toEqual([250]);
    expect(
      (await local.api.apiRequests()).filter(
        r => r.path === '/api/v1/users/verify'
      )
    ).toHaveLength(2);
  });

  it('gives up after one connection retry', async () => {
    await local.api.inject({
      kind: 'reset',
      times: 5,
      path: '/api/v1/users/verify'
    });
    const error = await rejection(session().verify());
    // A reset is a read error: GET is repeated up to retriesTotal (3).
    expect(error.attempts).toBe(4);
  });
});
