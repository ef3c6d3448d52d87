"""Routes under ``<base_url>qbraid-session/``: ``info``, ``proxy`` and ``qbraidrc``.

Every route needs the Jupyter login; unsafe methods also need the XSRF check, which
``APIHandler`` applies (``ServerConnection`` sends both, to the Jupyter server only).
Failures are raised as ``HTTPError`` and answered as jupyter_server's standard JSON,
``{"message", "reason"}``, the reason being a code of ``errors.ERROR_CODES``.
"""

from __future__ import annotations

import asyncio
import json

import tornado.web
from jupyter_server.base.handlers import APIHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin

from . import __version__
from .errors import PROXY_ERROR_HEADER, QbraidHTTPError, describe
from .proxy import FORWARDED_HEADERS
from .qbraidrc import display_path


class QbraidHandler(ExtensionHandlerMixin, APIHandler):
    """The routes' common error handling; the objects they use belong to the ExtensionApp."""

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
        self.finish(json.dumps({"message": message, "reason": code}))

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
    @tornado.web.authenticated
    def get(self) -> None:
        app = self.extensionapp
        self.finish(
            {
                "version": __version__,
                "features": {"proxy": True, "qbraidrc": True},
                "qbraidrc_path": display_path(app.qbraidrc.path),
                "allowed_origins": list(app.upstream.allow),
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

    def initialize(self, *args, **kwargs) -> None:
        super().initialize(*args, **kwargs)
        # Set before prepare(): a refused request may still see its body or its connection close.
        self._chunks: list[bytes] = []
        self._size = 0
        self._task: asyncio.Task | None = None

    async def prepare(self) -> None:
        await super().prepare()
        if not self.current_user:
            raise tornado.web.HTTPError(403)
        limit = self.extensionapp.upstream.config.max_request_bytes
        declared = self.request.headers.get("Content-Length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            self._too_large(limit)

    def data_received(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._size <= self.extensionapp.upstream.config.max_request_bytes:
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
        upstream = self.extensionapp.upstream
        if self._size > upstream.config.max_request_bytes:
            self._too_large(upstream.config.max_request_bytes)
        url = self.get_query_argument("url", "")
        self._task = asyncio.ensure_future(
            upstream.forward(self.request.method, url, dict(self.request.headers), b"".join(self._chunks))
        )
        try:
            status, headers, content = await self._task
        except asyncio.CancelledError:
            if self.request.connection.stream.closed():
                return  # the browser went away; the upstream request is closed
            raise
        self.set_status(status)
        content_type = headers.pop("content-type", "application/octet-stream")
        for name, value in headers.items():
            self.set_header(name, value)
        self.set_header("Cache-Control", "no-store")
        # The API's answer is data for the lab's scripts, never a page of this origin.
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Content-Disposition", "attachment")
        if status in (204, 304) or self.request.method == "HEAD":
            return self.finish(set_content_type=content_type)
        self.finish(content, set_content_type=content_type)

    get = post = put = patch = delete = head = options = _forward


class QbraidrcHandler(QbraidHandler):
    """``GET``: the text and its ETag. ``PUT``: a conditional, checked, atomic write.

    The file is read and written off the event loop, bounded in time (``BoundedRunner``):
    a write fsyncs, and a file system may hang."""

    async def _run(self, what: str, fn, *args):
        app = self.extensionapp
        return await app.file_runner.run(app.proxy_config.qbraidrc_timeout, what, fn, *args)

    @tornado.web.authenticated
    async def get(self) -> None:
        qbraidrc = self.extensionapp.qbraidrc
        path = display_path(qbraidrc.path)
        text, etag = await self._run(f"Reading {path}", qbraidrc.read)
        if text is None:
            raise QbraidHTTPError("qbraidrc_missing", f"{path} does not exist yet.")
        self.set_header("ETag", etag)
        self.set_header("Cache-Control", "no-store")
        self.finish({"path": path, "exists": True, "content": text})

    @tornado.web.authenticated
    async def put(self) -> None:
        qbraidrc = self.extensionapp.qbraidrc
        try:
            content = json.loads(self.request.body or b"{}").get("content")
        except (ValueError, AttributeError):
            content = None
        if not isinstance(content, str):
            raise QbraidHTTPError("invalid_body", 'The body must be JSON {"content": "<text>"}.')
        path = display_path(qbraidrc.path)
        etag = await self._run(
            f"Writing {path}",
            qbraidrc.write,
            content,
            self.request.headers.get("If-Match"),
            self.request.headers.get("If-None-Match"),
        )
        self.set_header("ETag", etag)
        self.finish({"path": path, "exists": True})
