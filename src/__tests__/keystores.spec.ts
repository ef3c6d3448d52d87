import { JupyterFrontEnd } from '@jupyterlab/application';
import { ServerConnection } from '@jupyterlab/services';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';
import { sessionOwnerPlugin } from '../plugins/session';
import { configureSession } from '../plugins/sessionsetup';
import { QbraidSession } from '../session/session';
import { chooseKeyStore } from '../stores/choose';
import { PageKeyStore } from '../stores/pagestore';
import { ServerKeyStore } from '../stores/serverstore';
import { SettingsKeyStore } from '../stores/settingsstore';
import { IQbraidIdentity, IQbraidKeyStore } from '../tokens';
import { SignInModel } from '../ui/signinmodel';

/** A store another extension might provide: a vault, here a variable. */
class VaultKeyStore implements IQbraidKeyStore {
  readonly kind = 'vault';
  readonly location = 'Your key is kept in the team vault.';
  readonly canKeepForPage = false;
  readonly mirrorsQbraidrc = false;
  readonly changed: Signal<IQbraidKeyStore, void> = new Signal(this);
  vault: string | null = 'vault-key-1';
  signIns: IQbraidKeyStore.ISignIn[] = [];

  async connect(session: IQbraidKeyStore.ISessionControl): Promise<void> {
    this.session = session;
    session.update({ apiKey: this.vault });
  }
  async signIn(values: IQbraidKeyStore.ISignIn): Promise<IQbraidIdentity> {
    this.signIns.push(values);
    this.vault = values.apiKey;
    this.session!.update({ apiKey: values.apiKey });
    return { email: 'vault@example.com' };
  }
  async signOut(): Promise<void> {
    this.vault = null;
    this.session?.update({ apiKey: null });
  }
  async reread(): Promise<void> {
    this.session?.update({ apiKey: this.vault });
  }
  session: IQbraidKeyStore.ISessionControl | null = null;
}

describe('a key store another extension provides', () => {
  it('is an optional dependency of the session plugin', () => {
    expect(sessionOwnerPlugin.optional).toContain(IQbraidKeyStore);
  });

  it('gives the session its key, and takes the sign-in and sign-out', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const store = new VaultKeyStore();
      const session = new QbraidSession({ env: {} });
      const app = {
        serviceManager: {
          serverSettings: ServerConnection.makeSettings({
            baseUrl: 'http://127.0.0.1:1/'
          })
        }
      } as unknown as JupyterFrontEnd;
      const chosen = await configureSession(
        app,
        session,
        null,
        nullTranslator.load('test'),
        store
      );
      expect(chosen).toBe(store);
      expect(session.apiKey).toBe('vault-key-1');
      const model = new SignInModel({ session, store });
      expect(model.keyLocation).toBe('Your key is kept in the team vault.');
      await model.signIn({ email: '', apiKey: 'vault-key-2', baseUrl: '' });
      expect(store.signIns).toHaveLength(1);
      expect([model.state, session.apiKey]).toEqual([
        'signed-in',
        'vault-key-2'
      ]);
      await model.signOut();
      expect([model.state, session.apiKey, store.vault]).toEqual([
        'signed-out',
        null,
        null
      ]);
      session.close();
    } finally {
      jest.clearAllTimers();
      jest.useRealTimers();
    }
  });
});

describe('chooseKeyStore', () => {
  const serverSettings = ServerConnection.makeSettings();
  /** Settings whose key storage is `keyStorage`: the user's, an administrator's default, or the schema's. */
  const settings = (
    keyStorage: string,
    by: 'user' | 'admin' | 'schema' = 'user'
  ) =>
    ({
      composite: { keyStorage },
      user: by === 'user' ? { keyStorage } : {},
      default: () => (by === 'admin' ? keyStorage : 'settings'),
      changed: new Signal({})
    }) as unknown as ISettingRegistry.ISettings;

  it.each([
    ['settings', false, SettingsKeyStore, 'settings'],
    ['settings', true, PageKeyStore, 'page'],
    ['server', false, ServerKeyStore, 'server'],
    ['server', true, ServerKeyStore, 'server']
  ] as const)(
    'keyStorage %s (JupyterLite: %s) keeps the key in a %p',
    (keyStorage, lite, Store, kind) => {
      const store = chooseKeyStore({
        settings: settings(keyStorage),
        serverSettings,
        lite
      });
      expect(store).toBeInstanceOf(Store);
      expect(store.kind).toBe(kind);
      expect(store.mirrorsQbraidrc).toBe(kind !== 'server');
      expect(store.canKeepForPage).toBe(kind === 'page');
    }
  );

  it.each([
    ['schema', 'settings', 'server'],
    ['user', 'settings', 'settings'],
    ['admin', 'server', 'server'],
    ['user', 'server', 'server']
  ] as const)(
    'where a hub handed the server the key, a %s key storage "%s" keeps it in the %s',
    (by, keyStorage, kind) => {
      const store = chooseKeyStore({
        settings: settings(keyStorage, by),
        serverSettings,
        lite: false,
        serverDefault: 'server'
      });
      expect(store.kind).toBe(kind);
    }
  );

  it("an administrator's default wins over a server without a hub", () => {
    const store = chooseKeyStore({
      settings: settings('server', 'admin'),
      serverSettings,
      lite: false,
      serverDefault: ''
    });
    expect(store.kind).toBe('server');
  });

  it('keeps the key in the settings when there are none to read', () => {
    expect(chooseKeyStore({ serverSettings, lite: false }).kind).toBe(
      'settings'
    );
  });

  it('lets only the settings that are no key apply beside a provided store', async () => {
    const session = new QbraidSession({ env: {}, apiKey: 'given-1' });
    const store = new SettingsKeyStore({
      settings: {
        composite: { apiKey: 'from-settings', retriesTotal: 7 },
        changed: new Signal({})
      } as unknown as ISettingRegistry.ISettings,
      credentials: false
    });
    await store.connect(session);
    expect([session.apiKey, session.retryOptions.retriesTotal]).toEqual([
      'given-1',
      7
    ]);
  });
});
