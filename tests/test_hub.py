"""The hub's hook (jupyterlab_qbraid_session.hub): auth_state to the single-user server's
environment, and the lab's default where a hub handed the server the key."""

import json
import logging
import subprocess
import sys
from types import SimpleNamespace

import pytest

from jupyterlab_qbraid_session.hub import KEY_STORAGE_ENV, PATHS_ENV, QbraidAuthStateHook

KEY = "qbr_" + "ab" * 32


def spawner(environment=None, name="ada"):
    return SimpleNamespace(environment=environment, user=SimpleNamespace(name=name), log=logging.getLogger("hub"))


def test_a_key_in_auth_state_goes_to_the_environment_with_the_key_storage_signal():
    shared = {"OTHER": "kept", "QBRAID_ACCESS_TOKEN": "stale"}
    one = spawner(shared)
    QbraidAuthStateHook()(one, {"qbraid_api_key": KEY, "qbraid_api_url": "https://api.qbraid.example/api/v1"})
    paths = json.loads(one.environment.pop(PATHS_ENV))
    assert one.environment == {
        "OTHER": "kept",
        "QBRAID_API_KEY": KEY,
        "QBRAID_API_URL": "https://api.qbraid.example/api/v1",
        KEY_STORAGE_ENV: "server",
    }
    assert paths == {"api_key": "qbraid_api_key", "access_token": None, "api_url": "qbraid_api_url"}
    # The config's dict is never changed: another user's spawner starts from it as it was.
    assert shared == {"OTHER": "kept", "QBRAID_ACCESS_TOKEN": "stale"}


def test_each_user_gets_their_own_key():
    hook = QbraidAuthStateHook()
    config = {}
    ada, bob = spawner(config, "ada"), spawner(config, "bob")
    hook(ada, {"qbraid_api_key": KEY})
    hook(bob, {"qbraid_api_key": "qbr_" + "cd" * 32})
    assert ada.environment["QBRAID_API_KEY"] != bob.environment["QBRAID_API_KEY"]
    assert config == {}


def test_an_oauth_access_token_and_a_nested_path():
    hook = QbraidAuthStateHook(api_key="profile.qbraid.key", access_token="access_token", api_url=None)
    one = spawner()
    hook(one, {"access_token": "tok-123", "profile": {"qbraid": {"key": KEY}}})
    assert json.loads(one.environment.pop(PATHS_ENV))["api_key"] == "profile.qbraid.key"
    assert one.environment == {"QBRAID_ACCESS_TOKEN": "tok-123", "QBRAID_API_KEY": KEY, KEY_STORAGE_ENV: "server"}


@pytest.mark.parametrize(
    "auth_state, said",
    [
        (None, "no auth_state"),
        ({}, "holds no 'qbraid_api_key'"),
        ({"qbraid_api_key": "has space-" + KEY}, "not a usable API key"),
        ({"qbraid_api_key": KEY + "\n" + "x"}, "not a usable API key"),
        ({"qbraid_api_key": 42}, "not a usable API key"),
        ({"qbraid_api_key": KEY, "qbraid_api_url": "http://api.example.com/api/v1"}, "not a usable API URL"),
        ({"qbraid_api_key": KEY, "qbraid_api_url": "https://user:" + KEY + "@api.example.com"}, "not a usable API URL"),
    ],
)
def test_a_missing_or_malformed_auth_state_starts_signed_out_with_one_line_and_no_secret(auth_state, said, caplog):
    one = spawner({"QBRAID_API_KEY": "from-config", "OTHER": "kept"})
    with caplog.at_level(logging.WARNING):
        QbraidAuthStateHook()(one, auth_state)
    assert one.environment == {"OTHER": "kept"}
    [record] = caplog.records
    assert said in record.getMessage() and "ada" in record.getMessage()
    assert KEY not in caplog.text and "from-config" not in caplog.text


def test_the_hook_module_needs_nothing_of_jupyterlab_or_jupyter_server():
    code = (
        "import sys\n"
        "for name in ('jupyter_server', 'jupyterlab', 'jupyterlab_server', 'tornado', 'aiohttp'):\n"
        "    sys.modules[name] = None\n"
        "from jupyterlab_qbraid_session.hub import QbraidAuthStateHook\n"
        "print(QbraidAuthStateHook().credentials({'qbraid_api_key': 'qbr_' + 'ab' * 32})[1])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "None"


@pytest.fixture
def jp_server_config(jp_server_config, monkeypatch):
    monkeypatch.setenv(KEY_STORAGE_ENV, "server")
    return jp_server_config


async def test_a_server_the_hub_handed_the_key_tells_the_lab_to_keep_it_there(jp_serverapp, extension):
    page_config = jp_serverapp.web_app.settings["page_config_data"]
    assert page_config["qbraidKeyStorage"] == "server"


async def test_the_credentials_route_says_the_key_came_from_the_hub(jp_fetch, extension, monkeypatch, tmp_path):
    monkeypatch.setenv("QBRAID_API_KEY", KEY)
    response = await jp_fetch("qbraid-session", "credentials")
    body = json.loads(response.body)
    assert body["from_hub"] is True
    assert body["sources"] == {"api-key": "QBRAID_API_KEY"}
    assert KEY not in response.body.decode()
    monkeypatch.delenv(KEY_STORAGE_ENV)
    body = json.loads((await jp_fetch("qbraid-session", "credentials")).body)
    assert body["from_hub"] is False
