/**
 * The placeholder that replaces a secret in any text the session produces.
 */
export const REDACTED = '[redacted]';

/**
 * Secrets shorter than this are not searched for: a one- or two-character
 * "key" would blank out ordinary words of a message.
 */
const MIN_SECRET_LENGTH = 3;

/**
 * A base64 run shorter than this is not taken for a secret: short runs are
 * found in ordinary text by chance.
 */
const MIN_BASE64_LENGTH = 8;

/**
 * Replace every occurrence of each secret in `text` with `[redacted]`, in
 * whatever form an API may echo it: as it is; percent-encoded (either case of
 * hex, every character or some, `+` for a space as in a form), JSON-escaped
 * (`\u00XX`, `\/`), up to two layers of these over each other; or in base64
 * (standard or URL-safe, at any alignment). The text is decoded and compared,
 * and what matched is replaced in the text as it was.
 */
export function redact(
  text: string,
  secrets: Iterable<string | null | undefined>
): string {
  const needles = [...new Set(secrets)].filter(
    (secret): secret is string => !!secret && secret.length >= MIN_SECRET_LENGTH
  );
  if (!needles.length || !text) {
    return text;
  }
  const spans: Array<[number, number]> = [];
  // A `+` is a space in a form, but itself in JSON or a path: read it both ways.
  for (const plusIsSpace of [false, true]) {
    let view = Private.identity(text);
    for (let layer = 0; layer < 3; layer++) {
      for (const needle of needles) {
        for (const at of Private.occurrences(view.text, needle)) {
          spans.push([view.start[at], view.end[at + needle.length - 1]]);
        }
      }
      const decoded = Private.decodeOnce(view, plusIsSpace);
      if (decoded.text === view.text) {
        break;
      }
      view = decoded;
    }
  }
  for (const needle of needles) {
    for (const run of Private.base64Runs(needle)) {
      for (const at of Private.occurrences(text, run)) {
        spans.push([at, at + run.length]);
      }
    }
  }
  return Private.replaceSpans(text, spans);
}

namespace Private {
  /**
   * A decoded form of the original text: `start[i]` and `end[i]` are where
   * the character `i` of `text` came from in the original (end exclusive).
   */
  export interface IView {
    text: string;
    start: number[];
    end: number[];
  }

  export function identity(text: string): IView {
    const start = Array.from({ length: text.length }, (_, i) => i);
    return { text, start, end: start.map(i => i + 1) };
  }

  const HEX2 = /^[0-9a-fA-F]{2}$/;
  const HEX4 = /^[0-9a-fA-F]{4}$/;
  const JSON_ESCAPES: Record<string, string> = {
    '/': '/',
    '\\': '\\',
    '"': '"',
    n: '\n',
    r: '\r',
    t: '\t'
  };

  /** One layer of percent-, form- and JSON-decoding. */
  export function decodeOnce(view: IView, plusIsSpace: boolean): IView {
    const source = view.text;
    const out: IView = { text: '', start: [], end: [] };
    const chars: string[] = [];
    const emit = (char: string, from: number, length: number) => {
      chars.push(char);
      out.start.push(view.start[from]);
      out.end.push(view.end[from + length - 1]);
    };
    for (let i = 0; i < source.length;) {
      const char = source[i];
      const hex2 = source.slice(i + 1, i + 3);
      const hex4 = source.slice(i + 2, i + 6);
      if (char === '%' && HEX2.test(hex2)) {
        emit(String.fromCharCode(parseInt(hex2, 16)), i, 3);
        i += 3;
      } else if (char === '+' && plusIsSpace) {
        emit(' ', i, 1);
        i += 1;
      } else if (char === '\\' && source[i + 1] === 'u' && HEX4.test(hex4)) {
        emit(String.fromCharCode(parseInt(hex4, 16)), i, 6);
        i += 6;
      } else if (char === '\\' && source[i + 1] in JSON_ESCAPES) {
        emit(JSON_ESCAPES[source[i + 1]], i, 2);
        i += 2;
      } else {
        emit(char, i, 1);
        i += 1;
      }
    }
    out.text = chars.join('');
    return out;
  }

  /** Where `needle` occurs in `text`, overlapping occurrences included. */
  export function occurrences(text: string, needle: string): number[] {
    const found: number[] = [];
    for (
      let at = text.indexOf(needle);
      at !== -1;
      at = text.indexOf(needle, at + 1)
    ) {
      found.push(at);
    }
    return found;
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
      if (run.length >= MIN_BASE64_LENGTH) {
        runs.add(run);
        runs.add(run.replace(/\+/g, '-').replace(/\//g, '_'));
      }
    }
    return [...runs];
  }

  /** `text` with every span (merged where they overlap) replaced by `[redacted]`. */
  export function replaceSpans(
    text: string,
    spans: Array<[number, number]>
  ): string {
    if (!spans.length) {
      return text;
    }
    spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    const parts: string[] = [];
    let cursor = 0;
    let [from, to] = spans[0];
    for (const [start, end] of spans.slice(1)) {
      if (start <= to) {
        to = Math.max(to, end);
        continue;
      }
      parts.push(text.slice(cursor, from), REDACTED);
      cursor = to;
      [from, to] = [start, end];
    }
    parts.push(text.slice(cursor, from), REDACTED, text.slice(to));
    return parts.join('');
  }
}
