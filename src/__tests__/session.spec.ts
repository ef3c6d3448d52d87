import { QbraidTransport } from '../transport/transport';
import { MemoryConfigStore } from './memoryconfigstore';
import {
  AuthError,
  ConfigError,
  QbraidApiError,
  QbraidNetworkError
} from '../rules/errors';
import { QbraidSession, IQbraidSessionOptions } from '../session/session';
import { FakeApi, rejection } from './fakeapi';

const BASE = 'https://api.example.test/api';

function makeSession(api: FakeApi, options: IQbraidSessionOptions = {}) {
  return new QbraidSession({
    baseUrl: BASE,
    env: {},
    transport: new QbraidTransport({ fetch: api.fetch }),
    sleep: api.sleep,
    ...options
  });
}

describe('QbraidSession', () => {
  let api: FakeApi;
  beforeEach(() => {
    api = new FakeApi();
  });

  describe('construction and credentials', () => {
    it('legacy: has the seed SDK defaults: retriesTotal 5, retriesConnect 3, backoffFactor 0.5', () => {
      const session = new QbraidSession({ env: {}, apiVersion: 'legacy' });
      expect(session.retryOptions).toEqual({
        retriesTotal: 5,
        retriesConnect: 3,
        backoffFactor: 0.5,
        timeout: 30000
      });
      expect(session.baseUrl).toBe('https://api.qbraid.com/api');
      expect(session.apiVersion).toBe('legacy');
      expect([
        session.userEmail,
        session.apiKey,
        session.accessToken,
        session.refreshToken,
        session.idToken
      ]).toEqual([null, null, null, null, null]);
      expect(session.headers).toEqual({});
    });

    it("reads Node's process.env when no env is given", () => {
      const saved = process.env.QBRAID_API_KEY;
      process.env.QBRAID_API_KEY = 'node-env-key';
      try {
        expect(new QbraidSession({ baseUrl: BASE }).apiKey).toBe(
          'node-env-key'
        );
      } finally {
        if (saved === undefined) {
          delete process.env.QBRAID_API_KEY;
        } else {
          process.env.QBRAID_API_KEY = saved;
        }
      }
    });

    it('takes credentials from arguments first, then the config store, then the environment', () => {
      const config = new MemoryConfigStore({
        email: 'cfg@example.com',
        'api-key': 'cfg-key',
        'refresh-token': 'cfg-refresh',
        url: 'https://cfg.example.test/api'
      });
      const env = {
        JUPYTERHUB_USER: 'env@example.com',
        QBRAID_API_KEY: 'env-key',
        QBRAID_REFRESH_TOKEN: 'env-refresh',
        QBRAID_ID_TOKEN: 'env-id'
      };
      const fromArgs = new QbraidSession({
        config,
        env,
        apiKey: 'arg-key',
        baseUrl: BASE
      });
      expect(fromArgs.apiKey).toBe('arg-key');
      expect(fromArgs.baseUrl).toBe(BASE);
      expect(fromArgs.userEmail).toBe('cfg@example.com');
      expect(fromArgs.refreshToken).toBe('cfg-refresh');
      expect(fromArgs.idToken).toBe('env-id');

      const fromEnv = new QbraidSession({ env, apiVersion: 'legacy' });
      expect([fromEnv.userEmail, fromEnv.apiKey, fromEnv.refreshToken]).toEqual(
        ['env@example.com', 'env-key', 'env-refresh']
      );
      expect(
        new QbraidSession({
          env: { REFRESH: 'r1', QBRAID_REFRESH_TOKEN: 'r2' },
          apiVersion: 'legacy'
        }).refreshToken
      ).toBe('r1');
    });

    it('legacy: takes the base URL from the argument, then qbraidrc url, then the public default', () => {
      const config = new MemoryConfigStore({
        url: 'https://cfg.example.test/api/'
      });
      expect(
        new QbraidSession({ config, env: {}, baseUrl: BASE }).baseUrl
      ).toBe(BASE);
      expect(new QbraidSession({ config, env: {} }).baseUrl).toBe(
        'https://cfg.example.test/api'
      );
      expect(new QbraidSession({ env: {}, apiVersion: 'legacy' }).baseUrl).toBe(
        'https://api.qbraid.com/api'
      );
    });

    it('sends credentials as the SDK headers: email, api-key, refresh-token', async () => {
      const session = makeSession(api, {
        userEmail: 'me@example.com',
        apiKey: 'k-123',
        refreshToken: 'r-456',
        idToken: 'i-789'
      });
      expect(session.headers).toEqual({
        email: 'me@example.com',
        'api-key': 'k-123',
        'refresh-token': 'r-456'
      });
      await session.get('/identity');
      expect(api.requests[0].headers).toMatchObject(session.headers);
      expect(api.requests[0].headers['id-token']).toBeUndefined();
    });

    it('sends id-token only when there is no refresh token', () => {
      const session = makeSession(api, { idToken: 'i-789' });
      expect(session.headers).toEqual({ 'id-token': 'i-789' });
    });

    it('merges per-call headers over the session headers', async () => {
      const session = makeSession(api, { apiKey: 'k-123' });
      await session.get('/x', {
        headers: { 'API-Key': 'other-key', 'X-Extra': '1' }
      });
      expect(api.requests[0].headers['api-key']).toBe('other-key');
      expect(api.requests[0].headers['x-extra']).toBe('1');
    });

    it('rejects credentials with line breaks or control characters without showing them', () => {
      expect(
        () => new QbraidSession({ apiKey: 'abc\nemail: x', env: {} })
      ).toThrow(ConfigError);
      try {
        new QbraidSession({ apiKey: 'abc\r\n[default]', env: {} });
      } catch (error) {
        expect((error as Error).message).not.toContain('abc');
        expect((error as Error).message).toContain('API key');
      }
    });

    it('rejects an oversized credential', () => {
      expect(
        () => new QbraidSession({ apiKey: 'k'.repeat(1024 * 1024), env: {} })
      ).toThrow(/at most 8192/);
    });

    it('rejects an unsafe base URL', () => {
      expect(
        () => new QbraidSession({ baseUrl: 'http://api.qbraid.com/api' })
      ).toThrow(ConfigError);
      expect(
        () => new QbraidSession({ baseUrl: 'javascript:alert(1)' })
      ).toThrow(ConfigError);
    });
  });

  describe('requests', () => {
    it('sends every HTTP verb to base URL + path without double slashes', async () => {
      const session = makeSession(api);
      await session.get('/a');
      await session.post('b', { x: 1 });
      await session.put('/c', { y: 2 });
      await session.patch('/d', { z: 3 });
      await session.delete('/e');
      await session.head('/f');
      await session.options('/g');
      expect(api.requests.map(r => [r.method, r.url])).toEqual([
        ['GET', `${BASE}/a`],
        ['POST', `${BASE}/b`],
        ['PUT', `${BASE}/c`],
        ['PATCH', `${BASE}/d`],
        ['DELETE', `${BASE}/e`],
        ['HEAD', `${BASE}/f`],
        ['OPTIONS', `${BASE}/g`]
      ]);
      expect(api.requests[1].body).toBe('{"x":1}');
      expect(api.requests[1].headers['content-type']).toBe('application/json');
    });

    it('refuses methods fetch cannot send, without retrying', async () => {
      const session = makeSession(api);
      await expect(session.request('TRACE', '/x')).rejects.toMatchObject({
        code: 'invalid_method'
      });
      await expect(session.request('GET /x', '/x')).rejects.toBeInstanceOf(
        ConfigError
      );
      expect(api.requests).toHaveLength(0);
    });

    it('does not retry a request fetch refuses to build', async () => {
      const session = makeSession(api);
      await expect(
        session.get('/x', { headers: { 'x-bad': 'a\u0000b' } })
      ).rejects.toMatchObject({
        code: 'invalid_request'
      });
      expect(api.requests).toHaveLength(0);
    });

    it('resolves with the parsed JSON body', async () => {
      api.answers = [FakeApi.json({ email: 'me@example.com', n: [1, 2] })];
      await expect(makeSession(api).get('/identity')).resolves.toEqual({
        email: 'me@example.com',
        n: [1, 2]
      });
    });

    it('resolves with null for an empty body', async () => {
      api.answers = [new Response(null, { status: 204 })];
      await expect(makeSession(api).delete('/x')).resolves.toBeNull();
    });

    it('rejects a body that is not JSON with a QbraidApiError', async () => {
      api.answers = [new Response('<html>oops</html>', { status: 200 })];
      await expect(makeSession(api).get('/x')).rejects.toMatchObject({
        name: 'QbraidApiError',
        code: 'invalid_json'
      });
    });

    it('sends query parameters', async () => {
      await makeSession(api).get('/jobs', { params: { page: 2, q: 'a b' } });
      expect(api.requests[0].url).toBe(`${BASE}/jobs?page=2&q=a+b`);
    });

    it('adds no cache-busting parameter and sends no cookies', async () => {
      await makeSession(api).get('/identity');
      expect(api.requests[0].url).toBe(`${BASE}/identity`);
    });
  });

  describe('errors', () => {
    it('raises QbraidApiError with status, code and message from {error: {message, code}}', async () => {
      api.answers = [
        FakeApi.json({ error: { message: 'no such job', code: 'E42' } }, 404)
      ];
      const error = await rejection(makeSession(api).get('/jobs/1'));
      expect(error).toBeInstanceOf(QbraidApiError);
      expect(error).toMatchObject({ status: 404, code: 'E42', attempts: 1 });
      expect(error.message).toBe(
        'GET /api/jobs/1 failed with 404: no such job (E42)'
      );
    });

    it('uses the body text as the message when the body is not JSON', async () => {
      api.answers = [new Response('plain failure', { status: 400 })];
      await expect(makeSession(api).get('/x')).rejects.toThrow(
        'GET /api/x failed with 400: plain failure'
      );
    });

    it('raises AuthError on 401 and 403', async () => {
      api.answers = [FakeApi.status(401), FakeApi.status(403)];
      const session = makeSession(api);
      await expect(session.get('/identity')).rejects.toBeInstanceOf(AuthError);
      await expect(session.get('/identity')).rejects.toMatchObject({
        status: 403
      });
    });

    it('redacts every credential from every message', async () => {
      const secrets = {
        userEmail: 'who@example.com',
        apiKey: 'key-SECRET-1',
        refreshToken: 'refresh-SECRET-2',
        idToken: 'id-SECRET-3'
      };
      api.answers = [
        FakeApi.json(
          {
            error: {
              message: `bad key-SECRET-1 / refresh-SECRET-2 / id-SECRET-3 for who@example.com`,
              code: 'x'
            }
          },
          400
        )
      ];
      const session = makeSession(api, secrets);
      const error = await rejection(
        session.get('/x', { params: { k: 'key-SECRET-1' } })
      );
      for (const secret of Object.values(secrets)) {
        expect(error.message).not.toContain(secret);
      }
      expect(error.message).toContain('[redacted]');
      expect(JSON.stringify(error)).not.toContain('SECRET');
    });

    it('redacts a per-call credential header from the message', async () => {
      api.answers = [
        FakeApi.json({ error: { message: 'bad percall-key-77' } }, 400)
      ];
      const error = await rejection(
        makeSession(api).get('/x', { headers: { 'api-key': 'percall-key-77' } })
      );
      expect(error.message).not.toContain('percall-key-77');
    });
  });

  describe('retries', () => {
    it('retries forcelist statuses with the backoff of a fake clock, then succeeds', async () => {
      api.answers = [
        FakeApi.status(503),
        FakeApi.status(502),
        FakeApi.status(500)
      ];
      await expect(makeSession(api).get('/x')).resolves.toEqual({ ok: true });
      expect(api.requests).toHaveLength(4);
      expect(api.sleeps).toEqual([0, 1000, 2000]);
    });

    it('stops after retriesTotal retries with the last error and the attempt count', async () => {
      api.fallback = () => FakeApi.status(504);
      const error = await rejection(
        makeSession(api, { retriesTotal: 2 }).get('/x')
      );
      expect(api.requests).toHaveLength(3);
      expect(error).toMatchObject({ status: 504, attempts: 3 });
      expect(error.message).toContain('after 3 attempts');
    });

    it('retries connection errors at most retriesConnect times', async () => {
      api.fallback = () => FakeApi.refused();
      const error = await rejection(
        makeSession(api, { retriesConnect: 2 }).get('/x')
      );
      expect(api.requests).toHaveLength(3);
      expect(error).toBeInstanceOf(QbraidNetworkError);
      expect(error).toMatchObject({ kind: 'connect', attempts: 3 });
    });

    it('retries a POST after a refused connection', async () => {
      api.answers = [FakeApi.refused()];
      await expect(makeSession(api).post('/jobs', { a: 1 })).resolves.toEqual({
        ok: true
      });
      expect(api.requests).toHaveLength(2);
    });

    it('never repeats a POST after a failure that may have reached the server', async () => {
      api.answers = [FakeApi.reset()];
      const error = await rejection(makeSession(api).post('/jobs', { a: 1 }));
      expect(api.requests).toHaveLength(1);
      expect(error).toMatchObject({ name: 'QbraidNetworkError', kind: 'read' });
    });

    it('repeats a GET after a reset', async () => {
      api.answers = [FakeApi.reset()];
      await expect(makeSession(api).get('/x')).resolves.toEqual({ ok: true });
      expect(api.requests).toHaveLength(2);
    });

    it('retries a POST on a forcelist status', async () => {
      api.answers = [FakeApi.status(503)];
      await makeSession(api).post('/jobs', {});
      expect(api.requests).toHaveLength(2);
    });

    it('honours Retry-After', async () => {
      api.answers = [
        FakeApi.status(503, { 'Retry-After': '3' }),
        FakeApi.status(429, { 'Retry-After': '1' })
      ];
      await makeSession(api).get('/x');
      expect(api.sleeps).toEqual([3000, 1000]);
    });

    it('does not retry client errors', async () => {
      api.answers = [FakeApi.status(400)];
      await expect(makeSession(api).get('/x')).rejects.toMatchObject({
        status: 400
      });
      expect(api.requests).toHaveLength(1);
    });

    it('times out a slow attempt and retries it', async () => {
      api.answers = [() => new Error('unused')];
      let calls = 0;
      const slowThenFast: typeof fetch = async (input, init) => {
        calls++;
        if (calls === 1) {
          const signal = (init?.signal ?? (input as Request).signal)!;
          return new Promise<Response>((_, reject) =>
            signal.addEventListener('abort', () =>
              reject(new DOMException('aborted', 'AbortError'))
            )
          );
        }
        return FakeApi.json({ ok: 'second' });
      };
      const session = makeSession(api, {
        transport: new QbraidTransport({ fetch: slowThenFast }),
        timeout: 20
      });
      await expect(session.get('/x')).resolves.toEqual({ ok: 'second' });
      expect(calls).toBe(2);
    });

    it('reports a timeout as a QbraidNetworkError of kind timeout', async () => {
      const hang: typeof fetch = (input, init) =>
        new Promise((_, reject) =>
          (init?.signal ?? (input as Request).signal)!.addEventListener(
            'abort',
            () => reject(new DOMException('a', 'AbortError'))
          )
        );
      const error = await rejection(
        makeSession(api, {
          transport: new QbraidTransport({ fetch: hang }),
          timeout: 10,
          retriesTotal: 0
        }).get('/x')
      );
      expect(error).toMatchObject({
        name: 'QbraidNetworkError',
        kind: 'timeout',
        code: 'timeout'
      });
    });
  });

  describe('cancellation and close', () => {
    it('aborts a request through its AbortSignal, also while waiting to retry', async () => {
      const controller = new AbortController();
      api.fallback = () => FakeApi.status(503);
      const sleep = async (_ms: number, signal: AbortSignal) => {
        controller.abort();
        if (signal.aborted) {
          throw signal.reason;
        }
      };
      const error = await rejection(
        makeSession(api, { sleep }).get('/x', { signal: controller.signal })
      );
      expect(error).toMatchObject({ code: 'aborted' });
      expect(api.requests).toHaveLength(1);
    });

    it('close() aborts requests in flight and later calls reject clearly', async () => {
      let started!: () => void;
      const running = new Promise<void>(resolve => (started = resolve));
      const hang: typeof fetch = (input, init) =>
        new Promise((_, reject) => {
          started();
          (init?.signal ?? (input as Request).signal)!.addEventListener(
            'abort',
            () => reject(new DOMException('a', 'AbortError'))
          );
        });
      const session = makeSession(api, {
        transport: new QbraidTransport({ fetch: hang })
      });
      const pending = rejection(session.get('/x'));
      await running;
      session.close();
      const error = await pending;
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toBe('The qBraid session is closed.');
      expect(session.isClosed).toBe(true);
      await expect(session.get('/x')).rejects.toThrow(
        'The qBraid session is closed.'
      );
      expect(() => session.update({ apiKey: 'x-y-z' })).toThrow(ConfigError);
    });

    it('waits for ready before the first request', async () => {
      let release!: () => void;
      const ready = new Promise<void>(resolve => (release = resolve));
      const session = makeSession(api, { ready });
      const pending = session.get('/x');
      await Promise.resolve();
      expect(api.requests).toHaveLength(0);
      session.update({ apiKey: 'late-key' });
      release();
      await pending;
      expect(api.requests[0].headers['api-key']).toBe('late-key');
    });
  });

  describe('live reconfiguration', () => {
    it('update() changes credentials and emits changed with what changed', async () => {
      const session = makeSession(api, { apiKey: 'old-key' });
      const emitted: string[][] = [];
      session.changed.connect((_, args) => emitted.push([...args.changed]));
      session.update({ apiKey: 'new-key', userEmail: 'me@example.com' });
      session.update({ apiKey: 'new-key' });
      expect(emitted).toEqual([['userEmail', 'apiKey']]);
      await session.get('/x');
      expect(api.requests[0].headers).toMatchObject({
        'api-key': 'new-key',
        email: 'me@example.com'
      });
    });

    it('update() with null falls back to the config store', () => {
      const config = new MemoryConfigStore({ 'api-key': 'file-key' });
      const session = makeSession(api, { config, apiKey: 'arg-key' });
      session.update({ apiKey: null });
      expect(session.apiKey).toBe('file-key');
    });

    it('update() with a bad value throws and changes nothing', () => {
      const session = makeSession(api, { apiKey: 'good-key', retriesTotal: 2 });
      expect(() =>
        session.update({ apiKey: 'other-key', baseUrl: 'file:///x' })
      ).toThrow(ConfigError);
      expect(() => session.update({ retriesTotal: -3 })).toThrow(ConfigError);
      expect(session.apiKey).toBe('good-key');
      expect(session.retryOptions.retriesTotal).toBe(2);
    });

    it('follows changes of the config store', () => {
      const config = new MemoryConfigStore({ 'api-key': 'v1-key' });
      const session = makeSession(api, { config });
      const emitted: unknown[] = [];
      session.changed.connect((_, args) => emitted.push(args.changed));
      config.set({ 'api-key': 'v2-key' });
      expect(session.apiKey).toBe('v2-key');
      expect(emitted).toEqual([['apiKey']]);
    });

    it('setConfigStore() switches the fallback live and emits changed', () => {
      const session = makeSession(api);
      const emitted: unknown[] = [];
      session.changed.connect((_, args) => emitted.push(args.changed));
      session.setConfigStore(new MemoryConfigStore({ 'api-key': 'file-key' }));
      expect(session.apiKey).toBe('file-key');
      session.setConfigStore(null);
      expect(session.apiKey).toBeNull();
      expect(emitted).toEqual([['apiKey'], ['apiKey']]);
    });

    it('fails requests clearly when the config store gets an unusable url', async () => {
      const config = new MemoryConfigStore();
      const session = new QbraidSession({
        config,
        env: {},
        transport: new QbraidTransport({ fetch: api.fetch })
      });
      config.set({ url: 'http://plain.example.com/api' });
      await expect(session.get('/x')).rejects.toBeInstanceOf(ConfigError);
      config.set({ url: null });
      await expect(session.get('/x')).resolves.toEqual({ ok: true });
    });
  });

  describe('config variables', () => {
    it('getConfigVariable() reads the config store', () => {
      const config = new MemoryConfigStore({
        'api-key': 'k-1',
        organization: 'x'
      } as never);
      const session = makeSession(api, { config });
      expect(session.getConfigVariable('api-key')).toBe('k-1');
      expect(session.getConfigVariable('id-token')).toBeNull();
    });

    it('saveConfig() writes the given values, else the session values, and the base URL', async () => {
      const config = new MemoryConfigStore({
        url: 'https://old.example.test/api'
      });
      const session = new QbraidSession({
        config,
        env: {},
        apiKey: 'k-1',
        userEmail: 'me@example.com',
        apiVersion: 'legacy'
      });
      await session.saveConfig({
        refreshToken: 'r-2',
        baseUrl: 'https://api.qbraid.com/api'
      });
      expect(config.toJSON()).toEqual({
        email: 'me@example.com',
        'api-key': 'k-1',
        'refresh-token': 'r-2',
        url: 'https://api.qbraid.com/api'
      });
    });

    it('saveConfig() refuses values that would corrupt the file', async () => {
      const config = new MemoryConfigStore();
      const session = new QbraidSession({ config, env: {} });
      await expect(
        session.saveConfig({ apiKey: 'x\n[evil]' })
      ).rejects.toBeInstanceOf(ConfigError);
      expect(config.toJSON()).toEqual({});
    });

    it('saveConfig() without a store raises ConfigError', async () => {
      await expect(
        new QbraidSession({ env: {} }).saveConfig()
      ).rejects.toMatchObject({
        code: 'no_config_store'
      });
    });
  });

  describe('verify', () => {
    it('checks /identity and fills userEmail when none was set', async () => {
      api.answers = [FakeApi.json({ email: 'owner@example.com' })];
      const session = makeSession(api, { apiKey: 'k-1' });
      await expect(session.verify()).resolves.toMatchObject({
        email: 'owner@example.com'
      });
      expect(api.requests[0].url).toBe(`${BASE}/identity`);
      expect(session.userEmail).toBe('owner@example.com');
      session.update({ apiKey: 'k-2' });
      expect(session.userEmail).toBeNull();
    });

    it('raises a credential mismatch when the key belongs to another email', async () => {
      api.answers = [FakeApi.json({ email: 'owner@example.com' })];
      const session = makeSession(api, {
        apiKey: 'k-1',
        userEmail: 'me@example.com'
      });
      await expect(session.verify()).rejects.toMatchObject({
        name: 'AuthError',
        code: 'credential_mismatch'
      });
    });

    it('raises AuthError for refused credentials and without credentials', async () => {
      api.answers = [FakeApi.status(401)];
      await expect(
        makeSession(api, { apiKey: 'k-1' }).verify()
      ).rejects.toBeInstanceOf(AuthError);
      await expect(makeSession(api).verify()).rejects.toMatchObject({
        code: 'no_credentials'
      });
    });
  });

  describe("v1 dialect (today's API)", () => {
    const V1 = 'https://api-v2.qbraid.com/api/v1';
    const WHITE_LABEL_KEY = `eq1_mfygsltfof2wc3brfzrw63i.${'ab'.repeat(32)}`;

    it('is the default: api-v2 base URL and qbraid-core retry defaults', () => {
      const session = new QbraidSession({ env: {} });
      expect(session.apiVersion).toBe('v1');
      expect(session.baseUrl).toBe(V1);
      expect(session.retryOptions).toEqual({
        retriesTotal: 3,
        retriesConnect: 1,
        backoffFactor: 0.5,
        timeout: 30000
      });
      expect(session.headers).toEqual({ 'x-domain': 'qbraid' });
    });

    it('sends X-API-Key and X-Domain, or X-Access-Token instead of the key, and never the email', async () => {
      const session = makeSession(api, {
        baseUrl: V1,
        apiKey: 'k-1',
        userEmail: 'me@example.com'
      });
      await session.get('/x');
      expect(api.requests[0].headers).toMatchObject({
        'x-api-key': 'k-1',
        'x-domain': 'qbraid'
      });
      expect(api.requests[0].headers).not.toHaveProperty('email');
      expect(api.requests[0].headers).not.toHaveProperty('api-key');
      session.update({ accessToken: 't-1' });
      await session.get('/x');
      expect(api.requests[1].headers).toMatchObject({
        'x-access-token': 't-1',
        'x-domain': 'qbraid'
      });
      expect(api.requests[1].headers).not.toHaveProperty('x-api-key');
    });

    it('takes the access token from the argument, then qbraidrc access-token, then QBRAID_ACCESS_TOKEN', () => {
      const config = new MemoryConfigStore({ 'access-token': 'cfg-token' });
      const env = {
        QBRAID_ACCESS_TOKEN: 'env-token',
        QBRAID_API_KEY: 'env-key'
      };
      expect(
        new QbraidSession({ config, env, accessToken: 'arg-token' }).accessToken
      ).toBe('arg-token');
      expect(new QbraidSession({ config, env }).accessToken).toBe('cfg-token');
      const fromEnv = new QbraidSession({ env });
      expect([fromEnv.accessToken, fromEnv.apiKey]).toEqual([
        'env-token',
        'env-key'
      ]);
    });

    it('ignores the legacy tokens and JUPYTERHUB_USER', () => {
      const session = new QbraidSession({
        config: new MemoryConfigStore({
          'refresh-token': 'r',
          'id-token': 'i',
          'api-key': 'k'
        }),
        env: { JUPYTERHUB_USER: 'hub@example.com' }
      });
      expect([
        session.refreshToken,
        session.idToken,
        session.userEmail
      ]).toEqual([null, null, null]);
      expect(session.headers).toEqual({
        'x-api-key': 'k',
        'x-domain': 'qbraid'
      });
    });

    it('resolves the base URL: argument, QBRAID_API_URL, white-label key, qbraidrc url, default', () => {
      const config = new MemoryConfigStore({
        url: 'https://cfg.example.test/api/v1/'
      });
      const env = { QBRAID_API_URL: 'https://env.example.test/api/v1/' };
      const arg = 'https://arg.example.test/api/v1';
      const url = (options: IQbraidSessionOptions) =>
        new QbraidSession(options).baseUrl;
      expect(url({ config, env, apiKey: WHITE_LABEL_KEY, baseUrl: arg })).toBe(
        arg
      );
      expect(url({ config, env, apiKey: WHITE_LABEL_KEY })).toBe(
        'https://env.example.test/api/v1'
      );
      expect(url({ config, env: {}, apiKey: WHITE_LABEL_KEY })).toBe(
        'https://api.equal1.com/api/v1'
      );
      expect(url({ config, env: {}, apiKey: 'qbr_plain' })).toBe(
        'https://cfg.example.test/api/v1'
      );
      expect(url({ env: {} })).toBe(V1);
    });

    it('does not take the API host from the key when an access token is the credential', () => {
      const session = new QbraidSession({
        env: {},
        apiKey: WHITE_LABEL_KEY,
        accessToken: 't'
      });
      expect(session.baseUrl).toBe(V1);
    });

    it('tells the dialect from the base URL unless apiVersion says', () => {
      expect(
        new QbraidSession({ env: {}, baseUrl: 'https://api.qbraid.com/api' })
          .apiVersion
      ).toBe('legacy');
      expect(
        new QbraidSession({ env: {}, baseUrl: 'http://127.0.0.1:9/api/v1' })
          .apiVersion
      ).toBe('v1');
      const forced = new QbraidSession({
        env: {},
        baseUrl: 'http://127.0.0.1:9/api/v1',
        apiVersion: 'legacy',
        apiKey: 'k'
      });
      expect(forced.apiVersion).toBe('legacy');
      expect(forced.headers).toEqual({ 'api-key': 'k' });
      expect(() =>
        new QbraidSession({ env: {} }).update({ apiVersion: 'v2' as never })
      ).toThrow(ConfigError);
    });

    it('switching the API emits changed and applies the dialect defaults unless set', () => {
      const session = new QbraidSession({ env: {}, retriesConnect: 2 });
      const seen: string[][] = [];
      session.changed.connect((_, args) => seen.push([...args.changed]));
      session.update({ apiVersion: 'legacy' });
      expect(session.baseUrl).toBe('https://api.qbraid.com/api');
      expect(session.retryOptions).toMatchObject({
        retriesTotal: 5,
        retriesConnect: 2
      });
      expect(seen).toEqual([['baseUrl', 'apiVersion']]);
      session.update({ retriesConnect: null });
      expect(session.retryOptions.retriesConnect).toBe(3);
    });

    it('retries as qbraid-core: 3 in total, 1 connect error, POST on forcelist statuses', async () => {
      api.fallback = () => FakeApi.refused();
      await rejection(makeSession(api, { baseUrl: V1 }).get('/x'));
      expect(api.requests).toHaveLength(2);
      api.requests.length = 0;
      api.fallback = () => FakeApi.status(502);
      const error = await rejection(
        makeSession(api, { baseUrl: V1 }).post('/jobs', {})
      );
      expect(api.requests).toHaveLength(4);
      expect(error).toMatchObject({ status: 502, attempts: 4 });
    });

    it('reads a Retry-After over 60 as milliseconds and does not retry past 5 s', async () => {
      api.answers = [
        FakeApi.status(503, { 'Retry-After': '150' }),
        FakeApi.status(429, { 'Retry-After': '2' })
      ];
      await makeSession(api, { baseUrl: V1 }).get('/x');
      expect(api.sleeps).toEqual([150, 2000]);
      api.requests.length = 0;
      api.answers = [FakeApi.status(503, { 'Retry-After': '10' })];
      await expect(
        makeSession(api, { baseUrl: V1 }).get('/x')
      ).rejects.toMatchObject({ status: 503 });
      expect(api.requests).toHaveLength(1);
    });

    it('verify() checks /users/verify and fills userEmail from data.email', async () => {
      api.answers = [
        FakeApi.json({ success: true, data: { email: 'owner@example.com' } })
      ];
      const session = makeSession(api, { baseUrl: V1, apiKey: 'k-1' });
      await expect(session.verify()).resolves.toMatchObject({
        email: 'owner@example.com'
      });
      expect(api.requests[0].url).toBe(`${V1}/users/verify`);
      expect(session.userEmail).toBe('owner@example.com');
    });

    it('verify() refuses an answer that is not a success, and a refused key', async () => {
      api.answers = [FakeApi.json({ success: false, data: null })];
      const session = makeSession(api, { baseUrl: V1, apiKey: 'k-1' });
      await expect(session.verify()).rejects.toMatchObject({
        code: 'invalid_identity'
      });
      api.answers = [FakeApi.status(401)];
      await expect(session.verify()).rejects.toBeInstanceOf(AuthError);
    });

    it('verify() accepts an access token alone', async () => {
      api.answers = [FakeApi.json({ success: true, data: { email: 'a@b.c' } })];
      const session = makeSession(api, { baseUrl: V1, accessToken: 't' });
      expect(session.hasCredentials).toBe(true);
      await session.verify();
      expect(api.requests[0].headers['x-access-token']).toBe('t');
    });

    it('refreshAccessToken() posts to /access-tokens/refresh and answers data', async () => {
      api.answers = [
        FakeApi.json({ success: true, data: { expiresAt: '2026-12-01' } })
      ];
      const session = makeSession(api, { baseUrl: V1, accessToken: 't' });
      await expect(session.refreshAccessToken()).resolves.toEqual({
        expiresAt: '2026-12-01'
      });
      expect(api.requests[0]).toMatchObject({
        method: 'POST',
        url: `${V1}/access-tokens/refresh`
      });
      await expect(
        makeSession(api, { baseUrl: V1, apiKey: 'k' }).refreshAccessToken()
      ).rejects.toMatchObject({ code: 'no_credentials' });
      await expect(
        makeSession(api, { accessToken: 't' }).refreshAccessToken()
      ).rejects.toMatchObject({ code: 'unsupported_dialect' });
    });

    it('saveConfig() writes the v1 keys and the URL', async () => {
      const config = new MemoryConfigStore({ 'refresh-token': 'keep' });
      const session = new QbraidSession({
        config,
        env: {},
        apiKey: 'k-1',
        accessToken: 't-1'
      });
      await session.saveConfig();
      expect(config.toJSON()).toEqual({
        'api-key': 'k-1',
        'access-token': 't-1',
        'refresh-token': 'keep',
        url: V1
      });
    });

    it('redacts the access token from messages', async () => {
      api.answers = [
        FakeApi.json({ error: { message: 'token t-secret-9 expired' } }, 401)
      ];
      const error = await rejection(
        makeSession(api, { baseUrl: V1, accessToken: 't-secret-9' }).get('/x')
      );
      expect(error.message).not.toContain('t-secret-9');
    });
  });

  describe('long messages', () => {
    it('redacts every secret before cutting a long message, so no start of a secret survives', async () => {
      const token = 'r'.repeat(4000) + 'TAIL';
      const key = 'qbr_key_' + 'k'.repeat(100);
      api.answers = [
        FakeApi.json(
          { error: { message: 'x'.repeat(290) + key + ' ' + token } },
          400
        ),
        new Response('y'.repeat(295) + token, { status: 200 })
      ];
      const session = makeSession(api, { apiKey: key, refreshToken: token });
      const first = await rejection(session.get('/x'));
      const second = await rejection(session.get('/x'));
      for (const error of [first, second]) {
        expect(error.message).not.toContain('qbr_key_');
        expect(error.message).not.toContain('rrrrrrrr');
        expect(error.message.length).toBeLessThan(500);
      }
    });
  });
});
