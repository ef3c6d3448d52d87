"""Credentials held by the Jupyter server: read from qbraidrc and the environment as the
Python SDKs read them, and added to proxied requests on the server, so the browser never
holds or receives them.

``FIELDS`` is the server's copy of the credential table of ``src/fields.ts`` (an
integration test compares the two). Values resolve as qbraid-core resolves them: the
qbraidrc ``[default]`` key, then the environment; the URL from ``QBRAID_API_URL``, the
host a white-label key names, qbraidrc ``url``, then the default.
"""

from __future__ import annotations

import base64
import binascii
import configparser
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from typing import Mapping, NamedTuple, Optional
from urllib.parse import quote, quote_plus, urlsplit

from .errors import QbraidHTTPError
from .origins import RefusedURL, parse_origin


class Field(NamedTuple):
    """One credential: its qbraidrc key and how each dialect uses it."""

    property: str
    config_key: str
    secret: bool
    authenticates: bool
    dialects: tuple[str, ...]
    #: The header per dialect; absent: not sent.
    headers: Mapping[str, str]
    #: Not sent in a dialect when this other credential (a property) is set.
    yields_to: Mapping[str, str]
    #: Environment variables read after qbraidrc, first set wins, per dialect.
    env: Mapping[str, tuple[str, ...]]


FIELDS: tuple[Field, ...] = (
    Field("userEmail", "email", False, False, ("v1", "legacy"), {"legacy": "email"}, {}, {"legacy": ("JUPYTERHUB_USER",)}),
    Field(
        "apiKey",
        "api-key",
        True,
        True,
        ("v1", "legacy"),
        {"v1": "X-API-Key", "legacy": "api-key"},
        {"v1": "accessToken"},
        {"v1": ("QBRAID_API_KEY",), "legacy": ("QBRAID_API_KEY",)},
    ),
    Field(
        "accessToken",
        "access-token",
        True,
        True,
        ("v1",),
        {"v1": "X-Access-Token"},
        {},
        {"v1": ("QBRAID_ACCESS_TOKEN",)},
    ),
    Field(
        "refreshToken",
        "refresh-token",
        True,
        True,
        ("legacy",),
        {"legacy": "refresh-token"},
        {},
        {"legacy": ("REFRESH", "QBRAID_REFRESH_TOKEN")},
    ),
    Field(
        "idToken",
        "id-token",
        True,
        True,
        ("legacy",),
        {"legacy": "id-token"},
        {"legacy": "refreshToken"},
        {"legacy": ("QBRAID_ID_TOKEN",)},
    ),
)

#: The qbraidrc keys of the credentials (the email included: sign-out clears it).
CREDENTIAL_KEYS = tuple(f.config_key for f in FIELDS)
#: Header names (lower case) that carry a credential in some dialect (src/fields.ts has the same).
CREDENTIAL_HEADERS = tuple(name.lower() for f in FIELDS for name in f.headers.values())
#: Header names (lower case) that authenticate in some dialect.
AUTHENTICATING_HEADERS = frozenset(
    name.lower() for f in FIELDS if f.authenticates for name in f.headers.values()
)

#: The key of the revisions this server gives out: a revision tells that held values changed,
#: and nothing about them (a keyed hash, with a key that never leaves this process).
_REVISION_KEY = secrets.token_bytes(32)

