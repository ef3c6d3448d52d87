"""Credentials held by the server: resolved as the SDK resolves them, added by the proxy, set
by a checked sign-in, cleared by sign-out; no route ever answers a value."""

from __future__ import annotations

import configparser
import json
import os
import time
import stat
from pathlib import Path

import pytest

from jupyterlab_qbraid_session.credentials import edit_default, resolve

KEY = "demo-api-key"


pytestmark = pytest.mark.usefixtures("no_qbraid_environment")


async def call(jp_fetch, method="GET", body=None):
    kwargs = {"method": method, "raise_error": False}
    if body is not None:
        kwargs["body"] = json.dumps(body)
    response = await jp_fetch("qbraid-session", "credentials", **kwargs)
    return response.code, json.loads(response.body)


async def proxied(jp_fetch, url, credentials="server", headers=None):
    params = {"url": url, **({"credentials": credentials} if credentials else {})}
    # As the browser's session sends every v1 request.
    headers = {"X-Domain": "qbraid", **(headers or {})}
    return await jp_fetch("qbraid-session", "proxy", params=params, headers=headers, raise_error=False)


# --- resolution, as qbraid-core's QbraidSessionV1 resolves ---------------------------------


def test_qbraidrc_comes_before_the_environment_and_the_access_token_wins():
    held = resolve("[default]\napi-key = from-file\n", {"QBRAID_API_KEY": "from-env"})
    assert held.values == {"api-key": "from-file"} and held.sources == {"api-key": "qbraidrc"}
    assert held.headers() == {"X-API-Key": "from-file"}
    held = resolve("[default]\napi-key = from-file\n", {"QBRAID_ACCESS_TOKEN": "token"})
    assert held.headers() == {"X-Access-Token": "token"}
    assert held.sources["access-token"] == "QBRAID_ACCESS_TOKEN"


def test_the_url_comes_from_the_environment_the_key_the_file_then_the_default():
    host_key = "eq1_mfygsltfof2wc3brfzrw63i." + "0" * 64  # names api.equal1.com
    assert resolve(None, {}).url == "https://api-v2.qbraid.com/api/v1"
    assert resolve("[default]\nurl = http://127.0.0.1:1/api/v1/\n", {}).url == "http://127.0.0.1:1/api/v1"
    assert resolve(f"[default]\napi-key = {host_key}\nurl = http://x.test/api/v1\n", {}).url == (
        "https://api.equal1.com/api/v1"
    )
    held = resolve(f"[default]\napi-key = {host_key}\n", {"QBRAID_API_URL": "http://127.0.0.1:2/api/v1"})
    assert (held.url, held.url_source) == ("http://127.0.0.1:2/api/v1", "QBRAID_API_URL")


def test_a_legacy_url_reads_the_legacy_fields_and_headers():
    held = resolve("[default]\nurl = https://api.qbraid.com/api\nrefresh-token = r\n", {"JUPYTERHUB_USER": "u@x.io"})
    assert held.version == "legacy"
    assert held.headers() == {"email": "u@x.io", "refresh-token": "r"}


def test_what_the_browser_may_know_holds_no_value():
    held = resolve("[default]\napi-key = secret-1\naccess-token = secret-2\nemail = a@b.io\n", {})
    public = json.dumps(held.public())
    assert "secret-1" not in public and "secret-2" not in public
    assert held.public()["held"] == ["api-key", "access-token"]
    assert held.public()["email"] == "a@b.io"


# --- the lossless edit of [default] -------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("", "[default]\napi-key = k\n"),
        ("[aws]\nregion = eu", "[aws]\nregion = eu\n\n[default]\napi-key = k"),
        (
            "# mine\r\n[default]\r\nAPI-KEY: old\r\n  continued\r\nurl = u\r\n\r\n; about aws\r\n[aws]\r\nx = 1\r\n",
            "# mine\r\n[default]\r\nAPI-KEY: k\r\nurl = u\r\n\r\n; about aws\r\n[aws]\r\nx = 1\r\n",
        ),
        (
            "[default]\nemail = e@x.io\naccess-token = t\n# note\n\n[aws]\n",
            "[default]\nemail = e@x.io\napi-key = k\n# note\n\n[aws]\n",
        ),
    ],
)
def test_the_edit_sets_its_keys_and_keeps_every_other_byte(before, after):
    edited = edit_default(before, {"api-key": "k", "access-token": None})
    assert edited == after
    parser = configparser.ConfigParser()
    parser.read_string(edited)
    assert parser.get("default", "api-key") == "k"


