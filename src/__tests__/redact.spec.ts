import { REDACTED, redact, redactExcerpt } from '../rules/redact';
import { sharedCases } from './sharedcases';

describe('redact', () => {
  it('replaces every occurrence of every secret', () => {
    expect(redact('key abc123 and abc123 and tok-9', ['abc123', 'tok-9'])).toBe(
      `key ${REDACTED} and ${REDACTED} and ${REDACTED}`
    );
  });

  it('replaces the URL-encoded form of a secret', () => {
    expect(redact('/x?key=a%2Bb%2Fc', ['a+b/c'])).toBe(`/x?key=${REDACTED}`);
  });

  it('replaces a longer secret whole when it contains a shorter one', () => {
    expect(redact('secret-long', ['secret', 'secret-long'])).toBe(REDACTED);
  });

  it('ignores empty and very short values', () => {
    expect(redact('a b', ['', null, undefined, 'a'])).toBe('a b');
  });
});

describe('redact, whatever form the API echoes a secret in', () => {
  const KEY = 'qbr_Ab+c/d=9XyZ"k';
  const encodeEvery = (value: string, hex: (code: number) => string) =>
    [...value].map(c => '%' + hex(c.charCodeAt(0))).join('');
  const base64 = (value: string) => btoa(value);

  it.each([
    ['percent-encoded, upper-case hex', encodeURIComponent(KEY)],
    [
      'percent-encoded, lower-case hex',
      encodeURIComponent(KEY).replace(/%[0-9A-F]{2}/g, m => m.toLowerCase())
    ],
    [
      'every character percent-encoded',
      encodeEvery(KEY, c => c.toString(16).toUpperCase().padStart(2, '0'))
    ],
    [
      'every character percent-encoded, lower case',
      encodeEvery(KEY, c => c.toString(16).padStart(2, '0'))
    ],
    [
      'form-encoded in a query',
      new URLSearchParams({ key: KEY }).toString().slice(4)
    ],
    ['JSON-escaped with \\/ and \\"', JSON.stringify(KEY).slice(1, -1)],
    [
      'JSON-escaped as \\u00XX',
      [...KEY]
        .map(c => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))
        .join('')
    ],
    ['percent-encoded twice', encodeURIComponent(encodeURIComponent(KEY))],
    [
      'percent-encoded inside JSON',
      JSON.stringify(encodeURIComponent(KEY)).slice(1, -1)
    ],
    ['base64', base64(KEY)],
    ['base64 at another alignment', base64('x' + KEY).slice(2)],
    ['base64 at a third alignment', base64('xy' + KEY).slice(3)],
    [
      'URL-safe base64',
      base64(KEY).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
    ]
  ])('%s', (_, echoed) => {
    const message = `the API said: invalid key "${echoed}" (try again)`;
    const out = redact(message, [KEY]);
    expect(out).toContain(REDACTED);
    expect(out.startsWith('the API said: invalid key "')).toBe(true);
    expect(out.endsWith('" (try again)')).toBe(true);
    // Nothing derived from the key is left: decoded again, it is not there.
    expect(
      decodeURIComponent(out.replace(/%(?![0-9a-f]{2})/gi, ''))
    ).not.toContain(KEY);
    expect(out).not.toContain(base64(KEY).slice(0, 12));
  });

  it('redacts a base64 secret inside a longer base64 text, such as a Basic credential', () => {
    const basic = btoa(`user:${KEY}`);
    const out = redact(`Authorization: Basic ${basic}`, [KEY]);
    expect(out.startsWith('Authorization: Basic ')).toBe(true);
    expect(out).toContain(REDACTED);
    // "user:" is 5 bytes: the key's own characters start 7 characters in.
    expect(out).not.toContain(basic.slice(8, 20));
  });

  it('keeps ordinary text, % signs and JSON escapes that hold no secret', () => {
    const text = 'progress 50%25 done \\n "quoted\\/path" a+b';
    expect(redact(text, ['unrelated-secret'])).toBe(text);
  });
});

describe('redact, the table of cases the server half runs too', () => {
  // tests/cases/redaction.json: pytest (tests/test_redaction.py) runs every case as well.
  const table: {
    cases: Array<{
      name: string;
      secrets: Array<string | null>;
      text: string;
      expected: string;
    }>;
  } = sharedCases('redaction.json');

  it.each(table.cases.map(c => [c.name, c] as const))('%s', (_, c) => {
    expect(redact(c.text, c.secrets)).toBe(
      c.expected.split('{R}').join(REDACTED)
    );
  });
});

describe('redactExcerpt', () => {
  const KEY = 'qbr_Ab+c/d=9XyZ"k';

  it('cuts a huge text before redacting it, and no part of a secret survives at the cut', () => {
    const encoded = [...KEY]
      .map(c => '%25' + c.charCodeAt(0).toString(16).padStart(2, '0'))
      .join('');
    const text = 'x'.repeat(295) + encoded + 'y'.repeat(8_000_000);
    const out = redactExcerpt(text, [KEY], 300);
    expect(out).toBe('x'.repeat(295) + REDACTED.slice(0, 5) + '…');
  });

  it('leaves a short text whole', () => {
    expect(redactExcerpt(`a ${KEY} b`, [KEY], 300)).toBe(`a ${REDACTED} b`);
  });
});
