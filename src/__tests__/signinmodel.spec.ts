import { QbraidTransport } from '../transport/transport';
import {
  ISignInModelOptions,
  ISignInValues,
  SignInModel
} from '../ui/signinmodel';
import {
  AuthError,
  ConfigError,
  QbraidApiError,
  QbraidNetworkError
} from '../rules/errors';
import { describeError } from '../ui/errormessages';
import { IQbraidSessionOptions, QbraidSession } from '../session/session';
import type { IQbraidTransport } from '../transport/transport';
import { nullTranslator } from '@jupyterlab/translation';
import { PageKeyStore } from '../stores/pagestore';
import { SettingsKeyStore } from '../stores/settingsstore';
import { FakeApi, rejection } from './fakeapi';

const BASE = 'https://api.example.test/api';
const trans = nullTranslator.load('test');

/**
 * A model on a session of the fake API whose store (the settings', or the
 * page's with `Store`) saves into `saved`; `options` (given the session) are
 * added to the model's.
 */
function fakeModel(
  api: FakeApi,
  options: (
    session: QbraidSession
  ) => Partial<ISignInModelOptions> = () => ({}),
  Store: typeof SettingsKeyStore = SettingsKeyStore
) {
  const session = new QbraidSession({
    baseUrl: BASE,
    env: {},
    transport: new QbraidTransport({ fetch: api.fetch }),
    sleep: api.sleep
  });
  const saved: Partial<ISignInValues>[] = [];
  const store = new Store({
    save: async values => {
      const entered = values as Partial<ISignInValues>;
      saved.push(entered);
      session.update({
        userEmail: entered.email ?? null,
        apiKey: entered.apiKey ?? null
      });
    },
    probe: values =>
      new QbraidSession({
        baseUrl: values.baseUrl || BASE,
        apiKey: values.apiKey,
        env: {},
        transport: new QbraidTransport({ fetch: api.fetch }),
        sleep: api.sleep
      })
  });
  void store.connect(session);
  const status = new SignInModel({
    session,
    store,
    signOut: async () => {
      await store.signOut();
      session.update({ apiKey: null, userEmail: null });
    },
    now: () => new Date('2026-01-01T00:00:00Z'),
    ...options(session)
  });
  return { session, saved, status, store };
}

describe('SignInModel', () => {
  let api: FakeApi;
  let session: QbraidSession;
  let saved: Partial<ISignInValues>[];
  let status: SignInModel;

  beforeEach(() => {
    api = new FakeApi();
    ({ session, saved, status } = fakeModel(api));
  });

  it('starts signed out without credentials', () => {
    expect(status.state).toBe('signed-out');
    expect(status.hasCredentials).toBe(false);
  });

  it('checks entered credentials before saving them, filling the email from the API', async () => {
    api.answers = [FakeApi.json({ email: 'owner@example.com' })];
    await status.signIn({ email: '', apiKey: ' k-1 ', baseUrl: '' });
    expect(api.requests[0].headers['api-key']).toBe('k-1');
    expect(saved).toEqual([{ email: 'owner@example.com', apiKey: 'k-1' }]);
    expect(status).toMatchObject({
      state: 'signed-in',
      email: 'owner@example.com'
    });
    expect(status.lastCheck).toEqual(new Date('2026-01-01T00:00:00Z'));
  });

  it('saves nothing when the API refuses the key, and keeps the state', async () => {
    api.answers = [FakeApi.status(401)];
    const error = await rejection(
      status.signIn({ email: '', apiKey: 'bad', baseUrl: '' })
    );
    expect(error).toBeInstanceOf(AuthError);
    expect(saved).toEqual([]);
    expect(status.state).toBe('signed-out');
    expect(status.error).toBe(error);
  });

  it('marks credentials changed elsewhere as not checked, and a failed check as an error', async () => {
    session.update({ apiKey: 'from-settings' });
    expect(status.state).toBe('unverified');
    api.answers = [FakeApi.status(403)];
    await rejection(status.check());
    expect(status.state).toBe('error');
    api.answers = [FakeApi.json({ email: 'a@b.c' })];
    await status.check();
    expect(status.state).toBe('signed-in');
  });

  it('checks again when a credential sent beside the key changes elsewhere, not only the key', async () => {
    api.answers = [FakeApi.json({ email: 'owner@example.com' })];
    await status.signIn({ email: '', apiKey: 'k-1', baseUrl: '' });
    expect(status.state).toBe('signed-in');
    // The email the check filled in is no new credential.
    session.update({ userEmail: 'owner@example.com' });
    expect(status.state).toBe('signed-in');
    // A refresh token from qbraidrc is sent beside the key: not checked yet.
    session.update({ refreshToken: 'r-1' });
    expect(status.state).toBe('unverified');
  });

  it('signs out', async () => {
    session.update({ apiKey: 'k-1' });
    await status.signOut();
    expect(status.state).toBe('signed-out');
  });

  it('offers nothing page-only, and says nothing of where the key is, where the settings keep it', async () => {
    expect([status.canKeepForPage, status.keyLocation]).toEqual([false, null]);
    api.answers = [FakeApi.json({ email: 'me@example.com' })];
    await status.signIn({
      email: '',
      apiKey: 'k-1',
      baseUrl: '',
      pageOnly: true
    });
    expect(saved).toEqual([{ email: 'me@example.com', apiKey: 'k-1' }]);
  });
});

