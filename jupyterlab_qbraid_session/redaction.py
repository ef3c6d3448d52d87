"""Find the secrets the server added in what goes down to the browser, in every form
``the rule book (``src/rules/rules.json``)`` names: the page's ``src/api/redact.ts`` reads the same rule, and
one table of cases (``tests/cases/redaction.json``) runs through both.

Each character of a secret is searched as itself or in one of the rule's forms
(percent-encoded up to three times over, JSON ``\\u00XX``, escaped again or percent-encoded,
``"``, ``\\`` and ``/`` after backslashes), in any mix; so are the secret's base64 runs at the
three alignments, standard and URL-safe. One compiled pattern, one pass: linear in the text.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Optional

from .rules import REDACTION

#: What a secret the API echoes is replaced with, in an answer passed down to the browser.
REDACTED = "[redacted by the Jupyter server]"


RULE = REDACTION


def _hex(code: int) -> str:
    return "".join(f"[{d}{d.upper()}]" if d.isalpha() else d for d in f"{code:02x}")


def _char_pattern(char: str) -> str:
    forms = [re.escape(char)]
    if ord(char) < 0x80:
        forms += [form.replace("{hex}", _hex(ord(char))) for form in RULE["forms"]]
        if char in RULE["jsonEscaped"]:
            forms.append(RULE["backslash"] + re.escape(char))
    return "(?:" + "|".join(forms) + ")"


@lru_cache(maxsize=64)
def base64_runs(secret: str) -> tuple[str, ...]:
    """The base64 characters that depend on ``secret``'s bytes alone, at each of the three
    alignments, in the standard and URL-safe alphabets."""
    if not secret.isascii():
        return ()
    runs: list[str] = []
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + secret.encode("ascii")).decode("ascii")
        start = -(-offset * 8 // 6)
        run = encoded[start : (offset + len(secret)) * 8 // 6]
        if len(run) >= RULE["minBase64Length"]:
            for form in (run, run.replace("+", "-").replace("/", "_")):
                if form not in runs:
                    runs.append(form)
    return tuple(runs)


def _needles(secrets: Iterable[Optional[str]]) -> tuple[str, ...]:
    """What is searched for: each secret long enough, and its base64 runs, longest first."""
    return _needles_of(tuple(sorted({s for s in secrets if s and len(s) >= RULE["minSecretLength"]})))


@lru_cache(maxsize=64)
def _needles_of(secrets: tuple[str, ...]) -> tuple[str, ...]:
    needles = dict.fromkeys(needle for secret in secrets for needle in (secret, *base64_runs(secret)))
    return tuple(sorted(needles, key=len, reverse=True))


@lru_cache(maxsize=64)
def _compiled(needles: tuple[str, ...]) -> Optional[re.Pattern]:
    if not needles:
        return None
    return re.compile("|".join("".join(_char_pattern(c) for c in needle) for needle in needles))


def secret_pattern(secrets: Iterable[Optional[str]]) -> Optional[re.Pattern]:
    """One pattern for every form of every secret (None: nothing to search for)."""
    return _compiled(_needles(secrets))


def redact_text(text: str, secrets: Iterable[Optional[str]], placeholder: str = REDACTED) -> str:
    pattern = secret_pattern(secrets)
    return pattern.sub(placeholder, text) if pattern and text else text


#: The text searched between two yields to the event loop.
PIECE = 64 * 1024


def _widest(secrets: Iterable[Optional[str]]) -> int:
    # The rule's widest form of one character, for a base64 run (4/3 of the secret).
    longest = max((len(s) for s in secrets if s), default=0)
    return -(-(longest * 4 + 6) // 3) * RULE["widestForm"]


def redact(content: bytes, secrets: Iterable[Optional[str]]) -> bytes:
    """``content`` with every form of every secret replaced (bytes read as Latin-1, so any
    byte passes through as it was)."""
    pattern = secret_pattern(secrets)
    if not pattern or not content:
        return content
    return pattern.sub(REDACTED, content.decode("latin-1")).encode("latin-1")


async def redact_in_pieces(content: bytes, secrets: list[str]) -> bytes:
    """``redact``, searching at most ``PIECE`` characters between two yields to the event
    loop, so a large answer never holds up the server's other requests.

    A text with neither ``%`` nor a backslash can only hold a secret as it is (every other
    form has one of them): that is a plain replace."""
    needles = _needles(secrets)
    pattern = _compiled(needles)
    if not pattern or not content:
        return content
    if b"%" not in content and b"\\" not in content:
        if any(needle.encode("latin-1", "replace") in content for needle in needles):
            return redact(content, secrets)
        return content
    text = content.decode("latin-1")
    width = _widest(secrets)
    parts: list[str] = []
    done = 0  # text[:done] is in parts
    start = 0
    while start < len(text):
        end = min(len(text), start + PIECE + width)
        for match in pattern.finditer(text, start, end):
            if match.start() >= start + PIECE:
                break
            parts.append(text[done : match.start()])
            parts.append(REDACTED)
            done = match.end()
        start = max(start + PIECE, done)
        if start < len(text):
            await asyncio.sleep(0)
    parts.append(text[done:])
    return "".join(parts).encode("latin-1")

