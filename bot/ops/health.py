"""Readiness: Mplus, the store and the notifier, checked in the background and served from a cache.

The same background round reads the mirror's progress from the store and sets the mirror-lag
gauges, so ``/metrics`` shows them without any scrape touching the database.

``/readyz`` must stay cheap when a load balancer (or an attacker) floods it, and must never put a
Mplus call on the threads that ack Slack: so one background thread refreshes a snapshot every
``ORDERBOT_READY_INTERVAL_S`` and the endpoint only reads it. A snapshot that stops being refreshed
(the checker stuck on a hung Mplus) turns into "not ready" by itself.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from bot.config import Settings
from bot.mirror.health import health as mirror_health
from bot.mplus.client import MplusClient
from bot.notifier.runner import health as notifier_state
from bot.ops.metrics import NOTIFIER_LAG, READY, set_mirror_lag
from bot.store.db import Database, utcnow
from bot.store.schema import SchemaState, status
from bot.store.subscriptions import SubscriptionStore
from bot.store.sync_state import SyncStateStore

log = logging.getLogger(__name__)


class Check(BaseModel):
    ok: bool
    detail: str


class Readiness(BaseModel):
    ready: bool
    reason: str | None = None
    checks: dict[str, Check] = {}
    checked_at: datetime | None = None
    notifier_lag: int | None = None
    notifier: dict[str, Any] = {}  # the notifier's state: marker, last passes, lease holder
    mirror_lag: int | None = None  # changes Mplus had at the mirror's last pass that it has not stored
    mirror_pass_age_s: float | None = None  # seconds since the mirror's last pass


def _first_line(err: BaseException) -> str:
    text = (str(err).strip().splitlines() or [""])[0]
    return f"{type(err).__name__}: {text}"[:200] if text else type(err).__name__


class ReadinessChecks:
    """One round of checks; each answers ok/not ok with a one-line detail and never raises."""

    def __init__(
        self,
        mplus: MplusClient,
        db: Database,
        *,
        notifier_expected: Callable[[], bool],
        notifier_stale_s: float,
    ) -> None:
        self._mplus = mplus
        self._db = db
        self._notifier_expected = notifier_expected
        self._stale_s = notifier_stale_s

    def run(self) -> Readiness:
        checks: dict[str, Check] = {}
        mplus_marker: int | None = None
        try:
            mplus_marker = self._mplus.get_current_sync_markers().order_sync_marker
            checks["mplus"] = Check(ok=True, detail=f"reachable, order marker {mplus_marker}")
        except Exception as err:
            checks["mplus"] = Check(ok=False, detail=_first_line(err))
        checks["store"] = self._store()
        lag: int | None = None
        notifier: dict[str, Any] = {}
        try:
            checks["notifier"], lag = self._notifier(mplus_marker)
            notifier = notifier_state(self._db)
        except Exception as err:
            checks["notifier"] = Check(ok=False, detail=f"state unreadable: {_first_line(err)}")
        mirror_lag, pass_age = self._mirror()
        failing = [f"{name}: {check.detail}" for name, check in checks.items() if not check.ok]
        return Readiness(
            ready=not failing,
            reason="; ".join(failing) or None,
            checks=checks,
            checked_at=utcnow(),
            notifier_lag=lag,
            notifier=notifier,
            mirror_lag=mirror_lag,
            mirror_pass_age_s=pass_age,
        )

    def _mirror(self) -> tuple[int | None, float | None]:
        """The mirror's lag as its last pass left it in the store; unknown (None) if unreadable."""
        try:
            progress = mirror_health(self._db)
        except Exception as err:  # the store check already says why the store is in trouble
            log.debug("mirror progress unreadable: %s", _first_line(err))
            return None, None
        last_pass = progress.get("last_pass_at")
        age = (utcnow() - last_pass).total_seconds() if last_pass is not None else None
        return progress.get("behind"), age

    def _store(self) -> Check:
        try:
            now = status(self._db)
        except Exception as err:
            return Check(ok=False, detail=_first_line(err))
        if now.state is not SchemaState.CURRENT:
            return Check(ok=False, detail=f"schema {now.describe()}; run `orderbot db upgrade`")
        return Check(ok=True, detail=f"reachable, schema {', '.join(now.current)}")

    def _notifier(self, mplus_marker: int | None) -> tuple[Check, int | None]:
        state = SyncStateStore(self._db).get()
        if state is None:
            return Check(ok=True, detail="not started"), None
        processed = state.next_marker - 1
        lag = None if mplus_marker is None else max(mplus_marker - processed, 0)
        if not lag:
            return Check(ok=True, detail="up to date" if lag == 0 else f"at marker {processed}"), lag
        last_ok = state.last_ok_at or state.created_at
        behind_s = (utcnow() - last_ok).total_seconds()
        if behind_s > self._stale_s and self._notifier_expected():
            detail = (
                f"{lag} changes behind, no good pass for {behind_s:.0f} s "
                f"(ORDERBOT_READY_NOTIFIER_STALE_S={self._stale_s:g})"
            )
            if state.last_error:
                detail += f"; last error: {state.last_error[:120]}"
            return Check(ok=False, detail=detail), lag
        return Check(ok=True, detail=f"{lag} changes behind, last good pass {behind_s:.0f} s ago"), lag


