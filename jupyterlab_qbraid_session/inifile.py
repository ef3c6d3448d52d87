"""The qbraidrc's ``[default]`` keys edited without loss, the file read as configparser reads it.

Lines end where configparser's file reading ends them (``\\r\\n``, ``\\r`` or ``\\n``: not at
the other separators ``str.splitlines`` knows, such as ``\\x0c``, ``\\x1c``, ``\\x85`` or
U+2028). Each line is then classified as ``ConfigParser._read`` does (comments, blank lines,
continuation lines by indentation, section headers, options at the first ``=`` or ``:``), in
linear time. ``[DEFAULT]``, whose keys every section inherits, counts as part of
``[default]`` for a key removed. Every edit is read back with configparser: what it does
not read as intended is refused, never written.
"""

from __future__ import annotations

import configparser
from typing import Mapping, NamedTuple, Optional

from .errors import QbraidHTTPError

SECTION = "default"
DEFAULTSECT = "DEFAULT"


class Line(NamedTuple):
    text: str  # without its ending
    ending: str  # "\r\n", "\r", "\n" or "" (the last line, without one)


def split_lines(text: str) -> list[Line]:
    """``text``'s lines as configparser's file reading (universal newlines) splits them."""
    lines: list[Line] = []
    start = 0
    size = len(text)
    while start < size:
        cr = text.find("\r", start)
        lf = text.find("\n", start)
        ends = [at for at in (cr, lf) if at >= 0]
        if not ends:
            lines.append(Line(text[start:], ""))
            break
        at = min(ends)
        ending = "\r\n" if text.startswith("\r\n", at) else text[at]
        lines.append(Line(text[start:at], ending))
        start = at + len(ending)
    return lines


class Option(NamedTuple):
    key: str  # lower case, as configparser stores it
    section: str
    line: int
    #: Where the value starts in the line's text.
    value_at: int
    continuations: tuple[int, ...]


def options_of(lines: list[Line]) -> list[Option]:
    """The options of every section, with their continuation lines, as ``ConfigParser._read``
    finds them (default settings: ``#``/``;`` full-line comments, empty lines in values)."""
    found: list[Option] = []
    section: Optional[str] = None
    current: Optional[list] = None  # [key, section, line, value_at, continuations]
    indent_level = 0
    for number, line in enumerate(lines):
        value = line.text.strip()
        if not value or value.startswith(("#", ";")):
            continue
        indent = len(line.text) - len(line.text.lstrip())
        if section is not None and current is not None and indent > indent_level:
            current[4].append(number)
            continue
        indent_level = indent
        close = value.rfind("]")
        if value.startswith("[") and close > 1:
            section, current = value[1:close], None
            continue
        if section is None:
            continue  # configparser refuses the file; validate() says so before any write
        delimiters = [at for at in (value.find("="), value.find(":")) if at >= 0]
        key = value[: min(delimiters)].rstrip() if delimiters else ""
        if not key:
            continue  # a line that is no option: configparser refuses it too
        after = min(delimiters) + 1
        while after < len(value) and value[after].isspace():
            after += 1
        current = [key.lower(), section, number, indent + after, []]
        found.append(current)  # type: ignore[arg-type]
    return [Option(o[0], o[1], o[2], o[3], tuple(o[4])) for o in found]  # type: ignore[index]


def escape(value: str) -> str:
    """``value`` as configparser's interpolation reads it back."""
    return value.replace("%", "%%")


def edit_default(text: Optional[str], updates: Mapping[str, Optional[str]]) -> str:
    """``text`` with the ``[default]`` keys of ``updates`` set (``None`` removes one, from
    ``[DEFAULT]`` too); every other line, section, comment and the line endings are kept."""
    text = text or ""
    lines = split_lines(text)
    newline = _dominant_ending(lines)
    wanted = {key.lower(): value for key, value in updates.items()}
    drop: set[int] = set()
    replaced: dict[int, str] = {}
    done: set[str] = set()
    options = options_of(lines)
    for option in options:
        if option.key not in wanted or option.section not in (SECTION, DEFAULTSECT):
            continue
        value = wanted[option.key]
        if value is None or option.section == DEFAULTSECT:
            if value is None:
                drop.update((option.line, *option.continuations))
            continue
        body = lines[option.line].text
        prefix = body[: option.value_at]
        if not prefix.endswith((" ", "\t")) and option.value_at >= len(body.rstrip()):
            prefix += " "
        replaced[option.line] = prefix + escape(value)
        drop.update(option.continuations)
        done.add(option.key)
    added = [f"{key} = {escape(value)}" for key, value in wanted.items() if value is not None and key not in done]
    out = [
        Line(replaced.get(number, line.text), line.ending) for number, line in enumerate(lines) if number not in drop
    ]
    if added:
        _insert(out, added, newline, [o for o in options if o.section == SECTION], lines, drop)
    if lines and not lines[-1].ending and out:
        out[-1] = Line(out[-1].text, "")  # the file had no final line ending: neither has it now
    result = "".join(line.text + line.ending for line in out)
    _check(result, wanted)
    return result


def _insert(out: list[Line], added: list[str], newline: str, options, lines, drop) -> None:
    """Add ``added`` after the last key of ``[default]`` and with its indent, or in a new
    ``[default]`` at the end."""
    header = next(
        (n for n, line in enumerate(lines) if n not in drop and _section_name(line.text) == SECTION), None
    )
    if header is None:
        if out and not out[-1].ending:
            out[-1] = Line(out[-1].text, newline)
        if any(line.text.strip() for line in out):
            out.append(Line("", newline))
        out.append(Line(f"[{SECTION}]", newline))
        out.extend(Line(text, newline) for text in added)
        return
    kept = [o for o in options if o.line not in drop]
    last = max((max((o.line, *o.continuations)) for o in kept), default=header)
    key_line = lines[kept[-1].line].text if kept else ""
    indent = key_line[: len(key_line) - len(key_line.lstrip())]
    # The position in `out` after the original line `last`.
    at = sum(1 for n in range(last + 1) if n not in drop)
    if out[at - 1].ending == "":
        out[at - 1] = Line(out[at - 1].text, newline)
    out[at:at] = [Line(indent + text, newline) for text in added]


def _section_name(text: str) -> Optional[str]:
    value = text.strip()
    close = value.rfind("]")
    return value[1:close] if value.startswith("[") and close > 1 else None


def _dominant_ending(lines: list[Line]) -> str:
    counts: dict[str, int] = {}
    for line in lines:
        if line.ending:
            counts[line.ending] = counts.get(line.ending, 0) + 1
    return max(counts, key=lambda ending: counts[ending]) if counts else "\n"


def _check(result: str, wanted: Mapping[str, Optional[str]]) -> None:
    """Read the edit back as configparser (as the SDK) reads it; refuse it unless every key
    reads as intended."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(result.replace("\r\n", "\n").replace("\r", "\n"), source="qbraidrc")
    except configparser.Error:
        return  # the file was not readable before either: validate() refuses the write, naming the line
    for key, value in wanted.items():
        got = parser.get(SECTION, key, fallback=None) if parser.has_section(SECTION) else parser.defaults().get(key)
        if got != (None if value is None else escape(value)):
            raise QbraidHTTPError(
                "qbraidrc_invalid",
                f"qbraidrc is laid out in a way this server cannot edit safely ('{key}' would not read as "
                "intended); nothing was written. Edit the [default] section by hand.",
            )
