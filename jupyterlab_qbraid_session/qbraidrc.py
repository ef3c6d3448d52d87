"""The qbraidrc file the Python SDK reads, read and written whatever the server's root.

Writes are conditional (an ETag of the bytes read), checked by ``configparser`` first,
atomic (a temp file in the same folder, fsync, rename) and keep the file's mode; a
symlinked file is written through to its target.
"""

from __future__ import annotations

import configparser
import hashlib
import os
import tempfile
import threading
from pathlib import Path
from typing import Optional

#: The largest qbraidrc accepted; a real one is a few hundred bytes.
MAX_BYTES = 64 * 1024


class QbraidrcError(Exception):
    """A refused read or write, with the HTTP status to answer."""

    def __init__(self, status: int, message: str, code: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def config_path() -> Path:
    """Where the SDK reads its config: ``QBRAID_CONFIG_FILE``, else ``~/.qbraid/qbraidrc``."""
    override = os.environ.get("QBRAID_CONFIG_FILE")
    return Path(override).expanduser() if override else Path.home() / ".qbraid" / "qbraidrc"


def display_path(path: Path) -> str:
    """``path`` with the home directory shortened to ``~``."""
    home = str(Path.home())
    text = str(path)
    return "~" + text[len(home) :] if text == home or text.startswith(home + os.sep) else text


def etag_of(data: bytes) -> str:
    return '"' + hashlib.sha256(data).hexdigest() + '"'


def validate(text: str) -> None:
    """Refuse what Python's configparser (and so qbraid-core) could not read; name the line, never its text."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise QbraidrcError(413, f"qbraidrc is larger than {MAX_BYTES // 1024} KB; nothing was written.", "too_large")
    if text.startswith("\ufeff"):
        raise QbraidrcError(
            400, "line 1: the file starts with a byte-order mark, which configparser refuses.", "invalid_qbraidrc"
        )
    parser = configparser.ConfigParser()
    try:
        parser.read_string(text, source="qbraidrc")
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
                    400,
                    f"the value of '{option}' in [{section}] has a '%' that configparser cannot read "
                    "(write it as '%%'); nothing was written.",
                    "invalid_qbraidrc",
                ) from None


def _invalid(lineno: Optional[int], what: str) -> QbraidrcError:
    where = f"line {lineno}: " if lineno else ""
    return QbraidrcError(400, f"{where}{what}; Python configparser would refuse the file, so nothing was written.", "invalid_qbraidrc")


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
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return None, None
        except IsADirectoryError:
            raise QbraidrcError(409, f"{display_path(self.path)} is a folder, not a file.", "not_a_file") from None
        except PermissionError:
            raise QbraidrcError(
                403, f"Permission denied reading {display_path(self.path)}: check its owner and mode.", "permission"
            ) from None
        if len(data) > MAX_BYTES:
            raise QbraidrcError(413, f"{display_path(self.path)} is larger than {MAX_BYTES // 1024} KB.", "too_large")
        try:
            return data.decode("utf-8"), etag_of(data)
        except UnicodeDecodeError:
            raise QbraidrcError(
                422, f"{display_path(self.path)} is not UTF-8 text, which qbraid-core reads.", "not_utf8"
            ) from None

    def write(self, text: str, if_match: Optional[str], if_none_match: Optional[str]) -> str:
        """Write ``text`` if the file is still the version the caller read; answer the new ETag."""
        if not if_match and if_none_match != "*":
            raise QbraidrcError(
                428, "A write needs If-Match (the ETag read) or If-None-Match: * (to create).", "precondition_required"
            )
        validate(text)
        data = text.encode("utf-8")
        with self._lock:
            real = Path(os.path.realpath(self.path))
            _, current = self.read()
            if if_none_match == "*" and current is not None:
                raise QbraidrcError(412, "qbraidrc was created meanwhile; nothing was written.", "conflict")
            if if_match and if_match != "*" and if_match != current:
                raise QbraidrcError(412, "qbraidrc changed since it was read; nothing was written.", "conflict")
            if if_match == "*" and current is None:
                raise QbraidrcError(412, "qbraidrc does not exist; nothing was written.", "conflict")
            _atomic_write(real, data)
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
