/**
 * @jest-environment @jupyterlab/testing/lib/jest-env.js
 */
/**
 * Bad input is refused with a clear message and changes nothing: values
 * that would inject keys or sections into qbraidrc, unsafe base URLs,
 * oversized values.
 */
import {
  DefaultSchemaValidator,
  ISettingRegistry
} from '@jupyterlab/settingregistry';
import { PartialJSONObject } from '@lumino/coreutils';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import schema from '../../../schema/plugin.json';
import { ConfigError } from '../../rules/errors';
import { QbraidrcFile } from '../../qbraidrc/file';
import { QbraidSession } from '../../session/session';

const ROOT = path.resolve(__dirname, '../../..');
const validator = new DefaultSchemaValidator();

function schemaErrors(user: PartialJSONObject) {
  return validator.validateData(
    {
      id: 'jupyterlab-qbraid-session:plugin',
      data: { composite: {}, user },
      raw: JSON.stringify(user),
      schema: schema as ISettingRegistry.ISchema,
      version: '0.1.0'
    },
    true
  );
}

function configparser(text: string) {
  const file = path.join(
    fs.mkdtempSync(path.join(os.tmpdir(), 'qbraidrc-inject-')),
    'qbraidrc'
  );
  fs.writeFileSync(file, text);
  return JSON.parse(
    execFileSync(
      process.env.PYTHON ?? 'python3',
      [path.join(ROOT, 'scripts/configparser_dump.py'), file],
      {
        encoding: 'utf8'
      }
    )
  )[file];
}

describe('values that would inject keys or sections into qbraidrc', () => {
  it.each([
    ['a newline', 'abc\n[evil]\nurl = https://evil.example'],
    ['a carriage return', 'abc\r[evil]'],
    ['a line separator', 'abc\u2028evil = 1']
  ])(
    'an API key with %s is refused everywhere, naming the field, not the value',
    (_, value) => {
      expect(() => new QbraidSession({ apiKey: value, env: {} })).toThrow(
        /API key contains a line break/
      );
      expect(() => new QbraidSession({ userEmail: value, env: {} })).toThrow(
        /Email contains a line break/
      );
      const file = QbraidrcFile.parse('[default]\napi-key = old\n');
      expect(() => file.update({ 'api-key': value })).toThrow(ConfigError);
      expect(file.toString()).toBe('[default]\napi-key = old\n');
      expect(schemaErrors({ apiKey: value })).not.toBeNull();
    }
  );

  it.each(['[section]', 'a=b', 'a;b', '#hash', 'x: y', '%(home)s'])(
    'a value with %p stays one value that configparser reads back as given',
    value => {
      const file = QbraidrcFile.parse('[default]\norganization = acme\n');
      file.update({ 'api-key': value, email: `me${value}@example.com` });
      const read = configparser(file.toString());
      expect(read.ok).toBe(true);
      expect(Object.keys(read.raw)).toEqual(['default', 'DEFAULT']);
      expect(read.get).toEqual({
        organization: 'acme',
        'api-key': value,
        email: `me${value}@example.com`
      });
    }
  );
});

describe('unsafe base URLs', () => {
  it.each([
    'javascript:alert(1)',
    'file:///etc/passwd',
    'http://api.qbraid.com/api',
    'ftp://x/api',
    'https://u:p@x.example/api'
  ])('%s is refused by the session and the schema', url => {
    expect(() => new QbraidSession({ baseUrl: url, env: {} })).toThrow(
      ConfigError
    );
    expect(schemaErrors({ baseUrl: url })).not.toBeNull();
  });

  it('plain http is accepted for localhost only', () => {
    expect(
      new QbraidSession({ baseUrl: 'http://localhost:8766/api', env: {} })
        .baseUrl
    ).toBe('http://localhost:8766/api');
  });
});

describe('oversized values', () => {
  const big = 'k'.repeat(1024 * 1024);

  it('a 1 MB API key or email is refused by the session without touching it further', () => {
    const session = new QbraidSession({ apiKey: 'good-key', env: {} });
    expect(() => session.update({ apiKey: big })).toThrow(
      /at most 8192 are accepted/
    );
    expect(() => session.update({ userEmail: big })).toThrow(ConfigError);
    expect(session.apiKey).toBe('good-key');
  });

  it('the schema refuses a 1 MB value for every text setting', () => {
    for (const key of [
      'email',
      'apiKey',
      'refreshToken',
      'idToken',
      'baseUrl',
      'qbraidrcPath'
    ]) {
      expect([key, schemaErrors({ [key]: big }) === null]).toEqual([
        key,
        false
      ]);
    }
  });
});
