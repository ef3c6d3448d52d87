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
import ssl
import urllib.request
from typing import Optional
from urllib.parse import urljoin, urlsplit

import aiohttp

from .config import QbraidProxy
from .origins import AllowList, RefusedURL

#: Headers that carry a qBraid credential in either dialect (src/fields.ts lists the same).
CREDENTIAL_HEADERS = ("email", "api-key", "refresh-token", "id-token", "x-api-key", "x-access-token")
#: Every header sent upstream; anything else the browser sent stays here.
FORWARDED_HEADERS = (*CREDENTIAL_HEADERS, "content-type", "accept", "x-domain")
#: Headers of the API's answer passed down; never Set-Cookie.
RETURNED_HEADERS = ("content-type", "retry-after")
ERROR_HEADER = "X-Qbraid-Proxy-Error"

_REDIRECTS = {301, 302, 303, 307, 308}


class ProxyFailure(Exception):
    """No usable answer came from the API; ``kind`` is ``connect`` or ``read``."""

    def __init__(self, kind: str, code: str, message: str, status: int = 502) -> None:
        super().__init__(message)
        self.kind = kind
        self.code = code
        self.status = status


def ssl_context(config: QbraidProxy) -> ssl.SSLContext:
    """The default trust store plus a company CA: the trait, else REQUESTS_CA_BUNDLE, else SSL_CERT_FILE."""
    import certifi

    context = ssl.create_default_context(cafile=certifi.where())
    extra = config.ca_bundle or os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("SSL_CERT_FILE")
    if extra:
        context.load_verify_locations(cafile=extra)
    return context


class Upstream:
    """The pooled HTTP client to the APIs, and the rules of what may be forwarded."""

    def __init__(self, config: QbraidProxy, log=None) -> None:
        self.config = config
        self.allow = AllowList(list(config.allowed_origins), log)
        self._client: Optional[aiohttp.ClientSession] = None
        self._proxies: dict[str, str] = {}

    @property
    def client(self) -> aiohttp.ClientSession:
        # Made on first use, on the server's event loop; keeps connections alive between requests.
        if self._client is None or self._client.closed:
            # Read once with the client, as a requests.Session or httpx client reads it.
            self._proxies = urllib.request.getproxies_environment()
            self._client = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    limit=self.config.max_connections, ssl=ssl_context(self.config)
                ),
                timeout=aiohttp.ClientTimeout(
                    sock_connect=self.config.connect_timeout, sock_read=self.config.timeout
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
        """Send one request, following redirects within the allowed origins."""
        first = self.allow.check(url)
        outgoing = {name: value for name, value in headers.items() if name.lower() in FORWARDED_HEADERS}
        for _hop in range(self.config.max_redirects + 1):
            status, answer_headers, content = await self._send(method, url, outgoing, body)
            location = answer_headers.get("location")
            if status not in _REDIRECTS or not location:
                returned = {k: v for k, v in answer_headers.items() if k in RETURNED_HEADERS}
                return status, returned, content
            target = urljoin(url, location)
            try:
                origin = self.allow.check(target)
            except RefusedURL as err:
                raise ProxyFailure(
                    "read",
                    "redirect_refused",
                    f"The API answered with a redirect that this server does not follow ({err}); nothing was sent there.",
                ) from None
            if origin != first:
                outgoing = {k: v for k, v in outgoing.items() if k.lower() not in CREDENTIAL_HEADERS}
            if status == 303 and method != "HEAD" or status in (301, 302) and method == "POST":
                method, body = "GET", b""
                outgoing = {k: v for k, v in outgoing.items() if k.lower() != "content-type"}
            url = target
        raise ProxyFailure("read", "too_many_redirects", f"More than {self.config.max_redirects} redirects.")

    async def _send(
        self, method: str, url: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        host = urlsplit(url).netloc
        client = self.client
        proxy = environment_proxy_url(url, self._proxies)
        try:
            async with client.request(
                method, url, headers=headers, data=body or None, proxy=proxy, allow_redirects=False
            ) as response:
                chunks = []
                size = 0
                async for chunk in response.content.iter_chunked(65536):
                    size += len(chunk)
                    if size > self.config.max_response_bytes:
                        # Not a failure to retry: the same answer would come again.
                        raise ProxyFailure(
                            "refused",
                            "response_too_large",
                            f"The answer of {host} is larger than {self.config.max_response_bytes} bytes; it was cut off.",
                        )
                    chunks.append(chunk)
                # aiohttp decoded the body (the cap counted decoded bytes): its encoding no longer applies.
                answer_headers = {name.lower(): value for name, value in response.headers.items()}
                answer_headers.pop("content-encoding", None)
                return response.status, answer_headers, b"".join(chunks)
        except ProxyFailure:
            raise
        except aiohttp.ClientHttpProxyError as err:
            raise ProxyFailure("connect", "upstream_connect", _describe_proxy_status(err.status, url, proxy)) from None
        except aiohttp.ClientConnectorCertificateError:
            raise ProxyFailure("connect", "upstream_connect", _untrusted(host)) from None
        except aiohttp.ClientProxyConnectionError:
            raise ProxyFailure("connect", "upstream_connect", _proxy_refused(proxy)) from None
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as err:
            if isinstance(getattr(err, "os_error", None), ssl.SSLCertVerificationError):
                raise ProxyFailure("connect", "upstream_connect", _untrusted(host)) from None
            raise ProxyFailure("connect", "upstream_connect", f"Could not connect to {host}.") from None
        except (asyncio.TimeoutError, aiohttp.SocketTimeoutError):
            raise ProxyFailure("read", "upstream_timeout", f"{host} did not answer in time.", 504) from None
        except aiohttp.ClientError as err:
            raise ProxyFailure("read", "upstream_read", f"The connection to {host} failed: {type(err).__name__}.") from None


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
