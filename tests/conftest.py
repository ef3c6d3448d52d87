"""pytest fixtures: a Jupyter server with the extension (pytest-jupyter) and the local qBraid API."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

pytest_plugins = ["pytest_jupyter.jupyter_server"]

ROOT = Path(__file__).resolve().parent.parent


class LocalApi:
    """local_api/qbraid_local_api.py in a child process, driven over /_control."""

    def __init__(self, extra_args: list[str] | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "local_api" / "qbraid_local_api.py"), *(extra_args or [])],
            stdout=subprocess.PIPE,
            text=True,
        )
        ports = json.loads(self.process.stdout.readline())
        self.port = ports["port"]
        self.other_port = ports["other_port"]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.other_origin = f"http://127.0.0.1:{self.other_port}"

    def control(self, name: str, body: dict | None = None):
        return httpx.post(f"{self.origin}/_control/{name}", json=body or {}).json()

    def requests(self) -> list[dict]:
        return [r for r in httpx.get(f"{self.origin}/_control/requests").json() if not r["path"].startswith("/_control/")]

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def local_api():
    api = LocalApi()
    yield api
    api.stop()


@pytest.fixture(scope="session")
def dead_origin() -> str:
    return f"http://127.0.0.1:{closed_port()}"


@pytest.fixture
def jp_server_config(local_api, dead_origin):
    return {
        "ServerApp": {"jpserver_extensions": {"jupyterlab_qbraid_session": True}},
        "QbraidProxy": {"allowed_origins": [local_api.origin, dead_origin, "http://evil.example.com"]},
    }


@pytest.fixture(autouse=True)
def _reset(local_api):
    local_api.control("reset")
    yield