#: Per dialect: the default URL, the URL environment variables, the credential check.
DIALECTS = {
    "v1": {"default": "https://api-v2.qbraid.com/api/v1", "url_env": ("QBRAID_API_URL",), "verify": "/users/verify"},
    "legacy": {"default": "https://api.qbraid.com/api", "url_env": (), "verify": "/identity"},
}
_KNOWN_HOSTS = {"api-v2.qbraid.com": "v1", "api.qbraid.com": "legacy"}
_FIXED_HEADERS = {"v1": {"X-Domain": "qbraid"}, "legacy": {}}
#: What a credential value may hold: printable ASCII, as the settings schema says.
_VALUE = re.compile(r"[\x21-\x7e]{1,8192}")
_EMAIL = re.compile(r"[\x21-\x3f\x41-\x7e]+@[\x21-\x3f\x41-\x7e]+\.[\x21-\x3f\x41-\x7e]+")
_KEY_WITH_HOST = re.compile(r"[a-z0-9]+_([a-z2-7]{2,405})\.[0-9a-f]{64}")
_HOSTNAME = re.compile(r"(?=.{4,253}\Z)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


def detect_api_version(url: str) -> str:
    """The dialect a base URL speaks (as ``detectApiVersion`` in src/api/dialects.ts)."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return "v1"
    if host in _KNOWN_HOSTS:
        return _KNOWN_HOSTS[host]
    path = parts.path.rstrip("/").lower()
    return "legacy" if path.endswith("/api") and not path.endswith("/v1") else "v1"


def endpoint_for_api_key(api_key: Optional[str]) -> Optional[str]:
    """The API URL a white-label key (``<prefix>_<base32 host>.<64 hex>``) names, else None."""
    match = _KEY_WITH_HOST.fullmatch(api_key or "")
    if not match:
        return None
    encoded = match.group(1)
    try:
        host = base64.b32decode(encoded.upper() + "=" * (-len(encoded) % 8)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        return None
    if base64.b32encode(host.encode("ascii")).decode("ascii").rstrip("=").lower() != encoded:
        return None
    return f"https://{host}/api/v1" if _HOSTNAME.fullmatch(host) else None


def read_default_section(text: Optional[str]) -> dict[str, str]:
    """The ``[default]`` values as qbraid-core reads them; a value it could not read is left out."""
    parser = configparser.ConfigParser()
    if text:
        try:
            parser.read_string(text, source="qbraidrc")
        except configparser.Error:
            return {}
    values = {}
    for key in (*CREDENTIAL_KEYS, "url"):
        try:
            value = parser.get("default", key, fallback=None)
        except configparser.Error:
            value = None
        if value:
            values[key] = value
    return values


@dataclass
class HeldCredentials:
    """What the server holds for one dialect and URL; ``sources`` says where each value came from."""

    version: str
    url: str
    url_source: str
    values: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def headers(self) -> dict[str, str]:
        """The dialect's credential headers for these values (a yielding one left out)."""
        by_property = {f.property: self.values.get(f.config_key) for f in FIELDS}
        headers = {}
        for f in FIELDS:
            name = f.headers.get(self.version)
            yields_to = f.yields_to.get(self.version)
            if name and by_property[f.property] and not (yields_to and by_property[yields_to]):
                headers[name] = by_property[f.property]
        return headers

    def headers_for(self, url: str) -> dict[str, str]:
        """The headers to add to a request for ``url``: none unless it goes to the held URL's origin."""
        try:
            same = parse_origin(url) == parse_origin(self.url)
        except RefusedURL:
            same = False
        return self.headers() if same else {}

    def public(self) -> dict:
        """What the browser may know: names and where they come from, the email and the URL; never a secret."""
        email = self.values.get("email")
        return {
            "held": [f.config_key for f in FIELDS if f.authenticates and f.config_key in self.values],
            "sources": {key: source for key, source in self.sources.items() if key != "email"},
            "email": email,
            "url": self.url,
            "url_source": self.url_source,
            "api_version": self.version,
            "revision": self.revision,
        }

    @property
    def revision(self) -> str:
        """Changes when any value held changes (a rotated token); reveals none of them."""
        text = "\n".join(f"{key}={self.values[key]}" for key in sorted(self.values)) + f"\n{self.url}"
        return hmac.new(_REVISION_KEY, text.encode(), hashlib.sha256).hexdigest()[:16]


def resolve(text: Optional[str], environ: Mapping[str, str]) -> HeldCredentials:
    """The credentials the server holds: qbraidrc ``[default]`` first, then the environment."""
    saved = read_default_section(text)

    def values_for(version: str) -> tuple[dict[str, str], dict[str, str]]:
        values, sources = {}, {}
        for f in FIELDS:
            if version not in f.dialects:
                continue
            if f.config_key in saved:
                values[f.config_key], sources[f.config_key] = saved[f.config_key], "qbraidrc"
                continue
            for name in f.env.get(version, ()):
                if environ.get(name):
                    values[f.config_key], sources[f.config_key] = environ[name], name
                    break
        return values, sources

    # As the browser's session: resolved as today's API, then read for the dialect the URL speaks.
    values, sources = values_for("v1")
    url, url_source = None, "default"
    for name in DIALECTS["v1"]["url_env"]:
        if environ.get(name):
            url, url_source = environ[name], name
            break
    if not url and "access-token" not in values:
        url = endpoint_for_api_key(values.get("api-key"))
        url_source = "API key" if url else url_source
    if not url and saved.get("url"):
        url, url_source = saved["url"], "qbraidrc"
    url = (url or DIALECTS["v1"]["default"]).rstrip("/")
    version = detect_api_version(url)
    if version != "v1":
        values, sources = values_for(version)
    return HeldCredentials(version, url, url_source, values, sources)


_ESCAPE = re.compile(r"%[0-9A-F]{2}")
#: What a secret the API echoes is replaced with, in an answer passed down to the browser.
REDACTED = b"[redacted by the Jupyter server]"


def redact(content: bytes, secrets: list[str]) -> bytes:
    """``content`` with every secret the server added removed: as sent, percent- or
    form-encoded, JSON-escaped, and in base64 (the forms an API echoing it would use)."""
    for secret in secrets:
        raw = secret.encode()
        encoded = quote(secret, safe="")
        forms = {
            raw,
            encoded.encode(),
            # The same escapes in lower-case hex; the secret's own letters as they are.
            _ESCAPE.sub(lambda m: m.group(0).lower(), encoded).encode(),
            quote_plus(secret).encode(),
            secret.replace("/", "\\/").encode(),
            base64.b64encode(raw).rstrip(b"="),
            base64.urlsafe_b64encode(raw).rstrip(b"="),
        }
        for form in sorted(forms, key=len, reverse=True):
            content = content.replace(form, REDACTED)
    return content


def fixed_headers(version: str) -> dict[str, str]:
    return dict(_FIXED_HEADERS[version])


def check_values(values: object) -> dict[str, str]:
    """The credential values of a sign-in body, checked; a refusal names the key, never the value."""
    if not isinstance(values, dict):
        raise QbraidHTTPError("invalid_body", 'The body must be JSON {"values": {"api-key": "...", ...}}.')
    checked = {}
    for key, value in values.items():
        if key not in (*CREDENTIAL_KEYS, "url"):
            raise QbraidHTTPError("invalid_body", f"'{key}' is not a qbraidrc key this route sets.")
        if value in (None, ""):
            continue
        if not isinstance(value, str) or not _VALUE.fullmatch(value):
            raise QbraidHTTPError(
                "invalid_body",
                f"The {key} must be printable ASCII without spaces, at most 8192 characters.",
            )
        if key == "email" and not _EMAIL.fullmatch(value):
            raise QbraidHTTPError("invalid_body", "The email must look like name@example.com.")
        checked[key] = value
    if not any(f.authenticates and f.config_key in checked for f in FIELDS):
        raise QbraidHTTPError("invalid_body", "Give an API key (or a token) to sign in with.")
    return checked


_SECTION = re.compile(r"\s*\[(?P<name>[^\]]+)\]")
_OPTION = re.compile(r"(?P<key>[^:=\s][^:=]*?)\s*(?P<sep>\s*[:=]\s*)(?P<value>.*)")


def edit_default(text: Optional[str], updates: Mapping[str, Optional[str]]) -> str:
    """``text`` with the ``[default]`` keys of ``updates`` set (``None`` removes one); every other
    line, section, comment and the line ending are kept as they were."""
    text = text or ""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    pending = dict(updates)
    out: list[str] = []
    in_default = False
    default_end: Optional[int] = None  # where keys missing from [default] are added
    skipping = False  # the continuation lines of a removed or replaced value
    for line in lines:
        body = line.rstrip("\r\n")
        if skipping and body[:1] in (" ", "\t") and body.strip():
            continue
        skipping = False
        section = _SECTION.match(body)
        if section and not body.startswith((" ", "\t")):
            if in_default:
                default_end = _last_content(out)
            in_default = section.group("name") == "default"
            out.append(line)
            continue
        option = _OPTION.fullmatch(body) if in_default and not body.startswith((" ", "\t")) else None
        key = option.group("key").strip().lower() if option else None
        if key in pending:
            value = pending.pop(key)
            skipping = True
            if value is not None:
                ending = line[len(body) :] or newline
                out.append(f"{option.group('key')}{option.group('sep')}{value}{ending}")
            continue
        out.append(line)
    if in_default:
        default_end = _last_content(out)
    added = [f"{key} = {value}{newline}" for key, value in pending.items() if value is not None]
    if not added:
        return "".join(out)
    if default_end is None:
        if out and not out[-1].endswith(("\n", "\r")):
            out[-1] += newline
        if out and "".join(out).strip():
            out.append(newline)
        out.append(f"[default]{newline}")
        default_end = len(out)
    elif default_end and not out[default_end - 1].endswith(("\n", "\r")):
        out[default_end - 1] += newline
    out[default_end:default_end] = added
    return "".join(out)


def _last_content(out: list[str]) -> int:
    """The index after the last line of the section that ends at the end of ``out``, blank lines
    and comments after it excluded."""
    end = len(out)
    while end > 0:
        stripped = out[end - 1].strip()
        if stripped and not stripped.startswith(("#", ";")):
            break
        end -= 1
    return end
