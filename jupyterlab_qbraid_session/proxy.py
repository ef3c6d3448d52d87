"""Forward the lab's requests to the qBraid API: same origin for the browser, pooled upstream.

Only the qBraid credential headers of either dialect and a few content headers go up;
nothing of the Jupyter server's (its token, cookies, XSRF value) does, and no cookie
comes down. Redirects are followed here, only within the allowed origins, and
credentials are dropped as soon as one leaves the first origin. A failure before an
answer is told apart for the browser's retry policy: ``X-Qbraid-Proxy-Error: connect``
(nothing reached the API) or ``read`` (the request may have reached it).
"""

from __future__ import annotations

import asyncio
import os
import re
import ssl
import urllib.request
from typing import Optional
from urllib.parse import urljoin, urlsplit

import aiohttp

from .config import QbraidProxy
from .rules import CREDENTIAL_HEADERS, FIELD_HEADERS
from .errors import QbraidHTTPError
from .origins import AllowList, RefusedURL

#: Every header sent upstream; anything else the browser sent stays here.
FORWARDED_HEADERS = (*FIELD_HEADERS, "content-type", "accept", "x-domain")
#: Headers of the API's answer passed down, each with what its value may hold; never Set-Cookie.
RETURNED_HEADERS = {
    # A media type with parameters: visible ASCII and spaces, nothing that splits a header.
    "content-type": re.compile(r"[\x21-\x7e][\x20-\x7e]{0,254}"),
    # Seconds, or an HTTP date.
    "retry-after": re.compile(r"[0-9A-Za-z ,:]{1,64}"),
}

_REDIRECTS = {301, 302, 303, 307, 308}


def _decoded_encodings() -> frozenset[str]:
    """The Content-Encodings the pooled client decodes (as aiohttp's parser names them)."""
    from aiohttp import compression_utils

    names = {"gzip", "deflate"}
    if getattr(compression_utils, "HAS_BROTLI", False):
        names.add("br")
    if getattr(compression_utils, "HAS_ZSTD", False):
        names.add("zstd")
    return frozenset(names)


DECODED_ENCODINGS = _decoded_encodings()


def check_encoding(value: Optional[str], host: str) -> None:
    """Refuse an answer whose Content-Encoding the client did not decode: passed on with the
    header removed it would be garbage, and with the header, an encoding the browser may not
    read either. aiohttp decodes exactly one of its names, as sent (``gzip, gzip``, ``x-gzip``
    or ``compress`` stay encoded)."""
    if value is None or value.strip().lower() in ("", "identity"):
        return
    if value.isascii() and value.lower() in DECODED_ENCODINGS:
        return
    shown = value if value.isascii() and value.isprintable() and len(value) <= 40 else "an unknown one"
    raise failure(
        "refused",
        "upstream_encoding",
        f"{host} answered with a Content-Encoding this server cannot decode ({shown}); nothing was passed on.",
    )


def failure(kind: str, code: str, message: str) -> QbraidHTTPError:
    """No usable answer came from the API; ``kind`` is ``connect``, ``read`` or ``refused``."""
    return QbraidHTTPError(code, message, kind=kind)


def ssl_context(config: QbraidProxy) -> ssl.SSLContext:
    """The default trust store plus a company CA: the trait, else REQUESTS_CA_BUNDLE, else SSL_CERT_FILE."""
    import certifi

    context = ssl.create_default_context(cafile=certifi.where())
    extra = config.ca_bundle or os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("SSL_CERT_FILE")
    if extra:
        context.load_verify_locations(cafile=extra)
    return context


def returned_headers(headers: dict[str, str]) -> dict[str, str]:
    """The answer's headers that go down to the browser; a value that is not well formed is dropped."""
    kept = {}
    for name, pattern in RETURNED_HEADERS.items():
        value = headers.get(name)
        if value is not None and pattern.fullmatch(value):
            kept[name] = value
    return kept


