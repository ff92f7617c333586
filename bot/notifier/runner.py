"""Running the notifier: a background thread in the bot process, or one pass for ``orderbot notify --once``.

The thread runs a pass every ``ORDERBOT_NOTIFY_INTERVAL_S``; after a failed pass (Mplus down, Slack
failing) it backs off exponentially up to ``ORDERBOT_NOTIFY_MAX_BACKOFF_S``, never below Slack's
Retry-After. With no channel configured and none subscribed there is no thread at all; the first
``/order subscribe`` starts it (``subscriptions_changed``).
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_sdk import WebClient

from bot.config import Settings
from bot.mirror.health import health as mirror_health
from bot.mirror.sync import MirrorConfig, MirrorSync
from bot.mplus.client import MplusClient
from bot.mplus.errors import MplusError
from bot.notifier.engine import Notifier, NotifierConfig, PassReport, PassStatus
from bot.notifier.slack_port import WebClientSlack
from bot.orders.catalogue import CatalogueCache
from bot.slack.views.order import Catalogue
from bot.store.audit import AuditLog
from bot.store.db import Database, utcnow
from bot.store.lease_keeper import LEASE_NAME
from bot.store.leases import Leases
from bot.store.subscriptions import SubscriptionStore
from bot.store.sync_state import SyncStateStore

log = logging.getLogger(__name__)

MIN_CATALOGUE_TTL_S = 60.0
"""Cards need descriptions of delivery methods and categories; a pass must not fetch them per card."""

_handles: weakref.WeakSet[NotifierHandle] = weakref.WeakSet()


def build_notifier(
    settings: Settings,
    mplus: MplusClient,
    slack: WebClient,
    db: Database,
    audit: AuditLog,
    *,
    backfill: bool | None = None,
    holder: str | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> Notifier:
    bot = settings.bot
    cache = CatalogueCache(mplus, max(float(bot.catalogue_ttl_s), MIN_CATALOGUE_TTL_S))

    def catalogue() -> Catalogue:
        try:
            return Catalogue(delivery_methods=cache.delivery_methods(), categories=cache.categories())
        except MplusError as err:  # cards fall back to codes rather than wait for the catalogue
            log.warning("catalogue unavailable for cards: %s", type(err).__name__)
            return Catalogue()

    port = WebClientSlack(
        slack, post_interval_s=bot.notify_post_interval_s, rate_limit_retries=bot.notify_slack_retries
    )
    config = NotifierConfig.from_settings(bot, backfill=backfill)
    mirror = MirrorSync(MirrorConfig.from_settings(bot), mplus, db) if bot.mirror else None
    return Notifier(config, mplus, port, db, audit, catalogue, holder=holder, clock=clock, mirror=mirror)


def run_once(
    settings: Settings,
    mplus: MplusClient,
    slack: WebClient,
    db: Database,
    audit: AuditLog,
    *,
    backfill: bool = False,
) -> PassReport:
    """One pass, as ``orderbot notify --once`` runs it (``backfill`` only matters on the first start)."""
    notifier = build_notifier(
        settings, mplus, slack, db, audit, backfill=backfill or settings.bot.notify_backfill
    )
    return notifier.run_pass()


class NotifierHandle:
    """The notifier thread of one process: ``stop()`` ends it; ``wake()`` runs a pass now."""

    def __init__(self, notifier: Notifier, interval_s: float, max_backoff_s: float) -> None:
        self.notifier = notifier
        self._interval = interval_s
        self._max_backoff = max_backoff_s
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._failures = 0
        self.last_report: PassReport | None = None
        self.passes = 0

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def ensure_running(self) -> None:
        with self._lock:
            if self._stopped.is_set() or self.running:
                return
            self._thread = threading.Thread(target=self._loop, name="notifier", daemon=True)
            self._thread.start()
            log.info("notifier started (every %.0f s)", self._interval)

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 15.0) -> None:
        self._stopped.set()
        self._wake.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _loop(self) -> None:
        while not self._stopped.is_set():
            try:
                report: PassReport | None = self.notifier.run_pass()
            except Exception:  # the loop must outlive any one bad pass
                log.exception("notifier pass crashed; retrying later")
                report = None
            self.last_report = report
            self.passes += 1
            self._wake.wait(self._delay(report))
            self._wake.clear()

    def _delay(self, report: PassReport | None) -> float:
        if report is not None and report.mirror_more and report.status == PassStatus.OK:
            return 0.0  # the mirror's first sync goes on at once, a budget per pass
        if report is not None and report.status in (PassStatus.OK, PassStatus.BUSY, PassStatus.LEASE_LOST):
            self._failures = 0
            return self._interval
        self._failures += 1
        delay = min(self._interval * 2 ** (self._failures - 1), self._max_backoff)
        if report is not None and report.retry_after:
            delay = max(delay, report.retry_after)
        return delay


def start_in_background(
    settings: Settings, mplus: MplusClient, slack: WebClient, db: Database, audit: AuditLog
) -> NotifierHandle:
    """The bot process's notifier. No thread while no channel is configured or subscribed."""
    bot = settings.bot
    notifier = build_notifier(settings, mplus, slack, db, audit)
    interval = min(bot.notify_interval_s, bot.mirror_interval_s) if bot.mirror else bot.notify_interval_s
    handle = NotifierHandle(notifier, interval, bot.notify_max_backoff_s)
    _handles.add(handle)
    subscriptions = SubscriptionStore(db)
    subscriptions.sync_config_channel(bot.notify_channel)
    if subscriptions.all() or bot.mirror:
        handle.ensure_running()
    else:
        log.info("notifier idle: no ORDERBOT_NOTIFY_CHANNEL and no subscribed channel yet")
    return handle


def subscriptions_changed() -> None:
    """Called after ``/order subscribe``: start this process's notifier if it was idle."""
    for handle in list(_handles):
        handle.ensure_running()


def health(db: Database) -> dict[str, Any]:
    """The notifier's state for /readyz or on-call: marker, last passes, Mplus outage, lease holder."""
    mirror = mirror_health(db)
    if mirror.get("last_pass_at") is not None:
        mirror["last_pass_at"] = mirror["last_pass_at"].isoformat()
    state = SyncStateStore(db).get()
    lease = Leases(db).get(LEASE_NAME)
    if state is None:
        return {"notifier": "not started", "mirror": mirror}
    return {
        "mirror": mirror,
        "notifier": "failing" if state.consecutive_failures else "ok",
        "next_marker": state.next_marker,
        "last_pass_at": state.last_pass_at.isoformat() if state.last_pass_at else None,
        "last_ok_at": state.last_ok_at.isoformat() if state.last_ok_at else None,
        "last_error": state.last_error,
        "mplus_failing_since": state.mplus_failing_since.isoformat() if state.mplus_failing_since else None,
        "changes_handled": state.changes_handled,
        "lease_holder": lease.holder if lease and lease.expires_at > utcnow() else None,
    }
