"""Notifier passes end to end: emulator changes → cards updated in place with threaded notes."""

from __future__ import annotations

import threading
from datetime import timedelta

from bot.mplus.client import MplusClient
from bot.mplus.models import MPLUS_TZ, NewOrderLine, OrderChange
from bot.mplus.money import Quantity
from bot.notifier.engine import PassStatus
from bot.notifier.runner import start_in_background
from bot.slack.app import build_web_client
from bot.store.audit import AuditLog
from bot.store.cards import CardStore
from bot.store.confirmations import ClaimOutcome, ConfirmationStore
from bot.store.subscriptions import NotifyEvent
from bot.store.sync_state import SyncStateStore
from tests.notifier.conftest import GENERAL, NOTIFY, ORDERS, NotifierRig, all_text
from tests.slack.conftest import wait_for


def test_first_start_begins_at_the_current_marker(notify_rig: NotifierRig) -> None:
    rig = notify_rig
    rig.overrides["notify_channel"] = NOTIFY
    top = rig.shop.client.get_current_sync_markers().order_sync_marker
    report = rig.run()
    assert report.status is PassStatus.OK and report.changes == 0
    assert report.next_marker == top + 1
    assert rig.fake.messages(NOTIFY) == [], "the demo seed's 50 orders are history, not news"


def test_backfill_starts_at_zero_and_a_big_backlog_becomes_one_digest(notify_rig: NotifierRig) -> None:
    rig = notify_rig
    notifier = rig.notifier(backfill=True, notify_channel=NOTIFY, notify_page_size=20)
    report = notifier.run_pass()
    assert report.status is PassStatus.OK
    assert report.changes >= 50 and report.pages >= 3
    assert rig.cards(NOTIFY) == []
    (digest,) = rig.digests(NOTIFY)
    text = all_text(digest)
    assert "Many order changes" in text and "50 orders" in text
    assert rig.fake.messages(NOTIFY) == [digest], "one digest, updated in place page by page"
    assert len(rig.fake.calls("chat.postMessage")) == 1


def test_an_order_lifecycle_is_one_card_per_channel_updated_in_place(notify_rig: NotifierRig) -> None:
    rig = notify_rig
    rig.overrides["notify_channel"] = NOTIFY
    rig.subscribe(ORDERS, branch=1)
    rig.run()
    paid, cancelled, deposit = rig.shop.create(quantity=2), rig.shop.create(), rig.shop.create(quantity=3)
    delivered = rig.shop.create(branch=2)
    report = rig.run()
    assert report.changes == 4
    numbers = {oid: rig.shop.number(oid) for oid in (paid, cancelled, deposit, delivered)}
    assert len(rig.cards(NOTIFY)) == 4
    assert len(rig.cards(ORDERS)) == 3, "branch 2 does not go to a branch-1 channel"
    first_ts = {oid: rig.card_of(NOTIFY, n)["ts"] for oid, n in numbers.items()}

    rig.shop.pay(paid)
    rig.shop.cancel(cancelled)
    rig.shop.deposit(deposit, 500)
    rig.shop.deliver(delivered)
    assert rig.run().changes == 4
    assert rig.run().changes == 0

    assert len(rig.cards(NOTIFY)) == 4 and len(rig.cards(ORDERS)) == 3, "updated in place, never reposted"
    for oid, number in numbers.items():
        card = rig.card_of(NOTIFY, number)
        assert card["ts"] == first_ts[oid] and card.get("edited")
    expected = {
        paid: ("was paid in Mplus — paid in full (also delivered)", "*Paid*"),
        cancelled: ("was cancelled in Mplus", "*Cancelled*"),
        deposit: ("A €5.00 deposit was taken in Mplus", "deposit €5.00"),
        delivered: ("was delivered in Mplus", "📦 delivered"),
    }
    for oid, (note, badge) in expected.items():
        card = rig.card_of(NOTIFY, numbers[oid])
        (only,) = rig.notes(NOTIFY, card)
        assert note in only and numbers[oid] in only
        assert badge in all_text(card)
    assert rig.card_of(ORDERS, numbers[delivered]) is None
    assert len(rig.notes(ORDERS, rig.card_of(ORDERS, numbers[paid]))) == 1


def test_cards_show_the_relation_name_and_no_other_personal_data(notify_rig: NotifierRig) -> None:
    rig = notify_rig
    rig.overrides["notify_channel"] = NOTIFY
    rig.run()
    oid = rig.shop.create(relation=1, quantity=2, method="POSTNL")
    rig.run()
    card = rig.card_of(NOTIFY, rig.shop.number(oid))
    text = all_text(card)
    relation = rig.shop.client.get_relation(1)
    assert relation.name in text and "€" in text and "POSTNL" not in card["text"]
    for private in (relation.address, relation.zipcode, relation.email, relation.telephone, relation.city):
        if private:
            assert private not in text, f"{private!r} leaked into a channel card"