describe('SignInModel keeping the key for this page only (JupyterLite)', () => {
  let api: FakeApi;
  let session: QbraidSession;
  let saved: Partial<ISignInValues>[];
  let store: PageKeyStore;
  let validated: Partial<ISignInValues>[];
  let status: SignInModel;

  beforeEach(() => {
    api = new FakeApi();
    validated = [];
    let made: { store: SettingsKeyStore };
    ({ session, saved, status, ...made } = fakeModel(
      api,
      () => ({
        validate: async values => {
          validated.push(values);
          return null;
        }
      }),
      PageKeyStore
    ));
    store = made.store as PageKeyStore;
  });

  it("says the browser's storage keeps a saved key, and offers to keep it in this page instead", () => {
    expect(status.canKeepForPage).toBe(true);
    expect(status.keyLocation).toContain("this browser's storage (IndexedDB)");
    expect(status.keyLocation).toContain('for this page only');
  });

  it('holds a checked key in the page, saving nothing, and forgets it at sign-out', async () => {
    api.answers = [FakeApi.json({ email: 'me@example.com' })];
    await status.signIn({
      email: '',
      apiKey: 'k-1',
      baseUrl: '',
      pageOnly: true
    });
    expect(saved).toEqual([]);
    expect(store.held).toEqual({ userEmail: 'me@example.com', apiKey: 'k-1' });
    // The settings' check saw only settings.
    expect(validated).toEqual([
      { email: '', apiKey: 'k-1', baseUrl: '', apiVersion: '' }
    ]);
    expect(status.state).toBe('signed-in');
    expect(session.apiKey).toBe('k-1');
    expect(status.keyLocation).toContain('kept in this page only');
    await status.signOut();
    expect([status.state, session.apiKey]).toEqual(['signed-out', null]);
  });

  it('a refused key is held nowhere', async () => {
    api.answers = [FakeApi.json({ error: 'bad key' }, 401)];
    await rejection(
      status.signIn({ email: '', apiKey: 'bad', baseUrl: '', pageOnly: true })
    );
    expect([store.held, saved]).toEqual([null, []]);
  });

  it('a key saved in the settings replaces the one the page held, and is said to be in the storage', async () => {
    api.answers = [
      FakeApi.json({ email: 'me@example.com' }),
      FakeApi.json({ email: 'me@example.com' })
    ];
    await status.signIn({
      email: '',
      apiKey: 'k-1',
      baseUrl: '',
      pageOnly: true
    });
    await status.signIn({ email: '', apiKey: 'k-2', baseUrl: '' });
    expect(saved).toEqual([{ email: 'me@example.com', apiKey: 'k-2' }]);
    expect(session.apiKey).toBe('k-2');
    expect(status.keyLocation).toContain('saved in this browser');
  });
});

describe('describeError', () => {
  const context = { baseUrl: BASE, pageOrigin: 'http://localhost:8888' };

  it('tells what to do for refused credentials', () => {
    expect(
      describeError(new AuthError('x', { status: 401 }), context, trans)
    ).toBe(
      'qBraid refused these credentials (401). Check the API key: copy it again from your qBraid account.'
    );
  });

  it('names the API and the page origin when the API does not answer', () => {
    const message = describeError(
      new QbraidNetworkError('x', 'read', { attempts: 2 }),
      context,
      trans
    );
    expect(message).toContain('https://api.example.test');
    expect(message).toContain('CORS preflight');
    expect(message).toContain('http://localhost:8888');
  });

  it('reports server errors after the retries', () => {
    const error = new QbraidApiError('x', { status: 503, attempts: 6 });
    expect(describeError(error, context, trans)).toContain(
      'server error (503) after 6 attempts'
    );
  });

  it('explains a credential mismatch and a timeout', () => {
    const mismatch = new AuthError('Credential mismatch: ...', {
      code: 'credential_mismatch'
    });
    expect(describeError(mismatch, context, trans)).toContain(
      'Enter the email of the account'
    );
    const timeout = new QbraidNetworkError('x', 'timeout', { attempts: 3 });
    expect(describeError(timeout, context, trans)).toContain(
      'raise the timeout'
    );
  });

  it('passes configuration errors through', () => {
    expect(describeError(new ConfigError('bad url'), context, trans)).toBe(
      'bad url'
    );
  });
});

