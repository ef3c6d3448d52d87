"""A local, qBraid-compatible API server for tests, demos and benchmarks.

Standard library only, so it runs with any Python 3.9+ and needs no install.
It answers the routes the extension uses in both dialects of the qBraid API:
the legacy one under ``/api`` (``GET /api/identity``, headers ``email``/``api-key``/
``refresh-token``/``id-token``) and today's under ``/api/v1`` (``GET /users/verify``,
``POST /access-tokens/refresh``, headers ``X-API-Key``/``X-Access-Token`` and ``X-Domain``,
answers ``{success, data}`` as ``qbraid-core`` reads them). It handles CORS
preflight the way a real API behind an allow-list does, can redirect to a
second origin (a second listener that records what reached it) and injects
faults on request: a test or a benchmark drives it through ``/_control/*``.

Run ``python3 local_api/qbraid_local_api.py --help``. On start it prints one
JSON line with the ports it listens on, then serves until killed.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

#: Request headers a browser may send cross-origin (answered in preflight).
ALLOWED_HEADERS = (
    "content-type",
    "email",
    "api-key",
    "refresh-token",
    "id-token",
    "x-api-key",
    "x-access-token",
    "x-domain",
)
ALLOWED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

#: Demo accounts: api key -> email. The demo key is documented in the README.
DEFAULT_ACCOUNTS = {"demo-api-key": "demo@example.com"}
DEFAULT_ID_TOKENS = {"demo-id-token": "demo@example.com"}
DEFAULT_REFRESH_TOKENS = {"demo-refresh-token": "demo@example.com"}
DEFAULT_ACCESS_TOKENS = {"demo-access-token": "demo@example.com"}
#: The white-label domains the v1 API serves (``X-Domain``).
V1_DOMAINS = ("qbraid",)
V1_PREFIX = "/api/v1"


class State:
    """What the server has seen and what it has been told to do."""

    def __init__(self, origins: list[str], refuse_cors: bool = False) -> None:
        self.lock = threading.Lock()
        # Refusing CORS answers no preflight and sends no CORS header, as an API
        # that serves only servers (never a lab's origin) does.
        self.origins = set() if refuse_cors else set(origins)
        self.records: list[dict] = []
        self.faults: list[dict] = []
        self.record_requests = True
        self.accounts = dict(DEFAULT_ACCOUNTS)
        self.id_tokens = dict(DEFAULT_ID_TOKENS)
        self.refresh_tokens = dict(DEFAULT_REFRESH_TOKENS)
        self.access_tokens = dict(DEFAULT_ACCESS_TOKENS)
        # Access tokens expire (24 h by default, as qBraid's); /access-tokens/refresh extends one.
        self.token_lifetime = 24 * 3600.0
        self.token_expiry: dict[str, float] = {}
        self.refreshes: list[dict] = []
        # The credit balance of every account (one organization each); None: no billing route.
        self.credits: dict | None = {"qbraidCredits": 120.5, "awsCredits": 0.0, "autoRecharge": "off"}
        self.other_port = 0
        # Jupyter secrets that reached us: kept for the server's whole life.
        self.violations: list[dict] = []
        # Random faults: {"rate": 0.1, "kinds": [...]} and a seeded generator.
        self.chaos: dict | None = None
        self.random = random.Random(0)

    def record(self, entry: dict) -> None:
        if not self.record_requests:
            return
        with self.lock:
            self.records.append(entry)

    def check_secrets(self, server: str, method: str, path: str, headers: dict) -> None:
        """Record a request that carries the Jupyter token, the XSRF value or cookies."""
        leaked = []
        if headers.get("authorization", "").lower().startswith("token "):
            leaked.append("authorization: token")
        if "x-xsrftoken" in headers:
            leaked.append("x-xsrftoken")
        if "cookie" in headers:
            leaked.append("cookie")
        if leaked:
            with self.lock:
                self.violations.append(
                    {"server": server, "method": method, "path": path, "leaked": leaked}
                )

    def take_fault(self, method: str, path: str) -> dict | None:
        """Return the first queued fault matching this request, using up one of its times."""
        with self.lock:
            if self.chaos and self.random.random() < self.chaos.get("rate", 0):
                kind = self.random.choice(self.chaos.get("kinds", ["reset"]))
                if kind.startswith("status:"):
                    return {"kind": "status", "status": int(kind.split(":")[1])}
                return {"kind": kind}
            for fault in self.faults:
                if fault.get("method") and fault["method"].upper() != method:
                    continue
                if fault.get("path") and fault["path"] != path:
                    continue
                fault["times"] = fault.get("times", 1) - 1
                if fault["times"] <= 0:
                    self.faults.remove(fault)
                return dict(fault)
        return None


class Handler(BaseHTTPRequestHandler):
    """Answers both listeners; ``server.role`` says which one it is."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in one segment instead of waiting on delayed ACKs.
    disable_nagle_algorithm = True
    server_version = "qbraid-local-api/1"

    # -- plumbing -------------------------------------------------------------------------
    @property
    def state(self) -> State:
        return self.server.state  # type: ignore[attr-defined]

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        if self.server.verbose:  # type: ignore[attr-defined]
            super().log_message(format, *args)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _cors_headers(self) -> dict:
        origin = self.headers.get("Origin")
        if origin and origin in self.state.origins:
            return {
                "Access-Control-Allow-Origin": origin,
                "Access-Control-Expose-Headers": "Retry-After",
                "Vary": "Origin",
            }
        return {}

    def _send(self, status: int, payload=None, headers: dict | None = None, raw: bytes | None = None) -> None:
        body = raw if raw is not None else (b"" if payload is None else json.dumps(payload).encode())
        self.send_response(status)
        all_headers = {**self._cors_headers(), **(headers or {})}
        if body or payload is not None:
            all_headers.setdefault("Content-Type", "application/json")
        for name, value in all_headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _reset(self) -> None:
        """Drop the connection without an answer (RST, not a clean FIN)."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        self.close_connection = True
        self.connection.close()

    # -- dispatch -------------------------------------------------------------------------
    def _handle(self) -> None:
        url = urlsplit(self.path)
        body = self._body()
        self.state.record(
            {
                "server": self.server.role,  # type: ignore[attr-defined]
                "method": self.command,
                "path": url.path,
                "query": url.query,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "time": time.time(),
                # Tells connections apart: a pooled client reuses one port.
                "client_port": self.client_address[1],
            }
        )
        if url.path.startswith("/_control/"):
            return self._control(url.path, body)
        self.state.check_secrets(
            self.server.role,  # type: ignore[attr-defined]
            self.command,
            url.path,
            {k.lower(): v for k, v in self.headers.items()},
        )
        if self.server.role == "other":  # type: ignore[attr-defined]
            return self._send(200, {"server": "other", "path": url.path})
        if self.command == "OPTIONS" and self.headers.get("Access-Control-Request-Method"):
            return self._preflight()
        fault = self.state.take_fault(self.command, url.path)
        if fault and self._inject(fault):
            return
        self._route(url, body)

    def _inject(self, fault: dict) -> bool:
        """Apply a fault; return True when the request was answered (or dropped) by it."""
        kind = fault.get("kind")
        if kind == "delay":
            time.sleep(fault.get("ms", 0) / 1000)
            return False
        if kind == "reset":
            self._reset()
            return True
        if kind == "reset-mid-body":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b'{"partial": ')
            self.wfile.flush()
            self._reset()
            return True
        if kind == "status":
            status = int(fault.get("status", 500))
            headers = {}
            if "retry_after" in fault:
                headers["Retry-After"] = str(fault["retry_after"])
            self._send(status, {"error": {"message": f"injected {status}", "code": f"injected_{status}"}}, headers)
            return True
        return False

    def _preflight(self) -> None:
        origin = self.headers.get("Origin")
        requested = [
            h.strip().lower()
            for h in (self.headers.get("Access-Control-Request-Headers") or "").split(",")
            if h.strip()
        ]
        method = (self.headers.get("Access-Control-Request-Method") or "").upper()
        refused = [h for h in requested if h not in ALLOWED_HEADERS]
        if origin not in self.state.origins or refused or method not in ALLOWED_METHODS:
            # No CORS headers: the browser turns this into a network error, as a real API would.
            return self._send(403, {"error": {"message": "preflight refused", "code": "cors", "headers": refused}})
        self._send(
            204,
            headers={
                "Access-Control-Allow-Methods": ", ".join(ALLOWED_METHODS),
                "Access-Control-Allow-Headers": ", ".join(ALLOWED_HEADERS),
                "Access-Control-Max-Age": "600",
            },
        )

    # -- the API --------------------------------------------------------------------------
    def _who(self) -> str | None:
        key = self.headers.get("api-key") or self.headers.get("x-api-key")
        if key:
            return self.state.accounts.get(key)
        refresh = self.headers.get("refresh-token")
        if refresh:
            return self.state.refresh_tokens.get(refresh)
        token = self.headers.get("id-token")
        if token:
            return self.state.id_tokens.get(token)
        return None

    def _v1_who(self) -> tuple[str | None, str]:
        """The v1 user and how they authenticated: an access token wins over a key, as in qbraid-core.
        An access token past its expiry authenticates no one."""
        token = self.headers.get("x-access-token")
        if token:
            state = self.state
            with state.lock:
                expiry = state.token_expiry.setdefault(token, time.time() + state.token_lifetime)
            if time.time() >= expiry:
                return None, "access-token"
            return state.access_tokens.get(token), "access-token"
        key = self.headers.get("x-api-key")
        if key:
            return self.state.accounts.get(key), "api-key"
        return None, ""

    def _v1_error(self, status: int, message: str, code: str) -> None:
        self._send(status, {"success": False, "message": message, "error": {"message": message, "code": code}})

    def _redirect(self, query: dict, same: str) -> None:
        """Redirect to ``same`` on this origin, or to the second origin that records what it gets."""
        status = int(query.get("status", ["302"])[0])
        if query.get("to", ["other"])[0] == "same":
            target = same
        else:
            target = f"http://127.0.0.1:{self.state.other_port}/collect"
        self._send(status, headers={"Location": target})

    def _route_v1(self, path: str, body: bytes) -> None:
        """Today's API: X-Domain, then the credential, then the route."""
        domain = self.headers.get("x-domain")
        if domain not in V1_DOMAINS:
            return self._v1_error(400, "Missing or unknown X-Domain header", "INVALID_DOMAIN")
        email, kind = self._v1_who()
        if path == "/redirect":
            return self._redirect(parse_qs(urlsplit(self.path).query), f"{V1_PREFIX}/users/verify")
        if path == "/leaky-error":
            # An API that echoes the key it got, as sent, percent-encoded, JSON-escaped and in base64.
            key = self.headers.get("x-api-key") or self.headers.get("x-access-token") or ""
            forms = [key, quote(key, safe=""), base64.b64encode(key.encode()).decode()]
            return self._v1_error(400, "bad credential: " + " | ".join(forms), "LEAK")
        if path == "/echo":
            try:
                parsed = json.loads(body) if body else None
            except ValueError:
                parsed = body.decode(errors="replace")
            return self._send(200, {"success": True, "data": {"method": self.command, "body": parsed}})
        if email is None:
            return self._v1_error(401, "Missing or invalid credentials", "UNAUTHORIZED")
        name = email.split("@")[0]
        if path == "/users/verify" and self.command == "GET":
            user = {
                "email": email,
                "userName": name,
                "_id": name,
                "userId": f"user-{name}",
                "organizationId": f"org-{name}",
            }
            return self._send(200, {"success": True, "data": user})
        if path == "/billing/credits/balance" and self.command == "GET":
            org = parse_qs(urlsplit(self.path).query).get("organizationId", [""])[0]
            if self.state.credits is None:
                return self._v1_error(404, f"no route {V1_PREFIX}{path}", "NOT_FOUND")
            if org != f"org-{name}":
                return self._v1_error(403, "Not a member of this organization", "FORBIDDEN")
            data = {**self.state.credits, "organizationId": org, "userId": f"user-{name}"}
            return self._send(200, {"success": True, "data": data})
        if path == "/compute/instances" and self.command == "POST":
            # A route that costs credits: refused with INSUFFICIENT_CREDITS below 10.
            balance = (self.state.credits or {}).get("qbraidCredits", 0)
            if balance < 10:
                return self._send(
                    400,
                    {
                        "success": False,
                        "message": "Insufficient credits",
                        "error": {
                            "code": "INSUFFICIENT_CREDITS",
                            "message": "Insufficient credits",
                            "needed": 25,
                            "minRequired": 10,
                            "balance": balance,
                        },
                    },
                )
            return self._send(201, {"success": True, "data": {"id": "instance-1"}})
        if path == "/access-tokens/refresh" and self.command == "POST":
            if kind != "access-token":
                return self._v1_error(400, "Only access tokens can be refreshed", "NOT_AN_ACCESS_TOKEN")
            token = self.headers.get("x-access-token")
            state = self.state
            with state.lock:
                expiry = time.time() + state.token_lifetime
                state.token_expiry[token] = expiry
                state.refreshes.append({"at": time.time(), "expires": expiry, "token": token})
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(expiry)) + f".{int(expiry % 1 * 1000):03d}Z"
            return self._send(200, {"success": True, "data": {"expiresAt": stamp, "profileSlug": "default"}})
        if path == "/users/context" and self.command == "GET":
            return self._send(200, {"success": True, "data": {"user": {"email": email}, "organizations": []}})
        self._v1_error(404, f"no route {V1_PREFIX}{path}", "NOT_FOUND")

    def _route(self, url, body: bytes) -> None:
        path = url.path
        query = parse_qs(url.query)
        if path == V1_PREFIX or path.startswith(V1_PREFIX + "/"):
            return self._route_v1(path[len(V1_PREFIX):] or "/", body)
        if path == "/api/identity":
            email = self._who()
            if email is None:
                key = self.headers.get("api-key") or ""
                # Echo the key as some APIs do: clients must redact it from their errors.
                message = f"API key '{key}' is not valid" if key else "Missing or invalid credentials"
                return self._send(401, {"error": {"message": message, "code": "unauthorized"}})
            return self._send(200, {"email": email, "_id": email.split("@")[0], "role": "user"})
        if path == "/api/users/context":
            email = self._who()
            if email is None:
                return self._send(401, {"error": {"message": "Missing or invalid credentials", "code": "unauthorized"}})
            return self._send(200, {"success": True, "data": {"user": {"email": email}, "organizations": []}})
        if path == "/api/echo":
            try:
                parsed = json.loads(body) if body else None
            except ValueError:
                parsed = body.decode(errors="replace")
            return self._send(200, {"method": self.command, "query": query, "body": parsed})
        if path == "/api/leaky-error":
            # An API that echoes every credential it got, in its error and in a non-JSON body.
            got = [self.headers.get(h) or "" for h in ("email", "api-key", "refresh-token", "id-token")]
            if query.get("as", ["json"])[0] == "text":
                return self._send(200, raw=("not json: " + " ".join(got)).encode())
            return self._send(400, {"error": {"message": "bad request for " + " ".join(got), "code": "leak"}})
        if path == "/api/cookie":
            # An API that sets a cookie: a proxy must not pass it to the lab's origin.
            return self._send(200, {"ok": True}, headers={"Set-Cookie": "session=upstream-secret; Path=/"})
        if path == "/api/endless":
            # An answer that never ends (chunked), until the client goes away.
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"[" + b"0," * 32768
            try:
                while True:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    chunk = b"0," * 32768
            except OSError:
                self.close_connection = True
            return
        if path == "/api/huge-error":
            return self._send(400, {"error": {"message": "broken " * 800_000, "code": "huge"}})
        if path == "/api/empty":
            return self._send(204)
        if path == "/api/text":
            return self._send(200, raw=b"plain text, not JSON", headers={"Content-Type": "text/plain"})
        if path == "/api/error":
            return self._send(int(query.get("status", ["400"])[0]), raw=b"something broke")
        if path == "/api/redirect":
            return self._redirect(query, "/api/identity")
        if self.command == "OPTIONS":
            return self._send(204, headers={"Allow": ", ".join(ALLOWED_METHODS)})
        self._send(404, {"error": {"message": f"no route {path}", "code": "not_found"}})

    def _control(self, path: str, body: bytes) -> None:
        data = json.loads(body) if body else {}
        state = self.state
        if path == "/_control/health":
            return self._send(200, {"ok": True})
        if path == "/_control/requests":
            with state.lock:
                return self._send(200, list(state.records))
        if path == "/_control/reset":
            with state.lock:
                state.records.clear()
                state.faults.clear()
                state.chaos = None
                state.access_tokens = dict(DEFAULT_ACCESS_TOKENS)
                state.token_lifetime = 24 * 3600.0
                state.token_expiry.clear()
                state.refreshes.clear()
                state.credits = {"qbraidCredits": 120.5, "awsCredits": 0.0, "autoRecharge": "off"}
            return self._send(200, {"ok": True})
        if path == "/_control/faults":
            with state.lock:
                state.faults.extend(data.get("faults", []))
            return self._send(200, {"ok": True})
        if path == "/_control/violations":
            with state.lock:
                return self._send(200, list(state.violations))
        if path == "/_control/chaos":
            with state.lock:
                state.chaos = data or None
                state.random = random.Random(data.get("seed", 0) if data else 0)
            return self._send(200, {"ok": True})
        if path == "/_control/tokens":
            # {"lifetime": s} for new expiries; {"expire_in": {token: s}}; {"add": {token: email}};
            # {"revoke": [token]}; {"add_keys": {key: email}}, {"revoke_keys": [key]}: rotation and
            # expiry in seconds, for the tests.
            with state.lock:
                if "lifetime" in data:
                    state.token_lifetime = float(data["lifetime"])
                for token, seconds in data.get("expire_in", {}).items():
                    state.token_expiry[token] = time.time() + float(seconds)
                state.access_tokens.update(data.get("add", {}))
                for token in data.get("revoke", []):
                    state.access_tokens.pop(token, None)
                state.accounts.update(data.get("add_keys", {}))
                for key in data.get("revoke_keys", []):
                    state.accounts.pop(key, None)
                return self._send(200, {"ok": True, "refreshes": list(state.refreshes)})
        if path == "/_control/credits":
            with state.lock:
                state.credits = data.get("credits", state.credits) if not data.get("disabled") else None
            return self._send(200, {"ok": True})
        if path == "/_control/record":
            state.record_requests = bool(data.get("enabled", True))
            return self._send(200, {"ok": True})
        self._send(404, {"error": {"message": "no such control", "code": "not_found"}})

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle


