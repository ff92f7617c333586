"""At most ``MPLUS_MAX_CONCURRENCY`` Mplus calls in flight per client, enforced in one place.

Every SOAP call goes through the transport's ``post``, which takes a slot here first; callers beyond
the limit wait their turn (in arrival order, roughly) instead of piling onto a slow Mplus. The gate
also records which threads are busy with Mplus right now (waiting for a slot or in the call), so the
Slack layer can tell a person "Mplus is slow" only when that is actually what they are waiting on.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_busy: dict[int, float] = {}  # thread ident → when it started waiting on Mplus (monotonic)
_busy_lock = threading.Lock()
_guards = threading.local()


class CallWithdrawn(Exception):
    """A call stopped after taking its slot, before anything was sent: its guard said no."""


@contextmanager
def send_only_if(check: Callable[[], bool]) -> Iterator[None]:
    """Within the block, each Mplus call on this thread asks ``check`` once it holds a slot, just
    before its request goes out; False stops that call with ``CallWithdrawn`` (nothing is sent).

    A write can wait a long time for a slot; by then recovery may have settled its claim as "not
    sent". The check is the last word on whether the write may still go, and lets the caller date
    the claim from the moment the request really leaves.
    """
    previous = getattr(_guards, "check", None)
    _guards.check = check
    try:
        yield
    finally:
        _guards.check = previous


def mplus_busy_since(thread_ident: int) -> float | None:
    """When the given thread started waiting on Mplus (monotonic), or None if it is not."""
    with _busy_lock:
        return _busy.get(thread_ident)


class CallGate:
    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("the Mplus concurrency limit must be at least 1")
        self.limit = limit
        self._slots = threading.BoundedSemaphore(limit)
        self._lock = threading.Lock()
        self.in_flight = 0
        self.waiting = 0
        self.peak = 0

    @contextmanager
    def slot(self) -> Iterator[None]:
        me = threading.get_ident()
        with _busy_lock:
            nested = me in _busy  # a call made while holding a slot must not wait for a second one
            _busy.setdefault(me, time.monotonic())
        if nested:
            yield
            return
        try:
            with self._lock:
                self.waiting += 1
            acquired = False
            try:
                acquired = self._slots.acquire()
            finally:
                with self._lock:
                    self.waiting -= 1
                    if acquired:
                        self.in_flight += 1
                        self.peak = max(self.peak, self.in_flight)
            try:
                check = getattr(_guards, "check", None)
                if check is not None and not check():
                    raise CallWithdrawn()
                yield
            finally:
                with self._lock:
                    self.in_flight -= 1
                self._slots.release()
        finally:
            with _busy_lock:
                _busy.pop(me, None)
