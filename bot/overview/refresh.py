"""Keeping open App Homes current: republish while changes arrive, at most once a minute per person.

Slack rate-limits ``views.publish`` per app and workspace, and a person's Home only matters while
they look at it, so: a person counts as watching for ``watch_s`` after ``app_home_opened``; a
background thread checks a cheap version (newest mirror marker, newest audit entry) every ``tick_s``
and republishes each watcher whose Home is older than that version and was published at least
``interval_s`` ago, one person after the other (``pace_s`` apart).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass
class _Watcher:
    opened_at: float
    published_at: float = float("-inf")
    version: Hashable | None = None


class HomeRefresher:
    def __init__(
        self,
        publish: Callable[[str], None],
        version: Callable[[], Hashable],
        *,
        interval_s: float = 60.0,
        watch_s: float = 3600.0,
        tick_s: float = 5.0,
        pace_s: float = 1.0,
        min_gap_s: float = 3.0,
        monotonic: Callable[[], float] = time.monotonic,
        pause: Callable[[float], object] | None = None,
    ) -> None:
        """``monotonic`` and ``pause`` (waits ``pace_s`` between two publishes; by default on the stop
        event, so ``stop`` cuts it short) are injectable so the pacing rules can be tested on a clock."""
        self._publish = publish
        self._version = version
        self.interval_s = interval_s
        self.watch_s = watch_s
        self.tick_s = tick_s
        self.pace_s = pace_s
        self.min_gap_s = min_gap_s
        self._now = monotonic
        self._watchers: dict[str, _Watcher] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._pause = pause or self._stop.wait
        self._thread: threading.Thread | None = None

    def opened(self, user_id: str) -> bool:
        """``app_home_opened``: publish now, unless published moments ago (a redelivered event)."""
        now = self._now()
        with self._lock:
            watcher = self._watchers.setdefault(user_id, _Watcher(opened_at=now))
            watcher.opened_at = now
            if now - watcher.published_at < self.min_gap_s:
                return False
        self._start()
        self._refresh(user_id)
        return True

    def due(self) -> list[str]:
        """Watchers whose Home is behind the store and was not published within ``interval_s``."""
        now = self._now()
        version = self._version()
        with self._lock:
            for user in [u for u, w in self._watchers.items() if now - w.opened_at > self.watch_s]:
                del self._watchers[user]
            return [
                user
                for user, w in self._watchers.items()
                if w.version != version and now - w.published_at >= self.interval_s
            ]

    def run_once(self) -> int:
        published = 0
        for user in self.due():
            if self._stop.is_set():
                break
            if published:
                self._pause(self.pace_s)
            self._refresh(user)
            published += 1
        return published

    def _refresh(self, user_id: str) -> None:
        version = self._version()  # read before building, so a change during the build is not lost
        try:
            self._publish(user_id)
        except Exception:
            log.exception("could not publish the App Home of %s", user_id)
            return
        with self._lock:
            watcher = self._watchers.get(user_id)
            if watcher is not None:
                watcher.published_at, watcher.version = self._now(), version

    def _start(self) -> None:
        with self._lock:
            if self._thread is not None or self._stop.is_set():
                return
            self._thread = threading.Thread(target=self._loop, name="app-home-refresh", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.tick_s):
            try:
                self.run_once()
            except Exception:  # the store may be briefly away; try again next tick
                log.exception("App Home refresh pass failed")

    def stop(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout=5)