# --- routes --------------------------------------------------------------------------------


async def test_get_names_what_is_held_and_where_it_comes_from(jp_fetch, qbraidrc, monkeypatch, local_api):
    qbraidrc.write_text(f"[default]\nurl = {local_api.origin}/api/v1\nemail = demo@example.com\n")
    monkeypatch.setenv("QBRAID_API_KEY", KEY)
    code, body = await call(jp_fetch)
    assert code == 200
    assert body["held"] == ["api-key"] and body["sources"] == {"api-key": "QBRAID_API_KEY"}
    assert (body["email"], body["url"], body["path"]) == ("demo@example.com", f"{local_api.origin}/api/v1", "~/.qbraid/qbraidrc")
    assert KEY not in json.dumps(body)
    info = json.loads((await jp_fetch("qbraid-session", "info")).body)
    assert info["credentials"] == ["api-key"] and info["features"]["credentials"] is True
    assert KEY not in json.dumps(info)


async def test_the_proxy_adds_the_held_key_only_when_asked_and_only_for_its_origin(jp_fetch, qbraidrc, local_api):
    qbraidrc.write_text(f"[default]\napi-key = {KEY}\nurl = {local_api.origin}/api/v1\n")
    verify = f"{local_api.origin}/api/v1/users/verify"
    answer = await proxied(jp_fetch, verify)
    assert answer.code == 200
    assert json.loads(answer.body)["data"]["email"] == "demo@example.com"
    assert KEY not in answer.body.decode()
    # Without the query, nothing is added: settings mode sends its own key or none.
    assert (await proxied(jp_fetch, verify, credentials=None)).code == 401
    # Held for another origin: an allowed origin that is not the held URL's gets no key.
    qbraidrc.write_text(f"[default]\napi-key = {KEY}\nurl = {local_api.other_origin}/api/v1\n")
    assert (await proxied(jp_fetch, verify)).code == 401
    recorded = local_api.requests()
    assert [r["headers"].get("x-api-key") for r in recorded] == [KEY, None, None]


async def test_a_key_the_request_brings_is_not_replaced(jp_fetch, qbraidrc, local_api):
    qbraidrc.write_text(f"[default]\napi-key = {KEY}\nurl = {local_api.origin}/api/v1\n")
    answer = await proxied(jp_fetch, f"{local_api.origin}/api/v1/users/verify", headers={"X-API-Key": "other"})
    assert answer.code == 401
    [recorded] = local_api.requests()
    assert recorded["headers"]["x-api-key"] == "other"


async def test_sign_in_checks_the_key_then_writes_it_keeping_the_file(jp_fetch, qbraidrc, local_api):
    qbraidrc.write_text("# my notes\n[default]\naccess-token = stale\ncloud = aws\n[aws]\nregion = eu\n")
    qbraidrc.chmod(0o640)
    url = f"{local_api.origin}/api/v1"
    code, body = await call(jp_fetch, "PUT", {"values": {"api-key": KEY, "url": url}})
    assert code == 200, body
    assert body["identity"] == {
        "email": "demo@example.com",
        "userName": "demo",
        "organizationId": "org-demo",
        "userId": "user-demo",
    }
    assert body["held"] == ["api-key"] and KEY not in json.dumps(body)
    assert qbraidrc.read_text() == (
        f"# my notes\n[default]\ncloud = aws\nemail = demo@example.com\napi-key = {KEY}\nurl = {url}\n"
        "[aws]\nregion = eu\n"
    )
    assert stat.S_IMODE(qbraidrc.stat().st_mode) == 0o640
    [check] = local_api.requests()
    assert (check["path"], check["headers"]["x-api-key"]) == ("/api/v1/users/verify", KEY)


