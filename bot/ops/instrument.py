"""Metrics and log context for every Slack request: the ack, the work after it, Confirm presses.

Installed on a built Bolt app by ``instrument_app``: it wraps ``App.dispatch`` (HTTP and Socket
Mode both go through it) to time the ack, and the lazy-listener runner to time the work after the
ack. Neither changes what the handlers do; a failure in here is logged and never reaches Slack.
"""

from __future__ import annotations

import functools
import logging
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.lazy_listener.runner import LazyListenerRunner

from bot.mplus.observe import add_call_observer
from bot.ops.context import RequestScope, request_scope
from bot.ops.metrics import (
    ACK_SECONDS,
    CONFIRMATIONS,
    REPLIES,
    REPLY_SECONDS,
    SLACK_REQUESTS,
    observe_mplus_call,
)
from bot.orders.confirmed_actions import ConfirmedActions, ConfirmResult
from bot.slack.ids import ActionId, CallbackId, OrderRef

log = logging.getLogger(__name__)

# An order number as people type it (2026-42) or an external order id after find.
_ORDER_NUMBER = re.compile(r"^\d{4}-\d{1,9}$")
_KNOWN_ACTIONS = frozenset(item.value for item in ActionId)
_KNOWN_CALLBACKS = frozenset(item.value for item in CallbackId)
OTHER = "other"


class RequestNames:
    """Turns a Slack payload into bounded metric labels and log context (never raw user text)."""

    def __init__(self, subcommands: Iterable[str]) -> None:
        self._subcommands = frozenset(subcommands)

    def scope(self, body: dict[str, Any]) -> RequestScope:
        try:
            return self._scope(body)
        except Exception:  # a hostile or unexpected payload is still counted, under "other"
            return RequestScope(kind=OTHER, name=OTHER)

    def _scope(self, body: dict[str, Any]) -> RequestScope:
        if "command" in body:
            words = str(body.get("text") or "").split()
            first = words[0].lower() if words else "help"
            name = first if first in self._subcommands else "unknown"
            order = words[1] if len(words) > 1 and _ORDER_NUMBER.match(words[1]) else None
            return RequestScope("command", name, _str(body.get("user_id")), order)
        kind = body.get("type")
        user = _str((body.get("user") or {}).get("id"))
        if kind == "block_actions":
            action = (body.get("actions") or [{}])[0]
            name = action.get("action_id")
            return RequestScope("action", _known(name, _KNOWN_ACTIONS), user, _order_of(action))
        if kind in ("view_submission", "view_closed"):
            callback = (body.get("view") or {}).get("callback_id")
            return RequestScope("view", _known(callback, _KNOWN_CALLBACKS), user)
        if kind == "block_suggestion":
            return RequestScope("options", _known(body.get("action_id"), _KNOWN_ACTIONS), user)
        if kind == "event_callback":
            return RequestScope("event", OTHER, user)
        return RequestScope(OTHER, OTHER, user)


def _str(value: Any) -> str | None:
    return str(value)[:32] if value else None


def _known(name: Any, known: frozenset[str]) -> str:
    return name if isinstance(name, str) and name in known else OTHER


def _order_of(action: dict[str, Any]) -> str | None:
    try:
        return OrderRef.decode(action.get("value")).order_id
    except Exception:
        return None


class MeteredLazyRunner(LazyListenerRunner):
    """Bolt's runner for the work after the ack, timing each piece and noting how it ended."""

    def __init__(self, inner: LazyListenerRunner, names: RequestNames) -> None:
        self.logger = inner.logger
        self._inner = inner
        self._names = names

    def start(self, function: Callable[..., None], request: BoltRequest) -> None:
        queued = time.perf_counter()
        scope = self._names.scope(request.body)

        @functools.wraps(function)
        def metered(**kwargs: Any) -> None:
            outcome = "ok"
            own = RequestScope(scope.kind, scope.name, scope.user, scope.order)
            with request_scope(own):
                try:
                    function(**kwargs)
                except BaseException:
                    outcome = "error"
                    raise
                finally:
                    if outcome == "ok" and own.error_id:
                        outcome = "failed"
                    REPLIES.labels(own.kind, own.name, outcome).inc()
                    REPLY_SECONDS.labels(own.kind).observe(time.perf_counter() - queued)

        self._inner.start(metered, request)


def instrument_app(app: App, subcommands: Iterable[str]) -> None:
    """Count and time every request this app dispatches, the work each one starts, and Mplus calls."""
    add_call_observer(observe_mplus_call)
    names = RequestNames(subcommands)
    runner = app.listener_runner
    runner.lazy_listener_runner = MeteredLazyRunner(runner.lazy_listener_runner, names)
    dispatch = app.dispatch

    @functools.wraps(dispatch)
    def metered_dispatch(req: BoltRequest) -> BoltResponse:
        started = time.perf_counter()
        scope = names.scope(req.body)
        outcome = "error"
        with request_scope(scope):
            try:
                response = dispatch(req)
                outcome = "acked" if response.status < 400 else f"http_{response.status}"
                return response
            finally:
                SLACK_REQUESTS.labels(scope.kind, scope.name, outcome).inc()
                ACK_SECONDS.labels(scope.kind).observe(time.perf_counter() - started)

    app.dispatch = metered_dispatch  # type: ignore[method-assign]


class MeteredConfirmedActions(ConfirmedActions):
    """Confirm presses counted by action and outcome (done, refused, expired, in progress, …)."""

    def confirm(self, token: str, user_id: str) -> ConfirmResult:
        result = super().confirm(token, user_id)
        action = result.confirmation.action if result.confirmation is not None else "unknown"
        CONFIRMATIONS.labels(str(action), str(result.outcome)).inc()
        return result
