"""For JupyterHub administrators, in ``jupyterhub_config.py``: each user's qBraid credentials go
from the hub's ``auth_state`` to their single-user server's environment, never to the page::

    from jupyterlab_qbraid_session.hub import QbraidAuthStateHook

    c.Authenticator.enable_auth_state = True  # with JUPYTERHUB_CRYPT_KEY set
    c.Spawner.auth_state_hook = QbraidAuthStateHook(api_key="qbraid_api_key")

The server then holds the key (``QBRAID_API_KEY`` or ``QBRAID_ACCESS_TOKEN``, and
``QBRAID_API_URL`` where given), as ``qbraid-core`` reads it in every kernel, and the lab keeps it
on the server by default (``QBRAID_KEY_STORAGE=server``). Nothing is written to the user's home.
A missing or malformed ``auth_state`` spawns a server that is simply signed out, with one line in
the hub's log that names no secret. This module imports nothing of JupyterLab or jupyter_server:
the hub's environment needs only this package.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Mapping, Optional

from .origins import RefusedURL, is_loopback, parse_origin
from .rules import valid_credential

#: The environment variable that tells the single-user server the hub handed it the key.
KEY_STORAGE_ENV = "QBRAID_KEY_STORAGE"
#: Where in auth_state the hook read them (JSON), so the server reads a renewed one the same way.
PATHS_ENV = "QBRAID_AUTH_STATE_PATHS"
#: The credentials the hook hands over.
CREDENTIAL_ENV = ("QBRAID_API_KEY", "QBRAID_ACCESS_TOKEN", "QBRAID_API_URL")
#: What the hook sets, and clears when auth_state has nothing usable.
HANDED = (*CREDENTIAL_ENV, KEY_STORAGE_ENV, PATHS_ENV)


class QbraidAuthStateHook:
    """A ``Spawner.auth_state_hook``: which ``auth_state`` entries hold the qBraid credentials is
    configurable (a dotted path for a nested one, e.g. ``"user.qbraid_key"``; ``None`` to read
    none): an authenticator that stores a qBraid API key, or an OAuth authenticator whose
    ``access_token`` is a qBraid access token (``access_token="access_token"``)."""

    def __init__(
        self,
        api_key: Optional[str] = "qbraid_api_key",
        access_token: Optional[str] = None,
        api_url: Optional[str] = "qbraid_api_url",
        log: Optional[logging.Logger] = None,
    ) -> None:
        self.paths = {"QBRAID_API_KEY": api_key, "QBRAID_ACCESS_TOKEN": access_token, "QBRAID_API_URL": api_url}
        self.arguments = {"api_key": api_key, "access_token": access_token, "api_url": api_url}
        self.log = log

    def __call__(self, spawner: Any, auth_state: Optional[Mapping[str, Any]]) -> None:
        # A new dict, never the shared one of the config: no user's key may reach another's.
        environment = {k: v for k, v in dict(spawner.environment or {}).items() if k not in HANDED}
        values, problem = self.credentials(auth_state)
        log = self.log or getattr(spawner, "log", None) or logging.getLogger(__name__)
        name = getattr(getattr(spawner, "user", None), "name", "?")
        if problem:
            log.warning("qBraid: %s for user %s; their server starts signed out of qBraid.", problem, name)
        else:
            environment.update(values)
            environment[KEY_STORAGE_ENV] = "server"
            environment[PATHS_ENV] = json.dumps(self.arguments)
        spawner.environment = environment

    def credentials(self, auth_state: Optional[Mapping[str, Any]]) -> tuple[dict[str, str], Optional[str]]:
        """The environment values ``auth_state`` gives, or why it gives none (no secret in it)."""
        if not isinstance(auth_state, Mapping):
            return {}, "no auth_state (is c.Authenticator.enable_auth_state on, with JUPYTERHUB_CRYPT_KEY?)"
        values = {}
        for env, path in self.paths.items():
            value = _lookup(auth_state, path)
            if value is None:
                continue
            if not isinstance(value, str) or not _usable(env, value.strip()):
                return {}, f"auth_state's {path!r} is not a usable {_WHAT[env]}"
            values[env] = value.strip()
        if "QBRAID_API_KEY" not in values and "QBRAID_ACCESS_TOKEN" not in values:
            names = " or ".join(repr(p) for e, p in self.paths.items() if p and e != "QBRAID_API_URL")
            return {}, f"auth_state holds no {names or 'credential path configured'}"
        return values, None


_WHAT = {"QBRAID_API_KEY": "API key", "QBRAID_ACCESS_TOKEN": "access token", "QBRAID_API_URL": "API URL"}


def _lookup(state: Mapping[str, Any], path: Optional[str]) -> Any:
    """The value at a dotted ``path`` of nested mappings, or None."""
    if not path:
        return None
    value: Any = state
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _usable(env: str, value: str) -> bool:
    if env != "QBRAID_API_URL":
        return valid_credential(value)
    try:
        origin = parse_origin(value)
    except RefusedURL:
        return False
    return origin.scheme == "https" or is_loopback(origin.host)
