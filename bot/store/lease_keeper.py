"""Holding the sync lease for the length of a pass (the notifier's, shared by ``mirror sync``).

It lives in the store layer, next to the lease table, so the notifier and the mirror (which sits
below the notifier) both use it without the mirror reaching up.
A pass can outlast the lease (a long backlog, Slack's Retry-After), so a heartbeat thread renews it
every third of its ttl. Before every Slack write the pass calls ``check()``, which fails once the
lease was lost *or* once the last successful renewal is too old to trust (this process stalled),
so a process that wakes up from a long pause stops instead of posting next to the new holder.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from bot.store.leases import Leases

log = logging.getLogger(__name__)

LEASE_NAME = "notifier:orders"
"""The one lease under which the notifier and `orderbot mirror sync` read Mplus (never both)."""
SAFETY = 0.8
"""Trust a renewal for this share of the ttl only: the rest covers the renew call's own latency."""


class LeaseLost(Exception):
    """Another process holds the notifier lease now; stop without touching Slack or the marker."""


def new_holder() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class LeaseKeeper:
    def __init__(
        self, leases: Leases, ttl_s: float, holder: str | None = None, name: str = LEASE_NAME
    ) -> None:
        self._leases = leases
        self._ttl_s = ttl_s
        self.holder = holder or new_holder()
        self._name = name
        self._valid_until = 0.0
        self._lost = False
        self._lock = threading.Lock()

    def acquire(self) -> bool:
        """Take or renew the lease; True while this process holds it."""
        started = time.monotonic()
        try:
            held = self._leases.acquire(self._name, self.holder, timedelta(seconds=self._ttl_s))
        except Exception as err:  # a database hiccup: not held as far as we can tell
            log.warning("notifier lease renewal failed: %s", type(err).__name__)
            held = False
        with self._lock:
            if held:
                self._valid_until = started + self._ttl_s * SAFETY
                self._lost = False
            else:
                self._lost = True
        return held

    def check(self) -> None:
        with self._lock:
            if self._lost or time.monotonic() > self._valid_until:
                raise LeaseLost(f"notifier lease {self._name} is no longer held by {self.holder}")

    def release(self) -> None:
        with self._lock:
            self._valid_until = 0.0
        try:
            self._leases.release(self._name, self.holder)
        except Exception as err:  # it will expire by itself
            log.warning("notifier lease release failed: %s", type(err).__name__)

    @contextmanager
    def heartbeat(self) -> Iterator[None]:
        stop = threading.Event()

        def renew() -> None:
            while not stop.wait(self._ttl_s / 3):
                if not self.acquire():
                    log.warning("notifier lease lost to another process; this pass stops")
                    return

        thread = threading.Thread(target=renew, name="notifier-lease", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(timeout=5)
