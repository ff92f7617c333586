"""Minimal HTTP client for loopback use (no proxies, errors returned rather than raised)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

# Environment proxy settings must never divert sandbox traffic away from 127.0.0.1.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class HttpResult:
    """An HTTP answer plus, for interactions, what the (fake) Slack client then showed."""

    status: int
    body: str
    headers: dict[str, str]
    elapsed: float
    outcome: dict[str, Any] | None = field(default=None)

    def json(self) -> Any:
        return json.loads(self.body) if self.body.strip() else None

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def within_deadline(self) -> bool:
        """Slack gives up on an interaction after 3 seconds."""
        return self.elapsed <= 3.0


def http_request(
    url: str,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    method: str | None = None,
    timeout: float = 10.0,
) -> HttpResult:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    started = time.perf_counter()
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            body = response.read()
            status = response.status
            response_headers = dict(response.headers.items())
    except urllib.error.HTTPError as exc:
        body = exc.read()
        status = exc.code
        response_headers = dict(exc.headers.items())
    elapsed = time.perf_counter() - started
    return HttpResult(status, body.decode("utf-8", "replace"), response_headers, elapsed)


def json_request(
    url: str, payload: dict[str, Any] | None = None, method: str = "POST", timeout: float = 10.0
) -> HttpResult:
    data = json.dumps(payload or {}).encode() if method == "POST" else None
    headers = {"Content-Type": "application/json"} if data is not None else {}
    return http_request(url, data, headers, method, timeout)