/** A model whose session and default probe send with `transport`. */
function modelSendingWith(
  transport: IQbraidTransport,
  options: Partial<IQbraidSessionOptions> = {}
): SignInModel {
  return new SignInModel({
    session: new QbraidSession({ env: {}, transport, ...options }),
    signOut: async () => undefined
  });
}

describe('SignInModel default probe', () => {
  it('checks a sign-in the way the session sends (its transport), with the API a white-label key names', async () => {
    const sent: string[] = [];
    const transport = {
      send: async (request: { url: string }) => {
        sent.push(request.url);
        return FakeApi.json({
          success: true,
          data: { email: 'wl@example.com' }
        });
      }
    };
    const status = modelSendingWith(transport);
    const key = `eq1_mfygsltfof2wc3brfzrw63i.${'ab'.repeat(32)}`;
    await status.signIn({ email: '', apiKey: key, baseUrl: '' });
    expect(sent).toEqual(['https://api.equal1.com/api/v1/users/verify']);
  });
});

describe('SignInModel sign-in checks', () => {
  function status(validate?: () => Promise<string | null>) {
    const api = new FakeApi();
    const session = new QbraidSession({
      env: {},
      transport: new QbraidTransport({ fetch: api.fetch }),
      sleep: api.sleep
    });
    const s = new SignInModel({
      session,
      signOut: async () => undefined,
      validate
    });
    return { api, s };
  }

  it.each([
    [
      'a base URL with a backslash',
      { baseUrl: 'https://evil.test\\.api.qbraid.com/api' },
      'base URL'
    ],
    [
      'an impossible port',
      { baseUrl: 'https://api.example.com:99999/api' },
      'base URL'
    ],
    ['a non-ASCII email', { email: 'josé@example.com' }, 'Email'],
    ['a key with a no-break space', { apiKey: 'qbr\u00a0key' }, 'API key']
  ])(
    'refuses %s before anything is sent, naming the field',
    async (_, entered, field) => {
      const { api, s } = status();
      const error = await rejection(
        s.signIn({ email: '', apiKey: 'qbr_key', baseUrl: '', ...entered })
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toContain(field);
      expect(api.requests).toEqual([]);
      expect(s.error).toBe(error);
    }
  );

  it("runs the settings' own check too, before anything is sent", async () => {
    const { api, s } = status(async () => '"apiKey" must match pattern');
    const error = await rejection(
      s.signIn({ email: '', apiKey: 'qbr_key', baseUrl: '' })
    );
    expect(error.message).toBe('"apiKey" must match pattern');
    expect(api.requests).toEqual([]);
  });
});

describe('SignInModel when the API makes the person wait', () => {
  it('says at once that a legacy API asks for a long pause (429, Retry-After: 120), instead of "Checking…" for minutes', async () => {
    const sent: string[] = [];
    const transport = {
      send: async (request: { url: string }) => {
        sent.push(request.url);
        return FakeApi.json({ error: { message: 'slow down' } }, 429, {
          'Retry-After': '120'
        });
      }
    };
    const status = modelSendingWith(transport, {
      baseUrl: 'https://api.qbraid.com/api'
    });
    const error = await rejection(
      status.signIn({ email: '', apiKey: 'k', baseUrl: '' })
    );
    expect(error).toBeInstanceOf(QbraidApiError);
    expect((error as QbraidApiError).status).toBe(429);
    expect(sent).toHaveLength(1);
    expect(status.busy).toBe(false);
    expect(status.error).toBe(error);
  });

  it('cancels a sign-in that waits, leaving no error and the state it had', async () => {
    let release: () => void = () => undefined;
    const transport = {
      send: (request: { signal?: AbortSignal | null }) =>
        new Promise<Response>((_, reject) => {
          release = () => reject(new Error('never answered'));
          request.signal?.addEventListener('abort', () =>
            reject(request.signal!.reason)
          );
        })
    };
    const status = modelSendingWith(transport);
    const signingIn = rejection(
      status.signIn({ email: '', apiKey: 'k', baseUrl: '' })
    );
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(status.busy).toBe(true);
    status.cancel();
    await signingIn;
    release();
    expect(status).toMatchObject({
      busy: false,
      error: null,
      state: 'signed-out'
    });
  });

  it('forgets the last failure once the person edits the values it was about', async () => {
    const session = new QbraidSession({ env: {} });
    const status = new SignInModel({
      session,
      signOut: async () => undefined
    });
    await rejection(
      status.signIn({ email: '', apiKey: 'k'.repeat(8193), baseUrl: '' })
    );
    expect(String(status.error)).toContain('8193 characters');
    let changed = 0;
    status.changed.connect(() => changed++);
    status.dismissError();
    expect(status.error).toBeNull();
    expect(changed).toBe(1);
    // The next attempt names what is wrong now.
    const error = await rejection(
      status.signIn({ email: 'not-an-email', apiKey: 'k', baseUrl: '' })
    );
    expect(error.message).toContain('Email');
    expect(error.message).not.toContain('8193');
  });
});
