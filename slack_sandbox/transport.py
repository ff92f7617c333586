"""Signed delivery of request bodies to a bot's request URL, including deliberately bad signatures."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from slack_sandbox.http_util import HttpResult, http_request
from slack_sandbox.signing import Signing, signed_headers

FORM = "application/x-www-form-urlencoded"


class SignedTransport:
    def __init__(self, events_url: str, signing_secret: str, timeout: float = 10.0) -> None:
        self.events_url = events_url
        self.signing_secret = signing_secret
        self.timeout = timeout
        self.last_result: HttpResult | None = None

    def send(
        self,
        body: bytes | str,
        content_type: str = FORM,
        headers: dict[str, str] | None = None,
        *,
        signing: Signing = "valid",
        timestamp: int | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
    ) -> HttpResult:
        raw = body.encode() if isinstance(body, str) else body
        all_headers = {
            "Content-Type": content_type,
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            **signed_headers(self.signing_secret, raw, signing, timestamp),
        }
        if retry_num is not None:
            all_headers["X-Slack-Retry-Num"] = str(retry_num)
            all_headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        all_headers.update(headers or {})
        self.last_result = http_request(self.events_url, raw, all_headers, "POST", self.timeout)
        return self.last_result

    def send_unsigned(self, body: bytes | str, content_type: str = FORM) -> HttpResult:
        return self.send(body, content_type, signing="none")

    def send_bad_signature(self, body: bytes | str, content_type: str = FORM) -> HttpResult:
        return self.send(body, content_type, signing="bad")

    def send_stale(self, body: bytes | str, content_type: str = FORM) -> HttpResult:
        return self.send(body, content_type, signing="stale")

    def send_payload(self, payload: dict[str, Any], **kwargs: Any) -> HttpResult:
        return self.send(urlencode({"payload": json.dumps(payload)}), FORM, **kwargs)
