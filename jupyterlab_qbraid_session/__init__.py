"""JupyterLab extension: one authenticated qBraid API session for every plugin.

The Python half is a Jupyter server extension: a same-origin proxy to the qBraid
APIs and an endpoint for ``~/.qbraid/qbraidrc`` (see ``handlers.py``).
"""

try:
    from ._version import __version__
except ImportError:  # pragma: no cover - only in a source checkout that was never built
    import warnings

    warnings.warn("Importing 'jupyterlab_qbraid_session' outside a proper installation.")
    __version__ = "dev"


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "jupyterlab-qbraid-session"}]


def _jupyter_server_extension_points():
    from .app import QbraidSessionApp

    return [{"module": "jupyterlab_qbraid_session", "app": QbraidSessionApp}]
