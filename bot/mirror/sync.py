"""Keeping the mirror current by sync markers (reference §10): relations, articles, orders.

One call to getCurrentSyncMarkers says where Mplus is; a stream that is level costs nothing more,
so a pass where nothing changed makes that one call (plus the notifier's own getOrders).

First start, per stream: page from marker 0 up to the top marker noted at the start. Relations
and articles are kept in full (active ones); orders are kept when their financial date lies within
``ORDERBOT_MIRROR_DAYS`` or they are still open. The API has no filter for "open", so the only
lossless way to find old open orders is the marker scan itself, which also makes the first sync
resumable: every page is committed together with the marker past it (see ``store``).

Orders after the first sync come from the notifier's pass: it reads getOrders by marker anyway,
and hands each page to ``absorb`` before it notifies anyone. The mirror only reads orders itself
while it is behind the notifier (first start, or a mirror rebuilt later).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict

from bot.config import BotSettings
from bot.mirror.store import (
    ARTICLES,
    ORDERS,
    RECONCILED,
    RELATIONS,
    MirrorStore,
    StreamState,
    is_open,
)
from bot.mplus.client import MplusClient
from bot.mplus.errors import MplusError
from bot.mplus.models import MPLUS_TZ, Order, OrderQuery, SyncMarkers
from bot.mplus.products import ProductQuery
from bot.store.db import Database, utcnow

log = logging.getLogger(__name__)

RELATION_PAGE = 1000
"""getRelations returns at most 1,000 relations per call (reference §3.10)."""


class MirrorConfig(BaseModel):
    model_config = ConfigDict(frozen=True)

    interval_s: float = 30.0
    days: int = 120
    order_page: int = 1000
    article_page: int = 1000
    budget_s: float = 20.0
    """Longest a pass spends catching up before handing the lease's time back to notifications."""
    reconcile_s: float = 86_400.0
    """How often every relation number is listed, to drop relations deleted in Mplus (markers never
    report a deletion)."""

    @classmethod
    def from_settings(cls, bot: BotSettings) -> MirrorConfig:
        return cls(
            interval_s=bot.mirror_interval_s,
            days=bot.mirror_days,
            order_page=bot.mirror_page_size,
            article_page=bot.mirror_page_size,
        )


class MirrorReport(BaseModel):
    calls: int = 0
    written: dict[str, int] = {}
    more: bool = False
    """Still catching up: run the next pass at once."""
    error: str | None = None


def today_in_mplus() -> date:
    return utcnow().astimezone(MPLUS_TZ).date()


