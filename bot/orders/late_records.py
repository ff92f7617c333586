"""Store writes that must not be lost when the store is briefly unavailable after an Mplus write.

Once Mplus has answered a write, the person is told that outcome whatever the store does. What the
store could not take right then (the audit row, the claim's final state) is kept here and written
as soon as the store answers again; each waiting write is logged at once with an error id and
every field needed to record it by hand, so a process that dies meanwhile loses nothing on-call
cannot recover from the log (and a claim left running is settled from Mplus at the next start).
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


def new_error_id() -> str:
    """Short enough to read out over the phone, unique enough to grep for in the logs."""
    return secrets.token_hex(4)


@dataclass
class _Waiting:
    error_id: str
    what: str
    write: Callable[[], object]


class LateRecords:
    """Run a store write now; if it fails, keep retrying it in the background until it succeeds."""

    def __init__(self, retry_every_s: float = 2.0) -> None:
        self._retry_every_s = retry_every_s
        self._lock = threading.Lock()
        self._waiting: list[_Waiting] = []
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()

    def write(self, what: str, write: Callable[[], object], error_id: str | None = None) -> str | None:
        """Run ``write``; on failure queue it and return the error id it is logged under."""
        try:
            write()
            return None
        except Exception as err:  # the store is down or locked: the outcome must still be told
            error_id = error_id or new_error_id()
            log.error(
                "error_id=%s could not record %s now (%s: %s); will retry until the store answers",
                error_id,
                what,
                type(err).__name__,
                err,
            )
            with self._lock:
                self._waiting.append(_Waiting(error_id, what, write))
                self._ensure_thread()
            return error_id

    @property
    def waiting(self) -> int:
        with self._lock:
            return len(self._waiting)

    def flush(self) -> int:
        """Try every waiting write once, in order; returns how many are still waiting."""
        with self._lock:
            todo, self._waiting = self._waiting, []
        still: list[_Waiting] = []
        for item in todo:
            if still:  # keep the order: once one fails, the store is still down
                still.append(item)
                continue
            try:
                item.write()
                log.warning("error_id=%s recorded late: %s", item.error_id, item.what)
            except Exception as err:
                log.debug("error_id=%s still cannot record: %s", item.error_id, type(err).__name__)
                still.append(item)
        with self._lock:
            self._waiting = still + self._waiting
            return len(self._waiting)

    def stop(self) -> None:
        self._stopped.set()
        self._wake.set()

    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._loop, name="late-records", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while not self._stopped.is_set():
            self._wake.wait(self._retry_every_s)
            self._wake.clear()
            if self.flush() == 0:
                with self._lock:
                    if not self._waiting:
                        self._thread = None
                        return
