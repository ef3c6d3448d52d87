/**
 * Credentials held by the Jupyter server (`keyStorage: server`): the session
 * holds no secret, its requests ask the server's proxy to add them, and the
 * view other extensions get has none of the owner's powers.
 */
import { ServerConnection } from '@jupyterlab/services';
import { ConnectionRouter } from '../transport/connectionrouter';
import { ConfigError } from '../rules/errors';
import type { IServerInfo } from '../transport/serverhalf';
import { IServerHeldCredentials, QbraidSession } from '../session/session';
import { QbraidSessionView } from '../session/sessionview';
import type {
  IQbraidTransport,
  ITransportRequest
} from '../transport/transport';
import type { IQbraidSession } from '../tokens';
import { MemoryConfigStore } from './memoryconfigstore';

const URL_HELD = 'https://api-v2.qbraid.com/api/v1';

const HELD: IServerHeldCredentials = {
  held: ['api-key'],
  email: 'held@example.com',
  url: URL_HELD
};

class Recorder implements IQbraidTransport {
  sent: ITransportRequest[] = [];
  async send(request: ITransportRequest): Promise<Response> {
    this.sent.push(request);
    return new Response(
      JSON.stringify({ success: true, data: { email: 'held@example.com' } })
    );
  }
}

function sessionWithSecretsEverywhere(transport = new Recorder()) {
  const session = new QbraidSession({
    apiKey: 'settings-key',
    accessToken: 'settings-token',
    config: new MemoryConfigStore({ 'api-key': 'file-key' }),
    env: { QBRAID_API_KEY: 'env-key', QBRAID_API_URL: 'https://env.test/v1' },
    transport
  });
  return { session, transport };
}

describe('a session whose credentials the Jupyter server holds', () => {
  it('holds no secret from the settings, the config store or the environment', () => {
    const { session } = sessionWithSecretsEverywhere();
    expect(session.apiKey).toBe('settings-key');
    session.useServerCredentials(HELD);
    expect([
      session.apiKey,
      session.accessToken,
      session.refreshToken,
      session.idToken
    ]).toEqual([null, null, null, null]);
    expect(session.headers).toEqual({ 'x-domain': 'qbraid' });
    expect(session.getConfigVariable('api-key')).toBeNull();
    expect(session.getConfigVariable('email')).toBe('held@example.com');
    // The server's URL, not the browser environment's.
    expect(session.baseUrl).toBe(URL_HELD);
    expect(session.userEmail).toBe('held@example.com');
    expect(session.hasCredentials).toBe(true);
    expect(session.credentialsOnServer).toBe(true);
  });

  it('asks the transport to let the server add them, and sends no credential header', async () => {
    const { session, transport } = sessionWithSecretsEverywhere();
    session.useServerCredentials(HELD);
    await session.verify();
    const [sent] = transport.sent;
    expect(sent.serverCredentials).toBe(true);
    expect(sent.url).toBe(`${URL_HELD}/users/verify`);
    expect(JSON.stringify(sent.headers)).not.toMatch(/key|token/i);
  });

  it('counts held credentials only for the origin the server adds them to', () => {
    const session = new QbraidSession({
      env: {},
      baseUrl: 'https://other.example.test/api/v1',
      transport: new Recorder()
    });
    session.useServerCredentials(HELD);
    expect(session.hasCredentials).toBe(false);
    session.update({ baseUrl: `${URL_HELD}/` });
    expect(session.hasCredentials).toBe(true);
  });

  it('tells consumers when the server starts or stops holding a key', () => {
    const session = new QbraidSession({ env: {}, transport: new Recorder() });
    session.useServerCredentials({ held: [], email: null, url: null });
    const seen: string[][] = [];
    session.changed.connect((_, args) => seen.push([...args.changed]));
    session.useServerCredentials(HELD);
    session.useServerCredentials({ ...HELD, held: [] });
    expect(seen).toEqual([['userEmail', 'apiKey'], ['apiKey']]);
    expect(session.hasCredentials).toBe(false);
  });

  it('goes back to its own credentials when the settings hold them again', () => {
    const { session } = sessionWithSecretsEverywhere();
    session.useServerCredentials(HELD);
    session.useServerCredentials(null);
    expect(session.accessToken).toBe('settings-token');
    expect(session.credentialsOnServer).toBe(false);
  });

  it('refuses saveConfig, which would put a secret in the browser', async () => {
    const { session } = sessionWithSecretsEverywhere();
    session.useServerCredentials(HELD);
    await expect(session.saveConfig({ apiKey: 'k' })).rejects.toMatchObject({
      code: 'credentials_on_server'
    });
  });
});

