"""Graceful shutdown: SIGTERM/SIGINT → stop taking requests, finish what was started, exit 0.

Containers and systemd send SIGTERM and, after their own timeout, SIGKILL. The order of the steps is
what keeps the promise "nothing done twice, nothing lost": first refuse new Slack requests (HTTP 503,
Slack retries them elsewhere or later; in Socket Mode the socket is closed), then wait — at most
``ORDERBOT_SHUTDOWN_GRACE_S`` — for every request already acked (a confirmed payment waiting on a slow
Mplus, a create) to finish and report, then stop the notifier (its pass releases the lease), and
close the store last, because the finishing work still writes its audit rows.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType

log = logging.getLogger(__name__)


class StopSignal:
    """The first SIGTERM/SIGINT sets ``requested``; the main thread waits on it."""

    def __init__(self) -> None:
        self.requested = threading.Event()

    def install(self) -> StopSignal:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._on_signal)
        return self

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        if self.requested.is_set():
            log.info("%s again: already stopping", signal.Signals(signum).name)
            return
        log.info("%s: stopping gracefully", signal.Signals(signum).name)
        self.requested.set()

    def wait(self) -> None:
        # A bounded wait in a loop: the signal handler runs in the main thread between the waits.
        while not self.requested.wait(0.5):
            pass


@dataclass
class Steps:
    """What a server hands to ``shut_down``; each step must be safe to call once."""

    stop_intake: Callable[[], None]
    wait_idle: Callable[[float], bool]
    in_flight: Callable[[], int]
    stop_background: Callable[[float], None]
    close: Callable[[], None]


def shut_down(steps: Steps, grace_s: float) -> bool:
    """Run the steps within ``grace_s``; True if every in-flight request finished in time."""
    deadline = time.monotonic() + grace_s
    steps.stop_intake()
    pending = steps.in_flight()
    if pending:
        log.info("waiting up to %.0f s for %d request(s) in flight", grace_s, pending)
    finished = steps.wait_idle(max(0.0, deadline - time.monotonic()))
    if not finished:
        log.warning(
            "shutdown grace of %.0f s is over with %d request(s) still running; they are abandoned "
            "(ORDERBOT_SHUTDOWN_GRACE_S)",
            grace_s,
            steps.in_flight(),
        )
    steps.stop_background(max(1.0, deadline - time.monotonic()))
    steps.close()
    log.info("orderbot stopped")
    return finished


def exit_now(code: int = 0) -> None:
    """End the process without waiting for worker threads still running past the grace period."""
    logging.shutdown()
    os._exit(code)
