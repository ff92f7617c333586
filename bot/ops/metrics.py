"""Prometheus metrics of one Orderbot process (prometheus-client), served at ``GET /metrics``.

Metrics are process-wide, like the process they describe: one registry, defined once at import.
This module imports nothing else from Orderbot, so every layer may record into it. Label values
are always from bounded sets (known subcommands, action ids, operation names, outcomes), never
user input.
"""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)

REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)

# Slack's 3 s ack deadline sits between the 2.5 and 5 s buckets.
_ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_REPLY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 30.0, 60.0)
_CALL_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0)

SLACK_REQUESTS = Counter(
    "orderbot_slack_requests",
    "Requests from Slack by kind (command, action, view, options, event), name and ack outcome",
    ["kind", "name", "outcome"],
    registry=REGISTRY,
)
ACK_SECONDS = Histogram(
    "orderbot_ack_seconds",
    "Time from receiving a Slack request to its ack response",
    ["kind"],
    buckets=_ACK_BUCKETS,
    registry=REGISTRY,
)
REPLIES = Counter(
    "orderbot_replies",
    "Work after the ack by kind, name and outcome (ok, failed = the person got an error message, "
    "error = it crashed)",
    ["kind", "name", "outcome"],
    registry=REGISTRY,
)
REPLY_SECONDS = Histogram(
    "orderbot_reply_seconds",
    "Time from the ack to the end of the work after it (the reply), queueing included",
    ["kind"],
    buckets=_REPLY_BUCKETS,
    registry=REGISTRY,
)
MPLUS_CALLS = Counter(
    "orderbot_mplus_calls",
    "SOAP calls to Mplus by operation and outcome (ok or the failure's class)",
    ["operation", "outcome"],
    registry=REGISTRY,
)
MPLUS_SECONDS = Histogram(
    "orderbot_mplus_call_seconds",
    "Duration of one SOAP call to Mplus (each retry counts as a call)",
    ["operation"],
    buckets=_CALL_BUCKETS,
    registry=REGISTRY,
)
SLACK_API_CALLS = Counter(
    "orderbot_slack_api_calls",
    "Slack Web API calls by method and outcome (ok, the Slack error code, or the exception class)",
    ["method", "outcome"],
    registry=REGISTRY,
)
SLACK_API_RATE_LIMITED = Counter(
    "orderbot_slack_api_rate_limited",
    "HTTP 429 answers from the Slack Web API (each is retried after Retry-After)",
    ["method"],
    registry=REGISTRY,
)
CONFIRMATIONS = Counter(
    "orderbot_confirmations",
    "Confirm presses on cancel/pay/deliver prompts by action and outcome",
    ["action", "outcome"],
    registry=REGISTRY,
)
NOTIFIER_LAG = Gauge(
    "orderbot_notifier_lag_markers",
    "Order changes Mplus has that the notifier has not processed (Mplus marker − processed marker)",
    registry=REGISTRY,
)
MIRROR_LAG = Gauge(
    "orderbot_mirror_lag_markers",
    "Changes Mplus had at the mirror's last pass that it has not stored yet, all streams "
    "(read from the store by the readiness checker's background round)",
    registry=REGISTRY,
)
MIRROR_LAG_SECONDS = Gauge(
    "orderbot_mirror_lag_seconds",
    "Seconds since the mirror's last pass (read from the store by the readiness checker's background round)",
    registry=REGISTRY,
)
READY = Gauge(
    "orderbot_ready",
    "1 when the readiness check passes, per check (mplus, store, notifier) and overall (all)",
    ["check"],
    registry=REGISTRY,
)

for _gauge in (NOTIFIER_LAG, MIRROR_LAG, MIRROR_LAG_SECONDS):
    _gauge.set(float("nan"))  # unknown until measured, rather than a misleading 0


def set_mirror_lag(markers: int | None, seconds: float | None = None) -> None:
    """How far behind Mplus the mirror is (None = unknown); set by the readiness checker's round."""
    MIRROR_LAG.set(float("nan") if markers is None else max(markers, 0))
    MIRROR_LAG_SECONDS.set(float("nan") if seconds is None else max(seconds, 0.0))


def observe_mplus_call(operation: str, seconds: float, outcome: str) -> None:
    MPLUS_CALLS.labels(operation, outcome).inc()
    MPLUS_SECONDS.labels(operation).observe(seconds)


def exposition() -> tuple[bytes, str]:
    """The text format body and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
