"""The server extension as a Jupyter ``ExtensionApp``: it builds the proxy's pooled client and
the qbraidrc file in ``initialize_settings``, registers its routes in ``initialize_handlers``
and, when the server stops, closes the pooled connections to the qBraid APIs."""

import os

from jupyter_server.extension.application import ExtensionApp

from .blocking import BoundedRunner
from .config import QbraidProxy
from .credentials import HeldCredentials, resolve
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
        """The credentials this server holds now: qbraidrc ``[default]``, then the environment."""
        text, _etag = await self.file_runner.run(
            self.proxy_config.qbraidrc_timeout, f"Reading {display_path(self.qbraidrc.path)}", self.qbraidrc.read
        )
        return resolve(text, os.environ)

    async def stop_extension(self) -> None:
        await self.token_refresher.stop()
        await self.upstream.close()


main = launch_new_instance = QbraidSessionApp.launch_instance
