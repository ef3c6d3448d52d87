import { ConfigError } from '../rules/errors';
import { CREDENTIAL_FIELDS } from '../rules/fields';

/**
 * The section the qBraid SDK reads and writes.
 */
export const QBRAIDRC_SECTION = 'default';

/**
 * The largest qbraidrc read or written, in UTF-8 bytes (the server half's cap
 * too). A real one is a few hundred bytes; a huge one is a mistake or an attack.
 */
export const MAX_QBRAIDRC_BYTES = 64 * 1024;

/**
 * configparser's section whose keys every other section inherits.
 */
const DEFAULTSECT = 'DEFAULT';

/**
 * One physical line of the file, with what configparser makes of it.
 */
interface ILine {
  /** The text without its line ending. */
  text: string;
  /** `\n`, `\r\n`, `\r`, or `''` for a last line without one. */
  eol: string;
  kind: 'section' | 'option' | 'continuation' | 'comment' | 'blank';
}

/**
 * An option and the lines it spans (its own line and its continuation lines).
 */
interface IOption {
  /** The key as configparser stores it (lower case). */
  key: string;
  section: string;
  /** Index of the option line. */
  start: number;
  /** Index of the last non-blank continuation line (or `start`). */
  end: number;
}

/**
 * A qbraidrc (INI) file, edited without loss: every line the editor does not
 * own - other keys, sections, comments, blank lines, line endings, a missing
 * final newline - is written back byte for byte.
 *
 * Parsing follows Python's `configparser.ConfigParser()` defaults, the parser
 * qbraid-core uses: `=` and `:` separators, `#`/`;` full-line comments,
 * continuation lines, case-insensitive keys, strict mode (a duplicate section
 * or key is an error), no key outside a section, and `%` interpolation.
 * A file configparser would refuse raises `ConfigError` with its line number,
 * so such a file is never rewritten.
 *
 * No npm INI library keeps comments and layout while following configparser's
 * rules (continuations, strictness, interpolation), hence this small parser.
 */
export class QbraidrcFile {
  /**
   * Parse `text`; throws `ConfigError` (with `line`) for what configparser rejects.
   */
  static parse(text: string): QbraidrcFile {
    const bytes = Private.utf8Length(text);
    if (bytes > MAX_QBRAIDRC_BYTES) {
      throw new ConfigError(
        `qbraidrc is ${Math.ceil(bytes / 1024)} KB, larger than the ${MAX_QBRAIDRC_BYTES / 1024} KB a qbraidrc may be; ` +
          'it was neither read nor written. Remove what does not belong in it (the SDK needs a few lines).',
        { code: 'qbraidrc_too_large' }
      );
    }
    if (text.startsWith('\ufeff')) {
      Private.fail(
        'the file starts with a byte-order mark (an invisible U+FEFF some Windows editors add), which ' +
          "Python's configparser and qbraid-core refuse. Save the file as UTF-8 without BOM, or run " +
          "sed -i '1s/^\\xEF\\xBB\\xBF//' ~/.qbraid/qbraidrc",
        1
      );
    }
    return new QbraidrcFile(Private.split(text));
  }

  private constructor(lines: ILine[]) {
    this._lines = lines;
    this._options = Private.analyse(lines);
  }

  /**
   * The value of `key` in `section` as configparser's `get` returns it
   * (continuations joined, `%%` unescaped, `%(name)s` interpolated), falling
   * back to `[DEFAULT]`; `null` when absent. A value other than a secret's
   * own that would take in a secret through `%(name)s` is refused
   * (`ConfigError`): a URL or an email is shown and sent, a key never.
   */
  get(key: string, section = QBRAIDRC_SECTION): string | null {
    const name = key.toLowerCase();
    const raw = this._raw(name, section);
    if (raw === null) {
      return null;
    }
    const guarded = Private.SECRET_KEYS.has(name) ? null : key;
    return this._interpolate(raw, section, key, 0, guarded);
  }

  /**
   * The keys of `section` in file order (configparser's lower-case names).
   */
  keys(section = QBRAIDRC_SECTION): string[] {
    return this._options.filter(o => o.section === section).map(o => o.key);
  }

