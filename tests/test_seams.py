"""The seams between the page, the server and the file, tried as hostile and careless users
would (the third round): each case broke the server half before it was mended.

Waits are bounded so that a regression fails instead of hanging the suite; no test asserts
how long anything took.
"""

from __future__ import annotations

import asyncio
import configparser
import gzip
import json
import os
import threading
import time
from pathlib import Path

import pytest

from jupyterlab_qbraid_session.credentials import read_default_section, resolve
from jupyterlab_qbraid_session.credentials import edit_default
from jupyterlab_qbraid_session.qbraidrc import validate

BOUND = 30  # seconds: only so that a regression fails rather than hangs
HELD = "held-Secret/key+42"
KEY = "demo-api-key"


pytestmark = pytest.mark.usefixtures("no_qbraid_environment")


async def proxied(jp_fetch, url, headers=None):
    return await asyncio.wait_for(
        jp_fetch(
            "qbraid-session",
            "proxy",
            params={"url": url, "credentials": "server"},
            headers={"X-Domain": "qbraid", **(headers or {})},
            raise_error=False,
        ),
        BOUND,
    )


async def credentials(jp_fetch, method="GET", body=None):
    kwargs = {"method": method, "raise_error": False}
    if body is not None:
        kwargs["body"] = json.dumps(body)
    response = await asyncio.wait_for(jp_fetch("qbraid-session", "credentials", **kwargs), BOUND)
    return response.code, json.loads(response.body)


def answer(status: str, headers: dict[str, str], body: bytes) -> bytes:
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return f"HTTP/1.1 {status}\r\n{head}Content-Length: {len(body)}\r\n\r\n".encode("latin-1") + body


def sdk_reads(text: str) -> dict[str, str]:
    parser = configparser.ConfigParser()
    parser.read_string(text.replace("\r\n", "\n").replace("\r", "\n"))
    return {key: parser.get("default", key) for key in ("api-key", "access-token") if parser.has_option("default", key)}


# 1. A held secret echoed in a header does not come down --------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": f"application/json; key={HELD}"},
        {"Content-Type": "application/json; key=held-Secret%2Fkey%2B42"},
        {"Content-Type": "application/json", "Retry-After": HELD[:12] + "x"},
    ],
)
async def test_a_held_secret_echoed_in_a_header_is_redacted(jp_fetch, qbraidrc, scripted_api, headers):
    qbraidrc.write_text(f"[default]\napi-key = {HELD}\nurl = {scripted_api.origin}/api/v1\n")
    scripted_api.answer = answer("503 Busy", headers, b"{}")
    response = await proxied(jp_fetch, f"{scripted_api.origin}/api/v1/x")
    shown = json.dumps(dict(response.headers))
    assert response.code == 503
    assert HELD not in shown and "held-Secret%2Fkey" not in shown
    assert "HTTP/1.1" not in shown


# 3. An encoding the proxy cannot decode is refused ---------------------------------------


@pytest.mark.parametrize("encoding", ["x-gzip", "gzip, gzip", "compress", "deflate, gzip", "snappy"])
async def test_a_content_encoding_that_is_not_decoded_is_refused(jp_fetch, scripted_api, encoding):
    scripted_api.answer = answer(
        "200 OK", {"Content-Type": "application/json", "Content-Encoding": encoding}, gzip.compress(b'{"a": 1}')
    )
    response = await asyncio.wait_for(
        jp_fetch("qbraid-session", "proxy", params={"url": f"{scripted_api.origin}/x"}, raise_error=False), BOUND
    )
    assert response.code == 502
    assert json.loads(response.body)["reason"] == "upstream_encoding"


async def test_gzip_is_still_decoded(jp_fetch, scripted_api):
    scripted_api.answer = answer(
        "200 OK", {"Content-Type": "application/json", "Content-Encoding": "gzip"}, gzip.compress(b'{"a": 1}')
    )
    response = await asyncio.wait_for(
        jp_fetch("qbraid-session", "proxy", params={"url": f"{scripted_api.origin}/x"}, raise_error=False), BOUND
    )
    assert (response.code, json.loads(response.body)) == (200, {"a": 1})
    assert "Content-Encoding" not in response.headers


