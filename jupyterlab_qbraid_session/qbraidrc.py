"""The qbraidrc file the Python SDK reads, read and written whatever the server's root.

Writes are conditional (an ETag of the bytes read), checked by ``configparser`` first,
reading the text exactly as qbraid-core reads the file, atomic (a temp file in the same
folder, fsync, rename) and keep the file's mode; a symlinked file is written through to
its target. Only a regular file is opened, and never more of it than the cap: a FIFO, a
device or a huge file at the path is refused, not waited on or read whole.
"""

from __future__ import annotations

import configparser
import errno
import functools
import hashlib
import io
import os
import re
import stat
import tempfile
import threading
from pathlib import Path
from typing import Callable, Optional

from .blocking import commit_point
from .errors import QbraidHTTPError

#: The largest qbraidrc accepted; a real one is a few hundred bytes.
MAX_BYTES = 64 * 1024


class QbraidrcError(QbraidHTTPError):
    """A refused or failed read or write of qbraidrc."""


def config_path() -> Path:
    """Where the SDK reads its config: ``QBRAID_CONFIG_FILE``, else ``~/.qbraid/qbraidrc``."""
    return _config_path(os.environ.get("QBRAID_CONFIG_FILE"), os.environ.get("HOME"))


@functools.lru_cache(maxsize=8)
def _config_path(override: Optional[str], _home: Optional[str]) -> Path:
    # Keyed on the environment it reads: every proxied request with held credentials asks.
    return Path(override).expanduser() if override else Path.home() / ".qbraid" / "qbraidrc"


def display_path(path: Path) -> str:
    """``path`` with the home directory shortened to ``~``."""
    home = str(Path.home())
    text = str(path)
    return "~" + text[len(home) :] if text == home or text.startswith(home + os.sep) else text


def etag_of(data: bytes) -> str:
    return '"' + hashlib.sha256(data).hexdigest() + '"'