  /**
   * Set (or with `null` remove) keys of `section`, touching no other line.
   * Returns whether the text changed. Throws `ConfigError` for a value
   * configparser could not read back as given.
   */
  update(
    values: Record<string, string | null | undefined>,
    section = QBRAIDRC_SECTION
  ): boolean {
    const before = this.toString();
    const finalNewline =
      !this._lines.length || this._lines[this._lines.length - 1].eol !== '';
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) {
        continue;
      }
      if (value === null) {
        this._remove(key.toLowerCase(), section);
      } else if (this.get(key, section) !== value) {
        this._set(key.toLowerCase(), Private.escape(key, value), section);
      }
    }
    this._keepFinalNewline(finalNewline);
    return this.toString() !== before;
  }

  /**
   * The file's text.
   */
  toString(): string {
    return this._lines.map(line => line.text + line.eol).join('');
  }

  private _raw(key: string, section: string): string | null {
    const find = (name: string) =>
      this._options.find(o => o.key === key && o.section === name);
    const option = find(section) ?? find(DEFAULTSECT);
    if (!option) {
      return null;
    }
    const parts = [Private.optionValue(this._lines[option.start].text)];
    for (let i = option.start + 1; i <= option.end; i++) {
      const line = this._lines[i];
      if (line.kind === 'continuation') {
        parts.push(Private.pyStrip(line.text));
      } else if (line.kind === 'blank') {
        parts.push('');
      }
    }
    return parts.join('\n').replace(Private.TRAILING_SPACE, '');
  }

  /**
   * `value` interpolated; `guarded` names the value read when it is not a
   * secret's own, which may take in no secret, however indirectly.
   */
  private _interpolate(
    value: string,
    section: string,
    key: string,
    depth: number,
    guarded: string | null
  ): string {
    if (depth > Private.MAX_INTERPOLATION_DEPTH) {
      throw new ConfigError(
        `qbraidrc: the value of "${key}" refers to itself (interpolation too deep).`,
        { code: 'qbraidrc_interpolation' }
      );
    }
    let result = '';
    let rest = value;
    while (rest) {
      const at = rest.indexOf('%');
      if (at < 0) {
        return result + rest;
      }
      result += rest.slice(0, at);
      rest = rest.slice(at);
      if (rest.startsWith('%%')) {
        result += '%';
        rest = rest.slice(2);
        continue;
      }
      const reference = /^%\(([^)]+)\)s/.exec(rest);
      if (!reference) {
        throw new ConfigError(
          `qbraidrc: the value of "${key}" has a "%" that is not "%%" or "%(name)s"; configparser cannot read it.`,
          { code: 'qbraidrc_interpolation' }
        );
      }
      const name = reference[1].toLowerCase();
      if (guarded !== null && Private.SECRET_KEYS.has(name)) {
        throw new ConfigError(
          `qbraidrc: the value of "${guarded}" takes in the ${name} through %(name)s; a credential is never copied into another value. Write the value itself.`,
          { code: 'qbraidrc_interpolation' }
        );
      }
      const raw = this._raw(name, section);
      if (raw === null) {
        throw new ConfigError(
          `qbraidrc: the value of "${key}" refers to "${name}", which is not set.`,
          { code: 'qbraidrc_interpolation' }
        );
      }
      result += this._interpolate(raw, section, name, depth + 1, guarded);
      rest = rest.slice(reference[0].length);
    }
    return result;
  }

  private _set(key: string, escaped: string, section: string): void {
    const existing = this._options.find(
      o => o.key === key && o.section === section
    );
    const eol = Private.dominantEol(this._lines);
    if (existing) {
      const line = this._lines[existing.start];
      line.text = Private.optionPrefix(line.text) + escaped;
      this._dropContinuations(existing);
    } else {
      const options = this._options.filter(o => o.section === section);
      let at: number;
      let indent = '';
      if (options.length) {
        const last = options[options.length - 1];
        at = last.end + 1;
        indent = /^\s*/.exec(this._lines[last.start].text)![0];
      } else {
        const header = this._lines.findIndex(
          l => l.kind === 'section' && Private.sectionName(l.text) === section
        );
        if (header < 0) {
          this._appendSection(section, eol);
          at = this._lines.length;
        } else {
          at = header + 1;
        }
      }
      this._lines.splice(at, 0, {
        text: `${indent}${key} = ${escaped}`,
        eol,
        kind: 'option'
      });
    }
    this._options = Private.analyse(this._lines);
  }

  private _appendSection(section: string, eol: string): void {
    const last = this._lines[this._lines.length - 1];
    if (last && last.kind !== 'blank') {
      last.eol ||= eol;
      this._lines.push({ text: '', eol, kind: 'blank' });
    }
    this._lines.push({ text: `[${section}]`, eol, kind: 'section' });
  }

  /**
   * Remove `key` from `section`, and a credential also from `[DEFAULT]`,
   * whose keys every section inherits: configparser would read it there
   * still.
   */
  private _remove(key: string, section: string): void {
    const sections = Private.CREDENTIAL_KEYS.has(key)
      ? new Set([section, DEFAULTSECT])
      : [section];
    for (const name of sections) {
      const option = this._options.find(
        o => o.key === key && o.section === name
      );
      if (option) {
        this._dropContinuations(option);
        this._lines.splice(option.start, 1);
        this._options = Private.analyse(this._lines);
      }
    }
  }

  /**
   * Remove the continuation lines of an option; comments and blank lines
   * between them are not the option's and stay.
   */
  private _dropContinuations(option: IOption): void {
    for (let i = option.end; i > option.start; i--) {
      if (this._lines[i].kind === 'continuation') {
        this._lines.splice(i, 1);
      }
    }
  }

  /**
   * Give every line an ending, except the last one when the file had none.
   */
  private _keepFinalNewline(finalNewline: boolean): void {
    const eol = Private.dominantEol(this._lines);
    this._lines.forEach((line, index) => {
      const last = index === this._lines.length - 1;
      if (last && !finalNewline) {
        line.eol = '';
      } else if (!line.eol) {
        line.eol = eol;
      }
    });
  }

  private _lines: ILine[];
  private _options: IOption[];
}

