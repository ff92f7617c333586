"""Mirror queries for the overview (App Home, `/order stats`): what needs doing, today, per day.

"Needs action" lists are index ranges on ``overview_order_facts`` (kept beside the mirror by
``bot.mirror.overview_facts``), so counting them never scans the finished orders; day and chart
figures are grouped scans of the mirror's financial-date index.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import ColumnElement, case, func, select

from bot.mirror.models import MirrorOrder
from bot.store.db import Database
from bot.store.mirror_tables import MirrorOrderRow
from bot.store.overview_tables import OrderFactsRow

_CANCELLED = "ORDER-CANCEL-STATE-COMPLETE"
_DELIVERED = "ORDER-DELIVERY-STATE-COMPLETE"
MAX_ROWS = 100


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class NeedKind(StrEnum):
    DELIVERED_UNPAID = "delivered_unpaid"
    """Delivered, money still outstanding."""
    DEPOSIT_OVERDUE = "deposit_overdue"
    """A deposit paid, not delivered, and the delivery date has passed."""
    STALE_OPEN = "stale_open"
    """Still open, financial date more than N days ago."""


class NeedGroup(_Model):
    kind: NeedKind
    count: int
    orders: list[MirrorOrder]
    """The most urgent first (oldest financial date), at most the limit asked for."""


class BranchDay(_Model):
    """One branch's day: orders created, paid, delivered, cancelled, and revenue (cents)."""

    branch: int | None
    created: int = 0
    paid: int = 0
    delivered: int = 0
    cancelled: int = 0
    revenue_cents: int = 0


class StateBucket(StrEnum):
    """Where an order stands, for stacking charts (each order in exactly one)."""

    OPEN = "open"
    PAID = "paid"
    DELIVERED = "delivered"
    COMPLETE = "complete"
    CANCELLED = "cancelled"


class DayStates(_Model):
    day: date
    counts: dict[StateBucket, int]
    revenue_cents: dict[StateBucket, int]
    """Order totals per state; cancelled orders bring no revenue (always 0)."""

    @property
    def orders(self) -> int:
        return sum(self.counts.values())

    @property
    def revenue(self) -> int:
        return sum(self.revenue_cents.values())


def _not_cancelled() -> ColumnElement[bool]:
    return MirrorOrderRow.cancel_state != _CANCELLED


def _need_column(kind: NeedKind) -> Any:
    f = OrderFactsRow
    return {
        NeedKind.DELIVERED_UNPAID: f.delivered_unpaid_on,
        NeedKind.DEPOSIT_OVERDUE: f.awaiting_delivery_on,
        NeedKind.STALE_OPEN: f.open_since,
    }[kind]


def need_condition(kind: NeedKind, today: date, stale_days: int) -> ColumnElement[bool]:
    """One index range on the facts table (see ``bot.mirror.overview_facts.needs``)."""
    column = _need_column(kind)
    if kind is NeedKind.DELIVERED_UNPAID:
        return column.is_not(None)
    if kind is NeedKind.DEPOSIT_OVERDUE:
        return column < today
    return column < today - timedelta(days=stale_days)


def needs_action(db: Database, today: date, stale_days: int, limit: int = 5) -> list[NeedGroup]:
    """Per kind: how many orders, and the ``limit`` oldest of them."""
    return [need_list(db, kind, today, stale_days, limit) for kind in NeedKind]


def need_list(db: Database, kind: NeedKind, today: date, stale_days: int, limit: int) -> NeedGroup:
    where = need_condition(kind, today, stale_days)
    column = _need_column(kind)
    limit = max(0, min(limit, MAX_ROWS))
    with db.transaction() as session:
        count = session.scalar(select(func.count()).select_from(OrderFactsRow).where(where)) or 0
        rows = (
            session.scalars(
                select(MirrorOrderRow)
                .join(OrderFactsRow, OrderFactsRow.order_id == MirrorOrderRow.order_id)
                .where(where)
                .order_by(column, OrderFactsRow.order_id)
                .limit(limit)
            )
            if limit and count
            else []
        )
        orders = [MirrorOrder.model_validate(row) for row in rows]
    return NeedGroup(kind=kind, count=count, orders=orders)


