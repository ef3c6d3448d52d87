import { ConfigError } from '../rules/errors';
import { CREDENTIAL_FIELDS } from '../rules/fields';
import {
  DEFAULTSECT,
  ILine,
  IOption,
  TRAILING_SPACE,
  analyse,
  dominantEol,
  escape,
  fail,
  optionPrefix,
  optionValue,
  pyStrip,
  sectionName,
  split,
  utf8Length
} from './lines';

/** The section the qBraid SDK reads and writes. */
export const QBRAIDRC_SECTION = 'default';

/**
 * The largest qbraidrc read or written, in UTF-8 bytes (the server half's cap
 * too). A real one is a few hundred bytes; a huge one is a mistake or an attack.
 */
export const MAX_QBRAIDRC_BYTES = 64 * 1024;

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
  /** Parse `text`; throws `ConfigError` (with `line`) for what configparser rejects. */
  static parse(text: string): QbraidrcFile {
    const bytes = utf8Length(text);
    if (bytes > MAX_QBRAIDRC_BYTES) {
      throw new ConfigError(
        `qbraidrc is ${Math.ceil(bytes / 1024)} KB, larger than the ${MAX_QBRAIDRC_BYTES / 1024} KB a qbraidrc may be; ` +
          'it was neither read nor written. Remove what does not belong in it (the SDK needs a few lines).',
        { code: 'qbraidrc_too_large' }
      );
    }
    if (text.startsWith('\ufeff')) {
      fail(
        'the file starts with a byte-order mark (an invisible U+FEFF some Windows editors add), which ' +
          "Python's configparser and qbraid-core refuse. Save the file as UTF-8 without BOM, or run " +
          "sed -i '1s/^\\xEF\\xBB\\xBF//' ~/.qbraid/qbraidrc",
        1
      );
    }
    return new QbraidrcFile(split(text));
  }

  private constructor(lines: ILine[]) {
    this._lines = lines;
    this._options = analyse(lines);
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

  /** The keys of `section` in file order (configparser's lower-case names). */
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
        this._set(key.toLowerCase(), escape(key, value), section);
      }
    }
    this._keepFinalNewline(finalNewline);
    return this.toString() !== before;
  }

  /** The file's text. */
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
    const parts = [optionValue(this._lines[option.start].text)];
    for (let i = option.start + 1; i <= option.end; i++) {
      const line = this._lines[i];
      if (line.kind === 'continuation') {
        parts.push(pyStrip(line.text));
      } else if (line.kind === 'blank') {
        parts.push('');
      }
    }
    return parts.join('\n').replace(TRAILING_SPACE, '');
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
    const eol = dominantEol(this._lines);
    if (existing) {
      const line = this._lines[existing.start];
      line.text = optionPrefix(line.text) + escaped;
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
          l => l.kind === 'section' && sectionName(l.text) === section
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
    this._options = analyse(this._lines);
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
   * Remove `key` from `section` and from `[DEFAULT]`, whose keys every
   * section inherits: configparser would read it there still.
   */
  private _remove(key: string, section: string): void {
    for (const name of new Set([section, DEFAULTSECT])) {
      const option = this._options.find(
        o => o.key === key && o.section === name
      );
      if (option) {
        this._dropContinuations(option);
        this._lines.splice(option.start, 1);
        this._options = analyse(this._lines);
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

  /** Give every line an ending, except the last one when the file had none. */
  private _keepFinalNewline(finalNewline: boolean): void {
    const eol = dominantEol(this._lines);
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

  /** The qbraidrc keys whose values are secrets. */
  export const SECRET_KEYS = new Set<string>(
    CREDENTIAL_FIELDS.filter(field => field.secret).map(
      field => field.configKey
    )
  );
}
