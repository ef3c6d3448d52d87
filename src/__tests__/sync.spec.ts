import { Poll } from '@lumino/polling';
import { QbraidrcStore } from '../qbraidrc/store';
import {
  CredentialsSync,
  ICredentialsSyncOptions,
  ISyncConflict
} from '../qbraidrc/sync';
import { answered } from './syncstatus';
import { FakeContents, FakeServerBackend, FakeSettings } from './fakecontents';

const PATH = '.qbraid/qbraidrc';
const FILE_FROM_TERMINAL =
  '# written by qbraid configure\n[default]\napi-key = file-key\nemail = file@example.com\norganization = acme\n\n[aws]\nregion = eu\n';

describe('CredentialsSync', () => {
  let contents: FakeContents;
  let settings: FakeSettings;
  let sync: CredentialsSync;

  function makeSync(options: Partial<ICredentialsSyncOptions> = {}) {
    sync = new CredentialsSync({
      settings,
      store: new QbraidrcStore({ contents: contents.manager }),
      debounceMs: 10,
      pollMs: 0,
      now: () => new Date('2026-01-02T03:04:05Z'),
      ...options
    });
    return sync;
  }

  beforeEach(() => {
    contents = new FakeContents();
    contents.folders.add('.qbraid');
    settings = new FakeSettings();
  });
  afterEach(() => sync?.dispose());

  describe('at start', () => {
    it('imports the credentials of qbraidrc into empty settings', async () => {
      contents.edit(PATH, FILE_FROM_TERMINAL);
      await makeSync().start();
      expect(settings.values).toMatchObject({
        apiKey: 'file-key',
        email: 'file@example.com'
      });
      expect(contents.puts).toBe(0);
      expect(sync.status).toMatchObject({
        state: 'ok',
        message: 'Imported the credentials of .qbraid/qbraidrc.',
        time: new Date('2026-01-02T03:04:05Z')
      });
    });

    it('writes settings credentials to a missing file', async () => {
      contents.folders.delete('.qbraid');
      settings.values.apiKey = 'settings-key';
      await makeSync().start();
      expect(contents.read(PATH)).toBe('[default]\napi-key = settings-key\n');
      expect(contents.folders.has('.qbraid')).toBe(true);
    });

    it('writes only the settings that differ, keeping every other line of the file', async () => {
      contents.edit(PATH, FILE_FROM_TERMINAL);
      settings.values.apiKey = 'settings-key';
      await makeSync().start();
      expect(contents.read(PATH)).toBe(
        FILE_FROM_TERMINAL.replace('file-key', 'settings-key')
      );
      expect(contents.puts).toBe(1);
    });

    it('writes nothing when the file already agrees', async () => {
      contents.edit(PATH, FILE_FROM_TERMINAL);
      settings.values.apiKey = 'file-key';
      await makeSync().start();
      expect(contents.puts).toBe(0);
    });

    it('reports a malformed file and never writes it', async () => {
      contents.edit(PATH, 'api-key = x\n');
      settings.values.apiKey = 'settings-key';
      await makeSync().start();
      expect(sync.status.state).toBe('error');
      expect(sync.status.message).toMatch(/qbraidrc line 1/);
      await settings.set({ apiKey: 'other-key' });
      await sync.flush();
      expect(contents.read(PATH)).toBe('api-key = x\n');
      expect(contents.puts).toBe(0);
    });
  });

  describe('on settings changes', () => {
    beforeEach(async () => {
      contents.edit(PATH, FILE_FROM_TERMINAL);
      await makeSync().start();
    });

    it('writes 50 changes made within one second with one PUT holding the last values', async () => {
      jest.useFakeTimers({
        doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask']
      });
      try {
        sync.dispose();
        await makeSync({ debounceMs: 400 }).start();
        for (let i = 0; i < 50; i++) {
          await settings.set({ apiKey: `key-${i}` });
          jest.advanceTimersByTime(19);
        }
        expect(contents.puts).toBe(0);
        jest.advanceTimersByTime(400);
        await sync.flush();
      } finally {
        jest.useRealTimers();
      }
      expect(contents.puts).toBe(1);
      expect(contents.read(PATH)).toContain('api-key = key-49\n');
    });

    it('makes no PUT when the settings are saved without a change', async () => {
      await settings.set({});
      await settings.set({ apiKey: 'file-key' });
      await sync.flush();
      expect(contents.puts).toBe(0);
    });

    it('removes a cleared credential from the file', async () => {
      await settings.set({ email: '' });
      await sync.flush();
      expect(contents.read(PATH)).not.toContain('email');
      expect(contents.read(PATH)).toContain('organization = acme');
    });

    it('writes the base URL of either API, as set', async () => {
      await settings.set({ baseUrl: 'https://api.qbraid.com/api' });
      await sync.flush();
      expect(contents.read(PATH)).toContain(
        'url = https://api.qbraid.com/api\n'
      );
      await settings.set({ baseUrl: 'https://api-v2.qbraid.com/api/v1' });
      await sync.flush();
      expect(contents.read(PATH)).toContain(
        'url = https://api-v2.qbraid.com/api/v1\n'
      );
      await settings.set({ baseUrl: 'https://staging.example.com/api' });
      await sync.flush();
      expect(contents.read(PATH)).toContain(
        'url = https://staging.example.com/api\n'
      );
    });

    it('merges an edit made outside the lab to other keys, and imports it', async () => {
      contents.edit(
        PATH,
        FILE_FROM_TERMINAL.replace('file@example.com', 'terminal@example.com')
      );
      await settings.set({ apiKey: 'new-key' });
      await sync.flush();
      const text = contents.read(PATH)!;
      expect(text).toContain('api-key = new-key');
      expect(text).toContain('email = terminal@example.com');
      expect(settings.values.email).toBe('terminal@example.com');
    });

    it('leaves the old file intact when the server fails the write, and retries', async () => {
      contents.failNextSave = 500;
      await settings.set({ apiKey: 'new-key' });
      await sync.flush();
      expect(sync.status.state).toBe('error');
      expect(sync.status.message).toContain('(500)');
      expect(contents.read(PATH)).toBe(FILE_FROM_TERMINAL);
      await sync.checkFile();
      expect(contents.read(PATH)).toContain('api-key = new-key');
      expect(sync.status.state).toBe('ok');
    });
  });

  describe('conflicts', () => {
    const conflicts: ISyncConflict[] = [];
    beforeEach(() => {
      conflicts.length = 0;
      contents.edit(PATH, FILE_FROM_TERMINAL);
    });

    async function clash(choice: 'mine' | 'file') {
      await makeSync({
        resolveConflict: async conflict => {
          conflicts.push(conflict);
          return choice;
        }
      }).start();
      contents.edit(
        PATH,
        FILE_FROM_TERMINAL.replace('file-key', 'terminal-key')
      );
      await settings.set({ apiKey: 'lab-key' });
      await sync.flush();
      await answered(sync);
    }

    it('asks when the same key changed on both sides, naming the setting but not the values', async () => {
      await clash('file');
      expect(conflicts).toEqual([{ settings: ['apiKey'], path: PATH }]);
      expect(JSON.stringify(conflicts)).not.toContain('key-');
    });

    it('"keep mine" writes the settings value over the file', async () => {
      await clash('mine');
      expect(contents.read(PATH)).toContain('api-key = lab-key');
      expect(settings.values.apiKey).toBe('lab-key');
    });

    it('"use file" takes the file value into the settings and writes nothing', async () => {
      await clash('file');
      expect(contents.read(PATH)).toContain('api-key = terminal-key');
      expect(settings.values.apiKey).toBe('terminal-key');
      expect(contents.puts).toBe(0);
    });
  });

  it('never writes a base URL the session refuses, while the key beside it is written', async () => {
    contents.edit(PATH, '[default]\napi-key = k0\n');
    await makeSync().start();
    await settings.set({
      apiKey: 'k1',
      baseUrl: 'https://api.example.com:99999/api/v1'
    });
    await sync.flush();
    expect(contents.read(PATH)).toBe('[default]\napi-key = k1\n');
  });

  describe('one check and one write per change', () => {
    const EDITED = FILE_FROM_TERMINAL.replace(
      'file@example.com',
      'terminal@example.com'
    );

    function serverSync(backend: FakeServerBackend) {
      return makeSync({ store: new QbraidrcStore({ backend }) });
    }

    it('through the server endpoint: one conditional PUT and no read-back', async () => {
      const backend = new FakeServerBackend();
      backend.text = FILE_FROM_TERMINAL;
      await serverSync(backend).start();
      const reads = backend.reads;
      await settings.set({ apiKey: 'lab-key' });
      await sync.flush();
      expect(backend.puts).toBe(1);
      expect(backend.reads).toBe(reads);
      expect(backend.text).toBe(
        FILE_FROM_TERMINAL.replace('file-key', 'lab-key')
      );
    });

    it('a 412 merges the edit made meanwhile and writes once more', async () => {
      const backend = new FakeServerBackend();
      backend.text = FILE_FROM_TERMINAL;
      await serverSync(backend).start();
      backend.editsBeforeWrite = [EDITED];
      await settings.set({ apiKey: 'lab-key' });
      await sync.flush();
      expect([backend.refusedPuts, backend.puts]).toEqual([1, 1]);
      expect(backend.text).toBe(EDITED.replace('file-key', 'lab-key'));
      expect(settings.values.email).toBe('terminal@example.com');
      expect(sync.status.state).toBe('ok');
    });

    it('a second 412 in a row is reported, and the next check writes', async () => {
      const backend = new FakeServerBackend();
      backend.text = FILE_FROM_TERMINAL;
      await serverSync(backend).start();
      backend.editsBeforeWrite = [EDITED, EDITED.replace('acme', 'initech')];
      await settings.set({ apiKey: 'lab-key' });
      await sync.flush();
      expect([backend.refusedPuts, backend.puts]).toEqual([2, 0]);
      expect(sync.status.state).toBe('conflict');
      await sync.checkFile();
      expect(backend.puts).toBe(1);
      expect(backend.text).toContain('api-key = lab-key\n');
      expect(backend.text).toContain('organization = initech\n');
      expect(sync.status.state).toBe('ok');
    });

    it('through the contents API: reads back, and an edit landing right after the write is the newer one', async () => {
      contents.edit(PATH, FILE_FROM_TERMINAL);
      await makeSync().start();
      contents.afterSave = path => {
        contents.afterSave = null;
        contents.edit(
          path,
          FILE_FROM_TERMINAL.replace('file-key', 'terminal-key')
        );
      };
      await settings.set({ apiKey: 'lab-key' });
      await sync.flush();
      expect(contents.puts).toBe(1);
      expect(settings.values.apiKey).toBe('terminal-key');
      expect(contents.read(PATH)).toContain('api-key = terminal-key\n');
    });

    it('a URL set on both sides to one address, one with the trailing slash, is no question and no rewrite', async () => {
      const asked: ISyncConflict[] = [];
      contents.edit(PATH, '[default]\napi-key = k\n');
      settings.values.apiKey = 'k';
      await makeSync({
        resolveConflict: async conflict => {
          asked.push(conflict);
          return 'mine';
        }
      }).start();
      const slashed =
        '[default]\napi-key = k\nurl = https://api.equal1.com/api/v1/\n';
      contents.edit(PATH, slashed);
      await settings.set({ baseUrl: 'https://api.equal1.com/api/v1' });
      await sync.flush();
      expect(asked).toEqual([]);
      expect(contents.puts).toBe(0);
      expect(contents.read(PATH)).toBe(slashed);
    });
  });

  describe('a question in one tab', () => {
    it('never stalls another tab, and after "keep mine" the file and the settings agree', async () => {
      contents.edit(PATH, '[default]\napi-key = k0\n');
      let answer: (choice: 'mine' | 'file') => void = () => undefined;
      let questions = 0;
      const tabA = makeSync({
        resolveConflict: () => {
          questions++;
          return new Promise(resolve => (answer = resolve));
        }
      });
      const settingsB = new FakeSettings();
      const tabB = new CredentialsSync({
        settings: settingsB,
        store: new QbraidrcStore({ contents: contents.manager }),
        debounceMs: 10,
        pollMs: 0,
        resolveConflict: async () => 'mine'
      });
      try {
        await tabA.start();
        await tabB.start();
        contents.edit(PATH, '[default]\napi-key = from-terminal\n');
        await settings.set({ apiKey: 'key-of-tab-a' });
        await tabA.flush();
        expect(tabA.status.state).toBe('conflict');
        expect(tabA.status.message).toContain('waiting for your answer');
        // Tab A's question is open; tab B's change still reaches the file.
        await settingsB.set({ apiKey: 'key-of-tab-b' });
        await tabB.flush();
        await answered(tabB);
        expect(contents.read(PATH)).toBe('[default]\napi-key = key-of-tab-b\n');
        // Tab A looks at the file meanwhile: the asked key is not taken from it.
        await tabA.checkFile();
        expect(settings.values.apiKey).toBe('key-of-tab-a');
        // "Keep mine" was about from-terminal: tab B's newer key is asked about again.
        answer('mine');
        while (questions < 2) {
          await new Promise(resolve => setTimeout(resolve, 5));
        }
        expect(contents.read(PATH)).toBe('[default]\napi-key = key-of-tab-b\n');
        expect(tabA.status.state).toBe('conflict');
        answer('mine');
        await answered(tabA);
        expect(contents.read(PATH)).toBe('[default]\napi-key = key-of-tab-a\n');
        expect(settings.values.apiKey).toBe('key-of-tab-a');
        expect(tabA.status).toMatchObject({ state: 'ok' });
      } finally {
        tabB.dispose();
      }
    });

    it('"keep mine" never overwrites a key written after the question, and a key that now agrees is no new question', async () => {
      contents.edit(PATH, '[default]\napi-key = k0\n');
      let answer: (choice: 'mine' | 'file') => void = () => undefined;
      let questions = 0;
      await makeSync({
        resolveConflict: () => {
          questions++;
          return new Promise(resolve => (answer = resolve));
        }
      }).start();
      contents.edit(PATH, '[default]\napi-key = terminal-1\n');
      await settings.set({ apiKey: 'lab-key' });
      await sync.flush();
      expect(questions).toBe(1);
      // Meanwhile someone else writes the very key the lab wants.
      contents.edit(PATH, '[default]\napi-key = lab-key\n');
      const puts = contents.puts;
      answer('mine');
      await answered(sync);
      expect(questions).toBe(1);
      expect(contents.puts).toBe(puts);
      expect(sync.status.state).toBe('ok');
    });

    it('after "use file", the settings take the file as it is when answered', async () => {
      contents.edit(PATH, '[default]\napi-key = k0\n');
      let answer: (choice: 'mine' | 'file') => void = () => undefined;
      await makeSync({
        resolveConflict: () => new Promise(resolve => (answer = resolve))
      }).start();
      contents.edit(PATH, '[default]\napi-key = terminal-1\n');
      await settings.set({ apiKey: 'lab-key' });
      await sync.flush();
      contents.edit(PATH, '[default]\napi-key = terminal-2\n');
      answer('file');
      await answered(sync);
      expect(settings.values.apiKey).toBe('terminal-2');
      expect(contents.read(PATH)).toBe('[default]\napi-key = terminal-2\n');
    });
  });

  it('picks up qbraid configure run in a terminal', async () => {
    settings.values.apiKey = 'lab-key';
    await makeSync().start();
    contents.edit(PATH, '[default]\napi-key = terminal-key\n');
    await sync.checkFile();
    expect(settings.values.apiKey).toBe('terminal-key');
    expect(sync.status.message).toContain('made outside the lab');
  });

  it('signs out: clears credentials from settings and file, keeping the rest', async () => {
    contents.edit(PATH, FILE_FROM_TERMINAL);
    await makeSync().start();
    await sync.signOut();
    expect(settings.values).toMatchObject({ apiKey: '', email: '' });
    expect(contents.read(PATH)).toBe(
      '# written by qbraid configure\n[default]\norganization = acme\n\n[aws]\nregion = eu\n'
    );
  });

  describe("today's API (v1) keys", () => {
    const CORE_FILE =
      '[default]\napi-key = core-key\nurl = https://api-v2.qbraid.com/api/v1/\ncloud = qbraid\n';

    it('imports what qbraid configure writes: the key, the V1 URL (as the default) and keeps cloud', async () => {
      contents.edit(PATH, CORE_FILE);
      await makeSync().start();
      expect(settings.values).toMatchObject({
        apiKey: 'core-key',
        baseUrl: ''
      });
      expect(contents.puts).toBe(0);
    });

    it('imports a white-label V1 URL without its trailing slash', async () => {
      contents.edit(
        PATH,
        '[default]\napi-key = k\nurl = https://api.equal1.com/api/v1/\n'
      );
      await makeSync().start();
      expect(settings.values.baseUrl).toBe('https://api.equal1.com/api/v1');
    });

    it('never rewrites the file to add or drop the trailing slash of url', async () => {
      contents.edit(PATH, CORE_FILE);
      settings.values.apiKey = 'core-key';
      settings.values.baseUrl = 'https://api-v2.qbraid.com/api/v1';
      await makeSync().start();
      await settings.set({ email: 'me@example.com' });
      await sync.flush();
      expect(contents.puts).toBe(1);
      expect(contents.read(PATH)).toContain(
        'url = https://api-v2.qbraid.com/api/v1/\n'
      );
      expect(contents.read(PATH)).toContain('cloud = qbraid\n');
    });

    it('syncs access-token both ways', async () => {
      contents.edit(PATH, '[default]\naccess-token = file-token\n');
      await makeSync().start();
      expect(settings.values.accessToken).toBe('file-token');
      await settings.set({ accessToken: 'lab-token' });
      await sync.flush();
      expect(contents.read(PATH)).toBe('[default]\naccess-token = lab-token\n');
    });

    it('signs out of every credential, the access token included', async () => {
      contents.edit(
        PATH,
        CORE_FILE.replace('[default]\n', '[default]\naccess-token = t\n')
      );
      await makeSync().start();
      await sync.signOut();
      expect(contents.read(PATH)).toBe(
        '[default]\nurl = https://api-v2.qbraid.com/api/v1/\ncloud = qbraid\n'
      );
      expect(settings.values).toMatchObject({ apiKey: '', accessToken: '' });
    });
  });

  describe('polling', () => {
    async function until(condition: () => boolean) {
      for (let i = 0; i < 250 && !condition(); i++) {
        await new Promise(resolve => setTimeout(resolve, 20));
      }
    }

    // The sync's poll, found through Lumino's own API: every poll schedules its ticks.
    let schedule: jest.SpyInstance;
    beforeEach(() => (schedule = jest.spyOn(Poll.prototype, 'schedule')));
    afterEach(() => schedule.mockRestore());
    const thePoll = () => schedule.mock.contexts[0] as Poll | undefined;
    // Before its first tick a poll's interval is not set yet (Infinity).
    const interval = () => {
      const value = thePoll()?.state.interval ?? Infinity;
      return Number.isFinite(value) ? value : 0;
    };

    it('looks less and less often while an error persists, and as often as before once it is fixed', async () => {
      contents.edit(PATH, FILE_FROM_TERMINAL);
      await makeSync({ pollMs: 10 }).start();
      await until(() => interval() === 10);
      expect(interval()).toBe(10);
      contents.refuse = { status: 500, message: 'disk on fire' };
      await until(() => interval() > 40);
      expect(sync.status.state).toBe('error');
      expect(interval()).toBeGreaterThan(40);
      contents.refuse = null;
      contents.edit(PATH, FILE_FROM_TERMINAL + 'workspace = qbraid\n');
      // Fixed: the next look (here asked for, as when the lab regains focus) succeeds.
      await sync.checkFile();
      expect(sync.status.state).toBe('ok');
      await until(() => interval() === 10);
      expect(interval()).toBe(10);
    });

    it('a settings change during a long error resets the backoff, and reaches the file once it is fixed', async () => {
      contents.edit(PATH, FILE_FROM_TERMINAL);
      await makeSync({ pollMs: 10, maxPollMs: 60000 }).start();
      contents.refuse = { status: 500, message: 'disk on fire' };
      await until(() => interval() > 40);
      expect(sync.status.state).toBe('error');
      // A refresh is how a Lumino poll starts over from its base interval.
      const refresh = jest.spyOn(Poll.prototype, 'refresh');
      try {
        await settings.set({ apiKey: 'changed-meanwhile' });
        await until(() => refresh.mock.calls.length > 0);
        expect(refresh).toHaveBeenCalled();
      } finally {
        refresh.mockRestore();
      }
      contents.refuse = null;
      await until(() => contents.read(PATH)!.includes('changed-meanwhile'));
      expect(contents.read(PATH)).toContain('api-key = changed-meanwhile\n');
      expect(sync.status.state).toBe('ok');
    });

    it('does not poll when asked not to', async () => {
      await makeSync({ pollMs: 0 }).start();
      expect(thePoll()).toBeUndefined();
    });
  });
});
