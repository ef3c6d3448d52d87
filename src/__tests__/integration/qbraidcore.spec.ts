/**
 * Interop with the real Python SDK (qbraid-core from PyPI): a qbraidrc we
 * write is read by qbraid_core, and one qbraid_core saves is imported by us.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { QbraidrcStore } from '../../qbraidrcstore';
import { CredentialsSync } from '../../sync';
import { FakeSettings } from '../fakecontents';
import { JupyterServer } from './jupyterserver';

beforeAll(() =>
  jest.spyOn(console, 'debug').mockImplementation(() => undefined)
);

function python(home: string, code: string): string {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
  for (const name of [
    'QBRAID_API_URL',
    'QBRAID_API_KEY',
    'QBRAID_CONFIG_FILE'
  ]) {
    delete env[name];
  }
  return execFileSync(process.env.PYTHON ?? 'python3', ['-c', code], {
    env,
    encoding: 'utf8'
  });
}

describe('qbraidrc interop with qbraid-core', () => {
  let server: JupyterServer;
  let sync: CredentialsSync | null = null;
  beforeAll(async () => {
    server = await JupyterServer.start();
  });
  afterAll(async () => {
    await server.stop();
  });
  afterEach(() => {
    sync?.dispose();
    fs.rmSync(path.dirname(server.qbraidrc), { recursive: true, force: true });
  });

  async function startSync(settings: FakeSettings) {
    sync = new CredentialsSync({
      settings,
      store: new QbraidrcStore({
        contents: server.contents(),
        allowHidden: true
      }),
      debounceMs: 10,
      pollMs: 0
    });
    await sync.start();
    return sync;
  }

  it('qbraid_core reads the api key, email and url we wrote, and keeps its own keys', async () => {
    server.writeQbraidrc(
      '[default]\norganization = acme\nworkspace = qbraid\n'
    );
    await startSync(
      new FakeSettings({
        apiKey: 'lab-key-%-1',
        email: 'me@example.com',
        baseUrl: 'https://staging.example.com/api'
      })
    );
    const out = python(
      server.home,
      [
        'import json',
        'from qbraid_core.config import load_config',
        'from qbraid_core.sessions import QbraidSession',
        's = QbraidSession()',
        'c = load_config()',
        'print(json.dumps({"api_key": s.api_key, "email": s.get_config("email"), "url": s.base_url,',
        '  "organization": c.get("default", "organization"), "workspace": c.get("default", "workspace")}))'
      ].join('\n')
    );
    const read = JSON.parse(out);
    // qbraid_core presents its base URL with a trailing slash.
    read.url = read.url.replace(/\/$/, '');
    expect(read).toEqual({
      api_key: 'lab-key-%-1',
      email: 'me@example.com',
      url: 'https://staging.example.com/api',
      organization: 'acme',
      workspace: 'qbraid'
    });
  });

  it('imports what qbraid_core save_config wrote', async () => {
    python(
      server.home,
      [
        'from qbraid_core.sessions import QbraidSession',
        "QbraidSession(api_key='core-key-123', base_url='https://core.example.com/api').save_config(verify=False)"
      ].join('\n')
    );
    expect(server.readQbraidrc()).toContain('api-key = core-key-123');
    const settings = new FakeSettings();
    await startSync(settings);
    expect(settings.values).toMatchObject({
      apiKey: 'core-key-123',
      baseUrl: 'https://core.example.com/api'
    });
  });
});
