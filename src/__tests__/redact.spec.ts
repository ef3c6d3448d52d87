import { REDACTED, redact } from '../api/redact';

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
