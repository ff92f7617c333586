"""One notifier pass: take the lease, read order changes from the stored marker, tell Slack, advance.

Durability rules:

- The marker (``notifier_state.next_marker``) advances per page, and only past orders whose Slack
  work is done: a transient Slack failure (429 after retries, 5xx, timeout) stops the page at that
  order and the marker stays on it. Replaying a page is harmless: every card remembers the marker it
  shows, notes and digests are claimed with pending rows (``delivery``), digest entries are upserts.
- A Slack refusal that retrying cannot fix (channel_not_found, not_in_channel, invalid_blocks …) is
  logged and skipped for that channel, so one broken channel cannot stall every other one.
- Everything runs under the database lease, so two bot processes notify each change once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from bot.config import BotSettings
from bot.mirror.sync import MirrorSync
from bot.mplus.client import MplusClient
from bot.mplus.errors import MplusError
from bot.mplus.models import Order
from bot.notifier.changes import Change
from bot.notifier.delivery import Delivery
from bot.notifier.digests import BurstDigests, DailyDigests
from bot.notifier.pages import PassWork, Stores
from bot.notifier.prefetch import prefetched
from bot.notifier.routing import Router
from bot.notifier.slack_port import SlackFailure, SlackPort
from bot.overview.digest_chart import digest_chart
from bot.slack.channel_language import ChannelReaders
from bot.slack.views.notifications import outage_message, recovery_message
from bot.slack.views.order import Catalogue
from bot.store.audit import AuditEntry, AuditLog
from bot.store.cards import CardStore, DigestStore, SnapshotStore
from bot.store.confirmations import ConfirmationRow, ConfirmationState
from bot.store.db import Database, utcnow
from bot.store.lease_keeper import LeaseKeeper, LeaseLost
from bot.store.leases import Leases
from bot.store.subscriptions import Subscription, SubscriptionStore
from bot.store.sync_state import SyncState, SyncStateStore

log = logging.getLogger(__name__)

BOT_WRITE_GRACE_S = 2.0
"""Longest wait for the audit row of a Confirm that is being carried out while a pass sees its change."""


class NotifierConfig(BaseModel):
    model_config = ConfigDict(frozen=True)

    page_size: int = 500
    burst: int = 20
    backfill: bool = False
    lease_s: float = 60.0
    alert_after_s: float = 60.0
    ops_channel: str | None = None
    notify_channel: str | None = None
    digest_first: int = 5
    language: str = "en"
    """ORDERBOT_LANGUAGE: what a channel without its own ``lang`` reads."""

    @classmethod
    def from_settings(cls, bot: BotSettings, backfill: bool | None = None) -> NotifierConfig:
        return cls(
            page_size=bot.notify_page_size,
            burst=bot.notify_burst,
            backfill=bot.notify_backfill if backfill is None else backfill,
            lease_s=bot.notify_lease_s,
            alert_after_s=bot.notify_alert_after_s,
            ops_channel=bot.ops_channel,
            notify_channel=bot.notify_channel,
            language=bot.language,
        )


class PassStatus(StrEnum):
    OK = "ok"
    BUSY = "busy"
    """Another process holds the lease and is doing the work."""
    MPLUS_DOWN = "mplus_down"
    SLACK_FAILED = "slack_failed"
    LEASE_LOST = "lease_lost"


class PassReport(BaseModel):
    status: PassStatus
    changes: int = 0
    pages: int = 0
    posts: int = 0
    updates: int = 0
    next_marker: int | None = None
    error: str | None = None
    retry_after: float | None = None
    mirror_more: bool = False
    """The mirror is still catching up (first sync): run the next pass at once."""


class Notifier:
    def __init__(
        self,
        config: NotifierConfig,
        mplus: MplusClient,
        slack: SlackPort,
        db: Database,
        audit: AuditLog,
        catalogue: Callable[[], Catalogue],
        *,
        holder: str | None = None,
        clock: Callable[[], datetime] = utcnow,
        mirror: MirrorSync | None = None,
    ) -> None:
        self.config = config
        self.mirror = mirror
        """Fed by this pass's getOrders pages, under this lease (one read serves both)."""
        self.mplus = mplus
        self.slack = slack
        self.audit = audit
        self.catalogue = catalogue
        self.clock = clock
        self.sync = SyncStateStore(db)
        self.db = db
        self.cards = CardStore(db)
        self.snapshots = SnapshotStore(db)
        self.digests = DigestStore(db)
        self.subscriptions = SubscriptionStore(db)
        self.readers = ChannelReaders(db, config.language)
        self.lease = LeaseKeeper(Leases(db), config.lease_s, holder)
        upload = getattr(slack, "upload_file", None)  # ports that cannot upload send digests without
        self.digest_chart = digest_chart(db, upload) if upload is not None else None

    # ------------------------------------------------------------------------ the pass

    def run_pass(self) -> PassReport:
        if not self.lease.acquire():
            return PassReport(status=PassStatus.BUSY)
        delivery = Delivery(self.slack, self.cards, self.digests, self.lease.check)
        try:
            with self.lease.heartbeat():
                report = self._run(delivery)
        except LeaseLost as err:
            log.warning("%s", err)
            report = PassReport(status=PassStatus.LEASE_LOST, error=str(err))
        finally:
            self.lease.release()
        report.posts, report.updates = delivery.posts, delivery.updates
        return report

    def _run(self, delivery: Delivery) -> PassReport:
        self.subscriptions.sync_config_channel(self.config.notify_channel)
        try:
            state = self._state()
        except MplusError as err:
            return self._mplus_down(err, None, delivery)
        mirror_more = self._mirror(state.next_marker)
        subscriptions = self.subscriptions.all()
        readers = self.readers.snapshot()  # every channel's language, read once per pass
        work = PassWork(
            state,
            Stores(self.sync, self.cards, self.snapshots, self.digests),
            Router(subscriptions),
            BurstDigests(
                self.digests, self.config.burst, state.next_marker, self.config.digest_first, readers
            ),
            delivery,
            self.catalogue,
            self._bot_entry,
            self.config.burst,
            readers,
        )
        pages = prefetched(
            self.mplus.iter_order_changes(state.next_marker, limit=self.config.page_size, include_lines=True)
        )
        try:
            report = self._pages(pages, work, subscriptions, delivery, readers)
        finally:
            pages.close()  # stops the read-ahead thread if the pass ends early
        report.mirror_more = mirror_more
        return report

    def _mirror(self, next_marker: int) -> bool:
        """The mirror's own reads (relations, articles, orders it lacks below ``next_marker``)."""
        if self.mirror is None or not self.mirror.due():
            return False
        try:
            return self.mirror.run(next_marker).more
        except Exception:  # a mirror problem must never stop notifications
            log.exception("mirror pass failed; notifications go on")
            return False

    def _pages(
        self,
        pages: Iterator[list[Order]],
        work: PassWork,
        subscriptions: list[Subscription],
        delivery: Delivery,
        readers: ChannelReaders,
    ) -> PassReport:
        count = 0
        since = work.marker
        try:
            while True:
                try:
                    page = next(pages, None)
                except MplusError as err:
                    return self._mplus_down(err, work, delivery, count)
                if count == 0:
                    self._mplus_ok(delivery)
                if page is None:
                    break
                count += 1
                if self.mirror is not None:
                    self.mirror.absorb(page, since)
                since = max(order.sync_marker or 0 for order in page) + 1  # as iter_order_changes pages
                work.page(page)
            work.finish()
            work.bursts.close_all(delivery)
            daily = DailyDigests(self.digests, self.config.digest_first, self.digest_chart, readers)
            daily.run(subscriptions, delivery, self.clock())
        except SlackFailure as err:
            log.warning("notifier pass stopped at marker %d: Slack %s", work.marker, err.error)
            self.sync.pass_failed(self.lease.holder, f"slack: {err.error}")
            return self._report(PassStatus.SLACK_FAILED, work, count, f"slack: {err.error}", err.retry_after)
        self.sync.pass_ok(self.lease.holder)
        return self._report(PassStatus.OK, work, count)

    def _state(self) -> SyncState:
        state = self.sync.get()
        if state is not None:
            return state
        if self.config.backfill:
            log.info("notifier first start: backfill from marker 0")
            return self.sync.init(0, None)
        # Start "from now" (reference §10): history stays out of Slack unless a backfill is asked for.
        top = self.mplus.get_current_sync_markers().order_sync_marker
        log.info("notifier first start: following order changes from marker %d", top + 1)
        return self.sync.init(top + 1, self.clock())

    def _report(
        self,
        status: PassStatus,
        work: PassWork | None,
        pages: int = 0,
        error: str | None = None,
        retry_after: float | None = None,
    ) -> PassReport:
        return PassReport(
            status=status,
            changes=work.changes if work else 0,
            pages=pages,
            next_marker=work.marker if work else None,
            error=error,
            retry_after=retry_after,
        )

    def _bot_entry(self, change: Change) -> AuditEntry | None:
        """The audit entry of a change made through the bot (who, what), None for changes in Mplus.

        A Confirm being carried out right now may have changed the order a moment before its audit
        row is written; waiting briefly for it keeps the note from saying "in Mplus" about a change
        someone made through the bot.
        """
        entry = self.audit.entry_after(change.order_id, change.marker)
        deadline = time.monotonic() + BOT_WRITE_GRACE_S
        while entry is None and self._confirm_running(change.order_id) and time.monotonic() < deadline:
            time.sleep(0.05)
            entry = self.audit.entry_after(change.order_id, change.marker)
        return entry

    def _confirm_running(self, order_id: str) -> bool:
        with self.db.transaction() as session:
            running = select(ConfirmationRow.token).where(
                ConfirmationRow.order_id == order_id, ConfirmationRow.state == ConfirmationState.RUNNING
            )
            return session.scalar(running.limit(1)) is not None

    # ---------------------------------------------------------------- Mplus outages

    def _mplus_down(
        self, err: MplusError, work: PassWork | None, delivery: Delivery, pages: int = 0
    ) -> PassReport:
        now = self.clock()
        error = str(err) or type(err).__name__
        log.warning("notifier: Mplus unavailable (%s); the marker stays, retrying later", error)
        if self.sync.get() is not None:
            self.sync.pass_failed(self.lease.holder, f"mplus: {error}", now)
            state = self.sync.mplus_failed(now)
            since = state.mplus_failing_since or now
            ops = self.config.ops_channel
            if (
                ops
                and not state.outage_alerted
                and (now - since).total_seconds() >= self.config.alert_after_s
            ):
                try:
                    delivery.guard()
                    alert = outage_message(since, error, self.readers(ops))
                    self.slack.post(ops, alert["text"], alert["blocks"])
                    self.sync.set_outage_alerted(True)
                except SlackFailure as slack_err:
                    log.warning("could not post the Mplus outage alert to %s: %s", ops, slack_err.error)
            try:  # daily digests need only the store and Slack
                DailyDigests(self.digests, self.config.digest_first, self.digest_chart, self.readers).run(
                    self.subscriptions.all(), delivery, now
                )
            except SlackFailure as slack_err:
                log.warning("daily digests postponed: Slack %s", slack_err.error)
        return self._report(PassStatus.MPLUS_DOWN, work, pages, f"mplus: {error}")

    def _mplus_ok(self, delivery: Delivery) -> None:
        state = self.sync.get()
        if state is None or state.mplus_failing_since is None:
            return
        ops = self.config.ops_channel
        if state.outage_alerted and ops:
            try:
                delivery.guard()
                note = recovery_message(state.mplus_failing_since, self.clock(), self.readers(ops))
                self.slack.post(ops, note["text"], note["blocks"])
            except SlackFailure as err:
                log.warning("could not post the Mplus recovery note to %s: %s", ops, err.error)
                return  # keep the outage open: the note is retried on the next pass
        self.sync.mplus_recovered()
