"""HTTP transport for FakeSlack: parse requests, route them, serialise answers. No state here."""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from slack_sandbox import control

if TYPE_CHECKING:
    from slack_sandbox.fake_slack import FakeSlack

log = logging.getLogger(__name__)
MAX_BODY = 5 * 1024 * 1024


def parse_body(raw: bytes, content_type: str) -> Any:
    """Decode JSON or form bodies; Slack's API accepts both for most methods."""
    if not raw:
        return {}
    text = raw.decode("utf-8")
    if "json" in content_type:
        return json.loads(text)
    return dict(parse_qsl(text, keep_blank_values=True))


# serve_forever only notices shutdown() between polls; short polls keep test teardown quick.
_POLL_INTERVAL = 0.02


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeSlack/1.0"
    fake: FakeSlack  # set on the per-server subclass

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        try:
            url = urlsplit(self.path)
            query = dict(parse_qsl(url.query, keep_blank_values=True))
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._send(413, {"ok": False, "error": "request_too_large"})
                return
            raw = self.rfile.read(length) if length else b""
            if url.path.startswith("/upload/") and self.command == "POST":
                self._send(*self.fake.upload(url.path[len("/upload/") :], raw))
                return
            if url.path.startswith("/files/") and self.command == "GET":
                self._send_file(self.fake.file_content(url.path[len("/files/") :]))
                return
            try:
                body = parse_body(raw, self.headers.get("Content-Type", ""))
            except (ValueError, UnicodeDecodeError):
                self._send(400, {"ok": False, "error": "invalid_json"})
                return
            self._route(url.path, query, body)
        except Exception:  # the server must keep answering even if one route has a bug
            log.exception("FakeSlack failed on %s %s", self.command, self.path)
            self._send(500, {"ok": False, "error": "fake_internal_error"})

    def _route(self, path: str, query: dict[str, str], body: Any) -> None:
        if path.startswith("/api/"):
            args = {**query, **(body if isinstance(body, dict) else {})}
            token = _bearer(self.headers.get("Authorization")) or args.pop("token", None)
            args.pop("token", None)
            status, headers, answer = self.fake.api_call(path[len("/api/") :], args, token)
            self._send(status, answer, headers)
        elif path.startswith("/response/") and self.command == "POST":
            status, answer = self.fake.post_response_url(path[len("/response/") :], body)
            self._send(status, answer)
        elif path.startswith("/_fake/"):
            params = {**query, **(body if isinstance(body, dict) else {})}
            status, answer = control.handle(self.fake, path[len("/_fake/") :], self.command, params)
            self._send(status, answer)
        elif path == "/":
            self._send(200, {"ok": True, "api_url": self.fake.api_url, "control": "/_fake/"})
        else:
            self._send(404, {"ok": False, "error": "not_found"})

    def _send_file(self, content: bytes | None) -> None:
        if content is None:
            self._send(404, {"ok": False, "error": "file_not_found"})
            return
        self.send_response(200)
        png = content.startswith(b"\x89PNG")
        self.send_header("Content-Type", "image/png" if png else "application/octet-stream")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


def _bearer(header: str | None) -> str | None:
    if header and header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return None


class FakeHttpServer:
    """A ThreadingHTTPServer on loopback, served from a daemon thread."""

    def __init__(self, fake: FakeSlack, host: str, port: int) -> None:
        handler = type("FakeSlackHandler", (_Handler,), {"fake": fake})
        self._httpd = ThreadingHTTPServer((host, port), handler)
        self._httpd.daemon_threads = True
        self.port: int = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            args=(_POLL_INTERVAL,),
            name=f"fake-slack-{self.port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
