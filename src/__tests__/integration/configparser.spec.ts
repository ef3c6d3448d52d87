/**
 * Our INI editor against Python's configparser itself (the parser qbraid-core
 * uses): every corpus file reads the same in both, and after our edit
 * configparser sees exactly the keys we set and everything else unchanged.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { QbraidrcFile } from '../../qbraidrc/file';

const ROOT = path.resolve(__dirname, '../../..');
const CORPUS = path.join(ROOT, 'src/__tests__/qbraidrc-corpus');
const MALFORMED = path.join(ROOT, 'src/__tests__/qbraidrc-malformed');
const OURS = ['api-key', 'email', 'refresh-token', 'id-token', 'url'];

type Dump = Record<
  string,
  | {
      ok: true;
      raw: Record<string, Record<string, string>>;
      get: Record<string, unknown>;
    }
  | { ok: false; error: string }
>;

function configparser(...files: string[]): Dump {
  const out = execFileSync(
    process.env.PYTHON ?? 'python3',
    [path.join(ROOT, 'scripts/configparser_dump.py'), ...files],
    { encoding: 'utf8' }
  );
  return JSON.parse(out);
}

const corpus = fs.readdirSync(CORPUS).map(name => path.join(CORPUS, name));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qbraidrc-roundtrip-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('qbraidrc files read by Python configparser', () => {
  const before = configparser(...corpus);

  it.each(corpus.map(file => [path.basename(file), file]))(
    '%s: our reading equals configparser',
    (_, file) => {
      const dump = before[file];
      if (!dump.ok) {
        throw new Error(`corpus file refused by configparser: ${dump.error}`);
      }
      const ours = QbraidrcFile.parse(fs.readFileSync(file, 'utf8'));
      for (const [key, value] of Object.entries(dump.get)) {
        expect([key, ours.get(key)]).toEqual([key, value]);
      }
    }
  );

  it.each(corpus.map(file => [path.basename(file), file]))(
    '%s: after our edit configparser sees our keys and everything else unchanged',
    (name, file) => {
      const original = before[file];
      if (!original.ok) {
        throw new Error('corpus file refused by configparser');
      }
      const edited = QbraidrcFile.parse(fs.readFileSync(file, 'utf8'));
      edited.update({
        'api-key': 'new%key-1',
        email: 'new@example.com',
        'refresh-token': null,
        'id-token': 'id%(x)s'
      });
      const out = path.join(tmp, name);
      fs.writeFileSync(out, edited.toString(), 'utf8');
      const after = configparser(out)[out];
      if (!after.ok) {
        throw new Error(`configparser refused our output: ${after.error}`);
      }
      expect(after.get['api-key']).toBe('new%key-1');
      expect(after.get['email']).toBe('new@example.com');
      expect(after.get['id-token']).toBe('id%(x)s');
      expect(after.raw['default']['refresh-token']).toBeUndefined();
      // Every section and every key we do not own reads exactly as before.
      const strip = (raw: Record<string, Record<string, string>>) =>
        Object.fromEntries(
          Object.entries(raw).map(([section, keys]) => [
            section,
            Object.fromEntries(
              Object.entries(keys).filter(
                ([key]) => section !== 'default' || !OURS.includes(key)
              )
            )
          ])
        );
      const expected = strip(original.raw);
      expected['default'] ??= {};
      // [DEFAULT] keys show in [default] too; they are not ours to drop.
      for (const [key, value] of Object.entries(original.raw['DEFAULT'])) {
        if (!OURS.includes(key)) {
          expected['default'][key] = value;
        }
      }
      expect(strip(after.raw)).toEqual(expected);
    }
  );

  it('refuses every malformed file that configparser refuses', () => {
    const files = fs
      .readdirSync(MALFORMED)
      .map(name => path.join(MALFORMED, name));
    const dump = configparser(...files);
    for (const file of files) {
      expect([path.basename(file), dump[file].ok]).toEqual([
        path.basename(file),
        false
      ]);
      expect(() => QbraidrcFile.parse(fs.readFileSync(file, 'utf8'))).toThrow(
        /qbraidrc line \d+/
      );
    }
  });
});
