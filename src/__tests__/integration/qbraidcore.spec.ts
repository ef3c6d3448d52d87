/**
 * Interop with the real Python SDK (qbraid-core from PyPI): a qbraidrc we
 * write is read by qbraid_core, and one qbraid_core saves is imported by us.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { endpointForApiKey } from '../../rules/dialects';
import { QbraidrcStore } from '../../qbraidrc/store';
import { QbraidSession } from '../../session/session';
import { CredentialsSync } from '../../qbraidrc/sync';
import { FakeSettings } from '../fakecontents';
import { JupyterServer } from './jupyterserver';
import { LocalApi } from './localapi';

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

  it('qbraid_core reads the access token and the V1 URL we wrote', async () => {
    await startSync(
      new FakeSettings({
        accessToken: 'lab-token-1',
        apiKey: 'lab-key-2',
        baseUrl: 'https://api-v2.qbraid.com/api/v1'
      })
    );
    const out = python(
      server.home,
      [
        'import json',
        'from qbraid_core.sessions import QbraidSession',
        's = QbraidSession()',
        'print(json.dumps({"access_token": s.access_token, "api_key": s.api_key, "url": s.base_url,',
        '  "auth": sorted(s.auth_headers)}))'
      ].join('\n')
    );
    expect(JSON.parse(out)).toEqual({
      access_token: 'lab-token-1',
      api_key: 'lab-key-2',
      url: 'https://api-v2.qbraid.com/api/v1/',
      auth: ['X-Access-Token']
    });
  });

  it("imports what qbraid configure (save_config) writes for today's API, without a rewrite", async () => {
    python(
      server.home,
      [
        'from qbraid_core.sessions import QbraidSession',
        "QbraidSession(api_key='qbr_core-key-9').save_config(verify=False)"
      ].join('\n')
    );
    const written = server.readQbraidrc()!;
    expect(written).toContain('url = https://api-v2.qbraid.com/api/v1/');
    const settings = new FakeSettings();
    await startSync(settings);
    expect(settings.values).toMatchObject({
      apiKey: 'qbr_core-key-9',
      baseUrl: ''
    });
    await settings.set({ email: 'me@example.com' });
    await sync!.flush();
    expect(server.readQbraidrc()).toBe(
      written.replace(
        'url = https://api-v2.qbraid.com/api/v1/\n',
        'url = https://api-v2.qbraid.com/api/v1/\nemail = me@example.com\n'
      )
    );
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

describe("today's API (v1): our session and qbraid-core agree", () => {
  let api: LocalApi;
  let home: string;
  beforeAll(async () => {
    api = await LocalApi.start();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'qbraid-core-home-'));
  });
  afterAll(async () => {
    await api.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });

  /** What qbraid_core's get_user_auth_metadata says of `key` against the local API. */
  function coreVerify(credential: { api_key?: string; access_token?: string }) {
    const out = python(
      home,
      [
        'import json',
        'from qbraid_core.sessions import QbraidSessionV1',
        `s = QbraidSessionV1(base_url=${JSON.stringify(api.v1BaseUrl)}, **${JSON.stringify(credential)})`,
        'try:',
        '    print(json.dumps({"ok": s.get_user_auth_metadata()["email"]}))',
        'except Exception as e:',
        '    print(json.dumps({"error": type(e).__name__}))'
      ].join('\n')
    );
    return JSON.parse(out);
  }

  function ours(credential: { apiKey?: string; accessToken?: string }) {
    return new QbraidSession({ baseUrl: api.v1BaseUrl, env: {}, ...credential })
      .verify()
      .then(
        identity => ({ ok: identity.email }),
        error => ({ error: error.name })
      );
  }

  it('qbraid_core accepts the key our session verified', async () => {
    await expect(ours({ apiKey: 'demo-api-key' })).resolves.toEqual({
      ok: 'demo@example.com'
    });
    expect(coreVerify({ api_key: 'demo-api-key' })).toEqual({
      ok: 'demo@example.com'
    });
  });

  it('qbraid_core refuses the key our session refused', async () => {
    await expect(ours({ apiKey: 'qbr_not-a-key' })).resolves.toEqual({
      error: 'AuthError'
    });
    expect(coreVerify({ api_key: 'qbr_not-a-key' })).toEqual({
      error: 'UserNotFoundError'
    });
  });

  it('both accept the same access token', async () => {
    await expect(ours({ accessToken: 'demo-access-token' })).resolves.toEqual({
      ok: 'demo@example.com'
    });
    expect(coreVerify({ access_token: 'demo-access-token' })).toEqual({
      ok: 'demo@example.com'
    });
  });

  it('decodes white-label keys exactly as qbraid_core.config does', () => {
    const hex = 'ab'.repeat(32);
    const keys = [
      `eq1_mfygsltfof2wc3brfzrw63i.${hex}`,
      `eq1_mfygsltfof2wc3brfzrw63j.${hex}`,
      `qbr_${hex}`,
      `x_gezdolrqfyyc4mi.${hex}`,
      `x_mv3gs3boorsxg5b2haydqma.${hex}`,
      `x_nbzxi.${hex}`,
      `x_mfygsltfof2wc3brfzrw63i.${hex.slice(2)}`,
      `Eq1_mfygsltfof2wc3brfzrw63i.${hex}`,
      `eq1_onsxe5tfoixgk6dbnvygyzjomnxw2.${hex}`
    ];
    const out = python(
      home,
      [
        'import json, sys',
        'from qbraid_core.config import endpoint_for_api_key',
        `print(json.dumps([endpoint_for_api_key(k) for k in ${JSON.stringify(keys)}]))`
      ].join('\n')
    );
    expect(keys.map(endpointForApiKey)).toEqual(JSON.parse(out));
    expect(JSON.parse(out).filter(Boolean).length).toBeGreaterThanOrEqual(2);
  });
});
