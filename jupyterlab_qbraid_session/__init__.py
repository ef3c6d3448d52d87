"""JupyterLab extension: one authenticated qBraid API session for every plugin."""

try:
    from ._version import __version__
except ImportError:  # pragma: no cover - only in a source checkout that was never built
    import warnings

    warnings.warn("Importing 'jupyterlab_qbraid_session' outside a proper installation.")
    __version__ = "dev"


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "jupyterlab-qbraid-session"}]
