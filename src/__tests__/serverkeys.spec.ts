/**
 * The browser's side of server-held credentials: the store of what the
 * Jupyter server holds, and the panel's sign-in while the server keeps the
 * key, against a fake `qbraid-session/credentials` route.
 */
import { ServerConnection } from '@jupyterlab/services';
import {
  IHeldCredentials,
  moveSecretsToServer,
  ServerKeyStore
} from '../stores/serverstore';
import { QbraidSession } from '../session/session';
import { SettingsKeyStore } from '../stores/settingsstore';
import { ISignInValues, SignInModel } from '../ui/signinmodel';

const HELD: IHeldCredentials = {
  held: ['api-key'],
  sources: { 'api-key': 'qbraidrc' },
  email: 'me@example.com',
  url: 'https://api-v2.qbraid.com/api/v1',
  url_source: 'default',
  api_version: 'v1',
  path: '~/.qbraid/qbraidrc',
  revision: 'r-1',
  token_expires_at: null,
  from_hub: false
};

/** A Jupyter server with the credentials route: records what it was sent. */
class FakeServer {
  sent: { method: string; url: string; body: string }[] = [];
  held: IHeldCredentials = { ...HELD, held: [], sources: {}, email: null };
  refuse: { status: number; reason: string; message: string } | null = null;

  readonly settings = ServerConnection.makeSettings({
    baseUrl: 'http://lab.test/',
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input as RequestInfo, init);
      const body = await request.text();
      this.sent.push({ method: request.method, url: request.url, body });
      if (this.refuse) {
        const { status, reason, message } = this.refuse;
        return new Response(JSON.stringify({ reason, message }), { status });
      }
      if (request.method === 'PUT') {
        const email = 'me@example.com';
        this.held = { ...HELD, email };
        return Response.json({ ...this.held, identity: { email } });
      }
      if (request.method === 'DELETE') {
        this.held = { ...HELD, held: [], sources: {}, email: null };
      }
      return Response.json(this.held);
    }
  });
}

describe('ServerKeyStore', () => {
  it('reads what the server holds, and says when it changed', async () => {
    const server = new FakeServer();
    const store = new ServerKeyStore(server.settings);
    let changes = 0;
    store.changed.connect(() => changes++);
    await store.refresh();
    await store.refresh();
    expect(changes).toBe(1);
    server.held = HELD;
    await store.refresh();
    expect(store.state).toEqual(HELD);
    expect(changes).toBe(2);
    expect(server.sent.map(r => new URL(r.url).pathname)).toEqual(
      Array(3).fill('/qbraid-session/credentials')
    );
  });

  it('keeps why the server could not answer, and clears it once it does', async () => {
    const server = new FakeServer();
    server.refuse = { status: 404, reason: 'not_found', message: 'Not Found' };
    const store = new ServerKeyStore(server.settings);
    await expect(store.refresh()).rejects.toMatchObject({
      code: 'not_found'
    });
    expect(store.error?.status).toBe(404);
    server.refuse = null;
    await store.refresh();
    expect(store.error).toBeNull();
  });
});