def test_filters_route_each_change_to_matching_channels_only(notify_rig: NotifierRig) -> None:
    rig = notify_rig
    rig.subscribe(ORDERS, category=3, method="dhl")
    rig.subscribe(NOTIFY, events=frozenset({NotifyEvent.PAID, NotifyEvent.CANCELLED}), min_cents=5000)
    rig.subscribe(GENERAL, branch=2, events=frozenset({NotifyEvent.NEW}))
    rig.run()
    dhl_business = rig.shop.create(category=3, method="DHL")
    dhl_shop = rig.shop.create(category=2, method="DHL")
    big = rig.shop.create(quantity=20)  # 20 × € 24,95 ≥ € 50
    small = rig.shop.create(quantity=1)
    utrecht = rig.shop.create(branch=2)
    rig.run()
    numbers = {oid: rig.shop.number(oid) for oid in (dhl_business, dhl_shop, big, small, utrecht)}
    assert [rig.card_of(ORDERS, numbers[o]) is not None for o in numbers] == [
        True,
        False,
        False,
        False,
        False,
    ]
    assert rig.cards(NOTIFY) == [], "nothing paid or cancelled yet"
    assert [rig.card_of(GENERAL, numbers[o]) is not None for o in numbers] == [
        False,
        False,
        False,
        False,
        True,
    ]

    rig.shop.pay(big)
    rig.shop.pay(small)  # below the minimum
    rig.shop.pay(utrecht)  # GENERAL follows only new orders: its card is updated, no note
    rig.run()
    assert [c["ts"] for c in rig.cards(NOTIFY)] == [rig.card_of(NOTIFY, numbers[big])["ts"]]
    assert rig.notes(NOTIFY, rig.card_of(NOTIFY, numbers[big])) == [], "a first card needs no note"
    general = rig.card_of(GENERAL, numbers[utrecht])
    assert general.get("edited") and "paid" in all_text(general) and rig.notes(GENERAL, general) == []


def test_a_change_no_one_follows_posts_nothing(notify_rig: NotifierRig) -> None:
    rig = notify_rig
    rig.subscribe(ORDERS, branch=3)
    rig.run()
    oid = rig.shop.create(branch=1)
    rig.shop.pay(oid)
    report = rig.run()
    assert report.status is PassStatus.OK and report.changes == 1, "one order, seen at its latest marker"
    assert rig.fake.calls("chat.postMessage") == [] and rig.fake.calls("chat.update") == []


def test_changes_made_through_the_bot_are_noted_with_who_made_them(notify_rig: NotifierRig) -> None:
    rig = notify_rig
    rig.overrides["notify_channel"] = NOTIFY
    rig.run()
    oid = rig.shop.create()
    rig.run()
    rig.shop.pay(oid)  # as if a user pressed Pay on the card: the write path audits the new marker
    marker = rig.shop.client.get_order(oid).sync_marker
    AuditLog(rig.db).record(
        user_id="U0ALICE", action="pay", result="ok", order_id=oid, sync_marker_after=marker
    )
    rig.run()
    card = rig.card_of(NOTIFY, rig.shop.number(oid))
    assert card.get("edited") and "*Paid*" in all_text(card)
    # A channel following the order hears of it like of any change, with who made it.
    (note,) = rig.notes(NOTIFY, card)
    assert note.startswith("💶 <@U0ALICE> took the payment of €") and rig.shop.number(oid) in note
    assert "Paid " in all_text(card) and "by <@U0ALICE>" in all_text(card), "the top line says who"
    rig.shop.deliver(rig.shop.create())
    rig.run()
    assert len(rig.cards(NOTIFY)) == 2


def test_a_change_seen_while_its_confirm_is_still_being_recorded_says_who_made_it(
    notify_rig: NotifierRig,
) -> None:
    rig = notify_rig
    rig.overrides["notify_channel"] = NOTIFY
    rig.run()
    oid = rig.shop.create()
    rig.run()
    confirmations = ConfirmationStore(rig.db)
    pending = confirmations.create(
        action="pay",
        order_id=oid,
        user_id="U0ALICE",
        channel_id="C1",
        params={},
        order_sync_marker=None,
        ttl=timedelta(minutes=5),
    )
    assert confirmations.claim(pending.token).outcome is ClaimOutcome.WON  # Confirm is running
    rig.shop.pay(oid)  # Mplus has it; the bot has not written its audit row yet
    marker = rig.shop.client.get_order(oid).sync_marker
    late = threading.Timer(
        0.3,
        lambda: AuditLog(rig.db).record(
            user_id="U0ALICE", action="pay", result="ok", order_id=oid, sync_marker_after=marker
        ),
    )
    late.start()
    try:
        rig.run()
    finally:
        late.join()
    (note,) = rig.notes(NOTIFY, rig.card_of(NOTIFY, rig.shop.number(oid)))
    assert "<@U0ALICE> took the payment" in note and "in Mplus" not in note


