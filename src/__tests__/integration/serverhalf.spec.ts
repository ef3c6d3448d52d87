/**
 * The server half from the frontend's side, over real HTTP: a jupyter_server
 * with the extension (root inside the home, hidden files off) and the local
 * qBraid API, which refuses nothing here but records every header.
 */
import { ServerConnection } from '@jupyterlab/services';
import { ConnectionRouter } from '../../transport/connectionrouter';
import { CREDENTIAL_HEADERS } from '../../rules/fields';
import { ProxyTransport } from '../../transport/proxytransport';
import { ServerQbraidrcBackend } from '../../qbraidrc/serverbackend';
import { QbraidrcStore } from '../../qbraidrc/store';
import { fetchServerInfo, IServerInfo } from '../../transport/serverhalf';
import { IQbraidSessionOptions, QbraidSession } from '../../session/session';
import { CredentialsSync } from '../../qbraidrc/sync';
import { rejection } from '../fakeapi';
import { FakeSettings } from '../fakecontents';
import { JupyterServer } from './jupyterserver';
import { closedPort, LocalApi } from './localapi';

let api: LocalApi;
let server: JupyterServer;
let dead: string;
let info: IServerInfo;

beforeAll(async () => {
  api = await LocalApi.start();
  dead = `http://127.0.0.1:${await closedPort()}`;
  server = await JupyterServer.start({
    rootSubdir: 'work',
    allowHidden: false,
    allowedOrigins: [api.origin, dead]
  });
  info = (await fetchServerInfo(server.settings()))!;
});
afterAll(async () => {
  await server.stop();
  await api.stop();
});
beforeEach(async () => {
  await api.reset();
});

function proxied(options: IQbraidSessionOptions = {}) {
  return new QbraidSession({
    baseUrl: api.v1BaseUrl,
    apiKey: 'demo-api-key',
    env: {},
    transport: new ProxyTransport(server.settings()),
    sleep: async () => undefined,
    ...options
  });
}

describe('the server half', () => {
  it('says what it offers: proxy, qbraidrc at ~/.qbraid/qbraidrc, allowed origins', () => {
    expect(info.features).toEqual({
      proxy: true,
      qbraidrc: true,
      credentials: true
    });
    expect(info.qbraidrc_path).toBe('~/.qbraid/qbraidrc');
    expect(info.allowed_origins).toEqual(
      expect.arrayContaining(['https://api-v2.qbraid.com', api.origin])
    );
  });

  it('forwards exactly the credential headers of the field table', () => {
    const forwarded = info.forwarded_headers.filter(
      name => !['content-type', 'accept', 'x-domain'].includes(name)
    );
    expect(forwarded.sort()).toEqual(
      CREDENTIAL_HEADERS.filter(name => name !== 'authorization').sort()
    );
  });

  it('is not there for a server without it', async () => {
    // A server that answers 404 there (the local API plays it, with no token to leak).
    const elsewhere = ServerConnection.makeSettings({
      baseUrl: `${api.origin}/nothing/`,
      token: ''
    });
    await expect(fetchServerInfo(elsewhere)).resolves.toBeNull();
  });
});