describe('the router with server-held credentials', () => {
  const INFO: IServerInfo = {
    version: '0.1.0',
    features: { proxy: true, qbraidrc: true, credentials: true },
    qbraidrc_path: '~/.qbraid/qbraidrc',
    allowed_origins: ['https://api-v2.qbraid.com'],
    forwarded_headers: []
  };
  const make = (info: IServerInfo | null, mode?: 'auto' | 'direct') => {
    const direct = new Recorder();
    const proxy = new Recorder();
    const router = new ConnectionRouter({
      serverSettings: ServerConnection.makeSettings(),
      direct,
      proxy,
      fetchInfo: async () => info,
      mode
    });
    return { router, direct, proxy };
  };
  const request = (url: string): ITransportRequest => ({
    method: 'GET',
    url,
    headers: {},
    serverCredentials: true
  });

  it('sends them through the proxy', async () => {
    const { router, direct, proxy } = make(INFO);
    await router.send(request(`${URL_HELD}/users/verify`));
    expect([proxy.sent.length, direct.sent.length]).toEqual([1, 0]);
  });

  it.each([
    ['no server half', null, 'auto' as const],
    ['an origin the proxy may not reach', INFO, 'auto' as const],
    ['the direct connection', INFO, 'direct' as const]
  ])(
    'never sends them directly (%s): a ConfigError says why and what to set',
    async (_, info, mode) => {
      const { router, direct, proxy } = make(info, mode);
      const url =
        info && mode === 'auto'
          ? 'https://elsewhere.test/api/v1/x'
          : `${URL_HELD}/x`;
      const error = await router.send(request(url)).catch(e => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.code).toBe('no_server_route');
      expect(error.message).toContain('key storage');
      expect([proxy.sent.length, direct.sent.length]).toEqual([0, 0]);
      expect(router.route(url, true).via).toBe('unknown');
    }
  );
});

describe('QbraidSessionView, what other extensions get', () => {
  const owner = () => {
    const session = new QbraidSession({
      env: {},
      apiKey: 'k-1',
      transport: new Recorder()
    });
    return { session, view: new QbraidSessionView(session) };
  };

  it('has none of the owner powers, at runtime', () => {
    const { view } = owner();
    const powers = ['update', 'close', 'setConfigStore', 'useTransport'];
    for (const name of [
      ...powers,
      'transport',
      'useServerCredentials',
      'credentialsOnServer'
    ]) {
      expect(name in view).toBe(false);
    }
    expect(Object.isFrozen(view)).toBe(true);
    expect(() => {
      (view as any).update = () => undefined;
    }).toThrow(TypeError);
    // Nothing it exposes leads to the owner object.
    const reachable = Object.getOwnPropertyNames(view).map(
      name => (view as any)[name]
    );
    expect(reachable.some(value => value instanceof QbraidSession)).toBe(false);
  });

  it("forwards every call to the owner, as the owner's own", async () => {
    const { session, view } = owner();
    const recorder = new Recorder();
    session.useTransport(recorder);
    await view.post('/jobs', { a: 1 });
    await view.get('/devices', { params: { q: 'x' } });
    expect(recorder.sent.map(r => `${r.method} ${r.url}`)).toEqual([
      `POST ${URL_HELD}/jobs`,
      `GET ${URL_HELD}/devices?q=x`
    ]);
    expect(view.retryOptions).toEqual(session.retryOptions);
    expect(view.getConfigVariable('email')).toBeNull();
  });

  it('reads the shared state, and its changed is sent by the view', () => {
    const { session, view } = owner();
    expect([view.apiKey, view.baseUrl, view.hasCredentials]).toEqual([
      'k-1',
      URL_HELD,
      true
    ]);
    const senders: unknown[] = [];
    view.changed.connect((sender: IQbraidSession) => senders.push(sender));
    session.update({ apiKey: 'k-2' });
    expect(view.apiKey).toBe('k-2');
    expect(senders).toEqual([view]);
  });

  it('gives no secret while the server holds the credentials, and still makes requests', async () => {
    const { session, view } = owner();
    session.useServerCredentials(HELD);
    expect([view.apiKey, view.accessToken, view.headers]).toEqual([
      null,
      null,
      { 'x-domain': 'qbraid' }
    ]);
    expect(view.hasCredentials).toBe(true);
    await expect(view.verify()).resolves.toMatchObject({
      email: 'held@example.com'
    });
  });
});
