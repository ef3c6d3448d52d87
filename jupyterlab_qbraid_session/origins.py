"""Which API origins the proxy may reach, compared as parsed origins, never as strings."""

from __future__ import annotations

import ipaddress
import re
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from .rules import DIALECTS, LOOPBACK

#: qBraid's APIs (today's and the legacy one): the origins of the dialects' default URLs.
QBRAID_ORIGINS = tuple(
    dict.fromkeys(f"https://{urlsplit(d['defaultBaseUrl']).hostname}" for d in DIALECTS.values())
)

_DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters that no URL we forward may hold: white space, controls, backslashes.
_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f\\]")


class Origin(NamedTuple):
    scheme: str
    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = _DEFAULT_PORTS[self.scheme] == self.port
        return f"{self.scheme}://{host}" + ("" if default else f":{self.port}")


class RefusedURL(ValueError):
    """A URL the proxy does not forward; the message says why, never a secret."""


def is_loopback(host: str) -> bool:
    """Whether plain http may reach ``host`` (as ``urlsplit`` gives it): the rule book's
    loopback names, IPv4 addresses and IPv6 addresses (the page applies the same rule)."""
    host = host.lower()
    if host in LOOPBACK["names"]:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if address.version == 4:
        return str(address).startswith(LOOPBACK["ipv4Prefix"])
    return any(address == ipaddress.ip_address(other) for other in LOOPBACK["ipv6"])


def parse_origin(url: str) -> Origin:
    """The origin of ``url``; raises RefusedURL for anything but a plain http(s) URL."""
    if not isinstance(url, str) or not url or _UNSAFE.search(url):
        raise RefusedURL("the URL is empty or holds white space, control characters or backslashes")
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError as err:  # an unbalanced '[' and the like
        raise RefusedURL("the URL's host cannot be parsed") from err
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise RefusedURL("only http and https URLs are forwarded")
    if "@" in parts.netloc:
        raise RefusedURL("a URL with user info is not forwarded")
    if not host:
        raise RefusedURL("the URL has no host")
    try:
        port = parts.port
    except ValueError as err:
        raise RefusedURL("the URL's port is not a number from 1 to 65535") from err
    if port is None:
        port = _DEFAULT_PORTS[scheme]
    elif not 0 < port < 65536:
        raise RefusedURL("the URL's port is not a number from 1 to 65535")
    return Origin(scheme, host, port)


def check_path(url: str) -> None:
    """Refuse dot segments and encoded separators, plain or percent-encoded."""
    path = urlsplit(url).path
    lowered = path.lower()
    if "%2f" in lowered or "%5c" in lowered or "%00" in lowered:
        raise RefusedURL("the URL's path holds an encoded separator")
    for segment in unquote(path).split("/"):
        if segment in (".", ".."):
            raise RefusedURL("the URL's path holds a dot segment")


class AllowList:
    """The API origins the proxy may reach: qBraid's two, plus the server trait's."""

    def __init__(self, extra: list[str], log=None) -> None:
        self.origins: list[Origin] = []
        for url in (*QBRAID_ORIGINS, *extra):
            try:
                origin = parse_origin(url)
            except RefusedURL as err:
                if log:
                    log.warning("QbraidProxy.allowed_origins: %r ignored: %s", url, err)
                continue
            if origin.scheme == "http" and not is_loopback(origin.host):
                if log:
                    log.warning(
                        "QbraidProxy.allowed_origins: %s ignored: plain http is allowed only for loopback hosts",
                        origin,
                    )
                continue
            if origin not in self.origins:
                self.origins.append(origin)

    def check(self, url: str) -> Origin:
        """The origin of ``url`` when the proxy may forward to it; else RefusedURL."""
        origin = parse_origin(url)
        check_path(url)
        if origin not in self.origins:
            raise RefusedURL(
                f"{origin} is not an API origin this server may reach; "
                "an administrator can add it with c.QbraidProxy.allowed_origins"
            )
        return origin

    def __iter__(self):
        return (str(origin) for origin in self.origins)
