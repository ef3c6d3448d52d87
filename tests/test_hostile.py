"""The server half under hostile and careless conditions: each case once broke it.

Waits are bounded (``asyncio.wait_for``) so that a regression fails instead of hanging the
suite; no test asserts how long anything took.
"""

from __future__ import annotations

import asyncio
import configparser
import json
import logging
import os
import socket
import stat
import threading
import tracemalloc
from urllib.parse import quote

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_qbraid_session.errors import PROXY_ERROR_HEADER
from jupyterlab_qbraid_session.qbraidrc import MAX_BYTES, QbraidrcError, QbraidrcFile

from .raw_http import read_head

BOUND = 30  # seconds: only so that a regression fails rather than hangs


async def proxy(jp_fetch, url: str, method: str = "GET", headers: dict | None = None, body=None, **kwargs):
    kwargs = {"method": method, "headers": headers or {}, "params": {"url": url}, "raise_error": False, **kwargs}
    if body is not None:
        kwargs["body"] = body
    return await asyncio.wait_for(jp_fetch("qbraid-session", "proxy", **kwargs), BOUND)


async def qbraidrc_get(jp_fetch):
    return await asyncio.wait_for(jp_fetch("qbraid-session", "qbraidrc", raise_error=False), BOUND)


async def qbraidrc_put(jp_fetch, body: str, **headers):
    return await asyncio.wait_for(
        jp_fetch("qbraid-session", "qbraidrc", method="PUT", body=body, headers=headers, raise_error=False), BOUND
    )


def reason(response) -> str:
    return json.loads(response.body)["reason"]


# 1. A qbraidrc that configparser refuses is never written -------------------------------


@pytest.mark.parametrize(
    "content",
    [
        "[default]\rapi-key = A\rapi-key = B\r",  # lone carriage returns end lines for the SDK
        "[default]\r\napi-key = A\r\napi-key = B\r\n",
        "[default]\rapi-key = A\r[default]\r",
        "api-key = A\r[default]\r",
    ],
)
async def test_the_check_reads_line_breaks_as_the_sdk_reads_the_file(jp_fetch, qbraidrc, content):
    qbraidrc.write_bytes(content.encode())
    with pytest.raises(configparser.Error):  # what the SDK does with such a file
        configparser.ConfigParser().read(qbraidrc, encoding="utf-8")
    qbraidrc.unlink()
    response = await qbraidrc_put(jp_fetch, json.dumps({"content": content}), **{"If-None-Match": "*"})
    assert response.code == 400
    assert reason(response) == "qbraidrc_invalid"
    assert not qbraidrc.exists()


async def test_a_file_with_lone_carriage_returns_that_configparser_reads_is_written(jp_fetch, qbraidrc):
    content = "[default]\rapi-key = A\r"
    response = await qbraidrc_put(jp_fetch, json.dumps({"content": content}), **{"If-None-Match": "*"})
    assert response.code == 200
    parser = configparser.ConfigParser()
    parser.read(qbraidrc, encoding="utf-8")
    assert parser.get("default", "api-key") == "A"


# 2. A slow API does not block the others -------------------------------------------------


def slow_answer(scripted_api) -> None:
    scripted_api.answer = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
    scripted_api.trickle = 0.2


async def test_a_request_has_a_deadline_however_slowly_the_api_sends(jp_fetch, extension, scripted_api):
    slow_answer(scripted_api)
    extension.proxy_config.request_timeout = 1.0
    response = await proxy(jp_fetch, f"{scripted_api.origin}/api/v1/users/verify")
    assert response.code == 504
    assert reason(response) == "upstream_timeout"
    assert response.headers[PROXY_ERROR_HEADER] == "read"
    assert scripted_api.wait_until_closed() == 0


async def test_a_slow_api_cannot_take_the_connections_of_another(jp_fetch, extension, scripted_api, local_api):
    slow_answer(scripted_api)
    config = extension.proxy_config
    config.max_connections, config.max_connections_per_origin = 3, 2
    config.request_timeout, config.pool_timeout = 8.0, 8.0
    slow = [asyncio.ensure_future(proxy(jp_fetch, f"{scripted_api.origin}/api/slow")) for _ in range(3)]
    try:
        while scripted_api.requests < 2:
            await asyncio.sleep(0.05)
        healthy = await proxy(
            jp_fetch, f"{local_api.origin}/api/v1/users/verify", headers={"X-API-Key": "demo-api-key", "X-Domain": "qbraid"}
        )
        assert healthy.code == 200
        # Never more connections to the slow API than its share of the pool.
        assert scripted_api.open_connections <= 2
    finally:
        for request in slow:
            request.cancel()
        scripted_api.trickle = None


