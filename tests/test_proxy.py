"""The same-origin proxy: what it forwards, to where, and how failures reach the browser."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_qbraid_session.origins import AllowList, RefusedURL
from jupyterlab_qbraid_session.errors import PROXY_ERROR_HEADER as ERROR_HEADER
from jupyterlab_qbraid_session.proxy import CREDENTIAL_HEADERS, FORWARDED_HEADERS


async def proxy(jp_fetch, url: str, method: str = "GET", headers: dict | None = None, body=None):
    kwargs = {"method": method, "headers": headers or {}, "params": {"url": url}, "raise_error": False}
    if body is not None:
        kwargs["body"] = body
    return await jp_fetch("qbraid-session", "proxy", **kwargs)


async def test_info_names_the_features_the_qbraidrc_path_and_the_allowed_origins(jp_fetch, local_api):
    response = await jp_fetch("qbraid-session", "info")
    info = json.loads(response.body)
    assert info["features"] == {"proxy": True, "qbraidrc": True, "credentials": True}
    assert info["qbraidrc_path"] == "~/.qbraid/qbraidrc"
    assert info["allowed_origins"][:2] == ["https://api-v2.qbraid.com", "https://api.qbraid.com"]
    assert local_api.origin in info["allowed_origins"]
    # Plain http to a host that is not loopback is dropped from the trait.
    assert "http://evil.example.com" not in info["allowed_origins"]


@pytest.mark.parametrize("route", ["info", "qbraidrc", "proxy", "credentials"])
async def test_every_route_needs_the_jupyter_login(jp_fetch, route):
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("qbraid-session", route, headers={"Authorization": ""})
    assert err.value.code == 403


async def test_unsafe_methods_keep_the_xsrf_check(jp_fetch):
    from jupyterlab_qbraid_session.handlers import ProxyHandler, QbraidrcHandler
    from jupyter_server.base.handlers import APIHandler

    for handler in (ProxyHandler, QbraidrcHandler):
        assert handler.check_xsrf_cookie is APIHandler.check_xsrf_cookie


async def test_forwards_the_v1_credential_headers_and_nothing_of_jupyter(jp_fetch, local_api):
    response = await proxy(
        jp_fetch,
        f"{local_api.origin}/api/v1/users/verify",
        headers={
            "X-API-Key": "demo-api-key",
            "X-Domain": "qbraid",
            "Cookie": "_xsrf=jupyter-xsrf; username-x=abc",
            "X-XSRFToken": "jupyter-xsrf",
            "X-Other": "not forwarded",
        },
    )
    assert response.code == 200
    assert json.loads(response.body)["data"]["email"] == "demo@example.com"
    [recorded] = local_api.requests()
    assert recorded["headers"]["x-api-key"] == "demo-api-key"
    assert recorded["headers"]["x-domain"] == "qbraid"
    for name in ("authorization", "cookie", "x-xsrftoken", "x-other"):
        assert name not in recorded["headers"]
    assert httpx_violations(local_api) == []


def httpx_violations(local_api):
    import httpx

    return httpx.get(f"{local_api.origin}/_control/violations").json()


async def test_forwards_legacy_headers_a_post_body_and_the_status(jp_fetch, local_api):
    response = await proxy(
        jp_fetch,
        f"{local_api.origin}/api/echo?x=1",
        method="POST",
        headers={"api-key": "k", "email": "me@example.com", "Content-Type": "application/json"},
        body=json.dumps({"a": 1}),
    )
    assert json.loads(response.body) == {"method": "POST", "query": {"x": ["1"]}, "body": {"a": 1}}
    [recorded] = local_api.requests()
    assert {recorded["headers"][h] for h in ("api-key", "email")} == {"k", "me@example.com"}
    error = await proxy(jp_fetch, f"{local_api.origin}/api/identity", headers={"api-key": "wrong"})
    assert error.code == 401


async def test_passes_no_cookie_down(jp_fetch, local_api):
    response = await proxy(jp_fetch, f"{local_api.origin}/api/cookie")
    assert response.code == 200
    # Jupyter may set its own cookies on its origin; the API's never come down.
    cookies = response.headers.get_list("Set-Cookie")
    assert [c for c in cookies if "upstream-secret" in c or c.startswith("session=")] == []


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example.com/api",
        "https://api.qbraid.com.evil.test/api",
        "https://api.qbraid.com@evil.test/api",
        "https://user:pw@api.qbraid.com/api",
        "http://api.qbraid.com/api",
        "{origin}/api/../../etc/passwd",
        "{origin}/api/%2e%2e/%2E%2E/x",
        "{origin}/api%2fv1",
        "{origin}\\@evil.test/api",
        "http://[::1]:{port}/api/identity",
        "http://2130706433:{port}/api/identity",
        "http://0x7f000001:{port}/api/identity",
        "http://127.1:{port}/api/identity",
        "http://localhost:{port}/api/identity",
        "http://[::ffff:127.0.0.1]:{port}/api/identity",
        "{origin}:99999/api",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "",
    ],
)
async def test_refuses_every_escape_from_the_allow_list(jp_fetch, local_api, url):
    target = url.format(origin=local_api.origin, port=local_api.port)
    response = await proxy(jp_fetch, target, headers={"X-API-Key": "demo-api-key"})
    assert response.code == 403
    assert json.loads(response.body)["reason"] == "origin_refused"
    assert response.headers[ERROR_HEADER] == "refused"
    assert local_api.requests() == []


def test_the_allow_list_compares_parsed_origins():
    allow = AllowList(["http://127.0.0.1:8766", "https://API.example.com:443/some/path"])
    assert str(allow.check("http://127.0.0.1:8766/api/v1/users/verify")) == "http://127.0.0.1:8766"
    assert str(allow.check("https://api.example.com/api/v1")) == "https://api.example.com"
    for refused in (
        "https://api.example.com:8443/api/v1",
        "https://api.example.com.evil.test/api",
        "http://127.0.0.1:8767/api",
    ):
        with pytest.raises(RefusedURL):
            allow.check(refused)


async def test_a_redirect_to_another_host_is_refused_and_reaches_nothing(jp_fetch, local_api):
    response = await proxy(
        jp_fetch, f"{local_api.origin}/api/redirect?to=other&status=302", headers={"api-key": "demo-api-key"}
    )
    assert response.code == 502
    assert json.loads(response.body)["reason"] == "redirect_refused"
    assert [r for r in local_api.requests() if r["server"] == "other"] == []


async def test_a_redirect_within_the_origin_is_followed_with_the_credentials(jp_fetch, local_api):
    response = await proxy(
        jp_fetch, f"{local_api.origin}/api/redirect?to=same&status=307", headers={"api-key": "demo-api-key"}
    )
    assert response.code == 200
    assert json.loads(response.body)["email"] == "demo@example.com"


async def test_an_unreachable_api_is_a_connect_error_for_the_browser(jp_fetch, dead_origin):
    response = await proxy(jp_fetch, f"{dead_origin}/api/v1/users/verify", method="POST", body="{}")
    assert response.code == 502
    assert response.headers[ERROR_HEADER] == "connect"
    assert json.loads(response.body)["reason"] == "upstream_connect"


async def test_a_connection_reset_after_sending_is_a_read_error(jp_fetch, local_api):
    local_api.control("faults", {"faults": [{"kind": "reset", "path": "/api/echo"}]})
    response = await proxy(jp_fetch, f"{local_api.origin}/api/echo", method="POST", body="{}")
    assert response.code == 502
    assert response.headers[ERROR_HEADER] == "read"
    local_api.control("faults", {"faults": [{"kind": "reset-mid-body", "path": "/api/echo"}]})
    response = await proxy(jp_fetch, f"{local_api.origin}/api/echo")
    assert response.headers[ERROR_HEADER] == "read"


async def test_api_error_statuses_and_retry_after_come_through(jp_fetch, local_api):
    local_api.control("faults", {"faults": [{"kind": "status", "status": 503, "retry_after": 2}]})
    response = await proxy(jp_fetch, f"{local_api.origin}/api/identity")
    assert response.code == 503
    assert response.headers["Retry-After"] == "2"
    assert ERROR_HEADER not in response.headers


async def test_request_bodies_have_a_size_cap(jp_fetch, local_api):
    response = await proxy(jp_fetch, f"{local_api.origin}/api/echo", method="POST", body="x" * (1024 * 1024 + 1))
    assert response.code == 413
    assert local_api.requests() == []


async def test_keeps_connections_to_the_api_alive(jp_fetch, local_api):
    for _ in range(20):
        response = await proxy(jp_fetch, f"{local_api.origin}/api/identity", headers={"api-key": "demo-api-key"})
        assert response.code == 200
    ports = {r["client_port"] for r in local_api.requests()}
    assert len(ports) <= 2


def test_the_forwarded_credential_headers_are_the_field_tables():
    # Both sides read them from the rule book (src/rules/rules.json).
    fields = {"email", "api-key", "refresh-token", "id-token", "x-api-key", "x-access-token"}
    assert set(CREDENTIAL_HEADERS) == fields | {"authorization"}
    assert fields <= set(FORWARDED_HEADERS) and "authorization" not in FORWARDED_HEADERS