def day_bounds(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """The shop's calendar day as a UTC half-open range."""
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def today_by_branch(db: Database, day: date, tz: tzinfo) -> list[BranchDay]:
    """Created (financial date ``day``), paid / delivered / cancelled during ``day``, revenue.

    Revenue is the total of the day's orders that are not cancelled, the same measure as the
    charts, so the App Home and ``/order stats today`` agree.
    """
    o, f = MirrorOrderRow, OrderFactsRow
    start, end = day_bounds(day, tz)
    branches: dict[int | None, dict[str, int]] = {}

    def add(branch: int | None, key: str, value: int) -> None:
        branches.setdefault(branch, {})[key] = branches.get(branch, {}).get(key, 0) + int(value or 0)

    created_q = (
        select(
            o.branch,
            func.count(),
            func.coalesce(func.sum(case((_not_cancelled(), o.total_cents), else_=0)), 0),
        )
        .where(o.financial_date == day)
        .group_by(o.branch)
    )
    with db.transaction() as session:
        for branch, count, revenue in session.execute(created_q):
            add(branch, "created", count)
            add(branch, "revenue_cents", revenue)
        for key, column in (
            ("paid", f.paid_at),
            ("delivered", f.delivered_at),
            ("cancelled", f.cancelled_at),
        ):
            query = (
                select(o.branch, func.count())
                .join(f, f.order_id == o.order_id)
                .where(column >= start, column < end)
                .group_by(o.branch)
            )
            for branch, count in session.execute(query):
                add(branch, key, count)
    ordered = sorted(branches.items(), key=lambda item: (item[0] is None, item[0] or 0))
    return [BranchDay(branch=branch, **values) for branch, values in ordered]


def _bucket() -> Any:
    o = MirrorOrderRow
    return case(
        (o.cancel_state == _CANCELLED, StateBucket.CANCELLED.value),
        (o.is_open.is_(False), StateBucket.COMPLETE.value),
        (o.delivery_state == _DELIVERED, StateBucket.DELIVERED.value),
        (o.fully_paid.is_(True), StateBucket.PAID.value),
        else_=StateBucket.OPEN.value,
    )


def daily_states(
    db: Database,
    start: date,
    end: date,
    branch: int | None = None,
    *,
    category: int | None = None,
    method: str | None = None,
    min_cents: int | None = None,
) -> list[DayStates]:
    """Every day from ``start`` through ``end`` (financial date), orders and revenue per state;
    optionally only the orders a channel's subscription follows (category, delivery method code,
    minimum total), as the notifier's routing reads them."""
    o = MirrorOrderRow
    bucket = _bucket().label("bucket")
    query = (
        select(
            o.financial_date,
            bucket,
            func.count(),
            func.coalesce(func.sum(case((_not_cancelled(), o.total_cents), else_=0)), 0),
        )
        .where(o.financial_date >= start, o.financial_date <= end)
        .group_by(o.financial_date, bucket)
    )
    if branch is not None:
        query = query.where(o.branch == branch)
    if category is not None:
        query = query.where(o.category_number == category)
    if method is not None:
        query = query.where(func.upper(o.delivery_method) == method.upper())
    if min_cents is not None:
        query = query.where(o.total_cents >= min_cents)
    found: dict[date, tuple[dict[StateBucket, int], dict[StateBucket, int]]] = {}
    with db.transaction() as session:
        for day, name, count, revenue in session.execute(query):
            counts, money = found.setdefault(day, ({}, {}))
            counts[StateBucket(name)] = int(count)
            money[StateBucket(name)] = int(revenue or 0)
    days: list[DayStates] = []
    day = start
    while day <= end:
        counts, money = found.get(day, ({}, {}))
        days.append(
            DayStates(
                day=day,
                counts={b: counts.get(b, 0) for b in StateBucket},
                revenue_cents={b: money.get(b, 0) for b in StateBucket},
            )
        )
        day += timedelta(days=1)
    return days
