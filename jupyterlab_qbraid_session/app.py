"""The server extension as a Jupyter ``ExtensionApp``: it builds the proxy's pooled client and
the qbraidrc file in ``initialize_settings``, registers its routes in ``initialize_handlers``
and, when the server stops, closes the pooled connections to the qBraid APIs."""

from __future__ import annotations

import os

from jupyter_server.extension.application import ExtensionApp

from .blocking import BoundedRunner
from .config import QbraidProxy
from .hub import KEY_STORAGE_ENV
from .hubkeys import HubKeys
from .handlers import CredentialsHandler, InfoHandler, ProxyHandler, QbraidrcHandler
from .proxy import Upstream
from .qbraidrc import QbraidrcFile
from .refresh import TokenRefresher
from .service import CredentialsService, FileAccess

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
        self.files = FileAccess(self.qbraidrc, BoundedRunner(), self.proxy_config)
        self.credentials = CredentialsService(self.files, self.upstream)
        self.token_refresher = TokenRefresher(self.credentials.held, self.upstream, self.log)
        if os.environ.get(KEY_STORAGE_ENV) == "server":
            # Started by a hub that handed this server the key: the lab keeps it here by default.
            page_config = self.serverapp.web_app.settings.setdefault("page_config_data", {})
            page_config["qbraidKeyStorage"] = "server"

    def initialize_handlers(self) -> None:
        both = {"service": self.credentials, "upstream": self.upstream}
        self.handlers.extend(
            [
                (f"/{NAMESPACE}/info", InfoHandler, both),
                (f"/{NAMESPACE}/proxy", ProxyHandler, {**both, "hub_keys": HubKeys(log=self.log)}),
                (f"/{NAMESPACE}/qbraidrc", QbraidrcHandler, {"files": self.files}),
                (
                    f"/{NAMESPACE}/credentials",
                    CredentialsHandler,
                    {"service": self.credentials, "refresher": self.token_refresher},
                ),
            ]
        )
        self.log.info("jupyterlab_qbraid_session: qBraid proxy and qbraidrc endpoint enabled")

    async def stop_extension(self) -> None:
        await self.token_refresher.stop()
        await self.upstream.close()


main = launch_new_instance = QbraidSessionApp.launch_instance
