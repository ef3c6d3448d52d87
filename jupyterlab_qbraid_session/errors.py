"""The server half's errors: ``HTTPError`` with a code from one vocabulary.

Handlers raise :class:`QbraidHTTPError` (or any ``HTTPError``); ``APIHandler.write_error``
gives jupyter_server's standard JSON, ``{"message": ..., "reason": <code>}``, which the
frontend reads with one helper (``src/api/serverhalf.ts``). The codes and their statuses are
the rule book's (``src/rules/rules.json``), which the page reads too. ``PROXY_ERROR_HEADER`` says
that no answer came from the API, and why: ``connect`` (nothing reached it), ``read`` (the
request may have), ``refused`` (not sent).
"""

from __future__ import annotations

from typing import Optional

from tornado.web import HTTPError

from .rules import ERROR_CODES, PROXY_ERROR_HEADER  # noqa: F401 (the vocabulary, from the rule book)

_BY_STATUS = {403: "forbidden", 404: "not_found", 405: "method_not_allowed"}


class QbraidHTTPError(HTTPError):
    """A refusal or failure with its code; ``kind`` is the proxy's error header, if any."""

    def __init__(self, code: str, message: str, *, kind: Optional[str] = None) -> None:
        if code not in ERROR_CODES:
            raise ValueError(f"unknown error code {code!r}")
        # No args: tornado takes the message as it is, '%' included.
        super().__init__(ERROR_CODES[code], message)
        self.code = code
        self.kind = kind

    @property
    def message(self) -> str:
        return self.log_message % self.args


def describe(error: BaseException, status: int) -> tuple[str, str, Optional[str]]:
    """``(code, message, kind)`` for any error a handler raised; nothing of a request in it."""
    if isinstance(error, QbraidHTTPError):
        return error.code, error.message, error.kind
    if isinstance(error, HTTPError):
        code = _BY_STATUS.get(status, "internal" if status >= 500 else "http_error")
        try:
            message = error.log_message % error.args if error.log_message else ""
        except (TypeError, ValueError):
            message = error.log_message or ""
        return code, message or f"The request was refused ({status}).", None
    return (
        "internal",
        f"The qBraid server extension failed unexpectedly ({type(error).__name__}); "
        "the Jupyter server's log has the details.",
        None,
    )
