/**
 * The seams between the page, the server and the file, tried as hostile and
 * careless users would (the third round): each case broke the page before it
 * was mended. The server half's cases are in tests/test_seams.py.
 */
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { ConfigError, QbraidApiError, QbraidErrorCode } from '../rules/errors';
import { SERVER_ERROR_CODES, ServerHalfError } from '../transport/serverhalf';
import { QbraidSession } from '../session/session';
import { QbraidSessionView } from '../session/sessionview';
import { QbraidTransport } from '../transport/transport';
import { QbraidrcFile } from '../qbraidrc/file';
import { describeError, errorSteps } from '../ui/errormessages';
import { LoginPanel } from '../ui/loginpanel';
import { SignInModel } from '../ui/signinmodel';
import { QbraidStatusItem } from '../ui/statusitem';
import { MAX_SHOWN_CHARS } from '../ui/shown';
import { FakeApi } from './fakeapi';
import { MemoryConfigStore } from './memoryconfigstore';

const V1 = 'https://api.example.test/api/v1';
const LEGACY = 'https://api.example.test/api';
const trans = nullTranslator.load('test');
const context = { baseUrl: V1, pageOrigin: 'http://localhost:8888' };

function session(api: FakeApi, options: Record<string, unknown> = {}) {
  return new QbraidSession({
    baseUrl: V1,
    env: {},
    transport: new QbraidTransport({ fetch: api.fetch }),
    sleep: api.sleep,
    ...options
  });
}