class Upstream:
    """The pooled HTTP client to the APIs, and the rules of what may be forwarded.

    A request has a deadline for all of it (``request_timeout``, redirects and the whole
    answer included), a bounded wait for a free connection, and at most
    ``max_connections_per_origin`` connections to one API, so a slow API cannot hold up
    requests to another."""

    def __init__(self, config: QbraidProxy, log=None) -> None:
        self.config = config
        self.allow = AllowList(list(config.allowed_origins), log)
        self._client: Optional[aiohttp.ClientSession] = None
        self._proxies: dict[str, str] = {}

    @property
    def client(self) -> aiohttp.ClientSession:
        # Made on first use, on the server's event loop; keeps connections alive between requests.
        if self._client is None or self._client.closed:
            config = self.config
            # Read once with the client, as a requests.Session or httpx client reads it.
            self._proxies = urllib.request.getproxies_environment()
            self._client = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    limit=config.max_connections,
                    limit_per_host=config.max_connections_per_origin,
                    ssl=ssl_context(config),
                ),
                timeout=aiohttp.ClientTimeout(
                    # aiohttp's `connect` covers the wait for a pooled connection and making one.
                    connect=config.pool_timeout + config.connect_timeout,
                    sock_connect=config.connect_timeout,
                    sock_read=config.timeout,
                ),
                # Never keep or send cookies: nothing of one user's API session leaks to another request.
                cookie_jar=aiohttp.DummyCookieJar(),
                # The proxy is chosen per request from the environment, with requests' rules.
                trust_env=False,
            )
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def forward(
        self, method: str, url: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        """Send one request, following redirects within the allowed origins, within the deadline.

        Cancelling it (the browser went away) closes the upstream request."""
        try:
            first = self.allow.check(url)
        except RefusedURL as err:
            raise failure("refused", "origin_refused", f"Not forwarded: {err}.") from None
        try:
            return await _within(self.config.request_timeout, self._follow(method, url, first, headers, body))
        except asyncio.TimeoutError:
            raise failure(
                "read",
                "upstream_timeout",
                f"{urlsplit(url).netloc} did not answer in full within {self.config.request_timeout:g} s.",
            ) from None

    async def _follow(
        self, method: str, url: str, first, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        outgoing = {name: value for name, value in headers.items() if name.lower() in FORWARDED_HEADERS}
        for _hop in range(self.config.max_redirects + 1):
            status, answer_headers, content = await self._send(method, url, outgoing, body)
            location = answer_headers.get("location")
            if status not in _REDIRECTS or not location:
                return status, returned_headers(answer_headers), content
            try:
                target = urljoin(url, location)
                origin = self.allow.check(target)
            except (RefusedURL, ValueError) as err:
                reason = err if isinstance(err, RefusedURL) else "its Location cannot be parsed"
                raise failure(
                    "read",
                    "redirect_refused",
                    f"The API answered with a redirect that this server does not follow ({reason}); "
                    "nothing was sent there.",
                ) from None
            if origin != first:
                outgoing = {k: v for k, v in outgoing.items() if k.lower() not in CREDENTIAL_HEADERS}
            if status == 303 and method != "HEAD" or status in (301, 302) and method == "POST":
                method, body = "GET", b""
                outgoing = {k: v for k, v in outgoing.items() if k.lower() != "content-type"}
            url = target
        raise failure("read", "too_many_redirects", f"More than {self.config.max_redirects} redirects.")

    async def _send(
        self, method: str, url: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        client = self.client  # first: it reads the environment's proxies with the client
        proxy = environment_proxy_url(url, self._proxies)
        try:
            async with client.request(
                method, url, headers=headers, data=body or None, proxy=proxy, allow_redirects=False
            ) as response:
                return await self._read(response, urlsplit(url).netloc)
        except QbraidHTTPError:
            raise
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, TypeError, UnicodeError) as err:
            raise self._failure(err, url, proxy) from None

    async def _read(self, response, host: str) -> tuple[int, dict[str, str], bytes]:
        """The status, headers and body of ``response``, the body capped."""
        if not 200 <= response.status <= 599:
            # An interim or unknown status (101 Switching Protocols, ...) is no answer to pass on.
            raise failure("read", "upstream_protocol", f"{host} answered with status {response.status}, not an HTTP answer.")
        check_encoding(response.headers.get("Content-Encoding"), host)
        chunks = []
        size = 0
        async for chunk in response.content.iter_chunked(65536):
            size += len(chunk)
            if size > self.config.max_response_bytes:
                # Not a failure to retry: the same answer would come again.
                raise failure(
                    "refused",
                    "response_too_large",
                    f"The answer of {host} is larger than {self.config.max_response_bytes} bytes; it was cut off.",
                )
            chunks.append(chunk)
        # aiohttp decoded the body (the cap counted decoded bytes): its encoding no longer applies.
        answer_headers = {name.lower(): value for name, value in response.headers.items()}
        answer_headers.pop("content-encoding", None)
        return response.status, answer_headers, b"".join(chunks)

    def _failure(self, err: BaseException, url: str, proxy) -> QbraidHTTPError:
        """What a failed exchange with the API was, and whether anything reached it."""
        host = urlsplit(url).netloc
        if isinstance(err, aiohttp.ClientHttpProxyError):
            return failure("connect", "upstream_connect", _describe_proxy_status(err.status, url, proxy))
        if isinstance(err, aiohttp.ClientConnectorCertificateError):
            return failure("connect", "upstream_connect", _untrusted(host))
        if isinstance(err, aiohttp.ClientProxyConnectionError):
            return failure("connect", "upstream_connect", _proxy_refused(proxy))
        if isinstance(err, aiohttp.ConnectionTimeoutError):
            return failure(
                "connect",
                "upstream_connect",
                f"No connection to {host} within {self.config.pool_timeout + self.config.connect_timeout:g} s "
                f"(at most {self.config.max_connections_per_origin} at once go to one API); nothing was sent.",
            )
        if isinstance(err, aiohttp.ClientConnectorError):
            if isinstance(getattr(err, "os_error", None), ssl.SSLCertVerificationError):
                return failure("connect", "upstream_connect", _untrusted(host))
            return failure("connect", "upstream_connect", f"Could not connect to {host}.")
        if isinstance(err, (asyncio.TimeoutError, aiohttp.SocketTimeoutError)):
            return failure("read", "upstream_timeout", f"{host} did not answer in time.")
        if isinstance(err, aiohttp.ClientResponseError):
            return failure("read", "upstream_protocol", f"{host} sent an answer that is not valid HTTP ({err.status}).")
        if isinstance(err, aiohttp.ClientError):
            return failure("read", "upstream_read", f"The connection to {host} failed: {type(err).__name__}.")
        # aiohttp refuses a header value or URL it cannot send; nothing went out.
        return failure(
            "refused",
            "invalid_request",
            "The request could not be forwarded: a header or the URL holds characters HTTP does not allow.",
        )


async def _within(seconds: float, work):
    """``await work``, cancelled after ``seconds`` with ``asyncio.TimeoutError``: in the calling
    task with ``asyncio.timeout`` (Python 3.11+), where ``wait_for`` made a task per request."""
    if hasattr(asyncio, "timeout"):
        async with asyncio.timeout(seconds):
            return await work
    return await asyncio.wait_for(work, seconds)  # pragma: no cover (Python < 3.11)


def environment_proxy_url(url: str, proxies: Optional[dict[str, str]] = None) -> Optional[str]:
    """The HTTP proxy URL (credentials included) the environment names for ``url``:
    ``HTTPS_PROXY``, ``HTTP_PROXY``, ``ALL_PROXY``, lower case first, ``NO_PROXY`` honoured,
    as requests reads them; ``None`` when the request goes direct."""
    parts = urlsplit(url)
    if proxies is None:
        proxies = urllib.request.getproxies_environment()
    if urllib.request.proxy_bypass_environment(parts.hostname or "", proxies):
        return None
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    if not proxy:
        return None
    return proxy if "://" in proxy else "http://" + proxy


def _untrusted(host: str) -> str:
    return (
        f"The API's certificate ({host}) is not trusted: set REQUESTS_CA_BUNDLE or c.QbraidProxy.ca_bundle "
        "to your company's CA bundle."
    )


def _shown(proxy: Optional[str]) -> str:
    """A proxy URL as people may see it: ``host:port``, never its credentials."""
    parts = urlsplit(proxy or "")
    return f"{parts.hostname}:{parts.port or 80}"


def _proxy_refused(proxy: Optional[str]) -> str:
    return f"The HTTP proxy {_shown(proxy)} refused the connection: check HTTPS_PROXY and NO_PROXY."


def _describe_proxy_status(status: int, url: str, proxy: Optional[str]) -> str:
    """Say what the HTTP proxy answered, never with its credentials."""
    proxy = _shown(proxy)
    if status == 407:
        return (
            f"The HTTP proxy {proxy} asked for credentials (407): put them in the proxy URL "
            "(https_proxy=http://user:password@host:port)."
        )
    return f"The HTTP proxy {proxy} did not open a tunnel to {urlsplit(url).netloc} ({status}): check HTTPS_PROXY and NO_PROXY."