class MirrorSync:
    def __init__(
        self,
        config: MirrorConfig,
        mplus: MplusClient,
        db: Database,
        *,
        today: Callable[[], date] = today_in_mplus,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.mplus = mplus
        self.store = MirrorStore(db)
        self.today = today
        self.monotonic = monotonic
        self._last_run = float("-inf")

    # ------------------------------------------------------------------ the pass

    def due(self) -> bool:
        return self.monotonic() - self._last_run >= self.config.interval_s or self._catching_up()

    def run(self, notifier_marker: int | None = None) -> MirrorReport:
        """Bring relations, articles and (up to the notifier's marker) orders up to date.

        ``notifier_marker``: where the notifier's pass is about to read orders from; its pages come
        through ``absorb``, so the mirror reads orders itself only below that marker. None: no
        notifier in this pass, the mirror reads every order change itself.
        """
        self._last_run = self.monotonic()
        deadline = self.monotonic() + self.config.budget_s
        report = MirrorReport()
        try:
            tops = self.mplus.get_current_sync_markers()
            report.calls += 1
            self._relations(tops, report, deadline)
            self._articles(tops, report, deadline)
            self._orders(tops, report, deadline, notifier_marker)
            if not report.more:
                self._daily_upkeep(report)
        except MplusError as err:
            report.error = str(err) or type(err).__name__
            log.warning(
                "mirror: Mplus unavailable (%s); resuming from the stored markers later", report.error
            )
            for stream in (RELATIONS, ARTICLES, ORDERS):
                if self.store.state(stream) is not None:
                    self.store.note_error(stream, f"mplus: {report.error}")
        return report

    def run_until_level(self, max_passes: int = 100_000) -> MirrorReport:
        """Passes until nothing is left to read (``orderbot mirror sync``, benches, tests)."""
        total = MirrorReport()
        for _ in range(max_passes):
            report = self.run()
            total.calls += report.calls
            for stream, count in report.written.items():
                total.written[stream] = total.written.get(stream, 0) + count
            if report.error:
                total.error = report.error
                return total
            if not report.more:
                return total
        total.more = True
        return total

    def absorb(self, orders: Sequence[Order], since: int) -> None:
        """A page of order changes the notifier read from marker ``since``: keep the mirror current.

        Never raises: a mirror problem must not stop notifications; the mirror catches up later.
        """
        try:
            state = self.store.state(ORDERS)
            if state is None or state.next_marker < since:
                return
            self.store.save_orders(orders, self._keep(state), since)
        except Exception:
            log.exception("mirror: could not store a page of order changes; it is re-read later")

    # ------------------------------------------------------------------ streams

    def _begin(self, stream: str, top: int, window_start: date | None = None) -> StreamState:
        state = self.store.state(stream)
        if state is None:
            log.info("mirror: first sync of %s up to marker %d", stream, top)
            state = self.store.begin(stream, top, window_start)
        self.store.note_top(stream, top)
        return state

    def _relations(self, tops: SyncMarkers, report: MirrorReport, deadline: float) -> None:
        top = tops.relation_sync_marker
        state = self._begin(RELATIONS, top)

        def page(marker: int) -> tuple[int, int | None, bool]:
            relations = self.mplus.get_relations(sync_marker=marker, limit=RELATION_PAGE)
            if not relations:
                return 0, None, False
            written = self.store.save_relations(relations, since=marker)
            return written, max(r.sync_marker or 0 for r in relations), len(relations) >= RELATION_PAGE

        self._follow(RELATIONS, state, top + 1, page, report, deadline)

    def _daily_upkeep(self, report: MirrorReport) -> None:
        """Once a day: page every relation from marker 0 and drop the mirrored ones not listed;
        drop closed orders older than the window."""
        state = self.store.state(RELATIONS)
        if state is None or state.in_first_sync:
            return
        last = self.store.state(RECONCILED)
        now = utcnow()
        if last is None:
            self.store.begin(RECONCILED, 0)  # the first sync just listed everything
            return
        if last.started_at and (now - last.started_at).total_seconds() < self.config.reconcile_s:
            return
        seen: set[int] = set()
        marker = 0
        while True:
            page = self.mplus.get_relations(sync_marker=marker, limit=RELATION_PAGE)
            report.calls += 1
            seen.update(r.relation_number for r in page if r.active is not False)
            if len(page) < RELATION_PAGE:
                break
            marker = max(r.sync_marker or 0 for r in page) + 1
        dropped = self.store.drop_relations_except(seen)
        # Closed orders that have aged out of the window go too, so the mirror does not only grow.
        pruned = self.store.prune_orders(self.today() - timedelta(days=self.config.days))
        self.store.restart(RECONCILED, now)
        if dropped or pruned:
            log.info(
                "mirror: dropped %d relations gone from Mplus, %d closed orders past the window",
                dropped,
                pruned,
            )

    def _articles(self, tops: SyncMarkers, report: MirrorReport, deadline: float) -> None:
        top = tops.article_sync_marker
        state = self._begin(ARTICLES, top)
        size = self.config.article_page

        def page(marker: int) -> tuple[int, int | None, bool]:
            articles = self.mplus.get_products(ProductQuery(sync_marker=marker, sync_marker_limit=size))
            markers = [a.sync_marker for a in articles if a.sync_marker is not None]
            if not markers:
                return 0, None, False
            written = self.store.save_articles(articles, since=marker, top=max(markers))
            # The limit may count products, not articles: only an empty page proves the end.
            return written, max(markers), True

        self._follow(ARTICLES, state, top + 1, page, report, deadline)

    def _orders(
        self, tops: SyncMarkers, report: MirrorReport, deadline: float, notifier_marker: int | None
    ) -> None:
        top = tops.order_sync_marker
        state = self._begin(ORDERS, top, self.today() - timedelta(days=self.config.days))
        stop = top + 1 if notifier_marker is None else min(top + 1, notifier_marker)
        keep = self._keep(state)
        size = self.config.order_page

        def page(marker: int) -> tuple[int, int | None, bool]:
            query = OrderQuery(sync_marker=marker, sync_marker_limit=size, include_lines=True)
            orders = self.mplus.get_orders(query)
            if not orders:
                return 0, None, False
            written = self.store.save_orders(orders, keep, since=marker)
            return written, max(o.sync_marker or 0 for o in orders), len(orders) >= size

        self._follow(ORDERS, state, stop, page, report, deadline)

    def _follow(
        self,
        stream: str,
        state: StreamState,
        stop: int,
        page: Callable[[int], tuple[int, int | None, bool]],
        report: MirrorReport,
        deadline: float,
    ) -> None:
        """Read pages from the stored marker until ``stop`` (exclusive); each page commits its marker.

        A short page means Mplus had nothing more when asked, and the top marker was read before
        it, so the stream is level up to ``stop`` even where markers belong to nothing returned.
        """
        marker = state.next_marker
        while marker < stop:
            if self.monotonic() > deadline:
                report.more = True
                return
            written, page_top, full = page(marker)
            report.calls += 1
            report.written[stream] = report.written.get(stream, 0) + written
            if page_top is not None:
                marker = max(marker, page_top + 1)
            if not full:
                self.store.skip_to(stream, marker, stop)
                marker = max(marker, stop)
            self._progress(stream, state, marker, stop - 1)
        if state.in_first_sync and state.initial_top is not None and marker > state.initial_top:
            self.store.finish_first_sync(stream)
            log.info("mirror: first sync of %s done (%d items)", stream, report.written.get(stream, 0))

    def _keep(self, state: StreamState) -> Callable[[Order], bool]:
        window, initial_top = state.window_start, state.initial_top

        def keep(order: Order) -> bool:
            if initial_top is None or (order.sync_marker or 0) > initial_top:
                return True  # changed since the first sync began: recent by definition
            if order.financial_date is None or window is None or order.financial_date >= window:
                return True
            return is_open(order)

        return keep

    def _catching_up(self) -> bool:
        return any(
            state is None or state.in_first_sync
            for state in (self.store.state(s) for s in (RELATIONS, ARTICLES, ORDERS))
        )

    @staticmethod
    def _progress(stream: str, state: StreamState, marker: int, top: int) -> None:
        if state.in_first_sync:
            log.info("mirror: first sync of %s at marker %d of %d", stream, marker, top)
        else:
            log.debug("mirror: %s at marker %d", stream, marker)
