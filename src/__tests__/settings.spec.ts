import {
  DefaultSchemaValidator,
  ISettingRegistry
} from '@jupyterlab/settingregistry';
import { PartialJSONObject } from '@lumino/coreutils';
import schema from '../../schema/plugin.json';
import { describeSettingsErrors, sessionUpdateFromSettings } from '../settings';

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
