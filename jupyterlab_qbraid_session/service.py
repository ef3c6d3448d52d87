"""The credentials the Jupyter server holds, as one service the handlers call: what it holds
(resolved from qbraidrc ``[default]`` and the environment, kept by the file's ``stat``), a
sign-in (checked with the API, then written), a sign-out, and the account the API names.

File work runs off the event loop through :class:`FileAccess`, bounded in time."""

from __future__ import annotations

import json
import os
import re
import time
from typing import Any, Callable, Mapping, Optional

from .blocking import BoundedRunner
from .credentials import (
    CREDENTIAL_KEYS,
    DIALECTS,
    ENVIRONMENT,
    HeldCredentials,
    check_values,
    fixed_headers,
    resolve,
    valid_email,
)
from .errors import QbraidHTTPError
from .hub import KEY_STORAGE_ENV
from .inifile import edit_default
from .qbraidrc import QbraidrcFile, display_path
from .redaction import redact_text
from .rules import BOOK

#: What of the check's answer goes back to the browser (who the account is, nothing else), and
#: the longest value passed on: the rule book's ``identity``.
IDENTITY_FIELDS = tuple(BOOK["identity"]["fields"])
IDENTITY_MAX = BOOK["identity"]["maxLength"]
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class FileAccess:
    """The qbraidrc file, read and written off the event loop within ``config.qbraidrc_timeout``
    (read at each call, so a changed setting applies at once): a write fsyncs, and a file
    system may hang."""

    def __init__(self, qbraidrc: QbraidrcFile, runner: BoundedRunner, config: Any) -> None:
        self.qbraidrc = qbraidrc
        self._runner = runner
        self._config = config

    @property
    def shown_path(self) -> str:
        return display_path(self.qbraidrc.path)

    async def run(self, action: str, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` off the loop; ``action`` (``Reading``, ``Writing``) names it in errors."""
        return await self._runner.run(self._config.qbraidrc_timeout, f"{action} {self.shown_path}", fn, *args)

    async def edit_default(self, updates: Mapping[str, Optional[str]], create: bool = True) -> None:
        """Set (or, with ``None``, remove) keys of ``[default]``, every other line kept."""

        def change(current: Optional[str]) -> Optional[str]:
            return current if current is None and not create else edit_default(current, updates)

        await self.run("Writing", self.qbraidrc.edit, change)


class CredentialsService:
    """Resolve, sign in, sign out and check the credentials this server holds."""

    def __init__(self, files: FileAccess, upstream: Any, environ: Mapping[str, str] = os.environ) -> None:
        self.files = files
        self._upstream = upstream
        self._environ = environ
        self._held: Optional[tuple[tuple, HeldCredentials]] = None

    @property
    def from_hub(self) -> bool:
        """Whether a JupyterHub handed this server the key (``QBRAID_KEY_STORAGE=server``)."""
        return self._environ.get(KEY_STORAGE_ENV) == "server"

    async def held(self) -> HeldCredentials:
        """The credentials this server holds now: qbraidrc ``[default]``, then the environment.

        Kept while the file's ``stat`` and the environment are what they were when it was read,
        so a proxied request costs a ``stat``, not a read on a thread; a changed, replaced or
        removed file is seen at once. A file changed within a second before it was read is
        read again next time: a same-size edit in the same timestamp tick would not show."""
        path = self.files.qbraidrc.path
        key = (str(path), _stat_signature(path), tuple(self._environ.get(name) for name in ENVIRONMENT))
        if self._held is not None and self._held[0] == key:
            return self._held[1]
        started = time.time()
        text, _etag = await self.files.run("Reading", self.files.qbraidrc.read)
        held = resolve(text, self._environ)
        signature = key[1]
        settled = signature is None or signature[2] < (started - 1.0) * 1e9
        self._held = (key, held) if settled and _stat_signature(path) == signature else None
        return held

    async def sign_in(self, body: object) -> tuple[HeldCredentials, dict[str, str]]:
        """Check the values of a sign-in body with the API as the SDK will use them once written
        (the URL from the environment included, never a key the environment holds instead),
        then write them; the file's other credentials are cleared."""
        values = check_values(body.get("values") if isinstance(body, dict) else None)
        updates: dict[str, Optional[str]] = {key: None for key in CREDENTIAL_KEYS}
        updates.update({key: value for key, value in values.items() if key != "url"})
        if "url" in values:
            updates["url"] = values["url"].rstrip("/")
        text, _etag = await self.files.run("Reading", self.files.qbraidrc.read)
        after = resolve(edit_default(text, updates), self._environ).checked_as_written()
        if not after.headers():
            raise QbraidHTTPError(
                "invalid_body",
                f"The {after.version} API at {after.url} does not use these credentials "
                f"({', '.join(k for k in values if k != 'url')}); give the ones it reads.",
            )
        secrets = [value for key, value in values.items() if key != "url"] + after.secret_values()
        identity = await self.check(after, values.get("email"), secrets)
        updates["email"] = identity["email"]
        await self.files.edit_default(updates)
        return await self.held(), identity

    async def sign_out(self) -> HeldCredentials:
        """Clear the file's credentials; what the environment holds stays."""
        await self.files.edit_default({key: None for key in CREDENTIAL_KEYS}, create=False)
        return await self.held()

    async def check(self, held: HeldCredentials, configured: Optional[str], secrets: list[str]) -> dict[str, str]:
        """The account from the API's check of ``held``, every value checked and redacted of
        ``secrets``; refusals say what to do."""
        verify = DIALECTS[held.version]["verifyPath"]
        status, _headers, content = await self._upstream.forward(
            "GET", held.url + verify, {**fixed_headers(held.version), **held.headers()}, b""
        )
        where = f"The qBraid API at {held.url}"
        if status in (401, 403):
            raise QbraidHTTPError(
                "credentials_refused",
                f"{where} refused these credentials ({status}): check the key on your qBraid account page. "
                "Nothing was written.",
            )
        identity = identity_of(held.version, content, secrets) if status == 200 else None
        email = identity["email"] if identity else None
        if identity and not email:
            raise QbraidHTTPError(
                "credentials_unchecked",
                f"{where} answered {verify} with an email that is not an address (or that holds a "
                "credential); nothing was written. Tell the API's administrators.",
            )
        if not email:
            raise QbraidHTTPError(
                "credentials_unchecked",
                f"{where} answered {status} to {verify} without an account; nothing was written. Try again later.",
            )
        if configured and configured.lower() != email.lower():
            raise QbraidHTTPError(
                "credential_mismatch",
                f"These credentials belong to {email}, not to {configured}; nothing was written.",
            )
        return identity


def identity_of(version: str, content: bytes, secrets: list[str]) -> Optional[dict[str, str]]:
    """The account of the check's answer (v1 ``{success, data: {email, ...}}``, legacy
    ``{email, ...}``): its identity fields only, or None without an email. The API's values
    are checked before they reach the file, a header or the page: the email must be an
    address (printable ASCII, no line break, no secret: else ``email`` is empty); the other
    fields lose control characters and line separators, are cut, and are redacted."""
    try:
        answer = json.loads(content)
    except ValueError:
        return None
    envelope = BOOK["identity"]["envelope"][version]
    if envelope is not None:
        answer = answer.get(envelope) if isinstance(answer, dict) and answer.get("success") is True else None
    if not isinstance(answer, dict) or not isinstance(answer.get("email"), str) or not answer["email"]:
        return None
    identity = {
        key: redact_text(_CONTROL.sub("", answer[key])[:IDENTITY_MAX], secrets)
        for key in IDENTITY_FIELDS
        if key != "email" and isinstance(answer.get(key), str)
    }
    email = answer["email"]
    usable = valid_email(email) and redact_text(email, secrets) == email
    return {"email": email if usable else "", **identity}


def _stat_signature(path) -> Optional[tuple[int, int, int, int]]:
    """What tells a changed file (inode, size, modification and change times), or None."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
