"""The notifier's Slack-free parts: classification, routing, leases, store primitives, views, backoff."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.mplus.models import CancelState, DeliveryState, Order
from bot.notifier.changes import OrderSnapshot, classify, event_of_change
from bot.notifier.engine import PassReport, PassStatus
from bot.notifier.routing import Router, matches
from bot.notifier.runner import NotifierHandle
from bot.slack.views.events import OrderEvent, note_message, note_text
from bot.slack.views.notifications import DigestLine, digest_message, subscriptions_message
from bot.store.db import Database, utcnow
from bot.store.leases import Leases
from bot.store.subscriptions import NotifyEvent, Subscription, SubscriptionFilter, SubscriptionStore
from bot.store.sync_state import SyncStateStore

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def order(**values: Any) -> Order:
    base: dict[str, Any] = {
        "order_id": "a" * 32,
        "sync_marker": 10,
        "relation_name": "Jan de Vries",
        "total_incl_amount": 4990,
        "financial_branch_number": 1,
        "order_category_number": 1,
        "delivery_method": "POSTNL",
        "entry_timestamp": NOW,
        "lineList": [
            {"articleNumber": 1001, "data": {"quantity": 2, "price": 2495, "totalInclAmount": 4990}}
        ],
    }
    base.update(values)
    return Order.model_validate(base)


def test_a_never_seen_order_is_new_with_the_states_it_already_reached() -> None:
    assert classify(order(), None, NOW).events == {NotifyEvent.NEW}
    paid = order(fully_paid=True, delivery_state=DeliveryState.COMPLETE)
    assert classify(paid, None, NOW).events == {NotifyEvent.NEW, NotifyEvent.PAID, NotifyEvent.DELIVERED}
    assert classify(order(entry_timestamp=None), None, NOW).events == {NotifyEvent.NEW}
    assert classify(order(), None, None).events == {NotifyEvent.NEW}, "a backfill: all new to Slack"


def test_an_order_entered_before_following_began_is_judged_by_its_state() -> None:
    old = NOW - timedelta(days=2)
    assert classify(order(entry_timestamp=old), None, NOW).events == {NotifyEvent.CHANGED}
    cancelled = order(entry_timestamp=old, cancel_state=CancelState.COMPLETE)
    assert classify(cancelled, None, NOW).events == {NotifyEvent.CANCELLED}


def test_changes_against_the_snapshot() -> None:
    before = OrderSnapshot.of(order())
    assert classify(order(sync_marker=11), before, NOW).events == frozenset()
    deposit = classify(order(prepaid_amount=1000), before, NOW)
    assert deposit.events == {NotifyEvent.PAID}
    assert say(deposit) == (
        f"💶 A €10.00 deposit was taken in Mplus on *{deposit.order.number}* · Jan de Vries"
        " — €39.90 still open"
    )
    edited = order(
        total_incl_amount=7485,
        lineList=[{"articleNumber": 1001, "data": {"quantity": 3, "price": 2495, "totalInclAmount": 7485}}],
    )
    change = classify(edited, before, NOW)
    assert change.events == {NotifyEvent.CHANGED}
    assert say(change).endswith("was changed in Mplus — €74.85 still open · total €49.90 → €74.85")
    reference_only = classify(order(reference="call first"), before, NOW)
    assert reference_only.events == {NotifyEvent.CHANGED} and "total" not in say(reference_only)
    done = classify(order(fully_paid=True, delivery_state=DeliveryState.COMPLETE), before, NOW)
    assert "was paid in Mplus — paid in full (also delivered)" in say(done)


def say(change: Any) -> str:
    return note_text(change.order, event_of_change(change, NOW)).replace("\u00a0", " ")


def test_filters_match_on_every_given_criterion() -> None:
    change = classify(order(), None, NOW)
    assert matches(SubscriptionFilter(), change)
    assert matches(SubscriptionFilter(branch=1, category=1, method="postnl", min_cents=4990), change)
    assert not matches(SubscriptionFilter(branch=2), change)
    assert not matches(SubscriptionFilter(category=2), change)
    assert not matches(SubscriptionFilter(method="DHL"), change)
    assert not matches(SubscriptionFilter(min_cents=4991), change)
    assert not matches(SubscriptionFilter(events={NotifyEvent.PAID}), change)
    silent = classify(order(sync_marker=11), OrderSnapshot.of(order()), NOW)
    assert not matches(SubscriptionFilter(), silent), "a change with no visible effect notifies no one"


def _sub(channel: str, sub_id: int, **values: Any) -> Subscription:
    return Subscription(
        id=sub_id,
        channel_id=channel,
        filter=SubscriptionFilter(**values),
        source="slack",
        created_by="U",
        created_at=NOW,
    )


def test_a_channel_gets_a_change_once_and_live_beats_digest() -> None:
    router = Router(
        [
            _sub("C1", 1),
            _sub("C1", 2, branch=1),
            _sub("C2", 3, digest_at="08:00"),
            _sub("C2", 4, digest_at="8:00", branch=1),
            _sub("C3", 5, digest_at="18:00"),
            _sub("C3", 6, events={NotifyEvent.NEW}),
            _sub("C4", 7, branch=9),
        ]
    )
    routes = router.route(classify(order(), None, NOW))
    assert routes.live == {"C1", "C3"}
    assert routes.digests == {("C2", "08:00")}


def test_filter_keys_are_canonical() -> None:
    one = SubscriptionFilter(events={NotifyEvent.PAID, NotifyEvent.NEW}, method=" dhl ", digest_at="7:05")
    two = SubscriptionFilter(events={NotifyEvent.NEW, NotifyEvent.PAID}, method="DHL", digest_at="07:05")
    assert one.key() == two.key() and one == two
    with pytest.raises(ValueError):
        SubscriptionFilter(digest_at="24:00")


def test_the_lease_has_one_holder_at_a_time(database: Database) -> None:
    leases = Leases(database)
    barrier = threading.Barrier(10)

    def take(i: int) -> bool:
        barrier.wait()
        return leases.acquire("notifier:test", f"holder-{i}", timedelta(seconds=30))

    with ThreadPoolExecutor(10) as pool:
        won = list(pool.map(take, range(10)))
    assert won.count(True) == 1
    holder = f"holder-{won.index(True)}"
    assert leases.acquire("notifier:test", holder, timedelta(seconds=30)), "the holder renews"
    assert not leases.acquire("notifier:test", "someone-else", timedelta(seconds=30))
    later = utcnow() + timedelta(seconds=31)
    assert leases.acquire("notifier:test", "someone-else", timedelta(seconds=30), now=later), "expired: taken"
    assert not leases.acquire("notifier:test", holder, timedelta(seconds=30), now=later)
    assert leases.release("notifier:test", "someone-else")


def test_the_marker_moves_forward_by_compare_and_set(database: Database) -> None:
    sync = SyncStateStore(database)
    assert sync.init(100, NOW).next_marker == 100
    assert sync.init(5, None).next_marker == 100, "a second first start keeps the first one's marker"
    assert sync.advance(100, 120, handled=3)
    assert not sync.advance(100, 130), "a stale pass cannot move it"
    with pytest.raises(ValueError):
        sync.advance(120, 110)
    state = sync.get()
    assert state is not None and state.next_marker == 120 and state.changes_handled == 3


def test_subscriptions_per_channel_and_the_configured_channel(database: Database) -> None:
    store = SubscriptionStore(database)
    first, created = store.add("C1", SubscriptionFilter(branch=1), "U1")
    again, created_again = store.add("C1", SubscriptionFilter(branch=1), "U2")
    assert created and not created_again and again.id == first.id
    store.sync_config_channel("C9")
    store.sync_config_channel("C9")
    assert [s.source for s in store.for_channel("C9")] == ["config"]
    assert not store.remove_id("C9", store.for_channel("C9")[0].id), "the setting's row is not removable"
    store.sync_config_channel(None)
    assert store.for_channel("C9") == []
    assert store.remove("C1", SubscriptionFilter(branch=1)) and store.all() == []


def test_views_escape_mplus_text_and_stay_inside_slack_limits() -> None:
    evil = "<!channel> & <@U0BOSS>"
    note = note_message(order(relation_name=evil), OrderEvent(kind="paid", at=NOW))
    assert "<!channel>" not in str(note)
    lines = [DigestLine(number=f"2026-{i}", relation=evil * 20, total_cents=i) for i in range(5)]
    digest = digest_message(
        title=evil, total=12_345, by_state={"open": 12_000, "paid": 345}, first=lines, footer=evil
    )
    assert "<!channel>" not in str(digest) and "&lt;!channel&gt;" in str(digest)
    assert "12,345 orders" in str(digest) and len(digest["blocks"]) <= 50
    many = [_sub("C1", i, branch=i) for i in range(1, 80)]
    listing = subscriptions_message("C1", many, "/order")
    assert len(listing["blocks"]) <= 50 and "… and 39 more" in str(listing)


def test_the_loop_backs_off_after_failures_and_honours_retry_after() -> None:
    handle = NotifierHandle(notifier=None, interval_s=30, max_backoff_s=300)  # type: ignore[arg-type]
    down = PassReport(status=PassStatus.MPLUS_DOWN)
    assert [handle._delay(down) for _ in range(6)] == [30, 60, 120, 240, 300, 300]
    assert handle._delay(PassReport(status=PassStatus.OK)) == 30
    assert handle._delay(PassReport(status=PassStatus.SLACK_FAILED, retry_after=90)) == 90
    assert handle._delay(PassReport(status=PassStatus.BUSY)) == 30