# 4. and 5. What the API's check answers is checked before the file or a header -----------


@pytest.mark.parametrize(
    "email",
    ["me@example.com\r\naccess-token = ATTACKER", "me@example.com\naccess-token = ATTACKER", "me@exa\x00mple.com"],
)
async def test_an_email_with_a_line_break_or_nul_from_the_api_writes_nothing(jp_fetch, qbraidrc, scripted_api, email):
    before = "[default]\nurl = https://api-v2.qbraid.com/api/v1\n"
    qbraidrc.write_text(before)
    body = json.dumps({"success": True, "data": {"email": email}}).encode()
    scripted_api.answer = answer("200 OK", {"Content-Type": "application/json"}, body)
    code, answer_body = await credentials(
        jp_fetch, "PUT", {"values": {"api-key": "a-key-123", "url": f"{scripted_api.origin}/api/v1"}}
    )
    assert (code, answer_body["reason"]) == (502, "credentials_unchecked")
    assert qbraidrc.read_text() == before


async def test_identity_fields_are_redacted_cut_and_cleaned(jp_fetch, qbraidrc, scripted_api):
    key = "the-key-that-was-given-9"
    data = {"email": "me@example.com", "userName": f"{key}\u2028x", "organizationId": "o" * 100_000}
    scripted_api.answer = answer("200 OK", {}, json.dumps({"success": True, "data": data}).encode())
    code, body = await credentials(jp_fetch, "PUT", {"values": {"api-key": key, "url": f"{scripted_api.origin}/api/v1"}})
    assert code == 200, body
    assert key not in json.dumps(body)
    assert body["identity"]["userName"] == "[redacted by the Jupyter server]x"
    assert len(body["identity"]["organizationId"]) == 256


async def test_sign_in_checks_the_value_it_writes_not_the_environments(jp_fetch, qbraidrc, local_api, monkeypatch):
    monkeypatch.setenv("QBRAID_API_KEY", KEY)  # a valid key, in the environment
    url = f"{local_api.origin}/api"
    code, body = await credentials(jp_fetch, "PUT", {"values": {"refresh-token": "not-a-token", "url": url}})
    assert (code, body["reason"]) == (422, "credentials_refused")
    assert not qbraidrc.exists()
    [check] = local_api.requests()
    assert check["headers"].get("refresh-token") == "not-a-token" and "api-key" not in check["headers"]


async def test_an_access_token_in_the_environment_is_not_checked_for_the_key(jp_fetch, qbraidrc, local_api, monkeypatch):
    monkeypatch.setenv("QBRAID_ACCESS_TOKEN", "demo-access-token")
    code, body = await credentials(
        jp_fetch, "PUT", {"values": {"api-key": "wrong-key", "url": f"{local_api.origin}/api/v1"}}
    )
    assert (code, body["reason"]) == (422, "credentials_refused")
    [check] = local_api.requests()
    assert check["headers"].get("x-api-key") == "wrong-key" and "x-access-token" not in check["headers"]


# 6. Interpolation never reveals a value; a key with % works -------------------------------


async def test_interpolation_never_shows_a_key(jp_fetch, qbraidrc, caplog):
    qbraidrc.write_text(
        f"[default]\napi-key = {HELD}\nemail = %(api-key)s@x.io\nurl = https://%(api-key)s.evil.example/api/v1\n"
    )
    code, body = await credentials(jp_fetch)
    assert code == 200
    assert HELD not in json.dumps(body) and "held-Secret" not in json.dumps(body)
    assert body["url"] == "https://api-v2.qbraid.com/api/v1"
    assert HELD not in caplog.text


