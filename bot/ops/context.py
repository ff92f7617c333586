"""Who and what the current piece of work is about, for log lines and reply outcomes.

A context variable, set around each Slack request (the ack) and each piece of work after it, so a
log line written deep inside the core still names the user, the command or action and the order.
Imports nothing else from Orderbot; any layer may read it or note a failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class RequestScope:
    kind: str  # command, action, view, options, event
    name: str  # subcommand, action id or callback id
    user: str | None = None
    order: str | None = None  # an order number or id when the request names one
    error_id: str | None = None  # set when the person was shown an error with this id


_current: ContextVar[RequestScope | None] = ContextVar("orderbot_request", default=None)


def current_scope() -> RequestScope | None:
    return _current.get()


@contextmanager
def request_scope(scope: RequestScope) -> Iterator[RequestScope]:
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)


def note_failure(error_id: str) -> None:
    """The person was told something failed (with this error id): the reply's outcome is `failed`."""
    scope = _current.get()
    if scope is not None:
        scope.error_id = error_id
