"""Credentials held by the Jupyter server: read from qbraidrc and the environment as the
Python SDKs read them, and added to proxied requests on the server, so the browser never
holds or receives them.

The credential table and the dialects are the rule book's (``rules.py``). Values resolve as qbraid-core resolves them: the
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
from functools import cached_property
from typing import Mapping, NamedTuple, Optional
from urllib.parse import urlsplit

from .errors import QbraidHTTPError
from .inifile import edit_default  # noqa: F401 (the editor of what resolve() reads)
from .origins import RefusedURL, parse_origin
from .redaction import redact_text
from .rules import (  # noqa: F401 (FIELDS and valid_email are this module's API)
    BOOK,
    DEFAULT_VERSION,
    DIALECTS,
    FIELDS,
    HOSTNAME,
    KEY_WITH_HOST,
    valid_credential,
    valid_email,
)


#: The qbraidrc keys of the credentials (the email included: sign-out clears it).
CREDENTIAL_KEYS = tuple(f.config_key for f in FIELDS)
#: Header names (lower case) that authenticate in some dialect.
AUTHENTICATING_HEADERS = frozenset(
    name.lower() for f in FIELDS if f.authenticates for name in f.headers.values()
)

#: The qbraidrc keys of the credentials that authenticate.
AUTHENTICATING_KEYS = frozenset(f.config_key for f in FIELDS if f.authenticates)

#: The key of the revisions this server gives out: a revision tells that held values changed,
#: and nothing about them (a keyed hash, with a key that never leaves this process).
_REVISION_KEY = secrets.token_bytes(32)

def detect_api_version(url: str) -> str:
    """The dialect a base URL speaks (the rule book's ``detection``)."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return DEFAULT_VERSION
    detection = BOOK["detection"]
    if host in detection["knownHosts"]:
        return detection["knownHosts"][host]
    path = parts.path.rstrip("/").lower()
    return next((version for end, version in detection["pathSuffixes"] if path.endswith(end)), DEFAULT_VERSION)


def endpoint_for_api_key(api_key: Optional[str]) -> Optional[str]:
    """The API URL a white-label key (``<prefix>_<base32 host>.<64 hex>``) names, else None."""
    match = KEY_WITH_HOST.match(api_key or "")
    if not match:
        return None
    encoded = match.group(1)
    try:
        host = base64.b32decode(encoded.upper() + "=" * (-len(encoded) % 8)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        return None
    if base64.b32encode(host.encode("ascii")).decode("ascii").rstrip("=").lower() != encoded:
        return None
    return BOOK["keyHost"]["urlTemplate"].replace("{host}", host) if HOSTNAME.match(host) else None


#: The qbraidrc keys whose values are secrets.
SECRET_KEYS = frozenset(f.config_key for f in FIELDS if f.secret)
_REFERENCE = re.compile(r"%\(([^)]*)\)s")


def _copies_a_secret(parser: configparser.ConfigParser, key: str, depth: int = 0) -> bool:
    """Whether ``key``'s value takes in a secret through ``%(name)s`` interpolation."""
    raw = parser.get("default", key, raw=True, fallback=None)
    if raw is None or depth > configparser.MAX_INTERPOLATION_DEPTH:
        return False
    for name in _REFERENCE.findall(raw):
        name = name.lower()
        if name in SECRET_KEYS or _copies_a_secret(parser, name, depth + 1):
            return True
    return False


def read_default_section(text: Optional[str]) -> dict[str, str]:
    """The ``[default]`` values as qbraid-core reads them; a value it could not read is left
    out, and so is any value other than a secret's own that takes in a secret through
    ``%(name)s`` interpolation: a URL or an email shown, logged or sent as a header must not
    carry a key."""
    parser = configparser.ConfigParser()
    if text:
        try:
            parser.read_string(text.replace("\r\n", "\n").replace("\r", "\n"), source="qbraidrc")
        except configparser.Error:
            return {}
    values = {}
    for key in (*CREDENTIAL_KEYS, "url"):
        try:
            if key not in SECRET_KEYS and _copies_a_secret(parser, key):
                continue
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
            same = parse_origin(url) == self._origin
        except RefusedURL:
            same = False
        return self.headers() if same else {}

    @cached_property
    def _origin(self):
        try:
            return parse_origin(self.url)
        except RefusedURL:
            return None

    def public(self) -> dict:
        """What the browser may know: names and where they come from, the email and the URL; never a secret."""
        secrets = self.secret_values()
        email = self.values.get("email")
        return {
            "held": [f.config_key for f in FIELDS if f.authenticates and f.config_key in self.values],
            "sources": {key: source for key, source in self.sources.items() if key != "email"},
            "email": None if email is None else redact_text(email, secrets),
            "url": redact_text(self.url, secrets),
            "url_source": self.url_source,
            "api_version": self.version,
            "revision": self.revision,
        }

    def secret_values(self) -> list[str]:
        """The secret values held (never sent to the browser in any form)."""
        return [value for key, value in self.values.items() if key in SECRET_KEYS]

    def checked_as_written(self) -> "HeldCredentials":
        """These credentials with every authenticating value from the environment left out: a
        sign-in checks what it writes, never a key it found elsewhere."""
        keep = {
            key: value
            for key, value in self.values.items()
            if key not in AUTHENTICATING_KEYS or self.sources.get(key) == "qbraidrc"
        }
        sources = {key: source for key, source in self.sources.items() if key in keep}
        return HeldCredentials(self.version, self.url, self.url_source, keep, sources)

    @property
    def revision(self) -> str:
        """Changes when any value held changes (a rotated token); reveals none of them."""
        text = "\n".join(f"{key}={self.values[key]}" for key in sorted(self.values)) + f"\n{self.url}"
        return hmac.new(_REVISION_KEY, text.encode(), hashlib.sha256).hexdigest()[:16]


#: Every environment variable ``resolve`` reads.
ENVIRONMENT = tuple(
    dict.fromkeys(
        [name for f in FIELDS for names in f.env.values() for name in names]
        + [name for dialect in DIALECTS.values() for name in dialect["urlEnv"]]
    )
)


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
    for name in DIALECTS["v1"]["urlEnv"]:
        if environ.get(name):
            url, url_source = environ[name], name
            break
    if not url and "access-token" not in values:
        url = endpoint_for_api_key(values.get("api-key"))
        url_source = "API key" if url else url_source
    if not url and saved.get("url"):
        url, url_source = saved["url"], "qbraidrc"
    url = (url or DIALECTS[DEFAULT_VERSION]["defaultBaseUrl"]).rstrip("/")
    version = detect_api_version(url)
    if version != "v1":
        values, sources = values_for(version)
    return HeldCredentials(version, url, url_source, values, sources)


def fixed_headers(version: str) -> dict[str, str]:
    return dict(DIALECTS[version]["fixedHeaders"])


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
        if not isinstance(value, str) or not valid_credential(value):
            raise QbraidHTTPError(
                "invalid_body",
                f"The {key} must be printable ASCII without spaces, at most 8192 characters.",
            )
        if key == "email" and not valid_email(value):
            raise QbraidHTTPError("invalid_body", "The email must look like name@example.com.")
        checked[key] = value
    if not any(f.authenticates and f.config_key in checked for f in FIELDS):
        raise QbraidHTTPError("invalid_body", "Give an API key (or a token) to sign in with.")
    return checked
