"""The proxy honours the machine's HTTP proxy and CA settings, as the SDK's requests session does.

A local API over TLS with a CA made here (trustme), and a real CONNECT proxy on loopback between
the server half and it. No internet.
"""

from __future__ import annotations

import json
import logging

import pytest
import trustme

from jupyterlab_qbraid_session.errors import PROXY_ERROR_HEADER as ERROR_HEADER

from .conftest import LocalApi, closed_port
from .forward_proxy import ForwardProxy

PASSWORD = "s3cret-proxy-pw"


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_file(ca, tmp_path_factory):
    path = tmp_path_factory.mktemp("ca") / "company-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture(scope="module")
def tls_api(ca, tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert.private_key_and_cert_chain_pem.write_to_path(str(folder / "chain.pem"))
    cert.private_key_pem.write_to_path(str(folder / "key.pem"))
    api = LocalApi(["--tls-cert", str(folder / "chain.pem"), "--tls-key", str(folder / "key.pem")])
    api.origin = f"https://127.0.0.1:{api.port}"
    yield api
    api.stop()


@pytest.fixture
def jp_server_config(local_api, dead_origin, tls_api):
    return {
        "ServerApp": {"jpserver_extensions": {"jupyterlab_qbraid_session": True}},
        "QbraidProxy": {"allowed_origins": [local_api.origin, dead_origin, tls_api.origin]},
    }


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in (
        "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy",
        "NO_PROXY", "no_proxy", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR",
    ):  # fmt: skip
        monkeypatch.delenv(name, raising=False)


def trust(jp_serverapp, ca_file):
    # Set before the first request: the pooled client is made then.
    jp_serverapp.web_app.settings["jupyterlab_qbraid_session"].proxy_config.ca_bundle = ca_file


async def verify(jp_fetch, tls_api):
    return await jp_fetch(
        "qbraid-session",
        "proxy",
        params={"url": f"{tls_api.origin}/api/v1/users/verify"},
        headers={"X-API-Key": "demo-api-key", "X-Domain": "qbraid"},
        raise_error=False,
    )


async def test_an_untrusted_api_certificate_says_how_to_trust_it(jp_fetch, tls_api):
    response = await verify(jp_fetch, tls_api)
    assert response.code == 502
    assert response.headers[ERROR_HEADER] == "connect"
    message = json.loads(response.body)["message"]
    assert "certificate" in message and "not trusted" in message
    assert "REQUESTS_CA_BUNDLE or c.QbraidProxy.ca_bundle" in message


async def test_trusts_a_company_ca_from_the_trait(jp_fetch, jp_serverapp, tls_api, ca_file):
    trust(jp_serverapp, ca_file)
    response = await verify(jp_fetch, tls_api)
    assert response.code == 200
    assert json.loads(response.body)["data"]["email"] == "demo@example.com"


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"])
async def test_trusts_a_company_ca_from_the_environment(jp_fetch, tls_api, ca_file, monkeypatch, variable):
    monkeypatch.setenv(variable, ca_file)
    response = await verify(jp_fetch, tls_api)
    assert response.code == 200


async def test_goes_through_HTTPS_PROXY_and_keeps_its_connections(jp_fetch, jp_serverapp, tls_api, ca_file, monkeypatch):
    trust(jp_serverapp, ca_file)
    with ForwardProxy() as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        for _ in range(20):
            response = await verify(jp_fetch, tls_api)
            assert response.code == 200
    assert proxy.tunnels and set(proxy.tunnels) == {f"127.0.0.1:{tls_api.port}"}
    assert len(proxy.tunnels) <= 2


async def test_lower_case_https_proxy_wins_as_in_requests(jp_fetch, jp_serverapp, tls_api, ca_file, monkeypatch):
    trust(jp_serverapp, ca_file)
    with ForwardProxy() as proxy:
        monkeypatch.setenv("https_proxy", proxy.url)
        monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{closed_port()}")
        response = await verify(jp_fetch, tls_api)
    assert response.code == 200
    assert proxy.tunnels


async def test_NO_PROXY_bypasses_the_proxy(jp_fetch, jp_serverapp, tls_api, ca_file, monkeypatch):
    trust(jp_serverapp, ca_file)
    with ForwardProxy() as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
        response = await verify(jp_fetch, tls_api)
    assert response.code == 200
    assert proxy.tunnels == []


async def test_a_proxy_with_a_password_in_its_url(jp_fetch, jp_serverapp, tls_api, ca_file, monkeypatch, caplog):
    trust(jp_serverapp, ca_file)
    caplog.set_level(logging.DEBUG)
    with ForwardProxy(user="me", password=PASSWORD) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", f"http://me:{PASSWORD}@127.0.0.1:{proxy.port}")
        response = await verify(jp_fetch, tls_api)
    assert response.code == 200
    assert proxy.tunnels
    assert PASSWORD not in caplog.text


async def test_a_407_says_the_proxy_wants_credentials_and_never_shows_the_password(
    jp_fetch, jp_serverapp, tls_api, ca_file, monkeypatch, caplog
):
    trust(jp_serverapp, ca_file)
    caplog.set_level(logging.DEBUG)
    with ForwardProxy(user="me", password="the-right-one") as proxy:
        monkeypatch.setenv("HTTPS_PROXY", f"http://me:{PASSWORD}@127.0.0.1:{proxy.port}")
        response = await verify(jp_fetch, tls_api)
    assert response.code == 502
    assert response.headers[ERROR_HEADER] == "connect"
    message = json.loads(response.body)["message"]
    assert "asked for credentials (407)" in message
    assert PASSWORD not in message
    assert PASSWORD not in caplog.text


async def test_an_unreachable_proxy_is_a_connect_error_that_names_it(jp_fetch, jp_serverapp, tls_api, ca_file, monkeypatch):
    trust(jp_serverapp, ca_file)
    port = closed_port()
    monkeypatch.setenv("HTTPS_PROXY", f"http://me:{PASSWORD}@127.0.0.1:{port}")
    response = await verify(jp_fetch, tls_api)
    assert response.code == 502
    assert response.headers[ERROR_HEADER] == "connect"
    message = json.loads(response.body)["message"]
    assert f"The HTTP proxy 127.0.0.1:{port} refused the connection" in message
    assert PASSWORD not in message