describe('SignInModel while the Jupyter server holds the key', () => {
  function make() {
    const server = new FakeServer();
    const saved: Partial<ISignInValues>[] = [];
    const serverKeys = new ServerKeyStore(server.settings, {
      save: async values => {
        saved.push(values as Partial<ISignInValues>);
      }
    });
    const session = new QbraidSession({ env: {} });
    serverKeys.changed.connect(() =>
      session.useServerCredentials(serverKeys.state)
    );
    session.useServerCredentials({ held: [], email: null, url: null });
    const status = new SignInModel({ session, store: serverKeys });
    return { server, serverKeys, session, status, saved };
  }

  it('sends the key to the server once and saves nothing secret in the settings', async () => {
    const { server, session, status, saved } = make();
    const identity = await status.signIn({
      email: '',
      apiKey: 'k-123',
      baseUrl: ''
    });
    expect(identity).toEqual({ email: 'me@example.com' });
    expect(status.state).toBe('signed-in');
    const [put] = server.sent;
    expect(put.method).toBe('PUT');
    expect(JSON.parse(put.body)).toEqual({ values: { 'api-key': 'k-123' } });
    expect(saved).toEqual([]);
    expect(session.apiKey).toBeNull();
    expect(session.hasCredentials).toBe(true);
    expect(status.keyLocation).toBe(
      'Your key is held by the Jupyter server in ~/.qbraid/qbraidrc; this page never sees it.'
    );
  });

  it('passes the email and URL entered, and keeps the API version in the settings', async () => {
    const { server, status, saved } = make();
    await status.signIn({
      email: 'me@example.com',
      apiKey: 'k-1',
      baseUrl: 'https://api-v2.qbraid.com/api/v1',
      apiVersion: 'v1'
    });
    expect(JSON.parse(server.sent[0].body).values).toEqual({
      'api-key': 'k-1',
      email: 'me@example.com',
      url: 'https://api-v2.qbraid.com/api/v1'
    });
    expect(saved).toEqual([{ apiVersion: 'v1' }]);
  });

  it("shows the server's refusal and stays signed out", async () => {
    const { server, status } = make();
    server.refuse = {
      status: 422,
      reason: 'credentials_refused',
      message: 'The qBraid API refused these credentials (401).'
    };
    await expect(
      status.signIn({ email: '', apiKey: 'bad', baseUrl: '' })
    ).rejects.toMatchObject({ code: 'credentials_refused' });
    expect(status.state).toBe('signed-out');
    expect(String((status.error as Error).message)).toContain('refused');
  });

  it('names the environment variable that still holds a key after sign-out', async () => {
    const { server, serverKeys, status } = make();
    await status.signIn({ email: '', apiKey: 'k-1', baseUrl: '' });
    server.held = {
      ...HELD,
      sources: { 'api-key': 'QBRAID_API_KEY' }
    };
    await serverKeys.refresh();
    expect(status.keyLocation).toContain('its environment (QBRAID_API_KEY)');
  });

  it('says that a key from the hub login stays after a sign-out here', async () => {
    const { server, serverKeys, status } = make();
    server.held = {
      ...HELD,
      sources: { 'api-key': 'QBRAID_API_KEY' },
      from_hub: true
    };
    await serverKeys.refresh();
    expect(status.keyLocation).toContain('its environment (QBRAID_API_KEY)');
    expect(status.keyLocation).toContain(
      'It comes from your JupyterHub login: signing out here clears only ~/.qbraid/qbraidrc'
    );
    server.held = { ...HELD, from_hub: true };
    await serverKeys.refresh();
    expect(status.keyLocation).not.toContain('JupyterHub');
  });

  it('says what to do when the server has no credentials route', async () => {
    const { server, serverKeys, status } = make();
    server.refuse = { status: 404, reason: 'not_found', message: 'Not Found' };
    await serverKeys.refresh().catch(() => undefined);
    expect(status.keyLocation).toBe(
      'The key storage setting is "server", but the Jupyter server cannot hold the key: this Jupyter ' +
        'server has no qBraid server extension (jupyterlab_qbraid_session), or an older one. ' +
        'Set the key storage to "settings", or ask your administrator.'
    );
  });

  it('says nothing of the server while the settings hold the key', () => {
    const { serverKeys, session } = make();
    const status = new SignInModel({
      session,
      store: new SettingsKeyStore(),
      signOut: async () => undefined
    });
    expect(serverKeys.location).toContain('held by the Jupyter server');
    expect(status.keyLocation).toBeNull();
  });
});

describe('moveSecretsToServer', () => {
  it('hands the secrets of the settings to the server, then clears them there', async () => {
    const server = new FakeServer();
    const store = new ServerKeyStore(server.settings);
    const cleared: string[][] = [];
    const moved = await moveSecretsToServer(
      {
        email: 'me@example.com',
        apiKey: 'k-1',
        accessToken: '',
        baseUrl: 'https://api-v2.qbraid.com/api/v1'
      },
      store,
      async names => {
        cleared.push(names);
      }
    );
    expect(moved).toEqual(['apiKey']);
    expect(cleared).toEqual([['apiKey']]);
    expect(JSON.parse(server.sent[0].body).values).toEqual({
      email: 'me@example.com',
      'api-key': 'k-1',
      url: 'https://api-v2.qbraid.com/api/v1'
    });
  });

  it('keeps them in the settings when the server refuses them, and sends nothing without one', async () => {
    const server = new FakeServer();
    const store = new ServerKeyStore(server.settings);
    const cleared: string[][] = [];
    const clear = async (names: string[]) => {
      cleared.push(names);
    };
    expect(
      await moveSecretsToServer({ email: 'a@b.io' }, store, clear)
    ).toEqual([]);
    expect(server.sent).toEqual([]);
    server.refuse = {
      status: 422,
      reason: 'credentials_refused',
      message: 'refused'
    };
    await expect(
      moveSecretsToServer({ apiKey: 'bad' }, store, clear)
    ).rejects.toMatchObject({ code: 'credentials_refused' });
    expect(cleared).toEqual([]);
  });
});
