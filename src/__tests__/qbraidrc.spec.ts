import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from '../rules/errors';
import { MAX_QBRAIDRC_BYTES, QbraidrcFile } from '../qbraidrc/file';
import { sharedCases } from './sharedcases';

const CORPUS = path.join(__dirname, 'qbraidrc-corpus');
const MALFORMED = path.join(__dirname, 'qbraidrc-malformed');
const read = (dir: string, name: string) =>
  fs.readFileSync(path.join(dir, name), 'utf8');

describe('QbraidrcFile', () => {
  it.each(fs.readdirSync(CORPUS))(
    'writes %s back byte for byte when nothing changes',
    name => {
      const text = read(CORPUS, name);
      const file = QbraidrcFile.parse(text);
      expect(file.update({})).toBe(false);
      expect(file.toString()).toBe(text);
    }
  );

  it('reads [default] keys case-insensitively, with either separator', () => {
    const file = QbraidrcFile.parse(read(CORPUS, 'colon-separators.ini'));
    expect(file.get('api-key')).toBe('abc123');
    expect(file.get('EMAIL')).toBe('me@example.com');
    expect(file.get('url')).toBe('https://api.qbraid.com/api');
    expect(
      QbraidrcFile.parse(read(CORPUS, 'mixed-case-keys.ini')).get('api-key')
    ).toBe('abc123');
  });

  it('joins continuation lines as configparser does', () => {
    const file = QbraidrcFile.parse(read(CORPUS, 'continuation-lines.ini'));
    expect(file.get('notes')).toBe(
      'first line\nsecond line\n\nfourth line after a blank'
    );
    expect(file.get('email')).toBe('me@example.com');
  });

  it('unescapes %% and follows %(name)s', () => {
    const file = QbraidrcFile.parse(read(CORPUS, 'percent-interpolation.ini'));
    expect(file.get('api-key')).toBe('abc%123');
    expect(file.get('path')).toBe('/home/me/qbraid');
  });

  it('falls back to [DEFAULT] as configparser does', () => {
    const file = QbraidrcFile.parse(read(CORPUS, 'defaults-section.ini'));
    expect(file.get('url')).toBe('https://defaults.example.com/api');
    expect(file.keys()).toEqual(['api-key']);
  });

  it('changes one key in place, keeping its separator style and every other byte', () => {
    const text = read(CORPUS, 'comments-extra-sections.ini');
    const file = QbraidrcFile.parse(text);
    expect(file.update({ 'api-key': 'new-key' })).toBe(true);
    expect(file.toString()).toBe(
      text.replace('api-key = abc123', 'api-key = new-key')
    );
    const colon = QbraidrcFile.parse(read(CORPUS, 'colon-separators.ini'));
    colon.update({ url: 'https://x.example/api' });
    expect(colon.toString()).toContain('\nurl:https://x.example/api\n');
  });

  it('adds a missing key after the last key of [default], with its indentation', () => {
    const file = QbraidrcFile.parse(read(CORPUS, 'indented-options.ini'));
    file.update({ 'refresh-token': 'r-1' });
    expect(file.toString()).toBe(
      '[default]\n    api-key = abc123\n    email = me@example.com\n    refresh-token = r-1\n'
    );
  });

  it('adds [default] when the file has none, leaving the other sections alone', () => {
    const file = QbraidrcFile.parse(read(CORPUS, 'no-default-section.ini'));
    file.update({ 'api-key': 'k-1', email: 'me@example.com' });
    expect(file.toString()).toBe(
      '[other]\nname = value\n\n[default]\napi-key = k-1\nemail = me@example.com\n'
    );
  });

  it('creates a file from nothing', () => {
    const file = QbraidrcFile.parse('');
    file.update({ 'api-key': 'k-1' });
    expect(file.toString()).toBe('[default]\napi-key = k-1\n');
  });

  it('keeps CRLF line endings for new lines', () => {
    const file = QbraidrcFile.parse(read(CORPUS, 'crlf.ini'));
    file.update({ 'id-token': 'i-1' });
    expect(file.toString()).toBe(
      '[default]\r\napi-key = abc123\r\nemail = me@example.com\r\nid-token = i-1\r\n\r\n[other]\r\nx = 1\r\n'
    );
  });

  it('keeps a missing final newline', () => {
    const file = QbraidrcFile.parse(read(CORPUS, 'no-trailing-newline.ini'));
    file.update({ url: 'https://x.example/api' });
    expect(file.toString()).toBe(
      '[default]\napi-key = abc123\nemail = me@example.com\nurl = https://x.example/api'
    );
    file.update({ url: null });
    expect(file.toString()).toBe(
      '[default]\napi-key = abc123\nemail = me@example.com'
    );
  });

  it('removes a key with its continuation lines, keeping comments and other keys', () => {
    const file = QbraidrcFile.parse(read(CORPUS, 'continuation-lines.ini'));
    file.update({ notes: null });
    expect(file.toString()).toBe(
      '[default]\napi-key = abc123\n\nemail = me@example.com\n'
    );
    const tokens = QbraidrcFile.parse(
      read(CORPUS, 'tokens-and-trailing-comment.ini')
    );
    tokens.update({ 'refresh-token': null, 'id-token': null });
    expect(tokens.toString()).toBe('[default]\n# trailing comment\n');
  });

  it('updates a key written in another case without adding a second one', () => {
    const file = QbraidrcFile.parse(read(CORPUS, 'mixed-case-keys.ini'));
    file.update({ 'api-key': 'k-2' });
    expect(file.toString()).toBe(
      '[default]\nAPI-Key = k-2\nEmail = me@example.com\n'
    );
  });

  it('escapes % so configparser reads the value back', () => {
    const file = QbraidrcFile.parse('');
    file.update({ 'api-key': 'a%b%(c)s' });
    expect(file.toString()).toBe('[default]\napi-key = a%%b%%(c)s\n');
    expect(file.get('api-key')).toBe('a%b%(c)s');
  });

  it('does not touch the file when a value is already set', () => {
    const text = read(CORPUS, 'percent-interpolation.ini');
    const file = QbraidrcFile.parse(text);
    expect(file.update({ 'api-key': 'abc%123' })).toBe(false);
    expect(file.toString()).toBe(text);
  });

  it.each([
    ['a newline', 'abc\n[evil]\nx = 1'],
    ['a carriage return', 'abc\rdef'],
    ['surrounding spaces', ' abc '],
    ['a control character', 'abc\u0000']
  ])('refuses a value with %s, leaving the file as it was', (_, value) => {
    const text = read(CORPUS, 'basic.ini');
    const file = QbraidrcFile.parse(text);
    expect(() => file.update({ 'api-key': value })).toThrow(ConfigError);
    expect(file.toString()).toBe(text);
  });

  it.each([
    ['duplicate-section.ini', 4, /section \[default\] appears twice/],
    ['key-before-section.ini', 1, /a key before any \[section\]/],
    ['duplicate-key.ini', 3, /key "api-key" appears twice/],
    ['line-without-separator.ini', 3, /neither a key = value/],
    [
      'byte-order-mark.ini',
      1,
      /byte-order mark .* Save the file as UTF-8 without BOM/
    ]
  ])(
    'rejects %s with its line number, as configparser does',
    (name, line, message) => {
      const error = (() => {
        try {
          QbraidrcFile.parse(read(MALFORMED, name));
        } catch (e) {
          return e as ConfigError & { line: number };
        }
        throw new Error('parsed');
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.line).toBe(line);
      expect(error.message).toMatch(message);
      expect(error.message).toContain(`line ${line}`);
    }
  );

  it('reports an unreadable % without showing the value', () => {
    const file = QbraidrcFile.parse('[default]\napi-key = secret%value\n');
    expect(() => file.get('api-key')).toThrow(ConfigError);
    try {
      file.get('api-key');
    } catch (error) {
      expect((error as Error).message).not.toContain('secret');
    }
  });
});

describe('large files', () => {
  it('parses and edits a 64 KB file of 6,000 keys in linear time, and refuses a larger one', () => {
    const keys = Array.from({ length: 6000 }, (_, i) => `k${i} = v`).join('\n');
    const text = `[default]\n${keys}\n`;
    expect(text.length).toBeLessThanOrEqual(MAX_QBRAIDRC_BYTES);
    const file = QbraidrcFile.parse(text);
    expect(file.keys()).toHaveLength(6000);
    expect(file.get('k5999')).toBe('v');
    file.update({ 'api-key': 'k' });
    expect(QbraidrcFile.parse(file.toString()).get('api-key')).toBe('k');
    const tooLarge = `[default]\n${'x = y\n'.repeat(12000)}`;
    expect(() => QbraidrcFile.parse(tooLarge)).toThrow(/larger than the 64 KB/);
  });

  it('finds a duplicate key among many without comparing every pair', () => {
    // 4,000 sections with one key each (under 64 KB).
    const many = Array.from({ length: 4000 }, (_, i) => `[s${i}]\na = 1`).join(
      '\n'
    );
    const parsed = QbraidrcFile.parse(many + '\n');
    expect(parsed.get('a', 's0')).toBe('1');
    expect(parsed.get('a', 's3999')).toBe('1');
    expect(() => QbraidrcFile.parse(many + '\n[s1]\n')).toThrow(
      /appears twice/
    );
  });
});

// tests/cases/qbraidrc-edits.json: pytest (tests/test_credentials.py) runs
// every case through the server half's editor: both give the same text.
describe('the edits both languages make', () => {
  const table: {
    cases: Array<{
      file?: string;
      name?: string;
      text?: string;
      updates: Record<string, string | null>;
      expected: string;
    }>;
  } = sharedCases('qbraidrc-edits.json');

  it.each(
    table.cases.map(
      c => [`${c.file ?? c.name} ${JSON.stringify(c.updates)}`, c] as const
    )
  )('%s', (_, c) => {
    const file = QbraidrcFile.parse(c.text ?? read(CORPUS, c.file!));
    file.update(c.updates);
    expect(file.toString()).toBe(c.expected);
  });
});
