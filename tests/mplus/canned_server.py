"""A loopback HTTP server that answers SOAP calls with canned bytes, at any pace.

Each POST is routed by the operation named inside the request's SOAP Body to a ``Reply`` the test
registered (a fixed reply, or a function of the call count for answers that change after a write).
A ``Reply`` can trickle its body (``trickle_s`` seconds between chunks of ``chunk`` bytes) or omit
Content-Length, to play the slow and oversized servers the client must bound.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from lxml import etree


@dataclass
class Reply:
    body: bytes
    status: int = 200
    trickle_s: float = 0.0
    chunk: int = 1
    content_length: bool = True
    delay_s: float = 0.0
    """Silence before the status line, as a server that is thinking (or hung) would keep."""


Responder = Reply | Callable[[int], Reply]


class CannedServer:
    def __init__(self) -> None:
        self.replies: dict[str, Responder] = {}
        self.calls: list[str] = []
        self._stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # one call per connection: no idle handler to join

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                operation = _operation(self.rfile.read(length))
                server.calls.append(operation)
                responder = server.replies.get(operation)
                if responder is None:
                    reply = Reply(b"no canned answer for " + operation.encode(), status=404)
                elif isinstance(responder, Reply):
                    reply = responder
                else:
                    reply = responder(server.calls.count(operation))
                self._send(reply)

            def _send(self, reply: Reply) -> None:
                if reply.delay_s and server._stop.wait(reply.delay_s):
                    return
                self.send_response(reply.status)
                self.send_header("Content-Type", "text/xml; charset=utf-8")
                if reply.content_length:
                    self.send_header("Content-Length", str(len(reply.body)))
                else:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                try:
                    if not reply.trickle_s:
                        self.wfile.write(reply.body)
                        return
                    for start in range(0, len(reply.body), reply.chunk):
                        if server._stop.wait(reply.trickle_s):
                            return
                        self.wfile.write(reply.body[start : start + reply.chunk])
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # Not daemon threads: server_close() joins them, so no handler outlives the test.
        self._httpd.daemon_threads = False
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/"

    def start(self) -> CannedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=10)

    def count(self, operation: str) -> int:
        return self.calls.count(operation)


def _operation(request: bytes) -> str:
    root = etree.fromstring(request)
    for part in root:
        if etree.QName(part).localname == "Body":
            for child in part:
                return etree.QName(child).localname
    return "?"
