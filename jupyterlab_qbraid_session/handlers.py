"""Routes under ``<base_url>qbraid-session/``: ``info``, ``proxy``, ``qbraidrc`` and ``credentials``.

Every route needs the Jupyter login; unsafe methods also need the XSRF check, which
``APIHandler`` applies (``ServerConnection`` sends both, to the Jupyter server only).
Failures are raised as ``HTTPError`` and answered as jupyter_server's standard JSON,
``{"message", "reason"}``, the reason being a code of ``errors.ERROR_CODES``.
"""

from __future__ import annotations

import asyncio
import json
from typing import Optional

import tornado.web
from jupyter_server.base.handlers import APIHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin

from . import __version__
from .credentials import AUTHENTICATING_HEADERS
from .errors import PROXY_ERROR_HEADER, QbraidHTTPError, describe
from .hubkeys import HubKeys
from .proxy import FORWARDED_HEADERS, Upstream, returned_headers
from .redaction import redact_in_pieces, redact_text
from .refresh import TokenRefresher
from .service import CredentialsService, FileAccess


class QbraidHandler(ExtensionHandlerMixin, APIHandler):
    """The routes' common error handling; each route is given the objects it uses
    (``initialize``'s arguments, from the app's handler list)."""

    #: The proxy error header for a failure that names none (an unexpected one).
    failure_kind: str | None = None

    def write_error(self, status_code: int, **kwargs) -> None:
        exc_info = kwargs.get("exc_info")
        error = exc_info[1] if exc_info else tornado.web.HTTPError(status_code)
        code, message, kind = describe(error, status_code)
        kind = kind or self.failure_kind
        if kind:
            self.set_header(PROXY_ERROR_HEADER, kind)
        self.set_header("Cache-Control", "no-store")
        self.set_header("Cross-Origin-Resource-Policy", "same-origin")
        self.finish(json.dumps({"message": message, "reason": code}))

    def json_body(self, usage: str) -> dict:
        """The request's JSON object; else ``invalid_body`` naming ``usage``. Not
        ``get_json_body()``: that logs a body it cannot parse, and a sign-in's body holds a key."""
        try:
            body = json.loads(self.request.body or b"null")
        except ValueError:  # UnicodeDecodeError included
            body = None
        if not isinstance(body, dict):
            raise QbraidHTTPError("invalid_body", f"The body must be JSON {usage}.")
        return body

    def log_exception(self, typ, value, tb) -> None:
        # Tornado's own line prints the request with its query, which may hold ?token=...
        where = f"{self.request.method} {self.request.path}"
        if isinstance(value, tornado.web.HTTPError):
            # A refusal (a missing file, a conflict) is an answer, not a fault of the server.
            log = self.log.warning if value.status_code >= 500 else self.log.debug
            log("%s: %d %s", where, value.status_code, describe(value, value.status_code)[1])
        else:
            self.log.error("qBraid server extension: unexpected error in %s", where, exc_info=(typ, value, tb))


class InfoHandler(QbraidHandler):
    def initialize(self, service: CredentialsService, upstream: Upstream, **kwargs) -> None:
        super().initialize(**kwargs)
        self.service, self.upstream = service, upstream

    @tornado.web.authenticated
    async def get(self) -> None:
        try:
            held = (await self.service.held()).public()["held"]
        except QbraidHTTPError:
            held = []  # an unreadable qbraidrc holds nothing usable; its route says why
        self.finish(
            {
                "version": __version__,
                "features": {"proxy": True, "qbraidrc": True, "credentials": True},
                "qbraidrc_path": self.service.files.shown_path,
                # Names only: which credentials the server would add, never a value.
                "credentials": held,
                "allowed_origins": list(self.upstream.allow),
                "forwarded_headers": list(FORWARDED_HEADERS),
            }
        )


