"""pytest fixtures: a Jupyter server with the extension (pytest-jupyter) and the local qBraid API."""

from __future__ import annotations

import json
import socket
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from .raw_http import read_head

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


class ScriptedApi:
    """A raw HTTP server on loopback that answers every request with ``answer``, byte for byte,
    then, with ``trickle`` set, one more byte every ``trickle`` seconds until the client goes
    away: the answers no well-behaved API sends (control characters, 101, a slow body)."""

    def __init__(self) -> None:
        self.answer = b""
        self.trickle: float | None = None
        self.open_connections = 0
        self.requests = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        api = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                with api._lock:
                    api.open_connections += 1
                    api.requests += 1
                try:
                    api._serve(self.request)
                finally:
                    with api._lock:
                        api.open_connections -= 1

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        if b"\r\n\r\n" not in read_head(sock):
            return  # the client went away before its request was whole
        try:
            sock.sendall(self.answer)
            while self.trickle and not self._stop.wait(self.trickle):
                sock.sendall(b" ")
        except OSError:
            return  # the client went away

    def reset(self) -> None:
        self.answer, self.trickle, self.requests = b"", None, 0

    def wait_until_closed(self, seconds: float = 20) -> int:
        """The connections still open once they all closed, or when ``seconds`` ran out."""
        deadline = time.monotonic() + seconds
        while self.open_connections and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.open_connections

    def stop(self) -> None:
        self._stop.set()
        self.server.shutdown()


@pytest.fixture(scope="session")
def scripted_api():
    api = ScriptedApi()
    yield api
    api.stop()


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
def jp_server_config(local_api, dead_origin, scripted_api):
    return {
        "ServerApp": {"jpserver_extensions": {"jupyterlab_qbraid_session": True}},
        "QbraidProxy": {
            "allowed_origins": [local_api.origin, dead_origin, scripted_api.origin, "http://evil.example.com"]
        },
    }


@pytest.fixture(autouse=True)
def _reset(local_api, scripted_api):
    local_api.control("reset")
    scripted_api.reset()
    yield


@pytest.fixture
def qbraidrc(jp_home_dir) -> Path:
    """The qbraidrc the server half reads (its folder made), in the test's home."""
    path = Path(jp_home_dir) / ".qbraid" / "qbraidrc"
    path.parent.mkdir(exist_ok=True)
    return path


@pytest.fixture
def no_qbraid_environment(monkeypatch):
    """None of the environment variables the SDK reads credentials and the URL from."""
    for name in ("QBRAID_API_KEY", "QBRAID_ACCESS_TOKEN", "QBRAID_API_URL", "JUPYTERHUB_USER", "REFRESH"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def extension(jp_serverapp):
    """The running QbraidSessionApp: its settings (``proxy_config``) take effect until the first request."""
    return jp_serverapp.web_app.settings["jupyterlab_qbraid_session"]
