import {
  DefaultSchemaValidator,
  ISettingRegistry
} from '@jupyterlab/settingregistry';
import { PartialJSONObject } from '@lumino/coreutils';
import schema from '../../schema/plugin.json';
import { ConfigError } from '../rules/errors';
import { CREDENTIAL_FIELDS } from '../rules/fields';
import { QbraidSession } from '../session/session';
import {
  applySettings,
  describeSettingsErrors,
  sessionUpdateFromSettings
} from '../stores/settings';
import { fieldRules } from '../rules/validation';

const validator = new DefaultSchemaValidator();
const PLUGIN_ID = 'jupyterlab-qbraid-session:plugin';

function validate(user: PartialJSONObject) {
  const plugin: ISettingRegistry.IPlugin = {
    id: PLUGIN_ID,
    data: { composite: {}, user },
    raw: JSON.stringify(user),
    schema: schema as ISettingRegistry.ISchema,
    version: '0.1.0'
  };
  return validator.validateData(plugin, true);
}

describe('schema/plugin.json', () => {
  it('accepts good settings and leaves the retry options to the dialect (null)', () => {
    expect(
      validate({
        email: 'me@example.com',
        apiKey: 'abc',
        baseUrl: 'https://api.qbraid.com/api'
      })
    ).toBeNull();
    const plugin = {
      id: PLUGIN_ID,
      data: { composite: {}, user: {} },
      raw: '{}',
      schema: schema as ISettingRegistry.ISchema,
      version: '0.1.0'
    };
    validator.validateData(plugin, true);
    expect(plugin.data.composite).toMatchObject({
      apiVersion: 'auto',
      accessToken: '',
      retriesTotal: null,
      retriesConnect: null,
      backoffFactor: null,
      timeout: null
    });
  });

  it.each([
    ['an email without @', { email: 'not-an-email' }],
    ['an email with a newline', { email: 'a@b.c\n[x]' }],
    ['an API key with a newline', { apiKey: 'abc\ndef' }],
    [
      'a plain-http base URL to a remote host',
      { baseUrl: 'http://api.qbraid.com/api' }
    ],
    ['a javascript: base URL', { baseUrl: 'javascript:alert(1)' }],
    ['a file: base URL', { baseUrl: 'file:///etc/passwd' }],
    ['a negative retry count', { retriesTotal: -1 }],
    ['an unknown API version', { apiVersion: 'v2' }],
    ['an access token with a space', { accessToken: 'a b' }],
    ['an unknown key', { colour: 'blue' }],
    ['a 1 MB API key', { apiKey: 'k'.repeat(1024 * 1024) }]
  ])('rejects %s', (_, user) => {
    expect(validate(user)).not.toBeNull();
  });

  it('accepts plain http for localhost and 127.0.0.1', () => {
    expect(validate({ baseUrl: 'http://localhost:8000/api' })).toBeNull();
    expect(validate({ baseUrl: 'http://127.0.0.1:8000/api' })).toBeNull();
  });
});

describe('sessionUpdateFromSettings', () => {
  it('maps settings to session values, empty strings clearing a value', () => {
    expect(
      sessionUpdateFromSettings({
        email: 'me@example.com',
        apiKey: '',
        baseUrl: ' https://x.example/api ',
        retriesTotal: 2,
        timeout: 100
      })
    ).toEqual({
      userEmail: 'me@example.com',
      apiKey: null,
      accessToken: null,
      refreshToken: null,
      idToken: null,
      baseUrl: 'https://x.example/api',
      apiVersion: 'auto',
      retriesTotal: 2,
      retriesConnect: null,
      backoffFactor: null,
      timeout: 100
    });
  });
});

describe('describeSettingsErrors', () => {
  it('names each refused setting and why, never its value', () => {
    const message = describeSettingsErrors([
      {
        instancePath: '/baseUrl',
        keyword: 'pattern',
        message: 'must match pattern "^https://"'
      },
      {
        instancePath: '',
        keyword: 'additionalProperties',
        message: 'must NOT have additional properties',
        params: { additionalProperty: 'apiKee' }
      }
    ]);
    expect(message).toContain('"baseUrl" must match pattern');
    expect(message).toContain('"apiKee" is not a setting of this extension');
    expect(message).toContain('Settings Editor');
  });
});

describe('one validation for the schema, the panel and the session', () => {
  it('the schema holds the field table rules for every credential', () => {
    const properties = (schema as any).properties;
    for (const field of CREDENTIAL_FIELDS) {
      expect([field.setting, properties[field.setting]]).toEqual([
        field.setting,
        expect.objectContaining(fieldRules(field))
      ]);
      expect(properties[field.setting].type).toBe('string');
    }
  });

  it.each([
    ['a no-break space', 'abc\u00a0def'],
    ['a next-line character', 'abc\u0085def'],
    ['a byte-order mark', '\ufeffabc'],
    ['an accented letter', 'clé'],
    ['a tab', 'abc\tdef'],
    ['a final line break', 'abc\n']
  ])(
    'a key with %s is refused alike by the schema and the session',
    (_, value) => {
      expect(validate({ apiKey: value })).not.toBeNull();
      expect(() => new QbraidSession({ apiKey: value, env: {} })).toThrow(
        /API key/
      );
    }
  );

  it('a non-ASCII email is refused by both, naming the field', () => {
    expect(validate({ email: 'josé@example.com' })).not.toBeNull();
    expect(
      () => new QbraidSession({ userEmail: 'josé@example.com', env: {} })
    ).toThrow(/^Email must be an address/);
  });

  it.each([
    ['an impossible port', 'https://api.example.com:99999/api/v1'],
    ['port 0', 'https://api.example.com:0/api/v1'],
    ['port 0 spelt 0000', 'http://localhost:0000/api/v1'],
    ['a backslash in the authority', 'https://evil.test\\.api.qbraid.com/api'],
    ['a space', 'https://api.example.com/a b'],
    ['a query', 'https://api.example.com/api?x=1']
  ])('a base URL with %s is refused by both', (_, url) => {
    expect(validate({ baseUrl: url })).not.toBeNull();
    expect(() => new QbraidSession({ baseUrl: url, env: {} })).toThrow(
      ConfigError
    );
  });
});

describe('applySettings', () => {
  it('applies every value but a refused one, and says which and why', () => {
    const session = new QbraidSession({ env: {} });
    const refused = applySettings(session, {
      ...sessionUpdateFromSettings({
        apiKey: 'qbr_new-key',
        baseUrl: 'https://api.example.com:99999/api/v1'
      })
    });
    expect(session.apiKey).toBe('qbr_new-key');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toContain('base URL');
    expect(refused[0]).not.toContain('qbr_new-key');
  });
});