class QuietServer(ThreadingHTTPServer):
    """A client that goes away mid-answer (a closed tab, an aborted request) is
    normal for an API; only other errors are printed, with their traceback."""

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


def make_server(host: str, port: int, role: str, state: State, verbose: bool) -> ThreadingHTTPServer:
    server = QuietServer((host, port), Handler)
    server.daemon_threads = True
    server.role = role  # type: ignore[attr-defined]
    server.state = state  # type: ignore[attr-defined]
    server.verbose = verbose  # type: ignore[attr-defined]
    return server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="API port (0 picks a free one)")
    parser.add_argument("--other-port", type=int, default=0, help="port of the second origin")
    parser.add_argument(
        "--allow-origin", action="append", default=[], help="origin allowed by CORS (repeatable)"
    )
    parser.add_argument(
        "--refuse-cors", action="store_true", help="answer no CORS preflight, for any origin (as qBraid's APIs may)"
    )
    parser.add_argument("--tls-cert", help="serve the API over TLS with this PEM certificate chain")
    parser.add_argument("--tls-key", help="the private key of --tls-cert")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)

    state = State(args.allow_origin, refuse_cors=args.refuse_cors)
    api = make_server(args.host, args.port, "api", state, args.verbose)
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        api.socket = context.wrap_socket(api.socket, server_side=True)
    other = make_server(args.host, args.other_port, "other", state, args.verbose)
    state.other_port = other.server_address[1]
    for server in (api, other):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"port": api.server_address[1], "other_port": state.other_port}), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main(sys.argv[1:])
