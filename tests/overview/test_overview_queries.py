"""The overview's facts and queries on SQLite and PostgreSQL: needs action, today, days by state."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.mirror.overview_queries import NeedKind, StateBucket, daily_states, needs_action, today_by_branch
from bot.mirror.store import ORDERS, MirrorStore
from bot.mplus.models import MPLUS_TZ, Order
from bot.store.db import Database
from bot.store.overview_tables import OrderFactsRow

TODAY = date(2026, 12, 2)
DELIVERED = {"delivery_state": "ORDER-DELIVERY-STATE-COMPLETE"}
CANCELLED = {"cancel_state": "ORDER-CANCEL-STATE-COMPLETE"}
COMPLETE = {**DELIVERED, "complete_state": "ORDER-COMPLETE-STATE-COMPLETE", "fully_paid": True}


def order(number: int, marker: int, day: date, total: int = 10_000, **fields: object) -> Order:
    values: dict[str, object] = {
        "order_id": f"{number:032x}",
        "order_number": {"year": day.year, "number": number},
        "financial_date": day,
        "financial_branch_number": 1 + number % 2,
        "total_incl_amount": total,
        "entry_timestamp": datetime(day.year, day.month, day.day, 9, tzinfo=UTC),
        "sync_marker": marker,
    }
    values.update(fields)
    return Order.model_validate(values)


def paid(amount: int, at: datetime) -> dict[str, object]:
    return {
        "prepaid_amount": amount,
        "payments": [{"amount": amount, "entry_timestamp": at, "method": "CASH"}],
    }


def store(database: Database) -> MirrorStore:
    mirror = MirrorStore(database)
    mirror.begin(ORDERS, initial_top=0)
    return mirror


def counts(database: Database, stale_days: int = 14) -> dict[NeedKind, list[int]]:
    return {
        g.kind: [g.count, *(o.number for o in g.orders)] for g in needs_action(database, TODAY, stale_days)
    }


def test_needs_action_counts_and_oldest_rows(database: Database) -> None:
    mirror = store(database)
    old, recent = TODAY - timedelta(days=30), TODAY - timedelta(days=2)
    mirror.save_orders(
        [
            order(1, 1, old, **DELIVERED),  # delivered, nothing paid, open for 30 days
            order(2, 2, recent, **DELIVERED, **paid(2_000, datetime(2026, 11, 30, tzinfo=UTC))),
            order(3, 3, recent, delivery_date=TODAY - timedelta(days=1), **paid(500, datetime.now(UTC))),
            order(4, 4, recent, delivery_date=TODAY + timedelta(days=3), **paid(500, datetime.now(UTC))),
            order(5, 5, old, **COMPLETE),
            order(6, 6, old, **CANCELLED, **paid(500, datetime.now(UTC))),
        ],
        keep=lambda _o: True,
        since=0,
    )
    assert counts(database) == {
        NeedKind.DELIVERED_UNPAID: [2, 1, 2],
        NeedKind.DEPOSIT_OVERDUE: [1, 3],  # 4 is due in 3 days; the cancelled 6 needs nothing
        NeedKind.STALE_OPEN: [1, 1],
    }
    # Paid in full and thereby complete: it leaves every list.
    mirror.save_orders([order(1, 7, old, **COMPLETE)], keep=lambda _o: True, since=7)
    assert counts(database)[NeedKind.DELIVERED_UNPAID] == [1, 2]
    assert counts(database)[NeedKind.STALE_OPEN] == [0]
    # An older page of order 1 arriving late changes nothing (mirror and facts alike).
    mirror.save_orders([order(1, 6, old, **DELIVERED)], keep=lambda _o: True, since=8)
    assert counts(database)[NeedKind.DELIVERED_UNPAID] == [1, 2]


def test_first_sight_of_an_old_delivered_order_is_not_delivered_today(database: Database) -> None:
    mirror = store(database)
    long_ago = TODAY - timedelta(days=40)
    mirror.save_orders([order(1, 1, long_ago, **COMPLETE), order(2, 2, TODAY)], keep=lambda _o: True, since=0)
    with database.transaction() as session:
        first = session.get(OrderFactsRow, f"{1:032x}")
        assert first is not None and first.delivered_at is not None
        assert first.delivered_at.date() == long_ago  # its last known activity, not "now"
    # Seen changing later: that moment is when it was delivered.
    before = datetime.now(UTC)
    mirror.save_orders([order(2, 3, TODAY, **DELIVERED)], keep=lambda _o: True, since=3)
    with database.transaction() as session:
        second = session.get(OrderFactsRow, f"{2:032x}")
        assert second is not None and second.delivered_at is not None and second.delivered_at >= before


def test_today_per_branch_and_days_by_state(database: Database) -> None:
    mirror = store(database)
    now = datetime.now(UTC)
    today = now.astimezone(MPLUS_TZ).date()
    mirror.save_orders(
        [
            order(1, 1, today, total=1_000),  # branch 2, open
            order(2, 2, today, total=2_000, **COMPLETE, **paid(2_000, now)),  # branch 1
            order(3, 3, today, total=4_000, **CANCELLED),  # branch 2
            order(4, 4, today - timedelta(days=1), total=8_000, **paid(8_000, now), fully_paid=True),
        ],
        keep=lambda _o: True,
        since=0,
    )
    by_branch = {d.branch: d for d in today_by_branch(database, today, MPLUS_TZ)}
    # Branch 1: order 2 created and paid today; order 4 is yesterday's, paid today (paid, not created).
    assert (by_branch[1].created, by_branch[1].paid, by_branch[1].revenue_cents) == (1, 2, 2_000)
    # Branch 2: orders 1 and 3 created today; 3 cancelled brings no revenue.
    assert (by_branch[2].created, by_branch[2].cancelled, by_branch[2].revenue_cents) == (2, 1, 1_000)
    assert by_branch[2].paid == 0
    days = daily_states(database, today - timedelta(days=2), today)
    assert [d.orders for d in days] == [0, 1, 3]
    assert days[1].counts[StateBucket.PAID] == 1 and days[1].revenue == 8_000
    assert days[2].counts[StateBucket.CANCELLED] == 1 and days[2].revenue_cents[StateBucket.CANCELLED] == 0
    assert days[2].revenue == 3_000
    assert daily_states(database, today, today, branch=1)[0].orders == 1