def test_a_value_interpolating_a_secret_through_another_is_left_out():
    text = "[default]\napi-key = sec-ret-1\nhost = %(api-key)s\nurl = http://%(host)s/api\nemail = a%%b@x.io\n"
    values = read_default_section(text)
    assert "url" not in values and values["email"] == "a%b@x.io" and values["api-key"] == "sec-ret-1"


@pytest.mark.parametrize("key", ["ab%cd-1", "ab%%cd", "%(api-key)s", "100%"])
def test_a_key_with_percent_reads_back_as_given(key):
    text = edit_default("[default]\nurl = https://api-v2.qbraid.com/api/v1\n", {"api-key": key})
    assert sdk_reads(text)["api-key"] == key
    assert resolve(text, {}).headers() == {"X-API-Key": key}


# 7. Lines split as configparser splits them; control characters refused ------------------


@pytest.mark.parametrize(
    "text",
    [
        "[DEFAULT]\napi-key = K-secret\n[default]\nurl = https://api-v2.qbraid.com/api/v1\n",
        "[other]\nx = 1\n  [default]\n  api-key = K-secret\n",
        "  [default]\napi-key = K-secret\n",
        "[default]\nnote = a\u2028[other]\napi-key = K-secret\n",
        "[default]\nnote = a\x0c[other]\napi-key = K-secret\n",
        "[default]\nnote = a\x85[other]\napi-key = K-secret\n",
        "[default]\nnote = a\x1c[other]\napi-key = K-secret\n",
        "[default]\nnote = a\x0b[other]\naccess-token = K-secret\n",
        "[default]\r\nnote = x\r\napi-key = K-secret\r\n",
        "[default]\rapi-key = K-secret\rurl = u\r",
    ],
)
def test_sign_out_clears_every_key_configparser_reads(text):
    edited = edit_default(text, {"api-key": None, "access-token": None, "email": None})
    assert sdk_reads(edited) == {}
    # Only the credential lines went.
    assert edited.count("\n") + edited.count("\r") >= text.count("\n") + text.count("\r") - 2


async def test_sign_out_through_the_route_with_a_default_section(jp_fetch, qbraidrc):
    qbraidrc.write_text("[DEFAULT]\naccess-token = K-secret\n[default]\nnote = a\x1cb\n")
    code, body = await credentials(jp_fetch, "DELETE")
    assert code == 200, body
    assert sdk_reads(qbraidrc.read_text()) == {} and body["held"] == []
    assert "note = a\x1cb" in qbraidrc.read_text()


@pytest.mark.parametrize("char", ["\x00", "\x0c", "\x1c", "\x85", "\u2028", "\u2029", "\x7f", "\x0b"])
async def test_a_qbraidrc_put_with_a_control_character_is_refused(jp_fetch, qbraidrc, char):
    response = await asyncio.wait_for(
        jp_fetch(
            "qbraid-session",
            "qbraidrc",
            method="PUT",
            body=json.dumps({"content": f"[default]\nnote = a{char}b\n"}),
            headers={"If-None-Match": "*"},
            raise_error=False,
        ),
        BOUND,
    )
    assert response.code == 400
    body = json.loads(response.body)
    assert body["reason"] == "qbraidrc_invalid" and "line 2" in body["message"]
    assert not qbraidrc.exists()


def test_tabs_and_line_endings_are_not_control_characters():
    validate(b"[default]\r\n\tnote = a\tb\r\nx = 1\r")


# 8. Linear editing; a busy answer writes nothing ----------------------------------------


@pytest.mark.parametrize("line", ["#" + " " * 50_000, " " * 50_000 + "x", "k" + " " * 50_000 + "=" + " " * 50_000])
async def test_long_lines_are_edited_in_linear_time(jp_fetch, qbraidrc, line):
    qbraidrc.write_text(f"[default]\nurl = https://api-v2.qbraid.com/api/v1\n{line}\n")
    done = threading.Event()
    result: list[str] = []

    def edit() -> None:
        result.append(edit_default(qbraidrc.read_text(), {"api-key": None, "email": "me@example.com"}))
        done.set()

    threading.Thread(target=edit, daemon=True).start()
    assert done.wait(BOUND)
    assert line in result[0] and "email = me@example.com" in result[0]


