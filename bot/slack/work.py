"""Running Slack work after the ack: tracked (for graceful shutdown) and watched (for slow Mplus).

Both of Bolt's pools (acks, and the lazy work after them) are ``TrackedPool``s: every task counts
as in flight from submission until it returns, so shutdown can wait for confirmed actions and
creates that have been acked but not finished (``InFlight.wait_idle``).

Bolt hands every lazy listener to a ``LazyListenerRunner``; ours runs it on the work pool and tells
the person "Mplus is slow" once, when the work has run longer than ``ORDERBOT_SLOW_NOTICE_S`` *and*
is waiting on Mplus at that moment (``bot.mplus.gate`` knows), through the request's response_url.
The notice is sent under the request's lock, and the real answer takes the same lock, so the notice
can never arrive after the answer.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from slack_bolt.lazy_listener.internals import build_runnable_function
from slack_bolt.lazy_listener.runner import LazyListenerRunner
from slack_bolt.request import BoltRequest

from bot.mplus.gate import mplus_busy_since
from bot.slack.messages import MPLUS_SLOW

log = logging.getLogger(__name__)


class InFlight:
    """How many Slack requests are being handled (ack or work); shutdown waits for zero."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._count = 0

    @property
    def count(self) -> int:
        with self._cond:
            return self._count

    @contextmanager
    def track(self) -> Iterator[None]:
        with self._cond:
            self._count += 1
        try:
            yield
        finally:
            with self._cond:
                self._count -= 1
                self._cond.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """True once nothing is in flight; False if ``timeout`` seconds passed first."""
        with self._cond:
            return self._cond.wait_for(lambda: self._count == 0, timeout=timeout)


@dataclass
class _Watched:
    thread: int | None  # the work thread, once one has picked the work up
    started: float
    respond: Callable[..., Any]
    lock: threading.Lock = field(default_factory=threading.Lock)
    answered: bool = False
    notified: bool = False


class _GuardedRespond:
    """The request's ``respond``: marks the request answered, so no slow notice follows the answer."""

    def __init__(self, entry: _Watched) -> None:
        self._entry = entry

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self._entry.lock:
            self._entry.answered = True
        return self._entry.respond(*args, **kwargs)


class SlowNotices:
    """One thread looks at the running work a few times a second; sending is done on a tiny pool."""

    def __init__(self, after_s: float, poll_s: float = 0.25) -> None:
        self.after_s = after_s
        self._poll_s = poll_s
        self._entries: dict[int, _Watched] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._senders = ThreadPoolExecutor(max_workers=2, thread_name_prefix="slow-notice")
        self._thread = threading.Thread(target=self._loop, name="slow-notice-watch", daemon=True)
        self._thread.start()

    def register(self, request: BoltRequest) -> _Watched | None:
        """Watch a lazy listener from its submission (time queued behind other work counts too)."""
        respond = request.context.respond if request.context.response_url else None
        if respond is None or self.after_s <= 0:
            return None
        entry = _Watched(thread=None, started=time.monotonic(), respond=respond)
        request.context["respond"] = _GuardedRespond(entry)
        with self._lock:
            self._entries[id(entry)] = entry
        return entry

    def unregister(self, entry: _Watched | None) -> None:
        if entry is not None:
            with self._lock:
                self._entries.pop(id(entry), None)

    def _loop(self) -> None:
        while not self._stop.wait(self._poll_s):
            now = time.monotonic()
            with self._lock:
                due = [
                    e for e in self._entries.values() if not e.notified and now - e.started >= self.after_s
                ]
            for entry in due:
                # Still queued (every work thread busy, which under load means busy with Mplus), or
                # in an Mplus call right now; slow for any other reason is not "Mplus is slow".
                if entry.thread is None or mplus_busy_since(entry.thread) is not None:
                    entry.notified = True
                    self._senders.submit(self._send, entry)

    def _send(self, entry: _Watched) -> None:
        with entry.lock:
            if entry.answered:
                return
            try:
                entry.respond(text=MPLUS_SLOW, response_type="ephemeral", replace_original=False)
            except Exception as err:  # a notice that cannot be sent is no reason to fail the request
                log.info("could not send the slow-Mplus notice: %s", type(err).__name__)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._senders.shutdown(wait=False, cancel_futures=True)


class TrackedPool(ThreadPoolExecutor):
    """A thread pool whose tasks count as in flight from submission (queued work is in flight too)."""

    def __init__(self, max_workers: int, thread_name_prefix: str, in_flight: InFlight) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix=thread_name_prefix)
        self.in_flight = in_flight

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        tracker = self.in_flight.track()
        tracker.__enter__()

        def run() -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                tracker.__exit__(None, None, None)

        try:
            future = super().submit(run)
        except RuntimeError:  # shut down: the process is exiting
            tracker.__exit__(None, None, None)
            raise
        # A task cancelled before it ran (shutdown with cancel_futures) never reaches ``run``.
        future.add_done_callback(lambda f: tracker.__exit__(None, None, None) if f.cancelled() else None)
        return future


class WatchedLazyRunner(LazyListenerRunner):
    """Bolt's thread lazy runner, plus the slow-Mplus notice around each lazy listener."""

    def __init__(self, executor: Executor, slow: SlowNotices) -> None:
        self.logger = logging.getLogger("bot.slack.bolt")
        self.executor = executor
        self.slow = slow

    def start(self, function: Callable[..., None], request: BoltRequest) -> None:
        entry = self.slow.register(request)
        runnable = build_runnable_function(func=function, logger=self.logger, request=request)

        def run() -> None:
            try:
                if entry is not None:
                    entry.thread = threading.get_ident()
                runnable()
            finally:
                self.slow.unregister(entry)

        try:
            self.executor.submit(run)
        except RuntimeError:
            self.slow.unregister(entry)
            raise
