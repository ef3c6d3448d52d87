"""A key the hub handed the server, taken again from the hub (its auth_state, read with the
server's own token) when the API refuses it: the next request succeeds without a restart."""

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from jupyterlab_qbraid_session.hub import KEY_STORAGE_ENV, PATHS_ENV

from .test_credentials import proxied

pytestmark = pytest.mark.usefixtures("no_qbraid_environment")

HUB_TOKEN = "hub-server-token-1"


class FakeHub:
    """The hub's REST API as a single-user server sees it: ``GET /hub/api/users/<name>``."""

    def __init__(self) -> None:
        self.auth_state: dict | None = {}
        self.asked: list[str] = []
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                hub.asked.append(self.headers.get("Authorization", ""))
                if self.path != "/hub/api/users/ada" or self.headers.get("Authorization") != f"token {HUB_TOKEN}":
                    self.send_response(403)
                    self.end_headers()
                    return
                model = {"kind": "user", "name": "ada"}
                if hub.auth_state is not None:
                    model["auth_state"] = hub.auth_state
                body = json.dumps(model).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hub/api"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()


@pytest.fixture
def hub(monkeypatch, local_api):
    hub = FakeHub()
    local_api.control("tokens", {"add": {"hub-token-old-1": "ada@example.com", "hub-token-new-2": "ada@example.com"}})
    # As the hook leaves a server an OAuth login's access token (hub.py).
    monkeypatch.setenv(KEY_STORAGE_ENV, "server")
    monkeypatch.setenv(PATHS_ENV, json.dumps({"api_key": None, "access_token": "access_token", "api_url": None}))
    monkeypatch.setenv("QBRAID_ACCESS_TOKEN", "hub-token-old-1")
    monkeypatch.setenv("QBRAID_API_URL", f"{local_api.origin}/api/v1")
    monkeypatch.setenv("JUPYTERHUB_API_URL", hub.url)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", HUB_TOKEN)
    monkeypatch.setenv("JUPYTERHUB_USER", "ada")
    yield hub
    hub.stop()
    local_api.control("tokens", {"revoke": ["hub-token-old-1", "hub-token-new-2"]})


async def test_a_key_rotated_at_the_hub_is_taken_at_the_first_refusal(jp_fetch, local_api, hub, caplog):
    verify = f"{local_api.origin}/api/v1/users/verify"
    assert (await proxied(jp_fetch, verify)).code == 200
    assert hub.asked == []  # nothing is asked while the key works
    hub.auth_state = {"access_token": "hub-token-new-2"}
    local_api.control("tokens", {"revoke": ["hub-token-old-1"]})
    before = len(local_api.requests())
    response = await proxied(jp_fetch, verify)
    assert response.code == 200
    assert json.loads(response.body)["data"]["email"] == "ada@example.com"
    assert hub.asked == [f"token {HUB_TOKEN}"]
    sent = [r["headers"].get("x-access-token") for r in local_api.requests()[before:]]
    assert sent == ["hub-token-old-1", "hub-token-new-2"]
    # Held from now on: the next request goes with the new key at once.
    assert (await proxied(jp_fetch, verify)).code == 200
    assert hub.asked == [f"token {HUB_TOKEN}"]
    assert "hub-token-new-2" not in caplog.text and HUB_TOKEN not in caplog.text


async def test_without_the_scope_the_refusal_passes_and_the_log_says_what_to_grant(jp_fetch, local_api, hub, caplog):
    hub.auth_state = None  # the server's token may not read auth_state
    local_api.control("tokens", {"revoke": ["hub-token-old-1"]})
    verify = f"{local_api.origin}/api/v1/users/verify"
    with caplog.at_level(logging.WARNING):
        assert (await proxied(jp_fetch, verify)).code == 401
        # Asked once: a second refusal right after does not ask the hub again.
        assert (await proxied(jp_fetch, verify)).code == 401
    assert len(hub.asked) == 1
    assert "admin:auth_state!user" in caplog.text
    assert HUB_TOKEN not in caplog.text


async def test_a_server_the_hub_did_not_start_never_asks(jp_fetch, local_api, hub, monkeypatch):
    monkeypatch.delenv(KEY_STORAGE_ENV)
    local_api.control("tokens", {"revoke": ["hub-token-old-1"]})
    response = await proxied(jp_fetch, f"{local_api.origin}/api/v1/users/verify")
    assert response.code == 401 and hub.asked == []
