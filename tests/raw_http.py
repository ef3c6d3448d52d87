"""Reading raw HTTP from a socket, for tests that speak it byte for byte."""

from __future__ import annotations

import socket


def read_head(sock: socket.socket) -> bytes:
    """Everything received until the end of the head (``\\r\\n\\r\\n``), or until the peer closed."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data
