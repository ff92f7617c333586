"""Test instrumentation: injected faults and the log of every SOAP call."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import asdict, dataclass

FAULT_KINDS = ("latency", "soap_fault", "http_500", "commit_then_drop")
MAX_CALLS = 100_000  # bounded so a long-running demo server does not grow without limit


@dataclass
class FaultRule:
    operation: str  # operation name or "*"
    kind: str
    latency_ms: int = 0
    times: int | None = None  # None: until cleared


@dataclass
class Injection:
    latency_ms: int = 0
    kind: str | None = None  # the terminal fault to apply, if any


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []

    def add(self, operation: str, kind: str, latency_ms: int = 0, times: int | None = None) -> FaultRule:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; choose one of {', '.join(FAULT_KINDS)}")
        if not operation:
            raise ValueError("operation is required (an operation name or '*')")
        if times is not None and times < 1:
            raise ValueError("times must be a positive number or null")
        if latency_ms < 0:
            raise ValueError("latency_ms must not be negative")
        rule = FaultRule(operation, kind, latency_ms, times)
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def rules(self) -> list[dict[str, object]]:
        with self._lock:
            return [asdict(r) for r in self._rules]

    def take(self, operation: str) -> Injection:
        """Consume the rules matching one call: every matching latency rule adds up, and the first
        matching non-latency rule (in the order added) decides the fault."""
        out = Injection()
        with self._lock:
            for rule in list(self._rules):
                if rule.operation not in ("*", operation):
                    continue
                if rule.kind != "latency" and out.kind is not None:
                    continue
                if rule.kind == "latency":
                    out.latency_ms += rule.latency_ms
                else:
                    out.kind = rule.kind
                if rule.times is not None:
                    rule.times -= 1
                    if rule.times <= 0:
                        self._rules.remove(rule)
        return out


class CallLog:
    """Finished calls, in order; and how many were being served at once (``begin`` … ``record``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: deque[dict[str, object]] = deque(maxlen=MAX_CALLS)
        self._in_flight = 0
        self._peak = 0

    def begin(self) -> None:
        with self._lock:
            self._in_flight += 1
            self._peak = max(self._peak, self._in_flight)

    def record(self, entry: dict[str, object]) -> None:
        with self._lock:
            self._in_flight = max(0, self._in_flight - 1)
            self._calls.append(dict(entry))

    def peak_concurrency(self) -> int:
        """Most calls served at the same moment since the last ``clear``."""
        with self._lock:
            return self._peak

    def list(self) -> list[dict[str, object]]:
        with self._lock:
            return [dict(c) for c in self._calls]

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()
            self._peak = self._in_flight
