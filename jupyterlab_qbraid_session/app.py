"""The server extension as a Jupyter ``ExtensionApp``: it registers the routes and, when the
server stops, closes the pooled connections to the qBraid APIs."""

from jupyter_server.extension.application import ExtensionApp

from .handlers import setup_handlers


class QbraidSessionApp(ExtensionApp):
    """The server half of jupyterlab-qbraid-session."""

    name = "jupyterlab_qbraid_session"
    # No page of its own: only API routes, and nothing to open in a browser.
    load_other_extensions = True

    def initialize_handlers(self) -> None:
        setup_handlers(self.serverapp)
        self.log.info("jupyterlab_qbraid_session: qBraid proxy and qbraidrc endpoint enabled")

    async def stop_extension(self) -> None:
        upstream = self.serverapp.web_app.settings.get("qbraid_upstream")
        if upstream is not None:
            await upstream.close()