/** A promise and the function that settles it. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>(r => (resolve = r));
  return { promise, resolve };
}

describe('an error detail of megabytes', () => {
  it('is cut before it is redacted or kept, and holds no secret', async () => {
    const api = new FakeApi();
    const key = 'the-secret-key-12345';
    const huge = 'x'.repeat(2_000) + key + 'y'.repeat(8_000_000);
    api.answers = [
      FakeApi.json(
        {
          error: {
            message: 'no',
            code: 'E',
            detail: huge,
            list: Array.from({ length: 5000 }, (_, i) => `${i}-${key}`)
          }
        },
        400
      )
    ];
    const error = (await session(api, { apiKey: key })
      .get('/x')
      .catch(e => e)) as QbraidApiError;
    expect(error).toBeInstanceOf(QbraidApiError);
    const detail = error.details!['detail'] as string;
    expect(detail.length).toBeLessThanOrEqual(2_001);
    expect(JSON.stringify(error.details).length).toBeLessThan(10_000);
    expect(JSON.stringify(error.details)).not.toContain(key);
  });
});

describe("the check's email", () => {
  it.each([
    ['a line break', 'me@example.com\r\napi-key: evil'],
    ['a NUL', 'me@exa\u0000mple.com'],
    ['no address', 'not an address']
  ])(
    'is not learnt when it holds %s, and later requests still work',
    async (_, email) => {
      const api = new FakeApi();
      api.answers = [FakeApi.json({ email })];
      const legacy = session(api, { baseUrl: LEGACY, apiKey: 'k-123' });
      await expect(legacy.verify()).rejects.toMatchObject({
        code: 'invalid_identity'
      });
      expect(legacy.userEmail).toBeNull();
      await expect(legacy.get('/x')).resolves.toEqual({ ok: true });
      expect(api.requests[1].headers['email']).toBeUndefined();
    }
  );

  it('is not learnt for a key that came into force while the old one was checked', async () => {
    const api = new FakeApi();
    const answer = deferred<Response>();
    api.answers = [() => answer.promise as never];
    api.fallback = () => FakeApi.json({ success: true, data: {} });
    const s = session(api, { apiKey: 'key-A1' });
    const fetch = api.fetch;
    let sent!: () => void;
    const started = new Promise<void>(r => (sent = r));
    const wrapped = async (input: RequestInfo | URL, init?: RequestInit) => {
      const response = fetch(input, init);
      sent();
      return response;
    };
    s.useTransport(new QbraidTransport({ fetch: wrapped }));
    const check = s.verify();
    await started;
    s.update({ apiKey: 'key-B2' });
    answer.resolve(
      FakeApi.json({ success: true, data: { email: 'a@example.com' } })
    );
    await expect(check).resolves.toMatchObject({ email: 'a@example.com' });
    expect(s.userEmail).toBeNull();
  });
});

describe('the shared session other extensions get', () => {
  it('cannot be reconfigured by saveConfig, whatever the values', async () => {
    const config = new MemoryConfigStore({ 'api-key': 'k-1' });
    const owner = session(new FakeApi(), { config });
    const view = new QbraidSessionView(owner);
    for (const values of [{ baseUrl: 'https://evil.example.com/api' }, {}]) {
      await expect(view.saveConfig(values)).rejects.toMatchObject({
        code: 'read_only_session'
      });
    }
    expect(config.toJSON()).toEqual({ 'api-key': 'k-1' });
    expect(owner.baseUrl).toBe(V1);
  });
});

describe('errors of the Jupyter server half', () => {
  const codes = [
    ...SERVER_ERROR_CODES,
    'server_unreachable',
    'server_error'
  ] as const;

  it.each(codes.map(code => [code]))(
    '%s says what happened and what to do',
    code => {
      const said = 'The server said this.';
      const message = describeError(
        new ServerHalfError(said, 502, code),
        context,
        trans
      );
      expect(message).not.toMatch(/Unexpected error|ServerHalfError/);
      expect(message).toContain(said);
      expect(message.length).toBeGreaterThan(said.length + 20);
    }
  );
});

describe('one vocabulary of errors', () => {
  const every = Object.keys(errorSteps(trans)) as QbraidErrorCode[];

  it("has a step for the page's codes and every code of the server half", () => {
    expect(every).toEqual(expect.arrayContaining([...SERVER_ERROR_CODES]));
    expect(every).toEqual(
      expect.arrayContaining(['invalid_base_url', 'read_only_session'])
    );
    expect(every.length).toBeGreaterThan(SERVER_ERROR_CODES.length + 20);
  });

  it.each(every.map(code => [code]))(
    '%s says what happened and what to do',
    code => {
      const said = 'The page said this.';
      const message = describeError(
        new ConfigError(said, { code }),
        context,
        trans
      );
      expect(message).not.toMatch(/Unexpected error/);
      expect(message).toContain(said);
      expect(message.length).toBeGreaterThan(said.length + 20);
    }
  );

  it("adds no step to the API's own codes, whatever they are", () => {
    for (const code of ['constructor', 'toString', '__proto__', 'BAD']) {
      const error = new QbraidApiError('The API said this.', { code });
      expect(describeError(error, context, trans)).toBe('The API said this.');
    }
  });

  it("counts the server half's errors among the session's", () => {
    const error = new ServerHalfError('why', 503, 'qbraidrc_busy');
    expect(error).toBeInstanceOf(QbraidApiError);
    expect([error.name, error.status, error.code]).toEqual([
      'ServerHalfError',
      503,
      'qbraidrc_busy'
    ]);
    expect(describeError(error, context, trans)).not.toMatch(/server error/);
  });
});

describe('a check whose credentials changed meanwhile', () => {
  it("does not sign in the new key with the old key's answer", async () => {
    const api = new FakeApi();
    const first = deferred<Response>();
    let calls = 0;
    api.fallback = request => {
      calls++;
      if (request.headers['x-api-key'] === 'old-key-1') {
        return first.promise as never;
      }
      return FakeApi.json({ error: { message: 'bad key' } }, 401);
    };
    const s = session(api, { apiKey: 'old-key-1' });
    const model = new SignInModel({
      session: s,
      signOut: async () => undefined
    });
    const check = model.check();
    while (calls === 0) {
      await new Promise(r => setTimeout(r, 1));
    }
    s.update({ apiKey: 'new-key-2' });
    first.resolve(
      FakeApi.json({ success: true, data: { email: 'old@example.com' } })
    );
    await expect(check).rejects.toMatchObject({ status: 401 });
    expect(model.state).toBe('error');
    expect(model.account).toBeNull();
    expect(calls).toBe(2);
    expect(s.userEmail).toBeNull();
  });
});

describe('what the API gives, shown', () => {
  it('is cut in the status bar, the whole value in the tooltip', async () => {
    const api = new FakeApi();
    // The longest email an address may be (320); a longer one is no address.
    const email = 'a'.repeat(300) + '@example.com';
    api.fallback = () => FakeApi.json({ success: true, data: { email } });
    const model = new SignInModel({
      session: session(api, { apiKey: 'k-123' }),
      signOut: async () => undefined
    });
    await model.check();
    const text = QbraidStatusItem.text(model, trans);
    expect(text.length).toBeLessThanOrEqual(MAX_SHOWN_CHARS + 10);
    expect(text.endsWith('…')).toBe(true);
    expect(QbraidStatusItem.tooltip(model, trans)).toContain(email);
  });
});

describe('qbraidrc read by the page', () => {
  it('never copies a secret into another value through %(name)s', () => {
    const file = QbraidrcFile.parse(
      '[default]\napi-key = sec-ret-1\nhost = %(api-key)s\nurl = https://%(host)s/api\nemail = a%%b@x.io\n'
    );
    expect(() => file.get('url')).toThrow(/takes in the api-key/);
    expect(() => file.get('url')).not.toThrow(/sec-ret-1/);
    expect(file.get('email')).toBe('a%b@x.io');
    expect(file.get('api-key')).toBe('sec-ret-1');
  });

  it('signs out of a key in [DEFAULT], which configparser reads for [default]', () => {
    const file = QbraidrcFile.parse(
      '[DEFAULT]\napi-key = K-1\nlabel = x\n[default]\nurl = u\n'
    );
    file.update({ 'api-key': null });
    expect(file.get('api-key')).toBeNull();
    expect(file.toString()).toBe('[DEFAULT]\nlabel = x\n[default]\nurl = u\n');
  });
});

describe('the panel with what the API gives', () => {
  it('cuts a 100 KB name and organization, the whole value in the title', async () => {
    const api = new FakeApi();
    const name = 'n'.repeat(100_000);
    const organization = 'o'.repeat(100_000);
    api.fallback = () =>
      FakeApi.json({
        success: true,
        data: {
          email: 'me@example.com',
          userName: name,
          organizationId: organization
        }
      });
    const model = new SignInModel({
      session: session(api, { apiKey: 'k-123' }),
      signOut: async () => undefined
    });
    await model.check();
    const panel = new LoginPanel(model, trans);
    Widget.attach(panel, document.body);
    try {
      let shownName: Element | null = null;
      for (let i = 0; i < 100 && !shownName; i++) {
        await new Promise(r => setTimeout(r, 10));
        shownName = panel.node.querySelector('.jp-qbraid-LoginPanel-name');
      }
      const org = panel.node.querySelector(
        '.jp-qbraid-LoginPanel-organization'
      );
      for (const [element, value] of [
        [shownName, name],
        [org, organization]
      ] as const) {
        expect(element!.textContent!.length).toBeLessThanOrEqual(
          MAX_SHOWN_CHARS + 1
        );
        expect(element!.getAttribute('title')).toBe(value);
      }
      expect(panel.node.textContent!.length).toBeLessThan(2_000);
    } finally {
      Widget.detach(panel);
      panel.dispose();
    }
  });
});
