"""The server extension as a Jupyter ``ExtensionApp``: it builds the proxy's pooled client and
the qbraidrc file in ``initialize_settings``, registers its routes in ``initialize_handlers``
and, when the server stops, closes the pooled connections to the qBraid APIs."""

from __future__ import annotations

import os
import time

from jupyter_server.extension.application import ExtensionApp

from .blocking import BoundedRunner
from .config import QbraidProxy
from .credentials import ENVIRONMENT, HeldCredentials, resolve
from .handlers import CredentialsHandler, InfoHandler, ProxyHandler, QbraidrcHandler
from .proxy import Upstream
from .qbraidrc import QbraidrcFile, display_path
from .refresh import TokenRefresher

#: The routes' prefix under the server's base URL (src/api/serverhalf.ts has the same).
NAMESPACE = "qbraid-session"


class QbraidSessionApp(ExtensionApp):
    """The server half of jupyterlab-qbraid-session.

    Run as ``jupyter qbraid-session --help-all`` it lists its settings (``QbraidProxy``)."""

    name = "jupyterlab_qbraid_session"
    description = "A same-origin proxy to the qBraid APIs and an endpoint for ~/.qbraid/qbraidrc."
    # No page of its own: only API routes, and nothing to open in a browser.
    load_other_extensions = True
    classes = [*ExtensionApp.classes, QbraidProxy]

    def initialize_settings(self) -> None:
        self.proxy_config = QbraidProxy(parent=self)
        self.upstream = Upstream(self.proxy_config, self.log)
        self.qbraidrc = QbraidrcFile()
        self.file_runner = BoundedRunner()
        self.token_refresher = TokenRefresher(self)
        self._held: tuple[tuple, HeldCredentials] | None = None

    def initialize_handlers(self) -> None:
        self.handlers.extend(
            [
                (f"/{NAMESPACE}/info", InfoHandler),
                (f"/{NAMESPACE}/proxy", ProxyHandler),
                (f"/{NAMESPACE}/qbraidrc", QbraidrcHandler),
                (f"/{NAMESPACE}/credentials", CredentialsHandler),
            ]
        )
        self.log.info("jupyterlab_qbraid_session: qBraid proxy and qbraidrc endpoint enabled")

    async def held_credentials(self) -> HeldCredentials:
        """The credentials this server holds now: qbraidrc ``[default]``, then the environment.

        Kept while the file's ``stat`` and the environment are what they were when it was read,
        so a proxied request costs a ``stat``, not a read on a thread; a changed, replaced or
        removed file is seen at once. A file changed within a second before it was read is
        read again next time: a same-size edit in the same timestamp tick would not show."""
        path = self.qbraidrc.path
        key = (str(path), _stat_signature(path), tuple(os.environ.get(name) for name in ENVIRONMENT))
        if self._held is not None and self._held[0] == key:
            return self._held[1]
        started = time.time()
        text, _etag = await self.file_runner.run(
            self.proxy_config.qbraidrc_timeout, f"Reading {display_path(path)}", self.qbraidrc.read
        )
        held = resolve(text, os.environ)
        signature = key[1]
        settled = signature is None or signature[2] < (started - 1.0) * 1e9
        self._held = (key, held) if settled and _stat_signature(path) == signature else None
        return held

    async def stop_extension(self) -> None:
        await self.token_refresher.stop()
        await self.upstream.close()


def _stat_signature(path) -> tuple[int, int, int, int] | None:
    """What tells a changed file (inode, size, modification and change times), or None."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


main = launch_new_instance = QbraidSessionApp.launch_instance
