"""A key the hub handed this server, asked again from the hub when the API refuses it.

Where a JupyterHub started this server with the user's qBraid credentials (``hub.py``), a
refused credential may have been rotated at the hub (its ``refresh_user`` keeps ``auth_state``
fresh). The server then reads its own user's ``auth_state`` with its own token
(``JUPYTERHUB_API_TOKEN``, which needs the ``read:users!user`` and ``admin:auth_state!user``
scopes: README "On a JupyterHub") and, when the credentials changed, holds the new ones from then on: in this process's
environment, which the kernels started afterwards inherit too. No restart, no file written.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from typing import MutableMapping, Optional
from urllib.parse import quote

import aiohttp

from .hub import CREDENTIAL_ENV, KEY_STORAGE_ENV, PATHS_ENV, QbraidAuthStateHook


class HubKeys:
    """Renews the credentials the hub handed this server, at most once every ``pause`` seconds
    (requests refused meanwhile share one question to the hub)."""

    def __init__(
        self, environ: MutableMapping[str, str] = os.environ, log: Optional[logging.Logger] = None, pause: float = 10.0
    ) -> None:
        self._environ = environ
        self._log = log or logging.getLogger(__name__)
        self._pause = pause
        self._asking: Optional[asyncio.Future] = None
        self._asked_at = float("-inf")

    @property
    def available(self) -> bool:
        """Whether a hub handed this server its key and can be asked again."""
        env = self._environ
        return env.get(KEY_STORAGE_ENV) == "server" and all(
            env.get(name) for name in ("JUPYTERHUB_API_URL", "JUPYTERHUB_API_TOKEN", "JUPYTERHUB_USER")
        )

    async def renew(self) -> bool:
        """Ask the hub for the user's credentials; True when they changed (and are now held)."""
        if not self.available:
            return False
        if self._asking is None:
            if time.monotonic() - self._asked_at < self._pause:
                return False
            self._asked_at = time.monotonic()
            self._asking = asyncio.ensure_future(self._ask())
            self._asking.add_done_callback(lambda _: setattr(self, "_asking", None))
        return await asyncio.shield(self._asking)

    async def _ask(self) -> bool:
        model = await self._user_model()
        if model is None:
            return False
        if "auth_state" not in model:
            self._log.warning(
                "qBraid: the hub gave no auth_state to this server's token; grant it admin:auth_state!user "
                "(README, On a JupyterHub) for a rotated key to be taken without a restart."
            )
            return False
        hook = QbraidAuthStateHook(**json.loads(self._environ.get(PATHS_ENV) or "{}"))
        values, problem = hook.credentials(model["auth_state"])
        if problem:
            self._log.warning("qBraid: the hub's auth_state gives no usable credentials: %s.", problem)
            return False
        # Only what the hub hands over: a URL set another way stays.
        handed = [name for name in CREDENTIAL_ENV if hook.paths.get(name)]
        if all(self._environ.get(name) == values.get(name) for name in handed):
            return False
        for name in handed:
            if name in values:
                self._environ[name] = values[name]
            else:
                self._environ.pop(name, None)
        self._log.info("qBraid: took the user's renewed credentials from the hub.")
        return True

    async def _user_model(self) -> Optional[dict]:
        """``GET $JUPYTERHUB_API_URL/users/$JUPYTERHUB_USER`` with the server's token: the user's
        model (``/user``, the token's own, never fills auth_state), or None."""
        user = quote(self._environ["JUPYTERHUB_USER"], safe="")
        url = f"{self._environ['JUPYTERHUB_API_URL'].rstrip('/')}/users/{user}"
        headers = {"Authorization": f"token {self._environ['JUPYTERHUB_API_TOKEN']}"}
        try:
            timeout = aiohttp.ClientTimeout(total=10)
            async with aiohttp.ClientSession(timeout=timeout, trust_env=False) as client:
                async with client.get(url, headers=headers, allow_redirects=False) as answer:
                    if answer.status != 200:
                        self._log.warning("qBraid: the hub answered %d when asked for the user's credentials.", answer.status)
                        return None
                    model = await answer.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as err:
            self._log.warning("qBraid: the hub could not be asked for the user's credentials (%s).", type(err).__name__)
            return None
        return model if isinstance(model, dict) else None
