"""The front door for Slack's HTTP requests: size, signature and encoding checked before parsing.

Anyone can POST to the events URL. Before Bolt (which parses the payload first and verifies it
after) sees a request, it must be no bigger than Slack ever sends (413 without reading the rest),
be UTF-8 (400), and carry a numeric, fresh timestamp and a valid signature (401). Bodies are never logged.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

_REASONS = {400: "Bad Request", 401: "Unauthorized", 411: "Length Required", 413: "Payload Too Large"}


def _answer(start_response: StartResponse, status: int, text: str) -> list[bytes]:
    body = f"{text}\n".encode()
    start_response(
        f"{status} {_REASONS[status]}",
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
    )
    return [body]


def _read_capped(stream: Any, length: int | None, cap: int) -> bytes | None:
    """The body, or None when it is bigger than ``cap`` (read no further than cap + 1 bytes)."""
    if length is not None:
        return stream.read(length) if length > 0 else b""
    data = stream.read(cap + 1)
    return None if len(data) > cap else data


def guard_slack_requests(app: WSGIApp, signing_secret: str | None, max_bytes: int) -> WSGIApp:
    """Wrap Bolt's WSGI handler; ``signing_secret`` None means Socket Mode (no HTTP requests)."""
    verifier = SignatureVerifier(signing_secret) if signing_secret else None

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            return app(environ, start_response)
        raw_length = environ.get("CONTENT_LENGTH") or ""
        if raw_length and not raw_length.isdigit():
            return _answer(start_response, 400, "bad Content-Length")
        length = int(raw_length) if raw_length else None
        if length is not None and length > max_bytes:
            log.warning("refused a %d-byte request (limit %d)", length, max_bytes)
            return _answer(start_response, 413, "request body too large")
        body = _read_capped(environ["wsgi.input"], length, max_bytes)
        if body is None:
            log.warning("refused a request body over %d bytes", max_bytes)
            return _answer(start_response, 413, "request body too large")
        try:
            text = body.decode("utf-8")  # Slack sends UTF-8; the signature is checked on that text
        except UnicodeDecodeError:
            log.warning("refused a request whose body is not UTF-8")
            return _answer(start_response, 400, "body is not UTF-8")
        if verifier is not None:
            timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") or ""
            signature = environ.get("HTTP_X_SLACK_SIGNATURE") or ""
            if not timestamp.isdigit() or not verifier.is_valid(text, timestamp, signature):
                log.info("refused a request without a valid Slack signature")
                return _answer(start_response, 401, "invalid signature")
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return app(environ, start_response)

    return application
