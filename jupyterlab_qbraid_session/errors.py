"""The server half's errors: ``HTTPError`` with a code from one vocabulary.

Handlers raise :class:`QbraidHTTPError` (or any ``HTTPError``); ``APIHandler.write_error``
gives jupyter_server's standard JSON, ``{"message": ..., "reason": <code>}``, which the
frontend reads with one helper (``src/api/serverhalf.ts``). ``SERVER_ERROR_CODES`` there
lists the same codes as :data:`ERROR_CODES` here (a pytest compares the two).
"""

from __future__ import annotations

from typing import Optional

from tornado.web import HTTPError

#: Every code the server half answers with, and the status it comes with.
ERROR_CODES: dict[str, int] = {
    # Any route.
    "forbidden": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "http_error": 400,
    "internal": 500,
    "invalid_body": 400,
    # The qbraidrc endpoint.
    "qbraidrc_missing": 404,
    "qbraidrc_conflict": 412,
    "qbraidrc_precondition_required": 428,
    "qbraidrc_invalid": 400,
    "qbraidrc_too_large": 413,
    "qbraidrc_not_a_file": 409,
    "qbraidrc_not_utf8": 422,
    "qbraidrc_permission": 403,
    "qbraidrc_disk_full": 507,
    "qbraidrc_io": 500,
    "qbraidrc_busy": 503,
    # Credentials held by the server.
    "credentials_refused": 422,
    "credential_mismatch": 409,
    "credentials_unchecked": 502,
    # The proxy.
    "origin_refused": 403,
    "not_from_the_lab": 403,
    "invalid_request": 400,
    "request_too_large": 413,
    "response_too_large": 502,
    "redirect_refused": 502,
    "too_many_redirects": 502,
    "upstream_connect": 502,
    "upstream_timeout": 504,
    "upstream_read": 502,
    "upstream_protocol": 502,
    "upstream_encoding": 502,
}

#: The header with which the proxy says that no answer came from the API, and why:
#: ``connect`` (nothing reached it), ``read`` (the request may have), ``refused`` (not sent).
PROXY_ERROR_HEADER = "X-Qbraid-Proxy-Error"

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