describe('QbraidSession through the proxy', () => {
  it('verifies a v1 key, and the API sees neither the Jupyter token nor cookies', async () => {
    await expect(proxied().verify()).resolves.toMatchObject({
      email: 'demo@example.com'
    });
    const [recorded] = await api.apiRequests();
    expect(recorded.headers['x-api-key']).toBe('demo-api-key');
    expect(recorded.headers.authorization).toBeUndefined();
    expect(await api.violations()).toEqual([]);
  });

  it('refuses a wrong key as the API does', async () => {
    const error = await rejection(proxied({ apiKey: 'qbr_wrong' }).verify());
    expect(error).toMatchObject({ name: 'AuthError', status: 401 });
  });

  it('keeps the connect budget: an unreachable API is retried retriesConnect times', async () => {
    const error = await rejection(
      proxied({ baseUrl: `${dead}/api/v1`, retriesConnect: 2 }).post(
        '/jobs',
        {}
      )
    );
    expect(error).toMatchObject({
      name: 'QbraidNetworkError',
      kind: 'connect',
      via: 'server',
      attempts: 3
    });
  });

  it('never repeats a POST after a failure that may have reached the API', async () => {
    await api.inject({ kind: 'reset', path: '/api/v1/echo', times: 5 });
    const error = await rejection(proxied().post('/echo', { a: 1 }));
    expect(error).toMatchObject({ kind: 'read', attempts: 1 });
    const posts = (await api.apiRequests()).filter(
      r => r.path === '/api/v1/echo'
    );
    expect(posts).toHaveLength(1);
  });

  it('repeats a GET after a reset, and a POST after a forcelist status', async () => {
    await api.inject({ kind: 'reset', path: '/api/v1/users/verify' });
    await proxied().verify();
    await api.inject({ kind: 'status', status: 503, path: '/api/v1/echo' });
    await expect(proxied().post('/echo', { a: 1 })).resolves.toMatchObject({
      success: true
    });
  });

  it('a base URL the proxy may not reach is refused by the proxy, and routed direct by the router', async () => {
    const error = await rejection(
      proxied({ baseUrl: 'https://api.example.test/api/v1' }).verify()
    );
    expect(error).toMatchObject({
      name: 'ConfigError',
      code: 'origin_refused'
    });
    const router = new ConnectionRouter({ serverSettings: server.settings() });
    await router.start();
    expect(router.route('https://api.example.test/api/v1/x')).toMatchObject({
      via: 'direct',
      reason: expect.stringContaining('c.QbraidProxy.allowed_origins')
    });
    expect(router.route(`${api.v1BaseUrl}/x`)).toEqual({
      via: 'server',
      reason: null
    });
  });
});

describe('qbraidrc through the server half', () => {
  afterEach(() => {
    require('fs').rmSync(require('path').dirname(server.qbraidrc), {
      recursive: true,
      force: true
    });
  });

  function store() {
    return new QbraidrcStore({
      backend: new ServerQbraidrcBackend(server.settings(), info.qbraidrc_path)
    });
  }

  /** A sync of `settings` with the file through the server half. */
  function syncOf(settings: FakeSettings) {
    return new CredentialsSync({
      settings,
      store: store(),
      debounceMs: 10,
      pollMs: 0
    });
  }

  it('writes ~/.qbraid/qbraidrc with the root elsewhere and hidden files off, mode 0600', async () => {
    const settings = new FakeSettings({ apiKey: 'qbr_lab-1' });
    const sync = syncOf(settings);
    await sync.start();
    sync.dispose();
    expect(server.readQbraidrc()).toBe('[default]\napi-key = qbr_lab-1\n');
    const mode = require('fs').statSync(server.qbraidrc).mode & 0o777;
    expect(mode).toBe(0o600);
  });

  it('a terminal edit between read and write is a conflict, never overwritten', async () => {
    server.writeQbraidrc('[default]\napi-key = old\n');
    const s = store();
    const snapshot = await s.read();
    server.writeQbraidrc('[default]\napi-key = from-terminal\n');
    const file = s.file!;
    file.update({ 'api-key': 'mine' });
    await expect(s.write(file, snapshot)).rejects.toMatchObject({
      code: 'qbraidrc_conflict'
    });
    expect(server.readQbraidrc()).toBe('[default]\napi-key = from-terminal\n');
  });

  it('the sync merges an outside edit of another key and writes once', async () => {
    server.writeQbraidrc('[default]\napi-key = k\n');
    const settings = new FakeSettings();
    const sync = syncOf(settings);
    await sync.start();
    server.writeQbraidrc('[default]\napi-key = k\norganization = acme\n');
    await settings.set({ email: 'me@example.com' });
    await sync.flush();
    sync.dispose();
    expect(server.readQbraidrc()).toBe(
      '[default]\napi-key = k\norganization = acme\nemail = me@example.com\n'
    );
    expect(sync.status.state).toBe('disabled');
  });

  it('a file configparser would refuse is reported with its line, and kept', async () => {
    server.writeQbraidrc('[default]\napi-key = k\n');
    const s = store();
    const snapshot = await s.read();
    const error = await rejection(
      new ServerQbraidrcBackend(server.settings(), info.qbraidrc_path).write(
        '[default]\na = 1\na = 2\n',
        snapshot
      )
    );
    expect(error.message).toContain("line 3: the key 'a' appears twice");
    expect(server.readQbraidrc()).toBe('[default]\napi-key = k\n');
  });
});
