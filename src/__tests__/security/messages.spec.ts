/**
 * No credential appears in an error (message, JSON, string, stack) or in the
 * console, even when the API echoes every credential back.
 */
import { QbraidSession } from '../../session/session';
import { closedPort, LocalApi } from '../integration/localapi';
import { rejection } from '../fakeapi';

const SECRETS = {
  userEmail: 'secret-user@example.com',
  apiKey: 'secret-api-key-123',
  refreshToken: 'secret-refresh-456'
};

let api: LocalApi;
const logged: string[] = [];
beforeAll(async () => {
  api = await LocalApi.start();
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
    });
  }
});
afterAll(async () => {
  await api.stop();
  jest.restoreAllMocks();
});

function expectNoSecret(error: any) {
  const texts = [
    error.message,
    String(error),
    JSON.stringify(error),
    error.stack ?? ''
  ];
  for (const secret of Object.values(SECRETS)) {
    for (const text of texts) {
      expect(text).not.toContain(secret);
    }
  }
}

function session(options = {}) {
  return new QbraidSession({
    baseUrl: api.baseUrl,
    env: {},
    retriesTotal: 1,
    sleep: async () => undefined,
    ...SECRETS,
    ...options
  });
}

it('an API error that echoes every credential', async () => {
  const error = await rejection(session().get('/leaky-error'));
  expect(error.message).toContain('[redacted]');
  expectNoSecret(error);
});

it('a body that is not JSON and echoes every credential', async () => {
  const error = await rejection(
    session().get('/leaky-error', { params: { as: 'text' } })
  );
  expect(error.code).toBe('invalid_json');
  expectNoSecret(error);
});

it('a refused key that the API echoes', async () => {
  const error = await rejection(
    session({ refreshToken: null }).get('/identity')
  );
  expect(error.status).toBe(401);
  expectNoSecret(error);
});

it('network errors and timeouts', async () => {
  const port = await closedPort();
  expectNoSecret(
    await rejection(
      session({ baseUrl: `http://127.0.0.1:${port}/api` }).get('/x')
    )
  );
  await api.inject({ kind: 'delay', ms: 500, times: 2 });
  expectNoSecret(await rejection(session({ timeout: 50 }).get('/identity')));
});

it('a secret in a query parameter', async () => {
  const error = await rejection(
    session().get('/leaky-error', { params: { key: SECRETS.apiKey } })
  );
  expectNoSecret(error);
});

it('nothing the session did was logged with a secret', () => {
  for (const line of logged) {
    for (const secret of Object.values(SECRETS)) {
      expect(line).not.toContain(secret);
    }
  }
});