async def test_the_wait_for_a_free_connection_is_bounded_and_sends_nothing(jp_fetch, extension, scripted_api):
    slow_answer(scripted_api)
    config = extension.proxy_config
    config.max_connections_per_origin, config.pool_timeout, config.connect_timeout = 1, 0.5, 0.5
    config.request_timeout = 20.0
    first = asyncio.ensure_future(proxy(jp_fetch, f"{scripted_api.origin}/api/first"))
    try:
        while scripted_api.requests < 1:
            await asyncio.sleep(0.05)
        second = await proxy(jp_fetch, f"{scripted_api.origin}/api/second", method="POST", body="{}")
        assert second.code == 502
        assert reason(second) == "upstream_connect"
        assert second.headers[PROXY_ERROR_HEADER] == "connect"  # the browser may retry even a POST
        assert scripted_api.requests == 1
    finally:
        first.cancel()
        scripted_api.trickle = None


async def test_the_upstream_request_is_closed_when_the_browser_goes_away(jp_fetch, scripted_api):
    slow_answer(scripted_api)
    with pytest.raises(HTTPClientError) as gone:
        await jp_fetch("qbraid-session", "proxy", params={"url": f"{scripted_api.origin}/api/x"}, request_timeout=1.0)
    assert gone.value.code == 599  # the client gave up and closed its connection
    assert scripted_api.requests == 1
    assert await asyncio.to_thread(scripted_api.wait_until_closed) == 0


# 3. A FIFO, a device or a folder at the qbraidrc path -----------------------------------


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
async def test_only_a_regular_file_is_opened(jp_fetch, qbraidrc, kind):
    if kind == "fifo":
        os.mkfifo(qbraidrc)
    elif kind == "device":
        qbraidrc.symlink_to("/dev/zero")
    else:
        qbraidrc.mkdir()
    response = await qbraidrc_get(jp_fetch)
    assert response.code == 409
    assert reason(response) == "qbraidrc_not_a_file"
    written = await qbraidrc_put(jp_fetch, json.dumps({"content": "[default]\n"}), **{"If-Match": "*"})
    assert written.code == 409
    assert reason(written) == "qbraidrc_not_a_file"
    if kind == "fifo":
        assert stat.S_ISFIFO(os.lstat(qbraidrc).st_mode)  # left as it was


async def test_a_hung_file_system_neither_blocks_the_server_nor_its_dns_lookups(jp_fetch, extension, monkeypatch):
    release = threading.Event()

    def hang(self):
        release.wait(60)
        return None, None

    monkeypatch.setattr(QbraidrcFile, "read", hang)
    extension.proxy_config.qbraidrc_timeout = 0.5
    try:
        answers = await asyncio.gather(*(qbraidrc_get(jp_fetch) for _ in range(10)))
        assert {a.code for a in answers} == {503}
        assert {reason(a) for a in answers} == {"qbraidrc_busy"}
        # The server's shared executor (DNS lookups) is free, and the server answers.
        loop = asyncio.get_running_loop()
        await asyncio.wait_for(loop.getaddrinfo("localhost", 80), BOUND)
        info = await asyncio.wait_for(jp_fetch("qbraid-session", "info"), BOUND)
        assert info.code == 200
    finally:
        release.set()


# 4. Caps applied before reading ---------------------------------------------------------


def test_a_huge_file_is_refused_without_being_read(tmp_path):
    rc = tmp_path / "qbraidrc"
    with rc.open("wb") as sparse:
        sparse.truncate(200 * 1024 * 1024)
    tracemalloc.start()
    try:
        with pytest.raises(QbraidrcError) as refused:
            QbraidrcFile(rc).read()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.code == "qbraidrc_too_large"
    assert peak < 4 * MAX_BYTES


def raw_request(port: int, head: bytes, body: bytes = b"") -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=BOUND) as sock:
        sock.sendall(head + body)
        answer = read_head(sock)
        head_end = answer.find(b"\r\n\r\n")
        length = 0
        for line in answer[:head_end].split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(answer) < head_end + 4 + length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
        return answer


async def test_a_declared_body_over_the_cap_is_refused_before_it_is_sent(
    http_server_client, jp_serverapp, jp_http_port, jp_base_url, local_api
):
    # http_server_client: pytest-jupyter's server listens only for a test that asks for it.
    token = jp_serverapp.identity_provider.token
    url = f"{local_api.origin}/api/echo"
    head = (
        f"POST {jp_base_url}qbraid-session/proxy?url={quote(url, safe='')} HTTP/1.1\r\n"
        f"Host: 127.0.0.1\r\nAuthorization: token {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {200 * 1024 * 1024}\r\n\r\n"
    ).encode()
    # Only the head and a few bytes are sent: the answer must not wait for the other 200 MB.
    answer = await asyncio.to_thread(raw_request, jp_http_port, head, b"{")
    status_line, _, rest = answer.partition(b"\r\n")
    assert b" 413 " in status_line
    assert json.loads(rest.split(b"\r\n\r\n", 1)[1])["reason"] == "request_too_large"
    assert local_api.requests() == []


async def test_a_streamed_body_over_the_cap_is_refused(jp_fetch, local_api, extension):
    extension.proxy_config.max_request_bytes = 1000

    async def chunks(write):
        for _ in range(10):
            await write(b"x" * 500)

    response = await proxy(jp_fetch, f"{local_api.origin}/api/echo", method="POST", body_producer=chunks)
    assert response.code == 413
    assert reason(response) == "request_too_large"
    assert local_api.requests() == []


