"""Issue #10, item 4: hostile HTTP bodies get 4xx, never 500, and are never read whole or logged."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import logging
import time
from urllib.parse import urlsplit

import pytest

from tests.slack.conftest import SIGNING_SECRET, BotRig


def _post(rig: BotRig, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    url = urlsplit(rig.events_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        conn.request("POST", url.path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _signed(body: bytes, timestamp: str | None = None) -> dict[str, str]:
    timestamp = timestamp or str(int(time.time()))
    base = b"v0:" + timestamp.encode() + b":" + body
    signature = "v0=" + hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature,
        "Content-Type": "application/x-www-form-urlencoded",
    }


def test_a_huge_body_is_refused_before_it_is_read(rig: BotRig) -> None:
    url = urlsplit(rig.events_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        # Announce 100 MB, send 1 KB: the answer comes without the rest ever being sent.
        conn.putrequest("POST", url.path)
        conn.putheader("Content-Length", str(100 * 1024 * 1024))
        conn.endheaders()
        conn.send(b"x" * 1024)
        response = conn.getresponse()
        assert response.status == 413
    finally:
        conn.close()


def test_an_oversized_body_without_length_is_refused(rig: BotRig, caplog: pytest.LogCaptureFixture) -> None:
    url = urlsplit(rig.events_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    marker = b"BODYMARKER"
    try:
        chunks = (marker * 1000 for _ in range(300))  # 3 MB, chunked
        conn.request("POST", url.path, body=chunks, encode_chunked=True)
        assert conn.getresponse().status == 413
    finally:
        conn.close()
    assert "BODYMARKER" not in caplog.text


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (b"\xff\xfe not utf-8", {}),
        (b"token=x&command=/order", {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=0"}),
        (b'{"a":' * 5000 + b"1" + b"}" * 5000, {"Content-Type": "application/json"}),
        (b"payload=" + b"%7B%22a%22%3A" * 3000, {}),
    ],
    ids=["not-utf8", "non-numeric-timestamp", "deep-json", "deep-payload"],
)
def test_unsigned_hostile_bodies_get_401_not_500(rig: BotRig, body: bytes, headers: dict[str, str]) -> None:
    status, _ = _post(rig, body, headers)
    assert status in (400, 401)


def test_a_signed_body_that_is_not_utf8_gets_400(rig: BotRig, caplog: pytest.LogCaptureFixture) -> None:
    body = b"command=/order&text=\xff\xfe"
    caplog.set_level(logging.DEBUG)
    status, _ = _post(rig, body, _signed(body))
    assert status == 400
    status, _ = _post(rig, b"x", _signed(b"x", timestamp="12abc"))
    assert status == 401
    assert "Traceback" not in caplog.text
