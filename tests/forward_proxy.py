"""A small CONNECT-capable HTTP forward proxy for the tests, on loopback, with optional Basic auth.

It records every tunnel it opens and every connection it accepts, so a test can tell that a
request went through it (or around it) and how many connections it took.
"""

from __future__ import annotations

import base64
import socket
import socketserver
import threading


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        proxy: ForwardProxy = self.server.proxy  # type: ignore[attr-defined]
        with proxy.lock:
            proxy.connections += 1
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.request.recv(4096)
            if not chunk:
                return
            data += chunk
        head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        method, target, _ = head[0].split(" ", 2)
        headers = {line.split(":", 1)[0].strip().lower(): line.split(":", 1)[1].strip() for line in head[1:] if ":" in line}
        if proxy.credentials and headers.get("proxy-authorization") != "Basic " + proxy.credentials:
            self.request.sendall(
                b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                b'Proxy-Authenticate: Basic realm="tests"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'
            )
            return
        if method != "CONNECT":
            self.request.sendall(b"HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\n\r\n")
            return
        host, port = target.rsplit(":", 1)
        with proxy.lock:
            proxy.tunnels.append(target)
        upstream = socket.create_connection((host, int(port)))
        self.request.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        pump = threading.Thread(target=_pipe, args=(upstream, self.request), daemon=True)
        pump.start()
        _pipe(self.request, upstream)
        pump.join(timeout=5)


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while True:
            chunk = source.recv(65536)
            if not chunk:
                break
            sink.sendall(chunk)
    except OSError:
        pass
    finally:
        try:
            sink.shutdown(socket.SHUT_WR)
        except OSError:
            pass


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class ForwardProxy:
    """``with ForwardProxy(user="u", password="p") as proxy: proxy.url ...``"""

    def __init__(self, user: str | None = None, password: str | None = None) -> None:
        self.credentials = base64.b64encode(f"{user}:{password}".encode()).decode() if user else None
        self.lock = threading.Lock()
        self.tunnels: list[str] = []
        self.connections = 0
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.proxy = self  # type: ignore[attr-defined]
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "ForwardProxy":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_exc) -> None:
        self._server.shutdown()
        self._server.server_close()
