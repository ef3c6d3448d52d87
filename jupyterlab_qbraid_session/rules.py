"""The rule book the page and the server half both apply: ``src/rules/rules.json``, read here
as package data (the page imports the same file). Nothing in it is repeated in Python."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Mapping, NamedTuple


def _load() -> dict:
    name = "rules.json"
    try:
        # In the wheel: package data (pyproject.toml ships src/rules with the package).
        return json.loads(resources.files(__package__).joinpath("rules", name).read_text("utf-8"))
    except (FileNotFoundError, NotADirectoryError):
        # In a checkout: the file itself, beside the TypeScript that imports it.
        return json.loads((Path(__file__).resolve().parent.parent / "src" / "rules" / name).read_text("utf-8"))


BOOK = _load()


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


FIELDS: tuple[Field, ...] = tuple(
    Field(
        f["property"],
        f["configKey"],
        f["secret"],
        f["authenticates"],
        tuple(f["dialects"]),
        dict(f["headers"]),
        dict(f["yieldsTo"]),
        {version: tuple(names) for version, names in f["env"].items()},
    )
    for f in BOOK["fields"]
)

#: The qbraidrc key of the API URL.
URL_KEY: str = BOOK["urlField"]["configKey"]
#: Header names (lower case) the fields are sent as, in some dialect.
FIELD_HEADERS = tuple(dict.fromkeys(name.lower() for f in FIELDS for name in f.headers.values()))
#: Header names (lower case) that carry a credential: none may reach another origin.
CREDENTIAL_HEADERS = (*FIELD_HEADERS, *BOOK["otherCredentialHeaders"])
DIALECTS: dict[str, dict] = BOOK["dialects"]
DEFAULT_VERSION: str = BOOK["defaultApiVersion"]
ERROR_CODES: dict[str, int] = BOOK["errors"]["server"]
PROXY_ERROR_HEADER: str = BOOK["errors"]["proxyErrorHeader"]
REFRESH: dict[str, float] = BOOK["refresh"]
REDACTION: dict = BOOK["redaction"]
LOOPBACK: dict = BOOK["loopback"]

_VALUES = BOOK["values"]
_CREDENTIAL = re.compile(_VALUES["credentialPattern"])
_EMAIL = re.compile(_VALUES["emailPattern"])
KEY_WITH_HOST = re.compile(BOOK["keyHost"]["keyPattern"])
HOSTNAME = re.compile(BOOK["keyHost"]["hostnamePattern"])


def valid_credential(value: str) -> bool:
    """Whether ``value`` may be a key or a token (non-empty)."""
    return 0 < len(value) <= _VALUES["maxCredentialLength"] and bool(_CREDENTIAL.match(value))


def valid_email(value: str) -> bool:
    """Whether ``value`` may be written as qbraidrc's email and sent as a header (non-empty)."""
    return 0 < len(value) <= _VALUES["maxEmailLength"] and bool(_EMAIL.match(value))
