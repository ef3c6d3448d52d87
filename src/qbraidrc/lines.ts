import { ConfigError } from '../rules/errors';

/*
 * configparser's reading of a file's lines, which QbraidrcFile edits.
 */

/** configparser's section whose keys every other section inherits. */
export const DEFAULTSECT = 'DEFAULT';

/** One physical line of the file, with what configparser makes of it. */
export interface ILine {
  /** The text without its line ending. */
  text: string;
  /** `\n`, `\r\n`, `\r`, or `''` for a last line without one. */
  eol: string;
  kind: 'section' | 'option' | 'continuation' | 'comment' | 'blank';
}

/** An option and the lines it spans (its own line and its continuation lines). */
export interface IOption {
  /** The key as configparser stores it (lower case). */
  key: string;
  section: string;
  /** Index of the option line. */
  start: number;
  /** Index of the last non-blank continuation line (or `start`). */
  end: number;
}

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
  const indent = text.slice(0, text.length - text.replace(LEADING, '').length);
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

/** Classify every line as configparser's `_read` does, recording options. */
export function analyse(lines: ILine[]): IOption[] {
  const state: IReadState = {
    options: [],
    seen: new Set(),
    sections: new Set(),
    section: null,
    current: null,
    indentLevel: 0,
    firstError: null
  };
  lines.forEach((line, index) => classify(state, line, index));
  if (state.firstError) {
    const { message, line } = state.firstError;
    fail(message, line);
  }
  return state.options;
}

/** What `analyse` knows after the lines read so far. */
interface IReadState {
  options: IOption[];
  /** Section and key of every option: one lookup per line keeps parsing linear. */
  seen: Set<string>;
  sections: Set<string>;
  section: string | null;
  current: IOption | null;
  indentLevel: number;
  firstError: { message: string; line: number } | null;
}

/** Classify one line (configparser's `_read` loop body). */
function classify(state: IReadState, line: ILine, index: number): void {
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
  if (state.section !== null && state.current && indent > state.indentLevel) {
    line.kind = 'continuation';
    state.current.end = index;
    return;
  }
  state.indentLevel = indent;
  const header = SECTION.exec(stripped);
  if (header) {
    const name = header[1];
    if (name !== DEFAULTSECT && state.sections.has(name)) {
      fail(`section [${name}] appears twice.`, number);
    }
    if (name !== DEFAULTSECT) {
      state.sections.add(name);
    }
    state.section = name;
    state.current = null;
    line.kind = 'section';
    return;
  }
  classifyOption(state, line, stripped, index);
}

/** An option line, or the first line that is none (reported at the end). */
function classifyOption(
  state: IReadState,
  line: ILine,
  stripped: string,
  index: number
): void {
  const number = index + 1;
  const section = state.section;
  if (section === null) {
    fail('a key before any [section] header.', number);
  }
  const match = OPTION.exec(stripped);
  if (!match || !match[1]) {
    state.firstError ??= {
      message:
        'a line that is neither a key = value, a [section] nor a comment.',
      line: number
    };
    state.current = null;
    line.kind = 'comment';
    return;
  }
  const key = pyStrip(match[1]).toLowerCase();
  if (state.seen.has(`${section}\u0000${key}`)) {
    fail(`key "${key}" appears twice in [${section}].`, number);
  }
  state.seen.add(`${section}\u0000${key}`);
  state.current = { key, section, start: index, end: index };
  state.options.push(state.current);
  line.kind = 'option';
}