namespace Private {
  export const MAX_INTERPOLATION_DEPTH = 10;

  /** The qbraidrc keys of the credentials (the email included). */
  export const CREDENTIAL_KEYS = new Set<string>(
    CREDENTIAL_FIELDS.map(field => field.configKey)
  );

  /** The qbraidrc keys whose values are secrets. */
  export const SECRET_KEYS = new Set<string>(
    CREDENTIAL_FIELDS.filter(field => field.secret).map(
      field => field.configKey
    )
  );

  /**
   * Python's `str.isspace()` characters (JavaScript's `\s` also counts the BOM,
   * which Python does not strip).
   */
  const SPACE =
    '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
  const LEADING = new RegExp(`^[${SPACE}]+`);
  const TRAILING = new RegExp(`[${SPACE}]+$`);
  export const TRAILING_SPACE = TRAILING;
  const NON_SPACE = new RegExp(`[^${SPACE}]`);
  /** configparser's OPTCRE: the first `=` or `:` separates key and value. */
  const OPTION = new RegExp(`^(.*?)[${SPACE}]*(=|:)[${SPACE}]*(.*)$`, 's');
  /** configparser's SECTCRE (matched at the start, greedy). */
  const SECTION = /^\[(.+)\]/s;

  export function pyStrip(text: string): string {
    return text.replace(LEADING, '').replace(TRAILING, '');
  }

  export function sectionName(text: string): string | null {
    const match = SECTION.exec(pyStrip(text));
    return match ? match[1] : null;
  }

  /** The value part of an option line (stripped, before joining continuations). */
  export function optionValue(text: string): string {
    return pyStrip(OPTION.exec(pyStrip(text))![3]);
  }

  /** An option line up to where its value starts (indent, key, separator, spaces). */
  export function optionPrefix(text: string): string {
    const stripped = pyStrip(text);
    const indent = text.slice(
      0,
      text.length - text.replace(LEADING, '').length
    );
    const match = OPTION.exec(stripped)!;
    const value = match[3];
    let prefix = indent + stripped.slice(0, stripped.length - value.length);
    if (!value && !/[ \t]$/.test(prefix)) {
      prefix += ' ';
    }
    return prefix;
  }

  // eslint-disable-next-line no-control-regex
  const UNWRITABLE = /[\u0000-\u001f\u007f\u2028\u2029\x85]/;