def encode(text: str) -> bytes:
    """``text`` as the UTF-8 bytes to write; a lone surrogate (JSON allows one) is refused."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as err:
        line = text.count("\n", 0, err.start) + 1
        raise QbraidrcError(
            "qbraidrc_invalid",
            f"line {line}: the text holds a lone surrogate (U+{ord(text[err.start]):04X}), "
            "which is not UTF-8; nothing was written.",
        ) from None


def validate(data: bytes, controls: bool = True) -> None:
    """Refuse what qbraid-core could not read, and (with ``controls``) control characters;
    name the line, never its text.

    The bytes are read as qbraid-core reads the file (``ConfigParser.read(path,
    encoding="utf-8")``: universal newlines, so a lone carriage return ends a line too)."""
    if len(data) > MAX_BYTES:
        raise QbraidrcError(
            "qbraidrc_too_large", f"qbraidrc is larger than {MAX_BYTES // 1024} KB; nothing was written."
        )
    if data.startswith(b"\xef\xbb\xbf"):
        raise QbraidrcError(
            "qbraidrc_invalid", "line 1: the file starts with a byte-order mark, which configparser refuses."
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = ""  # configparser's reading below names it
    control = _CONTROL.search(text) if controls else None
    if control:
        line = len(re.findall(r"\r\n|\r|\n", text[: control.start()])) + 1
        raise _invalid(
            line,
            f"a control character (U+{ord(control.group()):04X}): some readers end a line there and "
            "configparser does not; remove it",
        )
    parser = configparser.ConfigParser()
    try:
        parser.read_file(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline=None), source="qbraidrc")
    except UnicodeDecodeError:
        raise QbraidrcError("qbraidrc_not_utf8", "the text is not UTF-8; nothing was written.") from None
    except configparser.MissingSectionHeaderError as err:
        raise _invalid(err.lineno, "a key before any [section]") from None
    except configparser.DuplicateSectionError as err:
        raise _invalid(err.lineno, f"the section [{err.section}] appears twice") from None
    except configparser.DuplicateOptionError as err:
        raise _invalid(err.lineno, f"the key '{err.option}' appears twice in [{err.section}]") from None
    except configparser.ParsingError as err:
        lineno = err.errors[0][0] if err.errors else None
        raise _invalid(lineno, "a line that is not 'key = value'") from None
    except configparser.Error:
        raise _invalid(None, "configparser cannot read it") from None
    for section in parser.sections():
        for option in parser.options(section):
            try:
                parser.get(section, option)
            except configparser.InterpolationError:
                raise QbraidrcError(
                    "qbraidrc_invalid",
                    f"the value of '{option}' in [{section}] has a '%' that configparser cannot read "
                    "(write it as '%%'); nothing was written.",
                ) from None


#: Characters refused in qbraidrc: C0 and C1 controls but tab and the line endings, and the
#: Unicode line and paragraph separators.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def _invalid(lineno: Optional[int], what: str) -> QbraidrcError:
    where = f"line {lineno}: " if lineno else ""
    return QbraidrcError(
        "qbraidrc_invalid", f"{where}{what}; Python configparser would refuse the file, so nothing was written."
    )


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def os_failure(err: OSError, action: str, path: Path) -> QbraidrcError:
    """A named error for a failed file operation; the message holds the path, never the text."""
    shown = display_path(path)
    nothing = " Nothing was written." if action == "write" else ""
    if err.errno in (errno.EACCES, errno.EPERM):
        return QbraidrcError(
            "qbraidrc_permission", f"Permission denied to {action} {shown}: check its owner and mode.{nothing}"
        )
    if err.errno == errno.EROFS:
        return QbraidrcError("qbraidrc_permission", f"{shown} is on a read-only file system.{nothing}")
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        return QbraidrcError("qbraidrc_disk_full", f"The disk holding {shown} is full (or over quota).{nothing}")
    if err.errno == errno.ELOOP:
        return QbraidrcError("qbraidrc_not_a_file", f"{shown} is a loop of symbolic links; fix or remove the link.")
    if err.errno in (errno.ENOTDIR, errno.EISDIR, errno.EEXIST):
        return QbraidrcError(
            "qbraidrc_not_a_file", f"{shown} cannot be a file here: a part of its path is not a folder.{nothing}"
        )
    reason = err.strerror or type(err).__name__
    return QbraidrcError("qbraidrc_io", f"Could not {action} {shown}: {reason}.{nothing}")


def read_capped(path: Path) -> Optional[bytes]:
    """The bytes of the regular file at ``path`` (at most the cap), or ``None`` when there is none."""
    shown = display_path(path)
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise QbraidrcError("qbraidrc_not_a_file", f"{shown} is {_kind(mode)}, not a file; move it away.")
        # O_NONBLOCK: should a FIFO take the file's place after the check, opening it does not wait.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as err:
        raise os_failure(err, "read", path) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise QbraidrcError("qbraidrc_not_a_file", f"{shown} is {_kind(info.st_mode)}, not a file; move it away.")
        if info.st_size > MAX_BYTES:
            raise QbraidrcError("qbraidrc_too_large", f"{shown} is larger than {MAX_BYTES // 1024} KB.")
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_BYTES:
            chunk = os.read(fd, MAX_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_BYTES:
            raise QbraidrcError("qbraidrc_too_large", f"{shown} is larger than {MAX_BYTES // 1024} KB.")
        return b"".join(chunks)
    except OSError as err:
        raise os_failure(err, "read", path) from None
    finally:
        os.close(fd)


class QbraidrcFile:
    """One qbraidrc, with conditional reads and atomic writes (one writer at a time)."""

    def __init__(self, path: Optional[Path] = None) -> None:
        self._path = path
        self._lock = threading.Lock()

    @property
    def path(self) -> Path:
        return self._path or config_path()

    def read(self) -> tuple[Optional[str], Optional[str]]:
        """``(text, etag)``, or ``(None, None)`` when there is no file."""
        data = read_capped(self.path)
        if data is None:
            return None, None
        try:
            return data.decode("utf-8"), etag_of(data)
        except UnicodeDecodeError:
            raise QbraidrcError(
                "qbraidrc_not_utf8", f"{display_path(self.path)} is not UTF-8 text, which qbraid-core reads."
            ) from None

    def write(self, text: str, if_match: Optional[str], if_none_match: Optional[str]) -> str:
        """Write ``text`` if the file is still the version the caller read; answer the new ETag."""
        if not if_match and if_none_match != "*":
            raise QbraidrcError(
                "qbraidrc_precondition_required",
                "A write needs If-Match (the ETag read) or If-None-Match: * (to create).",
            )
        data = encode(text)
        validate(data)
        with self._lock:
            real = Path(os.path.realpath(self.path))
            data_now = read_capped(self.path)
            current = None if data_now is None else etag_of(data_now)
            if if_none_match == "*" and current is not None:
                raise QbraidrcError("qbraidrc_conflict", "qbraidrc was created meanwhile; nothing was written.")
            if if_match and if_match != "*" and if_match != current:
                raise QbraidrcError("qbraidrc_conflict", "qbraidrc changed since it was read; nothing was written.")
            if if_match == "*" and current is None:
                raise QbraidrcError("qbraidrc_conflict", "qbraidrc does not exist; nothing was written.")
            try:
                _atomic_write(real, data)
            except OSError as err:
                raise os_failure(err, "write", self.path) from None
            return etag_of(data)

    def edit(self, change: Callable[[Optional[str]], str]) -> Optional[str]:
        """Write ``change(text)`` (``None`` when there is no file) over the text read, with no
        other writer of this server in between; answer the ETag (``None``: still no file).
        Nothing is written when the text does not change."""
        with self._lock:
            text, etag = self.read()
            new = change(text)
            if new == text or (text is None and not new):
                return etag
            data = encode(new)
            # The edit's own values are checked; a control character already in the user's
            # file is theirs to keep (configparser reads it), and must not stop a sign-out.
            validate(data, controls=False)
            try:
                _atomic_write(Path(os.path.realpath(self.path)), data)
            except OSError as err:
                raise os_failure(err, "write", self.path) from None
            return etag_of(data)


def _atomic_write(real: Path, data: bytes) -> None:
    folder = real.parent
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
        os.chmod(folder, 0o700)
    try:
        mode = real.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o600
    fd, temp = tempfile.mkstemp(dir=folder, prefix=".qbraidrc-", suffix=".tmp")
    try:
        # Set before the rename: os.replace keeps the temp file's mode.
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        commit_point()
        os.replace(temp, real)
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
