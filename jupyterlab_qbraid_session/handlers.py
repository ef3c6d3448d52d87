"""Routes under ``<base_url>qbraid-session/``: ``info``, ``proxy`` and ``qbraidrc``.

Every route needs the Jupyter login; unsafe methods also need the XSRF check, which
``APIHandler`` applies (``ServerConnection`` sends both, to the Jupyter server only).
"""

from __future__ import annotations

import asyncio
import json

import tornado.web
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join

from . import __version__
from .config import QbraidProxy
from .origins import RefusedURL
from .proxy import ERROR_HEADER, FORWARDED_HEADERS, ProxyFailure, Upstream
from .qbraidrc import QbraidrcError, QbraidrcFile, display_path

NAMESPACE = "qbraid-session"


class _Base(APIHandler):
    @property
    def upstream(self) -> Upstream:
        return self.settings["qbraid_upstream"]

    @property
    def qbraidrc(self) -> QbraidrcFile:
        return self.settings["qbraid_qbraidrc"]

    def error(self, status: int, code: str, message: str, headers: dict | None = None) -> None:
        self.set_status(status)
        for name, value in (headers or {}).items():
            self.set_header(name, value)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"error": {"code": code, "message": message}}))


class InfoHandler(_Base):
    @tornado.web.authenticated
    def get(self) -> None:
        self.finish(
            {
                "version": __version__,
                "features": {"proxy": True, "qbraidrc": True},
                "qbraidrc_path": display_path(self.qbraidrc.path),
                "allowed_origins": list(self.upstream.allow),
                "forwarded_headers": list(FORWARDED_HEADERS),
            }
        )


class ProxyHandler(_Base):
    """``<METHOD> qbraid-session/proxy?url=<absolute API URL>``."""

    @tornado.web.authenticated
    async def _forward(self) -> None:
        url = self.get_query_argument("url", "")
        config = self.upstream.config
        body = self.request.body or b""
        refused = {ERROR_HEADER: "refused"}
        if len(body) > config.max_request_bytes:
            return self.error(
                413, "request_too_large", f"Request bodies are limited to {config.max_request_bytes} bytes.", refused
            )
        try:
            status, headers, content = await self.upstream.forward(
                self.request.method, url, dict(self.request.headers), body
            )
        except RefusedURL as err:
            return self.error(403, "origin_refused", f"Not forwarded: {err}.", refused)
        except ProxyFailure as failure:
            return self.error(failure.status, failure.code, str(failure), {ERROR_HEADER: failure.kind})
        self.set_status(status)
        self.clear_header("Content-Type")
        for name, value in headers.items():
            self.set_header(name, value)
        self.set_header("Cache-Control", "no-store")
        if status in (204, 304) or self.request.method == "HEAD":
            return self.finish()
        self.finish(content)

    get = post = put = patch = delete = head = options = _forward


class QbraidrcHandler(_Base):
    """``GET``: the text and its ETag. ``PUT``: a conditional, checked, atomic write.

    The file is read and written on a worker thread: a write fsyncs, which must not hold
    up the server's event loop (``QbraidrcFile`` takes its own lock)."""

    @tornado.web.authenticated
    async def get(self) -> None:
        path = display_path(self.qbraidrc.path)
        try:
            text, etag = await asyncio.to_thread(self.qbraidrc.read)
        except QbraidrcError as err:
            return self.error(err.status, err.code, str(err))
        if text is None:
            self.set_status(404)
            return self.finish({"path": path, "exists": False})
        self.set_header("ETag", etag)
        self.set_header("Cache-Control", "no-store")
        self.finish({"path": path, "exists": True, "content": text})

    @tornado.web.authenticated
    async def put(self) -> None:
        try:
            content = json.loads(self.request.body or b"{}").get("content")
        except (ValueError, AttributeError):
            content = None
        if not isinstance(content, str):
            return self.error(400, "invalid_body", 'The body must be JSON {"content": "<text>"}.')
        try:
            etag = await asyncio.to_thread(
                self.qbraidrc.write,
                content,
                self.request.headers.get("If-Match"),
                self.request.headers.get("If-None-Match"),
            )
        except QbraidrcError as err:
            return self.error(err.status, err.code, str(err))
        self.set_header("ETag", etag)
        self.finish({"path": display_path(self.qbraidrc.path), "exists": True})


def setup_handlers(server_app) -> None:
    web_app = server_app.web_app
    config = QbraidProxy(parent=server_app)
    upstream = Upstream(config, server_app.log)
    web_app.settings["qbraid_upstream"] = upstream
    web_app.settings["qbraid_qbraidrc"] = QbraidrcFile()
    base = url_path_join(web_app.settings["base_url"], NAMESPACE)
    web_app.add_handlers(
        ".*$",
        [
            (url_path_join(base, "info"), InfoHandler),
            (url_path_join(base, "proxy"), ProxyHandler),
            (url_path_join(base, "qbraidrc"), QbraidrcHandler),
        ],
    )
