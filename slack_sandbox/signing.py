"""Slack request signing (v0 HMAC-SHA256), kept separate so tests can sign raw bodies too."""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Literal

Signing = Literal["valid", "none", "bad", "stale"]
STALE_AGE = 10 * 60  # Bolt rejects timestamps more than 5 minutes away.


def signature(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(
    secret: str, body: bytes, signing: Signing = "valid", timestamp: int | None = None
) -> dict[str, str]:
    """Headers for one request; ``signing`` picks a valid or a deliberately broken variant."""
    if signing == "none":
        return {}
    ts = timestamp if timestamp is not None else int(time.time())
    if signing == "stale":
        ts -= STALE_AGE
    secret_used = secret if signing != "bad" else secret + "-wrong"
    return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": signature(secret_used, str(ts), body)}
