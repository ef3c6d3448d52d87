/**
 * Credentials held by the Jupyter server, over real HTTP: the server's field
 * table is the frontend's, the session signs in through the server with no
 * secret in the browser, and sign-in and sign-out go to qbraidrc.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConnectionRouter } from '../../transport/connectionrouter';
import { ServerKeyStore } from '../../stores/serverstore';
import { QbraidSession } from '../../session/session';
import { JupyterServer } from './jupyterserver';
import { LocalApi } from './localapi';

let api: LocalApi;
let server: JupyterServer;

beforeAll(async () => {
  api = await LocalApi.start();
  server = await JupyterServer.start({
    rootSubdir: 'work',
    allowHidden: false,
    allowedOrigins: [api.origin]
  });
});
afterAll(async () => {
  await server.stop();
  await api.stop();
});
beforeEach(async () => {
  await api.reset();
  fs.rmSync(qbraidrc(), { force: true });
});

const qbraidrc = () => path.join(server.home, '.qbraid', 'qbraidrc');

function writeQbraidrc(text: string) {
  fs.mkdirSync(path.dirname(qbraidrc()), { recursive: true });
  fs.writeFileSync(qbraidrc(), text);
}

/** A session as the owner plugin makes it with `keyStorage: server`. */
async function serverHeldSession() {
  const settings = server.settings();
  const store = new ServerKeyStore(settings);
  const session = new QbraidSession({
    env: {},
    transport: new ConnectionRouter({ serverSettings: settings })
  });
  store.changed.connect(() => session.useServerCredentials(store.state));
  session.useServerCredentials({ held: [], email: null, url: null });
  await store.refresh();
  return { store, session };
}

it('a key only in qbraidrc signs the session in, and never reaches the browser', async () => {
  writeQbraidrc(`[default]\napi-key = demo-api-key\nurl = ${api.v1BaseUrl}\n`);
  const { store, session } = await serverHeldSession();
  expect(session.hasCredentials).toBe(true);
  expect(session.baseUrl).toBe(api.v1BaseUrl);
  await expect(session.verify()).resolves.toMatchObject({
    email: 'demo@example.com'
  });
  expect([session.apiKey, session.headers]).toEqual([
    null,
    { 'x-domain': 'qbraid' }
  ]);
  expect(JSON.stringify(store.state)).not.toContain('demo-api-key');
  const [recorded] = await api.requests();
  expect(recorded.headers['x-api-key']).toBe('demo-api-key');
});

it('a sign-in is checked and written to qbraidrc; a sign-out clears it', async () => {
  writeQbraidrc(`# mine\n[default]\nurl = ${api.v1BaseUrl}\n[aws]\nx = 1\n`);
  const { store, session } = await serverHeldSession();
  expect(session.hasCredentials).toBe(false);
  await expect(
    store.send({ 'api-key': 'wrong-key-4711' })
  ).rejects.toMatchObject({
    code: 'credentials_refused'
  });
  const answer = await store.send({ 'api-key': 'demo-api-key' });
  expect(answer.identity.email).toBe('demo@example.com');
  expect(session.hasCredentials).toBe(true);
  expect(fs.readFileSync(qbraidrc(), 'utf8')).toBe(
    `# mine\n[default]\nurl = ${api.v1BaseUrl}\nemail = demo@example.com\napi-key = demo-api-key\n[aws]\nx = 1\n`
  );
  await store.signOut();
  expect(session.hasCredentials).toBe(false);
  expect(fs.readFileSync(qbraidrc(), 'utf8')).toBe(
    `# mine\n[default]\nurl = ${api.v1BaseUrl}\n[aws]\nx = 1\n`
  );
});
