"""The server keeps alive the access token it holds (key storage ``server``).

A qBraid access token lasts 24 hours from its last refresh (``POST /access-tokens/refresh``
answers the new ``expiresAt``; the token itself does not change). The policy is the
rule book's, which the page follows too: once when a token comes into force, then at two
thirds of its remaining life (half near the end), never under a second apart; a failure is
tried again after 30 s, doubling up to 30 min. qbraidrc is read again at least every five
minutes, so a rotated or removed token is followed. An API key needs no refresh.
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import datetime
import logging
from typing import Any, Awaitable, Callable, Optional

from .credentials import fixed_headers
from .errors import QbraidHTTPError
from .rules import REFRESH

SHARE = REFRESH["share"]
NEAR_END = 2 * REFRESH["nearEndMs"] / 1000  # seconds: below this, half the time left
MIN_GAP = REFRESH["minGapMs"] / 1000
FAILURE_DELAY = REFRESH["failureDelayMs"] / 1000
FAILURE_MAX = REFRESH["failureMaxMs"] / 1000
CHECK = 5 * 60.0


def refresh_delay(expires_at: float, now: float) -> Optional[float]:
    """Seconds until the next refresh of a token expiring at ``expires_at``; None once expired."""
    remaining = expires_at - now
    if not remaining > 0:
        return None
    share = SHARE if remaining > NEAR_END else 0.5
    return max(MIN_GAP, remaining * share)


def parse_expiry(answer: bytes) -> Optional[float]:
    """``data.expiresAt`` of a refresh's answer as a Unix time, or None."""
    try:
        stamp = json.loads(answer)["data"]["expiresAt"]
        return datetime.fromisoformat(str(stamp).replace("Z", "+00:00")).timestamp()
    except (ValueError, KeyError, TypeError):
        return None


class TokenRefresher:
    """One task per server, started when a lab first asks what the server holds."""

    def __init__(self, held: Callable[[], Awaitable[Any]], upstream: Any, log: logging.Logger) -> None:
        self._held = held
        self._upstream = upstream
        self._log = log
        self._task: Optional[asyncio.Task] = None
        self._token: Optional[str] = None
        self._due = 0.0
        self._failures = 0
        self._stopped = False
        #: When the held access token expires, as last learnt (Unix time), or None.
        self.expires_at: Optional[float] = None

    def ensure_started(self) -> None:
        if not self._stopped and (self._task is None or self._task.done()):
            self._task = asyncio.ensure_future(self._run())

    async def stop(self) -> None:
        """End the task. A cancel that lands just as an awaited result arrives can be lost in
        ``asyncio.wait_for`` (Python < 3.12), so the task is cancelled again until it ends, and
        it looks at ``_stopped`` between ticks: the server's shutdown never waits on a tick."""
        task, self._task = self._task, None
        self._stopped = True
        if task is None:
            return
        while not task.done():
            task.cancel()
            await asyncio.wait({task}, timeout=0.5)
        if not task.cancelled():
            task.exception()  # retrieved, so nothing is logged as "never retrieved"

    async def _run(self) -> None:
        while not self._stopped:
            try:
                delay = await self.tick()
            except Exception:  # a bug must not end the refreshes for good (a cancel is no Exception)
                self._log.warning("qBraid token refresh failed unexpectedly", exc_info=True)
                delay = FAILURE_DELAY
            if self._stopped:
                return
            await asyncio.sleep(delay)

    async def tick(self) -> float:
        """Refresh when due; answer the seconds until the next look."""
        try:
            held = await self._held()
        except QbraidHTTPError:
            return CHECK  # an unreadable qbraidrc: its route says why
        token = held.values.get("access-token") if held.version == "v1" else None
        now = time.time()
        if not token:
            self._token, self.expires_at = None, None
            return CHECK
        if token == self._token and now < self._due:
            return min(self._due - now, CHECK)
        try:
            status, _headers, content = await self._upstream.forward(
                "POST",
                held.url + "/access-tokens/refresh",
                {**fixed_headers("v1"), "X-Access-Token": token},
                b"",
            )
        except QbraidHTTPError as err:
            return self._failed(token, f"{err.code}: {err.message}")
        if status != 200:
            return self._failed(token, f"the API answered {status}")
        self._failures = 0
        self._token = token
        self.expires_at = parse_expiry(content)
        delay = refresh_delay(self.expires_at, time.time()) if self.expires_at else None
        self._due = time.time() + (delay if delay is not None else CHECK)
        return min(self._due - time.time(), CHECK)

    def _failed(self, token: str, why: str) -> float:
        self._failures += 1
        self._token = token
        delay = min(FAILURE_MAX, FAILURE_DELAY * 2 ** (self._failures - 1))
        self._due = time.time() + delay
        self._log.warning("The qBraid access token held by this server was not refreshed (%s).", why)
        return delay