async def test_a_refused_key_writes_nothing_and_the_message_holds_no_key(jp_fetch, qbraidrc, local_api):
    before = f"[default]\nurl = {local_api.origin}/api/v1\n"
    qbraidrc.write_text(before)
    code, body = await call(jp_fetch, "PUT", {"values": {"api-key": "wrong-key-4711"}})
    assert (code, body["reason"]) == (422, "credentials_refused")
    assert "wrong-key-4711" not in body["message"] and "Nothing was written" in body["message"]
    assert qbraidrc.read_text() == before


async def test_a_key_of_another_account_is_a_mismatch(jp_fetch, qbraidrc, local_api):
    qbraidrc.write_text(f"[default]\nurl = {local_api.origin}/api/v1\n")
    code, body = await call(jp_fetch, "PUT", {"values": {"api-key": KEY, "email": "someone@else.io"}})
    assert (code, body["reason"]) == (409, "credential_mismatch")
    assert "api-key" not in qbraidrc.read_text()


async def test_an_unreachable_api_writes_nothing(jp_fetch, qbraidrc, dead_origin):
    code, body = await call(jp_fetch, "PUT", {"values": {"api-key": KEY, "url": f"{dead_origin}/api/v1"}})
    assert (code, body["reason"]) == (502, "upstream_connect")
    assert not qbraidrc.exists()


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"api-key": "has space"}, "api-key"),
        ({"api-key": "k", "password": "x"}, "password"),
        ({"email": "a@b.io"}, "API key"),
        ({"api-key": "k", "email": "not-an-email"}, "email"),
    ],
)
async def test_bad_sign_in_values_are_named_and_nothing_is_sent(jp_fetch, qbraidrc, local_api, values, named):
    code, body = await call(jp_fetch, "PUT", {"values": values})
    assert (code, body["reason"]) == (400, "invalid_body")
    assert named in body["message"]
    assert local_api.requests() == [] and not qbraidrc.exists()


@pytest.mark.parametrize("raw", [b'{"values": {"api-key": "broken-key-1234",', b'\xff"broken-key-1234"'])
async def test_a_body_that_is_not_json_is_refused_and_never_logged(jp_fetch, qbraidrc, local_api, caplog, raw):
    import logging

    caplog.set_level(logging.DEBUG)
    response = await jp_fetch("qbraid-session", "credentials", method="PUT", body=raw, raise_error=False)
    assert (response.code, json.loads(response.body)["reason"]) == (400, "invalid_body")
    assert "broken-key-1234" not in caplog.text
    assert local_api.requests() == [] and not qbraidrc.exists()


async def test_sign_out_clears_the_file_and_says_what_the_environment_still_holds(
    jp_fetch, qbraidrc, monkeypatch
):
    qbraidrc.write_text("[default]\napi-key = k\nemail = e@x.io\nurl = u\n# end\n[aws]\nregion = eu\n")
    monkeypatch.setenv("QBRAID_ACCESS_TOKEN", "env-token")
    code, body = await call(jp_fetch, "DELETE")
    assert code == 200
    assert qbraidrc.read_text() == "[default]\nurl = u\n# end\n[aws]\nregion = eu\n"
    assert body["held"] == ["access-token"] and body["sources"] == {"access-token": "QBRAID_ACCESS_TOKEN"}


async def test_sign_out_without_a_file_creates_none(jp_fetch, qbraidrc):
    code, body = await call(jp_fetch, "DELETE")
    assert (code, body["held"]) == (200, [])
    assert not qbraidrc.exists()


