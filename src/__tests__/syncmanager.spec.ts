import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import { Signal } from '@lumino/signaling';
import { QbraidSession } from '../session/session';
import { SettingsKeyStore } from '../stores/settingsstore';
import { QbraidrcSyncManager } from '../qbraidrc/syncmanager';
import { RegistrySettings } from '../stores/settings';
import { FakeContents } from './fakecontents';

const PATH = '.qbraid/qbraidrc';

/** The parts of ISettingRegistry.ISettings the manager uses. */
class FakeRegistrySettings {
  user: Record<string, unknown> = {};
  readonly changed = new Signal<this, void>(this);
  saves: string[] = [];
  constructor(private readonly _defaults: Record<string, unknown>) {}
  get composite() {
    return { ...this._defaults, ...this.user };
  }
  async save(raw: string) {
    this.saves.push(raw);
    this.user = JSON.parse(raw);
    this.changed.emit();
  }
  get asSettings() {
    return this as unknown as ISettingRegistry.ISettings;
  }
}

const DEFAULTS = {
  email: '',
  apiKey: '',
  refreshToken: '',
  idToken: '',
  baseUrl: '',
  syncQbraidrc: true,
  qbraidrcPath: ''
};

describe('RegistrySettings', () => {
  it('reads the mirrored values and saves an import in one write', async () => {
    const settings = new FakeRegistrySettings(DEFAULTS);
    settings.user = { apiKey: 'k-1', timeout: 5 };
    const adapter = new RegistrySettings(settings.asSettings);
    expect(adapter.values).toEqual({
      email: '',
      apiKey: 'k-1',
      accessToken: '',
      refreshToken: '',
      idToken: '',
      baseUrl: ''
    });
    await adapter.save({ apiKey: 'k-2', email: 'me@example.com' });
    expect(settings.saves).toHaveLength(1);
    expect(settings.user).toEqual({
      apiKey: 'k-2',
      email: 'me@example.com',
      timeout: 5
    });
  });
});