@tornado.web.stream_request_body
class ProxyHandler(QbraidHandler):
    """``<METHOD> qbraid-session/proxy?url=<absolute API URL>``.

    The body is streamed in and counted, so a body over the cap is refused without being
    held in memory; when the browser goes away, the upstream request is cancelled."""

    # A failure that says nothing of the API (a refusal, an unexpected error) is not retried.
    failure_kind = "refused"

    def initialize(self, service: CredentialsService, upstream: Upstream, hub_keys: HubKeys, **kwargs) -> None:
        super().initialize(**kwargs)
        self.service, self.upstream, self.hub_keys = service, upstream, hub_keys
        # Set before prepare(): a refused request may still see its body or its connection close.
        self._chunks: list[bytes] = []
        self._size = 0
        self._task: asyncio.Task | None = None

    async def prepare(self) -> None:
        await super().prepare()
        if not self.current_user:
            raise tornado.web.HTTPError(403)
        limit = self.upstream.config.max_request_bytes
        declared = self.request.headers.get("Content-Length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            self._too_large(limit)

    def data_received(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._size <= self.upstream.config.max_request_bytes:
            self._chunks.append(chunk)
        else:
            self._chunks = []

    def _too_large(self, limit: int) -> None:
        raise QbraidHTTPError("request_too_large", f"Request bodies are limited to {limit} bytes.", kind="refused")

    def on_connection_close(self) -> None:
        super().on_connection_close()
        if self._task is not None:
            self._task.cancel()

    @tornado.web.authenticated
    async def _forward(self) -> None:
        upstream = self.upstream
        if self._size > upstream.config.max_request_bytes:
            self._too_large(upstream.config.max_request_bytes)
        url = self.get_query_argument("url", "")
        held = self.get_query_argument("credentials", "") == "server"
        answer = await self._exchange(url, held)
        if answer is not None and answer[0] == 401 and answer[3] and await self.hub_keys.renew():
            # The hub had a renewed key for the one the API refused: once more, with it.
            answer = await self._exchange(url, held)
        if answer is None:
            return  # the browser went away; the upstream request is closed
        status, headers, content, added = answer
        if added:
            # The browser never holds these; an API that echoes one must not hand it over,
            # in the body or in a header.
            content = await redact_in_pieces(content, added)
            headers = returned_headers({name: redact_text(value, added) for name, value in headers.items()})
        self.set_status(status)
        content_type = headers.pop("content-type", "application/octet-stream")
        for name, value in headers.items():
            self.set_header(name, value)
        self.set_header("Cache-Control", "no-store")
        # The API's answer is data for the lab's scripts, never a page of this origin.
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Content-Disposition", "attachment")
        # Not readable by a page of another origin that loads it (<script src>, <img>, no-cors).
        self.set_header("Cross-Origin-Resource-Policy", "same-origin")
        if status in (204, 304) or self.request.method == "HEAD":
            return self.finish(set_content_type=content_type)
        self.finish(content, set_content_type=content_type)

    async def _exchange(self, url: str, held: bool) -> Optional[tuple[int, dict[str, str], bytes, list[str]]]:
        """Forward the request (with the server's credentials when ``held``): the answer and the
        secrets added, or None when the browser went away."""
        headers = dict(self.request.headers)
        added = await self._add_held_credentials(url, headers) if held else []
        # The handler's own task, which a closed connection cancels: no task of its own per request.
        self._task = asyncio.current_task()
        try:
            status, answer_headers, content = await self.upstream.forward(
                self.request.method, url, headers, b"".join(self._chunks)
            )
        except asyncio.CancelledError:
            if self.request.connection.stream.closed():
                return None
            raise
        finally:
            self._task = None
        return status, answer_headers, content, added

    async def _add_held_credentials(self, url: str, headers: dict[str, str]) -> list[str]:
        """Add the server's credentials for ``url``'s origin, unless the request brings its own;
        answer the secret values added."""
        present = {name.lower() for name in headers}
        if present & AUTHENTICATING_HEADERS:
            return []
        if not self._from_the_lab():
            raise QbraidHTTPError(
                "not_from_the_lab",
                "This server adds its qBraid credentials only to requests that JupyterLab's own pages send "
                "(same-origin, with the Jupyter token or XSRF header); nothing was sent.",
                kind="refused",
            )
        held = await self.service.held()
        added = []
        for name, value in held.headers_for(url).items():
            if name.lower() not in present:
                headers[name] = value
                if name.lower() in AUTHENTICATING_HEADERS:
                    added.append(value)
        return added

    def compute_etag(self) -> None:
        # The API's answer is passed on, never cached (no-store): no hash of every body.
        return None

    def _from_the_lab(self) -> bool:
        """Whether the request was sent by a script of the lab's own origin: a browser says so
        in ``Sec-Fetch-Site``; without it, a header that a page of another origin (another port
        of the same host included) cannot send without a CORS grant this server never gives.
        The cookie alone proves nothing: an ``<img>`` or ``<script>`` of a same-site page sends it."""
        site = self.request.headers.get("Sec-Fetch-Site")
        if site is not None:
            return site == "same-origin"
        return bool(self.request.headers.get("X-XSRFToken") or self.request.headers.get("Authorization"))

    get = post = put = patch = delete = head = options = _forward


class QbraidrcHandler(QbraidHandler):
    """``GET``: the text and its ETag. ``PUT``: a conditional, checked, atomic write."""

    def initialize(self, files: FileAccess, **kwargs) -> None:
        super().initialize(**kwargs)
        self.files = files

    @tornado.web.authenticated
    async def get(self) -> None:
        path = self.files.shown_path
        text, etag = await self.files.run("Reading", self.files.qbraidrc.read)
        if text is None:
            raise QbraidHTTPError("qbraidrc_missing", f"{path} does not exist yet.")
        self.set_header("ETag", etag)
        self.set_header("Cache-Control", "no-store")
        self.finish({"path": path, "exists": True, "content": text})

    @tornado.web.authenticated
    async def put(self) -> None:
        content = self.json_body('{"content": "<text>"}').get("content")
        if not isinstance(content, str):
            raise QbraidHTTPError("invalid_body", 'The body must be JSON {"content": "<text>"}.')
        etag = await self.files.run(
            "Writing",
            self.files.qbraidrc.write,
            content,
            self.request.headers.get("If-Match"),
            self.request.headers.get("If-None-Match"),
        )
        self.set_header("ETag", etag)
        self.finish({"path": self.files.shown_path, "exists": True})


class CredentialsHandler(QbraidHandler):
    """The credentials the Jupyter server holds (qbraidrc ``[default]``, then the environment).

    ``GET``: their names, where each comes from, the email and the URL; never a value.
    ``PUT {"values": {"api-key": ...}}``: sign in: the credentials are checked with the API
    first, then written to qbraidrc (the file's other credentials are cleared, every other
    line kept). ``DELETE``: sign out: the file's credentials are cleared; what the environment
    holds stays, and the answer says so."""

    def initialize(self, service: CredentialsService, refresher: TokenRefresher, **kwargs) -> None:
        super().initialize(**kwargs)
        self.service, self.refresher = service, refresher

    def _answer(self, held, **extra) -> None:
        # A lab that lets the server hold the key: the server keeps its access token alive.
        self.refresher.ensure_started()
        expires = self.refresher.expires_at if "access-token" in held.values else None
        self.set_header("Cache-Control", "no-store")
        self.finish(
            {
                **held.public(),
                "path": self.service.files.shown_path,
                "token_expires_at": expires,
                "from_hub": self.service.from_hub,
                **extra,
            }
        )

    @tornado.web.authenticated
    async def get(self) -> None:
        self._answer(await self.service.held())

    @tornado.web.authenticated
    async def put(self) -> None:
        held, identity = await self.service.sign_in(self.json_body('{"values": {"api-key": "...", ...}}'))
        self._answer(held, identity=identity)

    @tornado.web.authenticated
    async def delete(self) -> None:
        self._answer(await self.service.sign_out())