class ReadinessMonitor:
    """Runs ``ReadinessChecks`` on a background thread; ``current()`` is a cheap read of the result."""

    def __init__(self, checks: ReadinessChecks, interval_s: float, stale_after_s: float) -> None:
        self._checks = checks
        self._interval = interval_s
        self._stale_after = stale_after_s
        self._latest: Readiness | None = None
        self._latest_at = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._started = time.monotonic()

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="readiness", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def refresh(self) -> Readiness:
        result = self._checks.run()
        self._latest, self._latest_at = result, time.monotonic()
        for name, check in result.checks.items():
            READY.labels(name).set(1 if check.ok else 0)
        READY.labels("all").set(1 if result.ready else 0)
        NOTIFIER_LAG.set(math.nan if result.notifier_lag is None else result.notifier_lag)
        set_mirror_lag(result.mirror_lag, result.mirror_pass_age_s)
        if not result.ready:
            log.warning("not ready: %s", result.reason)
        return result

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.refresh()
            except Exception:  # the checks never raise; this keeps the thread alive if one does
                log.exception("readiness check crashed")
            self._stop.wait(self._interval)

    def current(self) -> Readiness:
        latest, now = self._latest, time.monotonic()
        if latest is None:
            waited = now - self._started
            return Readiness(
                ready=False, reason=f"starting: first readiness check not finished ({waited:.0f} s)"
            )
        age = now - self._latest_at
        if age > self._stale_after:
            return latest.model_copy(
                update={"ready": False, "reason": f"readiness checks stuck: last result is {age:.0f} s old"}
            )
        return latest


def stale_after_s(interval_s: float, mplus_timeout_s: float, read_retries: int) -> float:
    """How old a snapshot may get: one interval plus the longest a round can take, with margin."""
    return 2 * interval_s + mplus_timeout_s * (read_retries + 1) + 5


def build_readiness(settings: Settings, mplus: MplusClient, db: Database) -> ReadinessMonitor:
    bot = settings.bot

    def notifier_expected() -> bool:
        # With no channel to notify there is no notifier thread, so a growing lag is no fault.
        return bool(bot.notify_channel) or bool(SubscriptionStore(db).all())

    checks = ReadinessChecks(
        mplus, db, notifier_expected=notifier_expected, notifier_stale_s=bot.ready_notifier_stale_s
    )
    stale = stale_after_s(bot.ready_interval_s, settings.mplus.timeout_s, settings.mplus.read_retries)
    return ReadinessMonitor(checks, bot.ready_interval_s, stale)
