"""`/order subscribe | unsubscribe | subscriptions` through signed slash commands, and the notifier
running inside the real bot process (the ``rig``: waitress + Bolt + fake Slack + emulator)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.notifier import runner
from bot.store.audit import AuditRow
from bot.store.subscriptions import NotifyEvent, SubscriptionFilter, SubscriptionStore
from bot.store.sync_state import SyncStateStore
from tests.notifier.conftest import Shop, all_text, header_of
from tests.slack.conftest import ALICE, CHANNEL, BotRig, wait_for

BOB = "U0BOB"
# mirror=False: with the mirror on, the sync thread runs from the start; these are about the notifier.
pytestmark = pytest.mark.bot_settings(
    allow_subscribe=ALICE, notify_interval_s=0.2, notify_post_interval_s=0, notify_lease_s=10, mirror=False
)


def audited(rig: BotRig) -> list[tuple[str, str]]:
    with rig.runtime.deps.db.transaction() as session:
        rows = session.scalars(select(AuditRow).order_by(AuditRow.id))
        return [(row.action, row.result) for row in rows if "subscribe" in row.action]


def reply(rig: BotRig, text: str, user: str = ALICE, channel: str = CHANNEL) -> dict[str, Any]:
    """Run ``/order text`` in ``channel``; the first thing the user then sees: an ephemeral or a
    channel message."""
    ephemerals, messages = len(rig.ephemerals(user)), len(rig.fake.messages(channel))
    result = rig.slack.command("/order", text, user=user, channel=channel)
    assert result.status == 200, result.body

    def shown() -> dict[str, Any] | None:
        fresh = rig.ephemerals(user)[ephemerals:] + rig.fake.messages(channel)[messages:]
        return fresh[0] if fresh else None

    return wait_for(shown, what=f"a reply to /order {text} in {channel}")


def test_subscribe_list_and_unsubscribe(rig: BotRig) -> None:
    store = SubscriptionStore(rig.runtime.deps.db)
    assert "follows no order changes" in all_text(reply(rig, "subscriptions"))

    said = reply(rig, "subscribe branch 1 events new, paid min € 10")
    assert not said.get("is_ephemeral"), "the channel sees who subscribed it"
    assert "<@U0ALICE> subscribed this channel" in said["text"]
    assert "branch 1 · new, paid · from €10.00 · live cards" in said["text"]
    (sub,) = store.for_channel(CHANNEL)
    assert sub.filter == SubscriptionFilter(
        branch=1, events={NotifyEvent.NEW, NotifyEvent.PAID}, min_cents=1000
    )

    assert "already follows" in all_text(reply(rig, "subscribe min 10,00 events paid,new branch 1"))
    reply(rig, "subscribe digest 8:00 category 2 method postnl")
    listing = all_text(reply(rig, "subscriptions"))
    assert (
        f"#{sub.id}" in listing
        and "category 2 · method POSTNL · all changes · daily digest at 08:00" in listing
    )
    assert len(store.for_channel(CHANNEL)) == 2

    gone = reply(rig, f"unsubscribe #{sub.id}")
    assert f"unsubscribed this channel from `#{sub.id}`" in gone["text"]
    assert "Nothing to unsubscribe" in all_text(reply(rig, "unsubscribe branch 1"))
    assert (
        "unsubscribed this channel from"
        in reply(rig, "unsubscribe category 2 method POSTNL digest 08:00")["text"]
    )
    assert store.for_channel(CHANNEL) == []
    assert audited(rig) == [
        ("subscribe", "ok"),
        ("subscribe", "ok"),
        ("unsubscribe", "ok"),
        ("unsubscribe", "ok"),
    ]


def test_unauthorised_users_cannot_change_subscriptions(rig: BotRig) -> None:
    store = SubscriptionStore(rig.runtime.deps.db)
    for text in ("subscribe", "unsubscribe all", "subscribe branch 2 digest 07:30"):
        refusal = reply(rig, text, user=BOB)
        assert refusal.get("is_ephemeral") and "ORDERBOT_ALLOW_SUBSCRIBE" in all_text(refusal)
    assert store.all() == []
    assert audited(rig) == [("subscribe", "refused"), ("unsubscribe", "refused"), ("subscribe", "refused")]
    assert "follows no order changes" in all_text(reply(rig, "subscriptions", user=BOB)), "listing is open"


def test_bad_filters_are_explained_before_anything_happens(rig: BotRig) -> None:
    cases = {
        "subscribe events shipped": "`shipped` is not an event",
        "subscribe min lots": "`min` needs an amount",
        "subscribe digest 25:00": "not a time like 08:00",
        "subscribe colour red": "`colour` is not a subscription filter",
        "subscribe branch 1 branch 2": "`branch` is given twice",
        "unsubscribe #x": "is not a subscription filter",
        "subscriptions now": "takes no arguments",
    }
    for text, expected in cases.items():
        answer = all_text(reply(rig, text))
        assert expected in answer, (text, answer)
    assert SubscriptionStore(rig.runtime.deps.db).all() == []


@pytest.fixture
def notifier(rig: BotRig) -> Iterator[runner.NotifierHandle]:
    """The notifier as the bot process runs it (unless build_runtime already started one)."""
    runtime = rig.runtime
    handle = getattr(runtime, "notifier", None)
    own = handle is None
    if own:
        handle = runner.start_in_background(
            runtime.settings, runtime.mplus, runtime.slack, runtime.deps.db, runtime.deps.audit
        )
    yield handle
    if own:
        handle.stop()


def test_the_running_bot_posts_cards_for_what_a_channel_subscribed_to(
    rig: BotRig, notifier: runner.NotifierHandle
) -> None:
    assert not notifier.running, "no thread while no channel is configured or subscribed"
    reply(rig, "subscribe branch 1")
    wait_for(lambda: notifier.running, what="the notifier to start after the first subscription")
    wait_for(lambda: SyncStateStore(rig.runtime.deps.db).get(), what="the first pass")
    shop = Shop(rig.runtime.mplus)
    mine, other = shop.create(branch=1, relation=2), shop.create(branch=2)
    number = shop.number(mine)

    def card() -> dict[str, Any] | None:
        found = [m for m in rig.fake.messages(CHANNEL) if f"Order {number}" in header_of(m)]
        return found[0] if found else None

    posted = wait_for(card, what="the card of the new branch-1 order")
    shop.deliver(mine)
    wait_for(lambda: rig.fake.thread(CHANNEL, posted["ts"]), what="the threaded note")
    (note,) = rig.fake.thread(CHANNEL, posted["ts"])
    said = note["text"].replace("\u00a0", " ")
    assert said.startswith(f"📦 *{number}* · ") and "was delivered in Mplus — €" in said, said
    # The card's top line says the latest event, and the card lost its Deliver button.
    updated = card()
    assert updated is not None and "Delivered in Mplus" in json.dumps(updated["blocks"], ensure_ascii=False)
    assert "order_deliver" not in json.dumps(updated["blocks"])
    assert card()["ts"] == posted["ts"] and "delivered" in all_text(card())
    assert not [m for m in rig.fake.messages(CHANNEL) if f"Order {shop.number(other)}" in header_of(m)]