  /** The `%` escaping configparser's BasicInterpolation reads back. */
  export function escape(key: string, value: string): string {
    // Line breaks would start a continuation or a new key; surrounding white
    // space would be stripped by configparser: neither reads back as given.
    if (UNWRITABLE.test(value) || pyStrip(value) !== value) {
      throw new ConfigError(
        `qbraidrc: the value for "${key}" has a line break, a control character or surrounding spaces; it cannot be written.`,
        { code: 'qbraidrc_value' }
      );
    }
    return value.replace(/%/g, '%%');
  }

  export function split(text: string): ILine[] {
    const lines: ILine[] = [];
    const pattern = /([^\r\n]*)(\r\n|\n|\r|$)/g;
    let match: RegExpExecArray | null;
    while ((match = pattern.exec(text)) !== null) {
      if (match[0] === '' && match.index >= text.length) {
        break;
      }
      lines.push({ text: match[1], eol: match[2], kind: 'blank' });
      if (match[2] === '') {
        break;
      }
    }
    return lines;
  }

  export function dominantEol(lines: ILine[]): string {
    const counts = new Map<string, number>();
    for (const line of lines) {
      if (line.eol) {
        counts.set(line.eol, (counts.get(line.eol) ?? 0) + 1);
      }
    }
    let best = '\n';
    let most = 0;
    for (const [eol, count] of counts) {
      if (count > most) {
        best = eol;
        most = count;
      }
    }
    return best;
  }

  export function fail(message: string, line: number): never {
    const error = new ConfigError(`qbraidrc line ${line}: ${message}`, {
      code: 'qbraidrc_syntax'
    });
    (error as ConfigError & { line: number }).line = line;
    throw error;
  }

  /** The UTF-8 length of `text`, in bytes. */
  export function utf8Length(text: string): number {
    let bytes = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code < 0x80) {
        bytes += 1;
      } else if (code < 0x800) {
        bytes += 2;
      } else if (code >= 0xd800 && code <= 0xdbff) {
        // A surrogate pair: one 4-byte character.
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /**
   * Classify every line as configparser's `_read` does, recording options.
   */
  export function analyse(lines: ILine[]): IOption[] {
    const options: IOption[] = [];
    // Section and key of every option: one lookup per line keeps parsing linear.
    const seen = new Set<string>();
    const sections = new Set<string>();
    let section: string | null = null;
    let current: IOption | null = null;
    let indentLevel = 0;
    let firstError: { message: string; line: number } | null = null;
    lines.forEach((line, index) => {
      const number = index + 1;
      const stripped = pyStrip(line.text);
      const comment = stripped.startsWith('#') || stripped.startsWith(';');
      if (comment || !stripped) {
        // A blank line may belong to a value (empty_lines_in_values); it only
        // counts when a later continuation follows, which `end` records.
        line.kind = comment ? 'comment' : 'blank';
        return;
      }
      const indent = NON_SPACE.exec(line.text)?.index ?? 0;
      if (section !== null && current && indent > indentLevel) {
        line.kind = 'continuation';
        current.end = index;
        return;
      }
      indentLevel = indent;
      const header = SECTION.exec(stripped);
      if (header) {
        const name = header[1];
        if (name !== DEFAULTSECT && sections.has(name)) {
          fail(`section [${name}] appears twice.`, number);
        }
        if (name !== DEFAULTSECT) {
          sections.add(name);
        }
        section = name;
        current = null;
        line.kind = 'section';
        return;
      }
      if (section === null) {
        fail('a key before any [section] header.', number);
      }
      const match = OPTION.exec(stripped);
      if (!match || !match[1]) {
        firstError ??= {
          message:
            'a line that is neither a key = value, a [section] nor a comment.',
          line: number
        };
        current = null;
        line.kind = 'comment';
        return;
      }
      const key = pyStrip(match[1]).toLowerCase();
      if (seen.has(`${section}\u0000${key}`)) {
        fail(`key "${key}" appears twice in [${section}].`, number);
      }
      seen.add(`${section}\u0000${key}`);
      current = { key, section, start: index, end: index };
      options.push(current);
      line.kind = 'option';
    });
    if (firstError) {
      const { message, line } = firstError;
      fail(message, line);
    }
    return options;
  }
}
