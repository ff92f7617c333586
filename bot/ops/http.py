"""``GET /healthz``, ``/readyz`` and ``/metrics``: a small WSGI app, mounted beside ``/slack/events``
in HTTP mode and served on its own on ``PORT`` in Socket Mode.

Every answer is computed from memory (the readiness snapshot, the metrics registry), so a flood of
probes costs no Mplus call and no store query, and any failure in here becomes a 503, never a 500.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from bot.ops.health import ReadinessMonitor
from bot.ops.metrics import exposition

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

OPS_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
_REASONS = {200: "OK", 404: "Not Found", 405: "Method Not Allowed", 503: "Service Unavailable"}


def _json(start_response: StartResponse, status: int, body: dict[str, Any]) -> list[bytes]:
    payload = json.dumps(body, default=str).encode()
    start_response(
        f"{status} {_REASONS[status]}",
        [
            ("Content-Type", "application/json"),
            ("Cache-Control", "no-store"),
            ("Content-Length", str(len(payload))),
        ],
    )
    return [payload]


class _Recent:
    """A progress report (e.g. the mirror's) read at most once per ``ttl_s``, so probes stay cheap."""

    def __init__(self, read: Callable[[], dict[str, Any]], ttl_s: float = 1.0) -> None:
        self._read = read
        self._ttl_s = ttl_s
        self._lock = threading.Lock()
        self._value: dict[str, Any] = {}
        self._read_at = float("-inf")

    def get(self) -> dict[str, Any]:
        with self._lock:
            if time.monotonic() - self._read_at >= self._ttl_s:
                try:
                    self._value = self._read()
                except Exception as err:  # liveness must answer even when the store is in trouble
                    self._value = {"error": type(err).__name__}
                self._read_at = time.monotonic()
            return self._value


def ops_app(
    readiness: ReadinessMonitor | None, progress: Callable[[], dict[str, Any]] | None = None
) -> WSGIApp:
    """The three ops routes; anything else is 404 (the caller mounts Slack's route beside it).

    ``progress`` adds named sections to ``/healthz`` (the mirror's markers), read at most once a
    second whatever the probe rate.
    """
    recent = _Recent(progress) if progress is not None else None

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path not in OPS_PATHS:
            return _json(start_response, 404, {"error": "not found"})
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return _json(start_response, 405, {"error": "use GET"})
        try:
            return _route(path, readiness, recent, start_response)
        except Exception as err:  # a probe gets 503 with the reason, never a 500 page
            log.exception("%s failed", path)
            return _json(start_response, 503, {"status": "error", "reason": type(err).__name__})

    return application


def _route(
    path: str, readiness: ReadinessMonitor | None, recent: _Recent | None, start_response: StartResponse
) -> list[bytes]:
    if path == "/healthz":
        # Liveness: this process serves requests. Mplus is not consulted, on purpose: restarting
        # the bot because Mplus is down would not bring Mplus back. Progress reports are informative.
        return _json(start_response, 200, {"status": "alive", **(recent.get() if recent else {})})
    if path == "/metrics":
        payload, content_type = exposition()
        start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(payload)))])
        return [payload]
    if readiness is None:
        return _json(start_response, 503, {"status": "not ready", "reason": "readiness is not being checked"})
    result = readiness.current()
    body: dict[str, Any] = {
        "status": "ready" if result.ready else "not ready",
        **({"reason": result.reason} if result.reason else {}),
        "checked_at": result.checked_at.isoformat() if result.checked_at else None,
        "checks": {name: check.model_dump() for name, check in result.checks.items()},
        "notifier_lag": result.notifier_lag,
        "notifier": result.notifier,
    }
    return _json(start_response, 200 if result.ready else 503, body)


class OpsServer:
    """The ops routes on their own waitress server (Socket Mode has no HTTP server otherwise)."""

    def __init__(self, app: WSGIApp, host: str, port: int, threads: int = 2) -> None:
        import waitress.server

        self._server: Any = waitress.server.create_server(
            app, host=host, port=port, threads=threads, asyncore_use_poll=True  # see bot.server
        )
        self.port = int(self._server.effective_port)
        self._thread = threading.Thread(target=self._server.run, name="ops-http", daemon=True)

    def start(self) -> OpsServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.close()
        self._server.task_dispatcher.shutdown()
