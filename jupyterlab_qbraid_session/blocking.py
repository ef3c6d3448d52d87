"""Blocking file operations off the event loop, bounded in number and in time.

Not ``asyncio.to_thread``: that uses the loop's shared executor, whose threads also do the
proxy's DNS lookups and are joined when the server exits. A read that never returns (a
FIFO, a hung network file system) would take one of them for good, and enough of them
would stall every lookup and the server's shutdown. Here each operation runs on a daemon
thread of its own, at most ``limit`` at once, and the caller stops waiting after
``timeout`` seconds, with a named error.

An operation that changes something calls :func:`commit_point` just before the change takes
effect (a rename): once the caller has answered "busy", it raises instead, so a busy
answer means that nothing was written. Once past it, the caller waits for the end.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Callable, TypeVar

from .errors import QbraidHTTPError

T = TypeVar("T")

_local = threading.local()


class Abandoned(Exception):
    """The caller stopped waiting before the operation reached its commit point."""


class _Deadline:
    """Who came first: the operation to its commit point, or the caller to giving up."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state = "open"

    def claim(self) -> bool:
        """The operation's turn: False when the caller gave up first."""
        return self._move("claimed", unless="abandoned")

    def abandon(self) -> bool:
        """The caller's turn: False when the operation is already taking effect."""
        return self._move("abandoned", unless="claimed")

    def _move(self, state: str, unless: str) -> bool:
        with self._lock:
            if self._state == unless:
                return False
            self._state = state
            return True


def commit_point() -> None:
    """Called by an operation just before its change takes effect; raises
    :class:`Abandoned` when its caller has already stopped waiting."""
    deadline = getattr(_local, "deadline", None)
    if deadline is not None and not deadline.claim():
        raise Abandoned()


class BoundedRunner:
    """Run blocking callables on daemon threads, at most ``limit`` still running at once."""

    def __init__(self, limit: int = 4) -> None:
        self._slots = asyncio.Semaphore(limit)

    async def run(self, timeout: float, what: str, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        busy = QbraidHTTPError(
            "qbraidrc_busy", f"{what} did not finish within {timeout:g} s; check the file system, then try again."
        )
        try:
            await asyncio.wait_for(self._slots.acquire(), timeout)
        except asyncio.TimeoutError:
            raise busy from None
        future: asyncio.Future = loop.create_future()
        deadline = _Deadline()

        def settle(result: Any, error: BaseException | None) -> None:
            # The slot is freed only when the work is really over, not when the caller gives up.
            self._slots.release()
            if future.done():
                return
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(result)

        def work() -> None:
            _local.deadline = deadline
            try:
                outcome: tuple[Any, BaseException | None] = (fn(*args), None)
            except BaseException as error:  # handed to the caller
                outcome = (None, error)
            finally:
                _local.deadline = None
            try:
                loop.call_soon_threadsafe(settle, *outcome)
            except RuntimeError:
                pass  # the loop is closed: the server stopped meanwhile

        threading.Thread(target=work, name="qbraidrc-io", daemon=True).start()
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout)
        except asyncio.TimeoutError:
            if deadline.abandon():
                raise busy from None
        # The change is taking effect: its outcome is the answer.
        return await future
