import BOOK from './rules.json';

// Only what is read: the rule's description stays out of the bundle.
const RULES = {
  minSecretLength: BOOK.redaction.minSecretLength,
  minBase64Length: BOOK.redaction.minBase64Length,
  widestForm: BOOK.redaction.widestForm,
  forms: BOOK.redaction.forms,
  backslash: BOOK.redaction.backslash,
  jsonEscaped: BOOK.redaction.jsonEscaped
};

/** The placeholder that replaces a secret in any text the session produces. */
export const REDACTED = '[redacted]';

/**
 * Replace every occurrence of each secret in `text` with `[redacted]`, in
 * the forms `src/rules/rules.json` lists, which the server half applies
 * too: each character of the secret as itself, percent-encoded (either case
 * of hex, up to three times over: `%41`, `%2541`, `%252541`), or
 * JSON-escaped (`\u0041`, also escaped again or percent-encoded: `\\u0041`,
 * `%5Cu0041`), and `"`, `\` and `/` after one to three backslashes; any mix
 * of these from one character to the next (`quote()` keeping `/`, every
 * byte encoded). The secret's base64, standard or URL-safe, at any of the
 * three alignments inside a longer base64 text, is found in the same forms
 * (base64 then percent-encoded). Secrets shorter than three characters are
 * not searched for. One pass of one regular expression: linear in the text.
 */
export function redact(
  text: string,
  secrets: Iterable<string | null | undefined>
): string {
  if (!text) {
    return text;
  }
  const pattern = secretPattern(secrets);
  return pattern ? text.replace(pattern, REDACTED) : text;
}

/**
 * The start of `text`, at most `limit` characters, with every secret
 * redacted: the text is cut first (so a huge text costs no more than a
 * short one), with a margin long enough for the longest form of a secret,
 * so no part of one survives at the cut.
 */
export function redactExcerpt(
  text: string,
  secrets: Iterable<string | null | undefined>,
  limit: number
): string {
  const list = [...secrets];
  const longest = Math.max(0, ...list.map(secret => secret?.length ?? 0));
  // A base64 run is 4/3 of the secret's length.
  const margin = Math.ceil((longest * 4) / 3 + 2) * RULES.widestForm;
  const redacted = redact(text.slice(0, limit + margin), list);
  return redacted.length > limit ? redacted.slice(0, limit) + '…' : redacted;
}

/**
 * One global regular expression that matches every secret in every form
 * `redact` names, or `null` when there is nothing to search for.
 */
export function secretPattern(
  secrets: Iterable<string | null | undefined>
): RegExp | null {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < RULES.minSecretLength) {
      continue;
    }
    needles.add(secret);
    for (const run of Private.base64Runs(secret)) {
      needles.add(run);
    }
  }
  if (!needles.size) {
    return null;
  }
  // Longer needles first: a secret that holds another is redacted whole.
  const alternatives = [...needles]
    .sort((a, b) => b.length - a.length)
    .map(needle => [...needle].map(Private.charPattern).join(''));
  return new RegExp(alternatives.join('|'), 'g');
}

namespace Private {
  const SPECIAL = /[.*+?^${}()|[\]\\/-]/g;

  function literal(char: string): string {
    return char.replace(SPECIAL, '\\$&');
  }

  function hex(code: number): string {
    return code
      .toString(16)
      .padStart(2, '0')
      .replace(/[a-f]/g, d => `[${d}${d.toUpperCase()}]`);
  }

  /** The alternatives one character of a secret is searched as. */
  export function charPattern(char: string): string {
    const code = char.charCodeAt(0);
    const forms = [literal(char)];
    if (code < 0x80) {
      for (const form of RULES.forms) {
        forms.push(form.replace('{hex}', hex(code)));
      }
      if (RULES.jsonEscaped.includes(char)) {
        forms.push(RULES.backslash + literal(char));
      }
    }
    return `(?:${forms.join('|')})`;
  }

  /**
   * The base64 runs that stand for `secret` wherever it starts in an encoded
   * text (three alignments, standard and URL-safe alphabets): only the
   * characters that depend on the secret's bytes alone. Credentials are
   * ASCII (the field table's check), so a character is a byte.
   */
  export function base64Runs(secret: string): string[] {
    // eslint-disable-next-line no-control-regex
    if (!/^[\x00-\x7f]*$/.test(secret) || typeof btoa !== 'function') {
      return [];
    }
    const runs = new Set<string>();
    for (let offset = 0; offset < 3; offset++) {
      const bytes = offset + secret.length;
      const encoded = btoa('\0'.repeat(offset) + secret);
      const run = encoded.slice(
        Math.ceil((offset * 8) / 6),
        Math.floor((bytes * 8) / 6)
      );
      if (run.length >= RULES.minBase64Length) {
        runs.add(run);
        runs.add(run.replace(/\+/g, '-').replace(/\//g, '_'));
      }
    }
    return [...runs];
  }
}
