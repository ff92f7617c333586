"""SandboxWeb: serves the sandbox page and its JSON API on loopback from a background thread.

web = SandboxWeb(fake=fake, client=signed_client, port=0,
                 channels=["orders", "notifications", "ops"], user_id="U0ALICE", command="/order")
web.start(); web.url  # "http://127.0.0.1:PORT/"
web.stop()
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from slack_sandbox.web.actions import BadRequest, SandboxActions
from slack_sandbox.web.state import FakeView, StateTracker

if TYPE_CHECKING:
    from slack_sandbox.signed_client import SignedSlackClient

log = logging.getLogger(__name__)
JsonDict = dict[str, Any]
STATIC_DIR = Path(__file__).resolve().parent / "static"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
LABEL = "not Slack; for development and evaluation only"
MAX_BODY = 1024 * 1024
MAX_WAIT = 25.0
LOOPBACK = ("127.0.0.1", "localhost", "::1")
_SECURITY_HEADERS = {
    # Everything the page needs is served from here; images only from loopback or data: URLs.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self' data: http://127.0.0.1:* http://localhost:*; object-src 'none'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


class SandboxWeb:
    def __init__(
        self,
        fake: FakeView,
        client: SignedSlackClient,
        host: str = "127.0.0.1",
        port: int = 0,
        channels: Iterable[str] = ("orders", "notifications", "ops"),
        user_id: str = "U0ALICE",
        command: str = "/order",
        *,
        app_name: str = "Orderbot",
        poll_interval: float = 0.1,
        deliver_events: bool = False,
    ) -> None:
        if host not in LOOPBACK:
            raise ValueError("SandboxWeb only listens on the loopback interface")
        self.fake = fake
        self.client = client
        self.host = host
        self.port = port
        self.user_id = user_id
        self.command = command
        self.app_name = app_name
        self.poll_interval = poll_interval
        header = {
            "title": f"{app_name} sandbox",
            "label": f"{app_name} sandbox — {LABEL}",
            "user_id": user_id,
            "command": command,
            "bot_user_id": client.bot_user_id,
        }
        self.tracker = StateTracker(
            fake,
            user_id=user_id,
            channel_names=[c.lstrip("#") for c in channels],
            bot_user_id=client.bot_user_id,
            header=header,
            local_items=lambda: self.actions.local_items(),
        )
        self.actions = SandboxActions(
            fake, client, self.tracker, user_id=user_id, command=command, deliver_events=deliver_events
        )
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> SandboxWeb:
        if self._httpd is not None:
            return self
        self.tracker.resolve_channels()
        self._stopping.clear()
        handler = type("SandboxWebHandler", (_Handler,), {"web": self})
        httpd = ThreadingHTTPServer((self.host, self.port), handler)
        httpd.daemon_threads = True
        self._httpd = httpd
        self.port = int(httpd.server_address[1])
        self._thread = threading.Thread(
            target=httpd.serve_forever, args=(0.05,), name=f"sandbox-web-{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # ends long polls at once
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> SandboxWeb:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("SandboxWeb is not started")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    # ------------------------------------------------------------------ in-process API (what the routes call)
    def state(self, since: int | None = None, wait: float = 0.0) -> JsonDict:
        return self.tracker.wait(since, min(wait, MAX_WAIT), self.poll_interval, self._stopping)

    def handle_api(self, method: str, name: str, params: JsonDict) -> tuple[int, JsonDict]:
        """One ``/api/<name>`` request → (HTTP status, JSON answer)."""
        routes = {
            ("GET", "state"): lambda: self.state(_int(params.get("since")), float(params.get("wait") or 0)),
            ("POST", "command"): lambda: self.actions.command(
                str(params.get("channel", "")), str(params.get("text", "")), params.get("command") or None
            ),
            ("POST", "message"): lambda: self.actions.message(
                str(params.get("channel", "")), str(params.get("text", "")), params.get("thread_ts")
            ),
            ("POST", "action"): lambda: self.actions.action(params),
            ("POST", "submit"): lambda: self.actions.submit(str(params.get("view_id")), params.get("values")),
            ("POST", "close"): lambda: self.actions.close(
                str(params.get("view_id")), bool(params.get("all", False))
            ),
            ("POST", "home_opened"): lambda: self.actions.home_opened(),
            ("GET", "suggest"): lambda: self.actions.suggest(params),
            ("POST", "suggest"): lambda: self.actions.suggest(params),
        }
        route = routes.get((method, name))
        if route is None:
            known = sorted({f"{m} /api/{n}" for m, n in routes})
            return 404, {"ok": False, "error": "unknown_route", "routes": known}
        try:
            return 200, route()
        except BadRequest as exc:
            return 400, {"ok": False, "error": "bad_request", "detail": str(exc)}
        except (LookupError, ValueError, TypeError) as exc:
            return 400, {"ok": False, "error": "bad_request", "detail": f"{type(exc).__name__}: {exc}"}
        except OSError as exc:
            return 502, {"ok": False, "error": "bot_unreachable", "detail": str(exc)}


def _int(value: Any) -> int | None:
    try:
        return None if value in (None, "") else int(value)
    except (TypeError, ValueError):
        return None


class _Handler(BaseHTTPRequestHandler):
    server_version = "SlackSandboxWeb/1.0"
    web: SandboxWeb  # set on the per-server subclass

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        try:
            url = urlsplit(self.path)
            problem = self._refusal()
            if problem is not None:
                self._send_json(403, {"ok": False, "error": problem})
            elif url.path.startswith("/api/"):
                self._api(url.path[len("/api/") :], dict(parse_qsl(url.query, keep_blank_values=True)))
            elif self.command == "GET" and url.path.startswith("/files/"):
                self._file(url.path[len("/files/") :])
            elif self.command == "GET":
                self._static(url.path)
            else:
                self._send_json(405, {"ok": False, "error": "method_not_allowed"})
        except (BrokenPipeError, ConnectionResetError):
            pass  # the page went away mid-answer (reload during a long poll)
        except Exception:  # keep serving even if one request hits a bug
            log.exception("sandbox web failed on %s %s", self.command, self.path)
            self._send_json(500, {"ok": False, "error": "internal_error"})

    def _refusal(self) -> str | None:
        """Only pages served from here may call: loopback Host (no DNS rebinding), same Origin."""
        allowed = {f"{h}:{self.web.port}" for h in ("127.0.0.1", "localhost", "[::1]")}
        if self.headers.get("Host", "") not in allowed:
            return "bad_host"
        origin = self.headers.get("Origin")
        if origin is not None and origin not in {f"http://{h}" for h in allowed}:
            return "bad_origin"
        if self.command == "POST" and "application/json" not in self.headers.get("Content-Type", ""):
            return "json_required"
        return None

    def _api(self, name: str, query: JsonDict) -> None:
        params: JsonDict = dict(query)
        if self.command == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._send_json(413, {"ok": False, "error": "request_too_large"})
                return
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except (ValueError, UnicodeDecodeError):
                self._send_json(400, {"ok": False, "error": "invalid_json"})
                return
            if not isinstance(body, dict):
                self._send_json(400, {"ok": False, "error": "invalid_json"})
                return
            params.update(body)
        status, answer = self.web.handle_api(self.command, name, params)
        self._send_json(status, answer)

    def _static(self, path: str) -> None:
        name = "index.html" if path in ("/", "/index.html") else path.removeprefix("/static/")
        files = {p.name: p for p in STATIC_DIR.iterdir() if p.is_file()}  # no path traversal possible
        target = (
            files.get(name) if (path == "/" or path.startswith("/static/") or name == "index.html") else None
        )
        if target is None or target.suffix not in CONTENT_TYPES:
            self._send_json(404, {"ok": False, "error": "not_found"})
            return
        self._send(200, target.read_bytes(), CONTENT_TYPES[target.suffix])

    def _file(self, file_id: str) -> None:
        """An uploaded file's bytes from the fake (charts), only PNGs: the page shows nothing else."""
        content = self.web.fake.file_content(file_id)
        if content is None or not content.startswith(b"\x89PNG"):
            self._send_json(404, {"ok": False, "error": "file_not_found"})
            return
        self._send(200, content, "image/png")

    def _send_json(self, status: int, body: Any) -> None:
        self._send(status, json.dumps(body).encode(), "application/json; charset=utf-8")

    def _send(self, status: int, payload: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for header, value in _SECURITY_HEADERS.items():
            self.send_header(header, value)
        self.end_headers()
        self.wfile.write(payload)