def test_more_than_burst_changes_post_one_digest_and_keep_existing_cards_current(
    notify_rig: NotifierRig,
) -> None:
    rig = notify_rig
    rig.overrides.update(notify_channel=NOTIFY, notify_burst=3)
    rig.run()
    first = rig.shop.create()
    rig.run()
    assert len(rig.cards(NOTIFY)) == 1
    new = [rig.shop.create() for _ in range(4)]
    rig.shop.cancel(first)
    report = rig.run()
    assert report.changes == 5
    (digest,) = rig.digests(NOTIFY)
    text = all_text(digest)
    assert "5 orders" in text and "4 open" in text and "1 cancelled" in text
    for oid in new[:3]:
        assert rig.shop.number(oid) in text, "the first few orders are listed"
    (card,) = rig.cards(NOTIFY)
    assert "cancelled" in all_text(card) and rig.notes(NOTIFY, card) == []
    # The burst is over: the next change is a card again.
    rig.shop.pay(new[0])
    rig.run()
    assert len(rig.cards(NOTIFY)) == 2 and len(rig.digests(NOTIFY)) == 1


def test_a_daily_digest_replaces_live_cards(notify_rig: NotifierRig) -> None:
    rig = notify_rig
    rig.subscribe(GENERAL, digest_at="08:00")
    rig.subscribe(ORDERS, digest_at="08:00", events=frozenset({NotifyEvent.CANCELLED}))
    rig.run()
    a, b = rig.shop.create(), rig.shop.create(quantity=4)
    rig.shop.cancel(b)
    rig.run()
    assert rig.fake.calls("chat.postMessage") == [], "no live cards for a digest channel"

    tomorrow = (rig.clock() + timedelta(days=1)).astimezone(MPLUS_TZ)
    rig.clock.fixed = tomorrow.replace(hour=7, minute=59)
    rig.run()
    assert rig.digests(GENERAL) == []
    rig.clock.fixed = tomorrow.replace(hour=8, minute=1)
    rig.run()
    rig.run()
    (digest,) = rig.digests(GENERAL)
    text = all_text(digest)
    assert "Daily order digest" in text and "2 orders" in text and "1 cancelled" in text
    assert rig.shop.number(a) in text and rig.shop.number(b) in text
    (cancelled,) = rig.digests(ORDERS)
    assert "1 order" in all_text(cancelled) and rig.shop.number(a) not in all_text(cancelled)
    assert rig.cards(GENERAL) == [] and rig.cards(ORDERS) == []


def test_state_and_cards_are_in_the_store(notify_rig: NotifierRig) -> None:
    rig = notify_rig
    rig.overrides["notify_channel"] = NOTIFY
    rig.run()
    oid = rig.shop.create()
    rig.run()
    state = SyncStateStore(rig.db).get()
    assert state is not None and state.changes_handled == 1 and state.last_ok_at is not None
    card = CardStore(rig.db).get(oid, NOTIFY)
    assert card is not None and card.ts == rig.cards(NOTIFY)[0]["ts"] and card.pending_nonce is None


def test_an_edit_made_in_mplus_is_noted_with_the_new_total(notify_rig: NotifierRig) -> None:
    rig = notify_rig
    rig.overrides["notify_channel"] = NOTIFY
    rig.run()
    oid = rig.shop.create(quantity=1)
    rig.run()
    current = rig.shop.client.get_order(oid)
    change = OrderChange(
        order_id=oid,
        ext_order_id=current.ext_order_id,
        relation_number=1,
        branch_number=1,
        lines=(NewOrderLine(article_number=1001, quantity=Quantity(quantity=3)),),
    )
    rig.shop.client.update_order(change)
    rig.run()
    card = rig.card_of(NOTIFY, current.number)
    (note,) = rig.notes(NOTIFY, card)
    assert note.startswith(f"✏️ *{current.number}* · ") and note.endswith("total €24.95 → €74.85")
    assert "€74.85" in all_text(card)


def test_in_the_bot_process_the_configured_channel_starts_the_thread(notify_rig: NotifierRig) -> None:
    rig = notify_rig
    settings = rig.settings(notify_channel=NOTIFY)
    mplus = MplusClient(settings.mplus)
    handle = start_in_background(settings, mplus, build_web_client(settings.bot), rig.db, AuditLog(rig.db))
    try:
        assert handle.running
        wait_for(lambda: handle.passes >= 1, what="the first pass")
        oid = rig.shop.create()
        handle.wake()
        wait_for(lambda: rig.card_of(NOTIFY, rig.shop.number(oid)), what="a card from the background thread")
    finally:
        handle.stop()
    assert not handle.running
