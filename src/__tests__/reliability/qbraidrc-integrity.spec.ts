/**
 * qbraidrc integrity on a real jupyter_server: a failed write leaves the old
 * file and is retried; two lab tabs writing at once lose no update; a server
 * killed in the middle of writes leaves a file configparser reads.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { QbraidrcStore } from '../../qbraidrc/store';
import { CredentialsSync } from '../../qbraidrc/sync';
import { FakeSettings } from '../fakecontents';
import { JupyterServer } from '../integration/jupyterserver';

beforeAll(() =>
  jest.spyOn(console, 'debug').mockImplementation(() => undefined)
);

const ORIGINAL =
  '# keep me\n[default]\napi-key = original-key\norganization = acme\n';

let server: JupyterServer;
const syncs: CredentialsSync[] = [];

beforeEach(async () => {
  server = await JupyterServer.start();
  server.writeQbraidrc(ORIGINAL);
});
afterEach(async () => {
  syncs.splice(0).forEach(s => s.dispose());
  await server.stop();
});

async function tab(settings: FakeSettings, fetchImpl?: typeof fetch) {
  const sync = new CredentialsSync({
    settings,
    store: new QbraidrcStore({
      contents: server.contents(fetchImpl),
      allowHidden: true
    }),
    debounceMs: 5,
    pollMs: 0,
    resolveConflict: async () => 'mine'
  });
  syncs.push(sync);
  await sync.start();
  return sync;
}

it('a write the server fails (500) leaves the old file intact and is retried', async () => {
  let failNext = false;
  const failing: typeof fetch = async (input, init) => {
    const request = new Request(input as RequestInfo, init);
    if (
      failNext &&
      request.method === 'PUT' &&
      request.url.includes('qbraidrc')
    ) {
      failNext = false;
      return new Response(
        JSON.stringify({ message: 'Unexpected error while saving file' }),
        {
          status: 500
        }
      );
    }
    return fetch(request);
  };
  const settings = new FakeSettings();
  const sync = await tab(settings, failing);
  failNext = true;
  await settings.set({ apiKey: 'new-key' });
  await sync.flush();
  expect(sync.status.state).toBe('error');
  expect(server.readQbraidrc()).toBe(ORIGINAL);
  await sync.checkFile();
  expect(sync.status.state).toBe('ok');
  expect(server.readQbraidrc()).toBe(
    ORIGINAL.replace('original-key', 'new-key')
  );
});

it('two lab tabs changing settings at once converge with no lost update', async () => {
  const a = new FakeSettings();
  const b = new FakeSettings();
  const syncA = await tab(a);
  const syncB = await tab(b);
  for (let round = 0; round < 5; round++) {
    await Promise.all([
      a.set({ apiKey: `key-from-a-${round}` }),
      b.set({ email: `b${round}@example.com` })
    ]);
    await Promise.all([syncA.flush(), syncB.flush()]);
    await Promise.all([syncA.flush(), syncB.flush()]);
    const text = server.readQbraidrc()!;
    expect(text).toContain(`api-key = key-from-a-${round}\n`);
    expect(text).toContain(`email = b${round}@example.com\n`);
    expect(text).toContain('# keep me\n');
    expect(text).toContain('organization = acme\n');
  }
});

it('a server killed in the middle of writes leaves a file configparser reads', async () => {
  const settings = new FakeSettings();
  const sync = await tab(settings);
  const written = ['original-key'];
  const writes = (async () => {
    for (let i = 0; i < 200; i++) {
      const key = `key-${i}-${'x'.repeat(200)}`;
      written.push(key);
      await settings.set({ apiKey: key });
      await sync.flush();
    }
  })();
  await new Promise(resolve => setTimeout(resolve, 700));
  await server.kill();
  await writes;
  const file = path.join(server.home, '.qbraid', 'qbraidrc');
  // configparser must read whatever is there without an error.
  const out = execFileSync(
    process.env.PYTHON ?? 'python3',
    [
      '-c',
      'import configparser, json, sys; c = configparser.ConfigParser(); c.read(sys.argv[1]); ' +
        'print(json.dumps({s: dict(c[s]) for s in c.sections()}))',
      file
    ],
    { encoding: 'utf8' }
  );
  const sections = JSON.parse(out);
  if (Object.keys(sections).length === 0) {
    // jupyter_server's "atomic" writing backs the file up to .~qbraidrc, then
    // rewrites it in place: a kill between truncating and writing leaves an
    // empty file (readable), with the previous version in the backup.
    expect(fs.readFileSync(file, 'utf8')).toBe('');
    expect(fs.existsSync(path.join(server.home, '.qbraid', '.~qbraidrc'))).toBe(
      true
    );
    return;
  }
  expect(written).toContain(sections.default['api-key']);
  expect(sections.default.organization).toBe('acme');
  expect(
    fs.readFileSync(file, 'utf8').startsWith('# keep me\n[default]\n')
  ).toBe(true);
});
