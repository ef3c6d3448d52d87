"""Jupyter server configuration for the Galata tests.

Never use it for a real server: it removes the server's protections.
"""

from tempfile import mkdtemp

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821

c.ServerApp.allow_root = True  # noqa: F821
# Keep the tests away from the real ~/.jupyter settings.
c.LabApp.user_settings_dir = mkdtemp(prefix="qbraid-galata-settings-")  # noqa: F821
# As most servers run: the root is a folder inside the home and hidden files are
# off; ~/.qbraid/qbraidrc is reached through the server half's endpoint.
c.ContentsManager.allow_hidden = False  # noqa: F821
# The local qBraid API (which refuses CORS) is reached through the server's proxy.
c.QbraidProxy.allowed_origins = ["http://127.0.0.1:8766"]  # noqa: F821