async def test_a_write_answered_busy_never_lands(jp_fetch, qbraidrc, extension, monkeypatch):
    qbraidrc.write_text("[default]\nemail = old@example.com\n")
    before = qbraidrc.read_text()
    extension.proxy_config.qbraidrc_timeout = 0.3
    real_fsync = os.fsync
    finished = threading.Event()

    def slow_fsync(fd):
        time.sleep(1.0)
        real_fsync(fd)
        finished.set()

    monkeypatch.setattr(os, "fsync", slow_fsync)
    etag = '"' + __import__("hashlib").sha256(before.encode()).hexdigest() + '"'
    response = await asyncio.wait_for(
        jp_fetch(
            "qbraid-session",
            "qbraidrc",
            method="PUT",
            body=json.dumps({"content": "[default]\nemail = new@example.com\n"}),
            headers={"If-Match": etag},
            raise_error=False,
        ),
        BOUND,
    )
    assert (response.code, json.loads(response.body)["reason"]) == (503, "qbraidrc_busy")
    assert await asyncio.get_running_loop().run_in_executor(None, finished.wait, BOUND)
    await asyncio.sleep(0.5)  # the worker would rename right after its fsync
    assert qbraidrc.read_text() == before
    assert not [p for p in qbraidrc.parent.iterdir() if p.name.endswith(".tmp")]


# 9. Held credentials only for requests from the lab ---------------------------------------


@pytest.mark.parametrize("site", ["same-site", "cross-site", "none"])
async def test_a_request_another_page_sent_gets_no_held_key(jp_fetch, qbraidrc, local_api, site):
    qbraidrc.write_text(f"[default]\napi-key = {KEY}\nurl = {local_api.origin}/api/v1\n")
    response = await proxied(jp_fetch, f"{local_api.origin}/api/v1/users/verify", {"Sec-Fetch-Site": site})
    assert (response.code, json.loads(response.body)["reason"]) == (403, "not_from_the_lab")
    assert local_api.requests() == []


async def test_a_same_origin_request_gets_the_held_key_and_a_resource_policy(jp_fetch, qbraidrc, local_api):
    qbraidrc.write_text(f"[default]\napi-key = {KEY}\nurl = {local_api.origin}/api/v1\n")
    response = await proxied(jp_fetch, f"{local_api.origin}/api/v1/users/verify", {"Sec-Fetch-Site": "same-origin"})
    assert response.code == 200
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert [r["headers"].get("x-api-key") for r in local_api.requests()] == [KEY]


def test_without_fetch_metadata_a_header_no_other_page_can_send_is_needed():
    from types import SimpleNamespace

    from jupyterlab_qbraid_session.handlers import ProxyHandler

    def from_lab(headers):
        return ProxyHandler._from_the_lab(SimpleNamespace(request=SimpleNamespace(headers=headers)))

    assert not from_lab({"Cookie": "username-x=y"})
    assert from_lab({"X-XSRFToken": "abc"})
    assert from_lab({"Authorization": "token t"})
    assert not from_lab({"Sec-Fetch-Site": "same-site", "X-XSRFToken": "abc"})


async def test_a_proxied_answer_gets_no_etag_of_the_jupyter_server(jp_fetch, local_api):
    response = await asyncio.wait_for(
        jp_fetch(
            "qbraid-session",
            "proxy",
            params={"url": f"{local_api.origin}/api/v1/users/verify"},
            headers={"X-API-Key": KEY, "X-Domain": "qbraid"},
            raise_error=False,
        ),
        BOUND,
    )
    assert response.code == 200
    assert "Etag" not in response.headers and response.headers["Cache-Control"] == "no-store"
