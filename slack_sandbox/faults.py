"""Scripted failures (rate limits, API errors, 5xx) and the call log."""

from __future__ import annotations

import copy
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Literal

FaultKind = Literal["ratelimited", "error", "server_error"]
ANY_METHOD = "*"


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    error: str = ""
    retry_after: int = 1
    status: int = 200

    def response(self) -> tuple[int, dict[str, str], dict[str, Any]]:
        """(HTTP status, extra headers, JSON body) the way Slack answers it."""
        if self.kind == "ratelimited":
            return 429, {"Retry-After": str(self.retry_after)}, {"ok": False, "error": "ratelimited"}
        if self.kind == "server_error":
            return self.status, {}, {"ok": False, "error": "service_unavailable"}
        return 200, {}, {"ok": False, "error": self.error}


class FaultPlan:
    """Per-method queues of faults; each call to a method consumes at most one."""

    def __init__(self) -> None:
        self._queues: dict[str, deque[Fault]] = {}

    def add(self, method: str, fault: Fault, times: int) -> None:
        self._queues.setdefault(method, deque()).extend([fault] * times)

    def take(self, method: str) -> Fault | None:
        for key in (method, ANY_METHOD):
            queue = self._queues.get(key)
            if queue:
                return queue.popleft()
        return None

    def pending(self) -> dict[str, int]:
        return {method: len(queue) for method, queue in self._queues.items() if queue}

    def clear(self) -> None:
        self._queues.clear()


class CallLog:
    def __init__(self) -> None:
        self._records: list[dict[str, Any]] = []

    def record(self, method: str, args: dict[str, Any], *, status: int, body: dict[str, Any]) -> None:
        self._records.append(
            {
                "method": method,
                "args": copy.deepcopy(args),
                "time": time.time(),
                "ok": bool(body.get("ok", False)),
                "error": body.get("error"),
                "status": status,
            }
        )

    def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        return [copy.deepcopy(r) for r in self._records if method in (None, r["method"])]

    def clear(self) -> None:
        self._records.clear()
