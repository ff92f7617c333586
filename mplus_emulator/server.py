"""HTTP front end: SOAP on POST /, WSDL on GET /?wsdl, JSON hooks under /_emulator/."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from . import hooks
from .app import Emulator, Reply

log = logging.getLogger("mplus_emulator")

SUBSET_WSDL = Path(__file__).with_name("mplusqapi-subset.wsdl")
_PLACEHOLDER_ADDRESS = b"http://127.0.0.1:18083/"
MAX_BODY = 64 * 1024 * 1024
_HOST_RE = re.compile(r"[A-Za-z0-9.\-]+(:\d+)?|\[[0-9A-Fa-f:.]+\](:\d+)?")


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], emulator: Emulator, wsdl: bytes, own_wsdl: bool) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.emulator = emulator
        self.wsdl = wsdl
        self.own_wsdl = own_wsdl
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def drop_connections(self) -> None:
        """Close idle keep-alive connections so stop() leaves no handler thread behind."""
        with self.connections_lock:
            conns = list(self.connections)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as zeep/requests sessions expect
    server_version = "MplusEmulator/1.0"
    timeout = 120
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in separate writes; without NODELAY, Nagle + delayed ACK adds ~40 ms a call.
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, fmt: str, *args: Any) -> None:
        log.debug("%s - %s", self.address_string(), fmt % args)

    # ---- plumbing ----

    def _target(self) -> tuple[str, dict[str, list[str]]]:
        parts = urlsplit(self.path)
        return parts.path or "/", parse_qs(parts.query, keep_blank_values=True)

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            total = 0
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass
                    break
                total += size
                if total > MAX_BODY:
                    raise ValueError("request body too large")
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ValueError("request body too large")
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_json(self, status: int, data: dict[str, Any]) -> None:
        self._send(status, json.dumps(data).encode(), "application/json")

    def _send_text(self, status: int, text: str, extra: dict[str, str] | None = None) -> None:
        self._send(status, text.encode(), "text/plain; charset=utf-8", extra)

    def _drop(self) -> None:
        """Close the TCP connection without a response: the caller sees a dropped connection."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _guard(self, fn: Any) -> None:
        try:
            fn()
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        except Exception:
            log.exception("HTTP handler error")
            try:
                self._send_text(500, "Internal server error")
            except OSError:
                self.close_connection = True

    # ---- verbs ----

    def do_GET(self) -> None:
        self._guard(self._get)

    def do_HEAD(self) -> None:
        self._guard(self._get)

    def do_POST(self) -> None:
        self._guard(self._post)

    def do_DELETE(self) -> None:
        self._guard(self._other)

    def do_PUT(self) -> None:
        self._guard(self._other)

    def _get(self) -> None:
        path, query = self._target()
        self._read_body()  # a stray body would otherwise be read as the next request on this connection
        if path.startswith(hooks.PREFIX):
            self._hook(path, query, b"")
        elif path != "/":
            self._send_text(404, "Not found")
        elif any(k.lower() == "wsdl" for k in query):
            self._send(200, self._wsdl(), "text/xml; charset=utf-8")
        else:
            # Clients probe the endpoint with a plain GET and expect 405 (reference §1).
            self._send_text(405, "Method not allowed: the SOAP endpoint only accepts POST", {"Allow": "POST"})

    def _post(self) -> None:
        path, query = self._target()
        body = self._read_body()
        if path.startswith(hooks.PREFIX):
            self._hook(path, query, body)
            return
        if path != "/":
            self._send_text(404, "Not found")
            return
        reply: Reply = self.server.emulator.soap(body, query)
        if reply.drop:
            self._drop()
            return
        self._send(reply.status, reply.body, reply.content_type)

    def _other(self) -> None:
        path, query = self._target()
        body = self._read_body()
        if path.startswith(hooks.PREFIX):
            self._hook(path, query, body)
        elif path == "/":
            self._send_text(405, "Method not allowed", {"Allow": "POST"})
        else:
            self._send_text(404, "Not found")

    def _hook(self, path: str, query: dict[str, list[str]], body: bytes) -> None:
        status, data = hooks.handle(self.server.emulator, self.command, path, query, body)
        self._send_json(status, data)

    def _wsdl(self) -> bytes:
        if not self.server.own_wsdl:
            return self.server.wsdl
        host = self.headers.get("Host") or ""
        if not _HOST_RE.fullmatch(host):  # never echo arbitrary header text into the document
            host = "{}:{}".format(*self.server.server_address[:2])
        return self.server.wsdl.replace(_PLACEHOLDER_ADDRESS, f"http://{host}/".encode())


class EmulatorServer:
    """The emulator on a real socket, served from a background daemon thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, seed: str = "demo", ident: str = "demo",
                 secret: str = "demo", latency_ms: int = 0, state_path: str | os.PathLike[str] | None = None,
                 wsdl_path: str | os.PathLike[str] | None = None) -> None:
        self.host = host
        self.port = port
        self.emulator = Emulator(seed=seed, ident=ident, secret=secret, latency_ms=latency_ms,
                                 state_path=state_path)
        self._wsdl_path = Path(wsdl_path) if wsdl_path else SUBSET_WSDL
        self._own_wsdl = wsdl_path is None
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the server is not started")
        host, port = self._httpd.server_address[:2]
        if host in ("0.0.0.0", ""):
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        return f"http://[{host}]:{port}/" if ":" in str(host) else f"http://{host}:{port}/"

    def start(self) -> EmulatorServer:
        if self._httpd is not None:
            return self
        wsdl = self._wsdl_path.read_bytes()
        self._httpd = _HTTPServer((self.host, self.port), self.emulator, wsdl, self._own_wsdl)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"mplus-emulator-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.drop_connections()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- in-process test hooks: thin wrappers over the same code as /_emulator/ ----

    def calls(self) -> list[dict[str, object]]:
        return self.emulator.calls.list()

    def clear_calls(self) -> None:
        self.emulator.calls.clear()

    def reset(self, seed: str | None = None) -> None:
        self.emulator.reset(seed)

    def add_fault(self, operation: str, kind: str, latency_ms: int = 0, times: int | None = None) -> None:
        self.emulator.faults.add(operation, kind, latency_ms, times)

    def faults(self) -> list[dict[str, object]]:
        return self.emulator.faults.rules()

    def clear_faults(self) -> None:
        self.emulator.faults.clear()

    def generate(self, n: int = 0, lines: int = 3, relation_number: int | None = None, *, relations: int = 0,
                 articles: int = 0, days: int = 0, mixed: bool = False) -> dict[str, int]:
        return self.emulator.generate(n, lines, relation_number, relations=relations, articles=articles,
                                      days=days, mixed=mixed)

    def edit_relation(self, number: int, active: bool | None = None, **texts: str) -> dict[str, object]:
        return self.emulator.edit_relation(number, texts, active)

    def delete_relation(self, number: int) -> None:
        self.emulator.delete_relation(number)

    def edit_article(self, number: int, **changes: object) -> dict[str, object]:
        return self.emulator.edit_article(number, changes)

    def state(self) -> dict[str, object]:
        return self.emulator.store.summary()
