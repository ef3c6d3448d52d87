import { QbraidTransport } from '../transport/transport';
/**
 * A 401 with an access token: the credentials are read again once; a
 * rotated token is retried once, never the same one, never twice.
 */
import { AuthError } from '../rules/errors';
import { QbraidSession } from '../session/session';
import { FakeApi } from './fakeapi';

const UNAUTHORIZED = () =>
  FakeApi.json(
    {
      success: false,
      message: 'Missing or invalid credentials',
      error: { code: 'UNAUTHORIZED', message: 'Missing or invalid credentials' }
    },
    401
  );

function make(credentials: { accessToken?: string; apiKey?: string }) {
  const api = new FakeApi();
  const session = new QbraidSession({
    env: {},
    ...credentials,
    transport: new QbraidTransport({ fetch: api.fetch }),
    sleep: api.sleep
  });
  return { api, session };
}

describe('rotation of an access token', () => {
  it('reads the credentials again and retries once with the new token', async () => {
    const { api, session } = make({ accessToken: 'old-token' });
    let reads = 0;
    session.addCredentialsReader(async () => {
      reads++;
      session.update({ accessToken: 'new-token' });
    });
    api.answers = [
      UNAUTHORIZED(),
      FakeApi.json({ success: true, data: { email: 'a@b.io' } })
    ];
    await expect(session.verify()).resolves.toMatchObject({ email: 'a@b.io' });
    expect(reads).toBe(1);
    expect(api.requests.map(r => r.headers['x-access-token'])).toEqual([
      'old-token',
      'new-token'
    ]);
  });

  it('never retries with the same token', async () => {
    const { api, session } = make({ accessToken: 'old-token' });
    let reads = 0;
    session.addCredentialsReader(async () => void reads++);
    api.fallback = UNAUTHORIZED;
    await expect(session.get('/users/verify')).rejects.toBeInstanceOf(
      AuthError
    );
    expect([reads, api.requests.length]).toEqual([1, 1]);
  });

  it('never twice, even when the token changes again', async () => {
    const { api, session } = make({ accessToken: 't-0' });
    let n = 0;
    session.addCredentialsReader(async () =>
      session.update({ accessToken: `t-${++n}` })
    );
    api.fallback = UNAUTHORIZED;
    await expect(session.get('/users/verify')).rejects.toBeInstanceOf(
      AuthError
    );
    expect(api.requests.map(r => r.headers['x-access-token'])).toEqual([
      't-0',
      't-1'
    ]);
  });

  it('an API key refused is not read again: it does not expire', async () => {
    const { api, session } = make({ apiKey: 'k-1' });
    let reads = 0;
    session.addCredentialsReader(async () => void reads++);
    api.fallback = UNAUTHORIZED;
    await expect(session.get('/users/verify')).rejects.toBeInstanceOf(
      AuthError
    );
    expect([reads, api.requests.length]).toEqual([0, 1]);
  });

  it('a token the Jupyter server holds is read again there; a new revision is retried', async () => {
    const { api, session } = make({});
    const held = {
      held: ['access-token' as const],
      email: null,
      url: 'https://api-v2.qbraid.com/api/v1',
      revision: 'r-1'
    };
    session.useTransport({ send: req => api.fetch(req.url, req) });
    session.useServerCredentials(held);
    session.addCredentialsReader(async () =>
      session.useServerCredentials({ ...held, revision: 'r-2' })
    );
    api.answers = [UNAUTHORIZED(), FakeApi.json({ ok: true })];
    await expect(session.get('/anything')).resolves.toEqual({ ok: true });
    expect(api.requests).toHaveLength(2);
  });
});
