import { answered } from '../syncstatus';
/**
 * qbraidrc sync through the contents API of a real jupyter_server, whose root
 * is a temporary home directory; once at `/` and once under `/user/test/` as
 * JupyterHub serves a user's server.
 */
import * as fs from 'fs';
import * as path from 'path';
import { QbraidrcStore } from '../../qbraidrc/store';
import { CredentialsSync, ISyncConflict } from '../../qbraidrc/sync';
import { FakeSettings } from '../fakecontents';
import { JupyterServer } from './jupyterserver';

// ServerConnection.ResponseError.create logs every non-JSON 404 body at debug level.
beforeAll(() =>
  jest.spyOn(console, 'debug').mockImplementation(() => undefined)
);

const TERMINAL_FILE =
  '# from qbraid configure\n[default]\napi-key = terminal-key\norganization = acme\nworkspace = qbraid\n\n[aws]\nregion = eu-west-1\n';

describe.each(['/', '/user/test/'])(
  'qbraidrc on a Jupyter server at %s',
  baseUrl => {
    let server: JupyterServer;
    let sync: CredentialsSync | null = null;
    beforeAll(async () => {
      server = await JupyterServer.start({ baseUrl });
    });
    afterAll(async () => {
      await server.stop();
    });
    afterEach(() => {
      sync?.dispose();
      sync = null;
      fs.rmSync(path.dirname(server.qbraidrc), {
        recursive: true,
        force: true
      });
    });

    function start(
      settings: FakeSettings,
      conflicts: ISyncConflict[] = [],
      choice: 'mine' | 'file' = 'file'
    ) {
      sync = new CredentialsSync({
        settings,
        store: new QbraidrcStore({
          contents: server.contents(),
          allowHidden: true
        }),
        debounceMs: 20,
        pollMs: 0,
        resolveConflict: async conflict => {
          conflicts.push(conflict);
          return choice;
        }
      });
      return sync.start().then(() => sync!);
    }

    it('creates ~/.qbraid/qbraidrc from the settings', async () => {
      const settings = new FakeSettings({
        apiKey: 'lab-key',
        email: 'me@example.com'
      });
      await start(settings);
      expect(server.readQbraidrc()).toBe(
        '[default]\nemail = me@example.com\napi-key = lab-key\n'
      );
      expect(sync!.status).toMatchObject({ state: 'ok', writes: 1 });
    });

    it('updates only the changed key, keeping the rest of the file', async () => {
      server.writeQbraidrc(TERMINAL_FILE);
      const settings = new FakeSettings();
      await start(settings);
      expect(settings.values.apiKey).toBe('terminal-key');
      await settings.set({ apiKey: 'lab-key' });
      await sync!.flush();
      expect(server.readQbraidrc()).toBe(
        TERMINAL_FILE.replace('terminal-key', 'lab-key')
      );
    });

    it('detects an edit made in a terminal and never overwrites it silently', async () => {
      server.writeQbraidrc(TERMINAL_FILE);
      const settings = new FakeSettings();
      const conflicts: ISyncConflict[] = [];
      await start(settings, conflicts, 'file');
      server.writeQbraidrc(
        TERMINAL_FILE.replace('terminal-key', 'newer-terminal-key')
      );
      await settings.set({ apiKey: 'lab-key' });
      await sync!.flush();
      await answered(sync!);
      expect(conflicts).toEqual([
        { settings: ['apiKey'], path: '.qbraid/qbraidrc' }
      ]);
      expect(server.readQbraidrc()).toContain('api-key = newer-terminal-key');
      expect(settings.values.apiKey).toBe('newer-terminal-key');
    });

    it('picks up a file written in a terminal after the lab started', async () => {
      const settings = new FakeSettings({ apiKey: 'lab-key' });
      await start(settings);
      server.writeQbraidrc('[default]\napi-key = terminal-key\n');
      await sync!.checkFile();
      expect(settings.values.apiKey).toBe('terminal-key');
    });

    it('leaves a malformed file untouched and says which line is wrong', async () => {
      const malformed = '[default]\napi-key = a\n[default]\nemail = b\n';
      server.writeQbraidrc(malformed);
      const settings = new FakeSettings({ apiKey: 'lab-key' });
      await start(settings);
      expect(sync!.status.state).toBe('error');
      expect(sync!.status.message).toContain('qbraidrc line 3');
      await settings.set({ apiKey: 'other-key' });
      await sync!.flush();
      expect(server.readQbraidrc()).toBe(malformed);
    });
  }
);

describe('a Jupyter server that hides dot-folders', () => {
  let server: JupyterServer;
  beforeAll(async () => {
    server = await JupyterServer.start({ allowHidden: false });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('refuses qbraidrc with the setting to change', async () => {
    // allowHidden unknown to the page: the server's own refusal is explained.
    const store = new QbraidrcStore({
      contents: server.contents(),
      allowHidden: null
    });
    await expect(store.save({ 'api-key': 'k-1' })).rejects.toMatchObject({
      code: 'qbraidrc_hidden',
      message: expect.stringContaining('--ContentsManager.allow_hidden=True')
    });
    expect(server.readQbraidrc()).toBeNull();
  });
});