async def test_a_kernel_reads_what_sign_in_wrote(jp_fetch, qbraidrc, local_api):
    url = f"{local_api.origin}/api/v1"
    assert (await call(jp_fetch, "PUT", {"values": {"api-key": KEY, "url": url}}))[0] == 200
    import subprocess
    import sys

    script = (
        "from qbraid_core.sessions import QbraidSessionV1\n"
        "print(QbraidSessionV1().get_user_auth_metadata()['email'])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={"HOME": str(qbraidrc.parent.parent), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.strip() == "demo@example.com", done.stderr


async def test_a_held_key_the_api_echoes_does_not_come_down(jp_fetch, qbraidrc, local_api):
    key = "held/key+with=signs"
    qbraidrc.write_text(f"[default]\napi-key = {key}\nurl = {local_api.origin}/api/v1\n")
    answer = await proxied(jp_fetch, f"{local_api.origin}/api/v1/leaky-error")
    assert answer.code == 400
    [recorded] = local_api.requests()
    assert recorded["headers"]["x-api-key"] == key  # the API did get the key, and echoed it
    text = answer.body.decode()
    # Three forms, in the message and again in error.message.
    assert text.count("[redacted by the Jupyter server]") == 6, text
    for form in (key, "held%2Fkey%2Bwith%3Dsigns", "aGVsZC9rZXkrd2l0aD1zaWducw"):
        assert form not in text


async def test_a_key_only_in_the_environment_is_added_too(jp_fetch, qbraidrc, local_api, monkeypatch):
    # As an administrator provisions it: the key in the server's environment, the URL as well.
    monkeypatch.setenv("QBRAID_API_KEY", KEY)
    monkeypatch.setenv("QBRAID_API_URL", f"{local_api.origin}/api/v1")
    answer = await proxied(jp_fetch, f"{local_api.origin}/api/v1/users/verify")
    assert answer.code == 200
    [recorded] = local_api.requests()
    assert recorded["headers"]["x-api-key"] == KEY
    assert not qbraidrc.exists()


def test_the_revision_changes_with_a_rotated_token_and_reveals_nothing():
    first = resolve("[default]\naccess-token = token-a\n", {}).public()["revision"]
    same = resolve("[default]\naccess-token = token-a\n# a comment\n", {}).public()["revision"]
    rotated = resolve("[default]\naccess-token = token-b\n", {}).public()["revision"]
    assert first == same != rotated
    assert "token" not in first and len(first) == 16


async def test_the_server_keeps_the_access_token_it_holds_alive(jp_fetch, qbraidrc, local_api, extension):
    import asyncio
    import httpx

    # Tokens that last 6 s: refreshed at once, then at two thirds (about 4 s), again and again.
    httpx.post(f"{local_api.origin}/_control/tokens", json={"lifetime": 6})
    qbraidrc.write_text(f"[default]\naccess-token = demo-access-token\nurl = {local_api.origin}/api/v1\n")
    code, body = await call(jp_fetch)
    assert code == 200 and body["held"] == ["access-token"]
    refreshes = []
    for _ in range(200):  # a bounded wait for two refreshes, not a timing assert
        refreshes = httpx.post(f"{local_api.origin}/_control/tokens", json={}).json()["refreshes"]
        if len(refreshes) >= 2:
            break
        await asyncio.sleep(0.1)
    assert len(refreshes) >= 2
    # Each refresh happened before the expiry the one before it gave.
    assert all(later["at"] < earlier["expires"] for earlier, later in zip(refreshes, refreshes[1:]))
    code, body = await call(jp_fetch)
    assert body["token_expires_at"] == pytest.approx(refreshes[-1]["expires"], abs=1)
    assert "demo-access-token" not in json.dumps(body)
    # An API key needs none.
    qbraidrc.write_text(f"[default]\napi-key = {KEY}\nurl = {local_api.origin}/api/v1\n")
    await extension.token_refresher.tick()
    before = len(httpx.post(f"{local_api.origin}/_control/tokens", json={}).json()["refreshes"])
    from jupyterlab_qbraid_session.refresh import CHECK

    assert await extension.token_refresher.tick() == CHECK
    assert len(httpx.post(f"{local_api.origin}/_control/tokens", json={}).json()["refreshes"]) == before


def test_redaction_finds_lower_case_escapes_of_a_secret_with_capitals():
    from jupyterlab_qbraid_session.redaction import REDACTED, redact

    secret = "Held/Key+1"
    echoed = b"upper Held%2FKey%2B1 lower Held%2fKey%2b1 raw Held/Key+1"
    marker = REDACTED.encode()
    assert redact(echoed, [secret]) == b"upper " + marker + b" lower " + marker + b" raw " + marker


async def test_stopping_the_refresher_ends_its_task_even_when_a_cancel_is_lost():
    import asyncio
    import logging

    from jupyterlab_qbraid_session.refresh import TokenRefresher

    async def nothing_held():
        raise AssertionError("tick is replaced")

    refresher = TokenRefresher(nothing_held, None, logging.getLogger("test"))
    lost = []

    async def tick():
        # As Python 3.11's wait_for may do: the cancel is swallowed, the tick answers.
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            lost.append(True)
        return 3600.0

    refresher.tick = tick
    refresher.ensure_started()
    await asyncio.sleep(0)
    await asyncio.wait_for(refresher.stop(), 10)
    assert lost == [True]
    refresher.ensure_started()  # a stopped refresher starts nothing again
    assert refresher._task is None


async def test_what_the_server_holds_is_read_once_while_the_file_and_environment_stay(
    jp_fetch, qbraidrc, local_api, extension, monkeypatch
):
    from jupyterlab_qbraid_session.qbraidrc import QbraidrcFile

    qbraidrc.write_text(f"[default]\napi-key = {KEY}\nurl = {local_api.origin}/api/v1\n")
    past = time.time() - 10
    os.utime(qbraidrc, (past, past))
    reads = []
    real_read = QbraidrcFile.read
    monkeypatch.setattr(QbraidrcFile, "read", lambda self: reads.append(1) or real_read(self))
    for _ in range(5):
        assert (await proxied(jp_fetch, f"{local_api.origin}/api/v1/users/verify")).code == 200
    assert len(reads) == 1
    # A changed file is seen at once, whatever its size and time.
    qbraidrc.write_text(f"[default]\napi-key = {KEY[::-1]}\nurl = {local_api.origin}/api/v1\n")
    os.utime(qbraidrc, (past, past))
    assert (await proxied(jp_fetch, f"{local_api.origin}/api/v1/users/verify")).code == 401
    # So is the environment.
    qbraidrc.unlink()
    monkeypatch.setenv("QBRAID_API_KEY", KEY)
    monkeypatch.setenv("QBRAID_API_URL", f"{local_api.origin}/api/v1")
    assert (await proxied(jp_fetch, f"{local_api.origin}/api/v1/users/verify")).code == 200
    assert len(reads) == 3


async def test_a_file_changed_just_before_it_was_read_is_read_again(jp_fetch, qbraidrc, extension):
    qbraidrc.write_text("[default]\napi-key = a-key-1\n")
    assert (await extension.credentials.held()).values["api-key"] == "a-key-1"
    # Same size, and possibly the same timestamp tick: the recent file was not kept.
    qbraidrc.write_text("[default]\napi-key = a-key-2\n")
    info = qbraidrc.stat()
    os.utime(qbraidrc, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert (await extension.credentials.held()).values["api-key"] == "a-key-2"


EDITS = json.loads((Path(__file__).parent / "cases" / "qbraidrc-edits.json").read_text(encoding="utf-8"))["cases"]
CORPUS = Path(__file__).parent.parent / "src" / "__tests__" / "qbraidrc-corpus"


@pytest.mark.parametrize(
    "case", EDITS, ids=[f"{c.get('file') or c.get('name')} {json.dumps(c['updates'])}" for c in EDITS]
)
def test_the_edits_both_languages_make(case):
    """tests/cases/qbraidrc-edits.json, also run by src/__tests__/qbraidrc.spec.ts: the same text."""
    text = case["text"] if "text" in case else (CORPUS / case["file"]).read_bytes().decode("utf-8")
    assert edit_default(text, case["updates"]) == case["expected"]