describe('QbraidrcSyncManager', () => {
  let contents: FakeContents;
  let settings: FakeRegistrySettings;
  let session: QbraidSession;
  let manager: QbraidrcSyncManager;

  function makeManager(serverRoot = '/home/me', existingFileOnly = false) {
    manager = new QbraidrcSyncManager({
      session,
      contents: contents.manager,
      serverRoot,
      existingFileOnly,
      allowHidden: true,
      debounceMs: 5,
      pollMs: 0
    });
    return manager;
  }

  beforeEach(() => {
    contents = new FakeContents();
    contents.folders.add('.qbraid');
    contents.folders.add('.local');
    settings = new FakeRegistrySettings(DEFAULTS);
    session = new QbraidSession({ env: {} });
  });
  afterEach(() => manager?.syncNow());

  it('makes qbraidrc the session fallback and imports its credentials', async () => {
    contents.edit(
      PATH,
      '[default]\napi-key = file-key\nurl = https://staging.example.com/api\n'
    );
    await makeManager().start(settings.asSettings);
    expect(session.apiKey).toBe('file-key');
    expect(session.baseUrl).toBe('https://staging.example.com/api');
    expect(settings.user).toMatchObject({ apiKey: 'file-key' });
    expect(manager.status).toMatchObject({ state: 'ok', path: PATH });
  });

  it('syncing only a file already there (JupyterLite): off without one, no error, on once it is added', async () => {
    settings.user = { apiKey: 'lab-key' };
    const statuses: string[] = [];
    await makeManager('', true).start(settings.asSettings);
    manager.statusChanged.connect((_, status) => statuses.push(status.state));
    expect(manager.status).toMatchObject({ state: 'disabled', path: PATH });
    expect(manager.status.message).toContain('the sync starts when you add it');
    await manager.syncNow();
    expect([contents.puts, contents.read(PATH)]).toEqual([0, undefined]);
    // Added to the drive (uploaded, saved): the sync starts and follows it.
    await contents.save(PATH, {
      type: 'file',
      format: 'text',
      content: '[default]\nurl = https://staging.example.com/api\n'
    });
    await manager.configured();
    await manager.syncNow();
    expect(manager.status.state).toBe('ok');
    expect(contents.read(PATH)).toBe(
      '[default]\nurl = https://staging.example.com/api\napi-key = lab-key\n'
    );
    expect(statuses).not.toContain('error');
  });

  it('turns off when syncQbraidrc is false, and back on', async () => {
    contents.edit(PATH, '[default]\napi-key = file-key\n');
    settings.user = { syncQbraidrc: false, apiKey: 'lab-key' };
    await makeManager().start(settings.asSettings);
    expect(manager.status.state).toBe('disabled');
    expect(contents.puts).toBe(0);
    await settings.save(
      JSON.stringify({ syncQbraidrc: true, apiKey: 'lab-key' })
    );
    await manager.configured();
    await manager.syncNow();
    expect(contents.read(PATH)).toBe('[default]\napi-key = lab-key\n');
  });

  it('reports a server root inside the home directory', async () => {
    await makeManager('~/work').start(settings.asSettings);
    expect(manager.status.state).toBe('error');
    expect(manager.status.message).toContain('--ServerApp.root_dir=~');
    expect(session.apiKey).toBeNull();
  });

  it('reports a server root that does not look like a home directory, writing nothing', async () => {
    contents.folders.delete('.local');
    contents.folders.delete('.qbraid');
    settings.user = { apiKey: 'lab-key' };
    await makeManager('/srv/notebooks').start(settings.asSettings);
    expect(manager.status).toMatchObject({ state: 'error' });
    expect(manager.status.message).toContain(
      'does not look like your home directory'
    );
    expect(contents.puts).toBe(0);
  });

  it('a configuration that fails unexpectedly does not stop the ones after it', async () => {
    contents.edit(PATH, '[default]\napi-key = file-key\n');
    const broken = Object.create(settings.asSettings, {
      composite: {
        get: () => {
          throw new Error('registry gone');
        }
      }
    });
    manager = makeManager();
    await expect(manager.start(broken)).rejects.toThrow('registry gone');
    await manager.start(settings.asSettings);
    expect(manager.status).toMatchObject({ state: 'ok', path: PATH });
    expect(session.apiKey).toBe('file-key');
  });

  it('follows a qbraidrc path given in the settings', async () => {
    contents.folders.add('config');
    settings.user = { qbraidrcPath: 'config/qbraidrc', apiKey: 'lab-key' };
    await makeManager('/srv').start(settings.asSettings);
    expect(contents.read('config/qbraidrc')).toBe(
      '[default]\napi-key = lab-key\n'
    );
  });

  it('signs out through the sync', async () => {
    contents.edit(PATH, '[default]\napi-key = file-key\norganization = acme\n');
    await makeManager().start(settings.asSettings);
    await manager.signOut();
    expect(settings.user).toMatchObject({ apiKey: '' });
    expect(contents.read(PATH)).toBe('[default]\norganization = acme\n');
  });
});

describe('QbraidrcSyncManager while the Jupyter server holds the keys', () => {
  it('syncs nothing, takes the config store away, and signs out on the server', async () => {
    const contents = new FakeContents();
    contents.folders.add('.qbraid');
    contents.edit(PATH, '[default]\napi-key = file-key\n');
    const settings = new FakeRegistrySettings(DEFAULTS);
    settings.user = { keyStorage: 'server', email: 'me@example.com' };
    const session = new QbraidSession({ env: {} });
    const stores: unknown[] = [];
    const setConfigStore = session.setConfigStore.bind(session);
    session.setConfigStore = store => {
      stores.push(store);
      setConfigStore(store);
    };
    let serverSignOuts = 0;
    const manager = new QbraidrcSyncManager({
      session,
      keyStore: new (class extends SettingsKeyStore {
        get mirrorsQbraidrc() {
          return false;
        }
        async signOut() {
          serverSignOuts++;
          await super.signOut();
        }
      })({ settings: settings.asSettings }),
      contents: contents.manager,
      serverRoot: '/home/me',
      allowHidden: true,
      debounceMs: 5,
      pollMs: 0
    });
    await manager.start(settings.asSettings);
    expect(manager.status.state).toBe('disabled');
    expect(manager.status.message).toContain('Jupyter server holds');
    expect(stores).toEqual([null]);
    expect(session.apiKey).toBeNull();
    // The file's key was not read into the settings, nor anything written.
    expect(settings.user).not.toHaveProperty('apiKey');
    expect(contents.puts).toBe(0);
    await manager.signOut();
    expect(serverSignOuts).toBe(1);
    expect(settings.user).toMatchObject({ email: '', apiKey: '' });
    expect(contents.read(PATH)).toBe('[default]\napi-key = file-key\n');
  });
});