# 5. Every failure is a named JSON error ---------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        (b"HTTP/1.1 302 Found\r\nLocation: http://[127.0.0.1/x\r\nContent-Length: 0\r\n\r\n", "redirect_refused"),
        (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", "upstream_protocol"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabc", "upstream_read"),
    ],
)
async def test_a_broken_answer_is_a_named_error(jp_fetch, scripted_api, answer, code):
    scripted_api.answer = answer
    response = await proxy(jp_fetch, f"{scripted_api.origin}/api/x")
    assert response.code >= 500
    assert reason(response) == code
    assert response.headers[PROXY_ERROR_HEADER] in ("read", "refused")
    assert response.headers["Content-Type"].startswith("application/json")


async def test_a_content_type_with_a_control_character_is_dropped_not_a_500(jp_fetch, scripted_api):
    scripted_api.answer = b'HTTP/1.1 200 OK\r\nContent-Type: text/plain\x01evil\r\nContent-Length: 2\r\n\r\nok'
    response = await proxy(jp_fetch, f"{scripted_api.origin}/api/x")
    assert response.code == 200
    assert response.body == b"ok"
    assert "\x01" not in response.headers["Content-Type"]


@pytest.mark.parametrize("url", ["http://[127.0.0.1/api", "http://127.0.0.1:0/api", "https://[::1/x"])
async def test_a_url_that_cannot_be_parsed_is_refused(jp_fetch, url):
    response = await proxy(jp_fetch, url)
    assert response.code == 403
    assert reason(response) == "origin_refused"
    assert response.headers[PROXY_ERROR_HEADER] == "refused"


async def test_a_lone_surrogate_is_refused_with_its_line(jp_fetch, qbraidrc):
    body = '{"content": "[default]\\napi-key = \\ud800\\n"}'
    response = await qbraidrc_put(jp_fetch, body, **{"If-None-Match": "*"})
    assert response.code == 400
    assert reason(response) == "qbraidrc_invalid"
    assert "line 2" in json.loads(response.body)["message"]
    assert not qbraidrc.exists()


async def test_a_symlink_loop_is_named(jp_fetch, qbraidrc):
    qbraidrc.symlink_to(qbraidrc)
    response = await qbraidrc_get(jp_fetch)
    assert response.code == 409
    assert reason(response) == "qbraidrc_not_a_file"
    assert "loop" in json.loads(response.body)["message"]


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [(28, 507, "qbraidrc_disk_full"), (30, 403, "qbraidrc_permission"), (5, 500, "qbraidrc_io")],
)
async def test_a_full_or_read_only_disk_is_named_and_leaves_the_file(jp_fetch, qbraidrc, monkeypatch, error, status, code):
    qbraidrc.write_text("[default]\napi-key = old\n")
    import tempfile

    def refuse(*_args, **_kwargs):
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    response = await qbraidrc_put(jp_fetch, json.dumps({"content": "[default]\napi-key = new\n"}), **{"If-Match": "*"})
    assert response.code == status
    assert reason(response) == code
    assert qbraidrc.read_text() == "[default]\napi-key = old\n"


async def test_an_unexpected_error_is_json_and_the_log_never_shows_the_token(
    jp_fetch, jp_serverapp, extension, monkeypatch, caplog, local_api
):
    async def crash(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(extension.upstream, "forward", crash)
    token = jp_serverapp.identity_provider.token
    caplog.set_level(logging.DEBUG)
    response = await asyncio.wait_for(
        jp_fetch(
            "qbraid-session",
            "proxy",
            params={"url": f"{local_api.origin}/api/echo", "token": token},
            headers={"Authorization": ""},
            raise_error=False,
        ),
        BOUND,
    )
    assert response.code == 500
    assert json.loads(response.body) == {
        "message": "The qBraid server extension failed unexpectedly (RuntimeError); the Jupyter server's log has the details.",
        "reason": "internal",
    }
    assert response.headers[PROXY_ERROR_HEADER] == "refused"
    assert "RuntimeError" in caplog.text
    assert token not in caplog.text


# 6. The API's Content-Type comes down ----------------------------------------------------


@pytest.mark.parametrize("content_type", ["text/plain; charset=utf-8", "application/problem+json", "text/html"])
async def test_the_api_content_type_comes_down_and_never_runs_as_a_page(jp_fetch, scripted_api, content_type):
    scripted_api.answer = (
        f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: 20\r\n\r\n<script>x()</script>".encode()
    )
    response = await proxy(jp_fetch, f"{scripted_api.origin}/api/x")
    assert response.headers["Content-Type"] == content_type
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Content-Disposition"] == "attachment"


async def test_a_body_without_the_jupyter_login_is_refused_before_it_is_read(jp_fetch, local_api):
    response = await proxy(
        jp_fetch, f"{local_api.origin}/api/echo", method="POST", headers={"Authorization": ""}, body="x" * 5000
    )
    assert response.code == 403
    assert reason(response) == "forbidden"
    assert local_api.requests() == []
