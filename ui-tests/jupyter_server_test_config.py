"""Jupyter server configuration for the Galata tests.

Never use it for a real server: it removes the server's protections.
"""

from tempfile import mkdtemp

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821

c.ServerApp.allow_root = True  # noqa: F821
# Keep the tests away from the real ~/.jupyter settings.
c.LabApp.user_settings_dir = mkdtemp(prefix="qbraid-galata-settings-")  # noqa: F821
# The credentials work touches ~/.qbraid, a hidden folder.
c.ContentsManager.allow_hidden = True  # noqa: F821
