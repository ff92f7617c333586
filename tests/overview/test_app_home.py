"""The App Home end to end: signed app_home_opened → the real bot → views.publish on the fake Slack."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.mirror.sync import today_in_mplus
from bot.mplus.models import PaymentInput
from bot.slack.ids import ActionId, OrderRef
from bot.store.subscriptions import NotifyEvent, SubscriptionFilter, SubscriptionStore
from slack_sandbox.fake_slack import FakeSlack
from tests.overview.conftest import deposit, place_order, sync, texts
from tests.slack.conftest import ALICE, CHANNEL, BotRig, wait_for

BOB = "U0BOB"
ALICE_MAY_ACT = pytest.mark.bot_settings(
    allow_pay=ALICE, allow_deliver=ALICE, allow_subscribe=ALICE, home_refresh_s=1
)


def open_home(rig: BotRig, user: str, before: dict[str, Any] | None = None) -> dict[str, Any]:
    """Open the Home tab as ``user``; wait for a publish newer than ``before``."""
    result = rig.slack.event(
        {"type": "app_home_opened", "user": user, "channel": "D" + user[1:], "tab": "home"}
    )
    assert result.status == 200
    return wait_home(rig.fake, user, before)


def wait_home(fake: FakeSlack, user: str, before: dict[str, Any] | None = None) -> dict[str, Any]:
    def fresh() -> dict[str, Any] | None:
        view = fake.home_view(user)
        if view is None or (before is not None and view.get("hash") == before.get("hash")):
            return None
        return view

    return wait_for(fresh, what=f"a published App Home for {user}")


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def row_ids(view: dict[str, Any], kind: str) -> list[str]:
    prefix = f"home_need_{kind}_"
    return [b["block_id"] for b in view["blocks"] if b.get("block_id", "").startswith(prefix)]


def action_ids(view: dict[str, Any], block_id: str) -> list[str]:
    return [e["action_id"] for e in block(view, block_id)["elements"]]


@pytest.fixture
def bob(rig: BotRig) -> str:
    rig.fake.add_user(BOB, "bob")
    return BOB


def need_count(view: dict[str, Any], kind: str) -> int:
    """The count in "*Delivered, not paid:* 10 orders"."""
    text = block(view, f"home_need_{kind}")["text"]["text"]
    return int(text.split(":*", 1)[1].split()[0].replace(".", ""))


def row_buttons(view: dict[str, Any], kind: str) -> list[list[str]]:
    return [action_ids(view, r) for r in row_ids(view, kind) if r.endswith("_actions")]


@ALICE_MAY_ACT
def test_home_says_what_needs_doing_with_buttons_for_who_may_act(rig: BotRig, bob: str) -> None:
    mplus = rig.runtime.mplus
    sync(rig)
    before = open_home(rig, ALICE)
    delivered = place_order(mplus, price_cents=4200)
    mplus.deliver_order(delivered.order_id)  # delivered, nothing paid
    overdue = place_order(mplus, price_cents=9900, delivery_date=today_in_mplus() - timedelta(days=2))
    deposit(mplus, overdue, 1000)  # a deposit, due two days ago, not delivered
    sync(rig)

    home = open_home(rig, ALICE, before)
    shown = texts(home["blocks"])
    for title in ("Needs action", "Today", "Your last actions", "Your channels"):
        assert title in shown
    # Counts first: each of the two new orders adds one to its kind.
    assert need_count(home, "delivered_unpaid") == need_count(before, "delivered_unpaid") + 1
    assert need_count(home, "deposit_overdue") == need_count(before, "deposit_overdue") + 1
    assert "Delivered, not paid" in block(home, "home_need_delivered_unpaid")["text"]["text"]
    assert block(home, "home_need_delivered_unpaid")["accessory"]["action_id"] == ActionId.HOME_SHOW_ALL
    # Then the top rows; Alice may pay and deliver: Pay for a delivered order, Pay and Deliver for
    # a deposit that is overdue.
    assert row_buttons(home, "delivered_unpaid") and all(
        b == ["order_list_show", "order_pay"] for b in row_buttons(home, "delivered_unpaid")
    )
    assert row_buttons(home, "deposit_overdue") and all(
        b == ["order_list_show", "order_pay", "order_deliver"] for b in row_buttons(home, "deposit_overdue")
    )

    # Bob may only look: the same counts and rows, Show only, and a line saying why.
    bobs = open_home(rig, bob)
    assert need_count(bobs, "deposit_overdue") == need_count(home, "deposit_overdue")
    for kind in ("delivered_unpaid", "deposit_overdue", "stale_open"):
        assert all(b == ["order_list_show"] for b in row_buttons(bobs, kind))
    assert "ORDERBOT_ALLOW_PAY" in texts(bobs["blocks"])


def today_total(view: dict[str, Any], what: str) -> int:
    """Sum over branches of "N paid" (or created, delivered, cancelled) in the Today section."""
    text = block(view, "home_today_rows")["text"]["text"]
    total = 0
    for line in text.splitlines():
        for part in line.split(" · "):
            words = part.split()
            if len(words) >= 2 and words[-1] == what and words[-2].isdigit():
                total += int(words[-2])
    return total


@ALICE_MAY_ACT
def test_home_is_republished_when_an_order_changes(rig: BotRig) -> None:
    mplus = rig.runtime.mplus
    order = place_order(mplus, price_cents=3100)
    mplus.deliver_order(order.order_id)
    sync(rig)
    home = open_home(rig, ALICE)
    waiting = need_count(home, "delivered_unpaid")
    paid_today = today_total(home, "paid")

    method = mplus.get_payment_methods()[0].method
    mplus.pay_order(order.order_id, [PaymentInput(method=method, amount_cents=3100)], prepay=False)
    sync(rig)  # the notifier's pass brings the change into the mirror
    # No new app_home_opened: the refresher notices the change and publishes again.
    updated = wait_home(rig.fake, ALICE, home)
    assert need_count(updated, "delivered_unpaid") == waiting - 1
    assert today_total(updated, "paid") == paid_today + 1
    assert today_total(updated, "created") >= 1


@ALICE_MAY_ACT
def test_deliver_from_the_home_goes_through_the_confirmation(rig: BotRig) -> None:
    mplus = rig.runtime.mplus
    order = place_order(mplus, delivery_date=today_in_mplus() - timedelta(days=1))
    deposit(mplus, order, 500)
    sync(rig)
    home = open_home(rig, ALICE)
    row = next(r for r in row_ids(home, "deposit_overdue") if r.endswith("_actions"))
    button = next(e for e in block(home, row)["elements"] if e["action_id"] == "order_deliver")
    order = mplus.get_order(OrderRef.decode(button["value"]).order_id)
    rig.slack.press_button(home, action_id="order_deliver", block_id=row, user=ALICE)
    dm = "D" + ALICE[1:]
    prompt = wait_for(
        lambda: next(
            (
                e
                for e in rig.fake.ephemerals(channel=dm, user=ALICE)
                if any(b.get("type") == "actions" for b in e.get("blocks") or [])
            ),
            None,
        ),
        what="the confirmation prompt in Alice's DM",
    )
    assert not mplus.get_order(order.order_id).is_delivered  # nothing happens before Confirm
    rig.slack.press_button(prompt, action_id="order_confirm", user=ALICE, channel=dm)
    wait_for(lambda: mplus.get_order(order.order_id).is_delivered, what="the delivery")
    wait_for(
        lambda: [e.action for e in rig.runtime.deps.audit.for_order(order.order_id)] == ["deliver"],
        what="the audit entry",
    )

    sync(rig)
    updated = open_home(rig, ALICE, home)
    assert "deliver" in block(updated, "home_mine_rows")["text"]["text"]


@ALICE_MAY_ACT
def test_home_lists_what_the_persons_channels_follow(rig: BotRig) -> None:
    subscriptions = SubscriptionStore(rig.runtime.deps.db)
    subscriptions.add(CHANNEL, SubscriptionFilter(branch=1, events=frozenset({NotifyEvent.PAID})), ALICE)
    subscriptions.add("C0ELSEWHERE", SubscriptionFilter(), ALICE)  # a channel Alice is not in
    rig.fake.add_channel("elsewhere", "C0ELSEWHERE")
    rig.fake.add_channel("orders", CHANNEL)
    rig.fake.set_members("C0ELSEWHERE", [BOB])
    home = open_home(rig, ALICE)
    channels = block(home, "home_channels_rows")["text"]["text"]
    assert f"<#{CHANNEL}>" in channels and "branch 1" in channels and "events paid" in channels
    assert "C0ELSEWHERE" not in channels


def test_show_all_opens_every_order_of_that_kind(rig: BotRig) -> None:
    mplus = rig.runtime.mplus
    orders = [place_order(mplus) for _ in range(4)]
    for order in orders:
        mplus.deliver_order(order.order_id)
    sync(rig)
    home = open_home(rig, ALICE)
    assert len([r for r in row_ids(home, "delivered_unpaid") if not r.endswith("_actions")]) == 3
    rig.slack.press_button(
        home, action_id=ActionId.HOME_SHOW_ALL, block_id="home_need_delivered_unpaid", user=ALICE
    )
    modal = wait_for(lambda: rig.fake.current_view(ALICE), what="the Show all modal")
    listed = texts(modal["blocks"])
    for order in orders:
        assert f"{order.order_number.year}-{order.order_number.number}" in listed

    # Show in the modal (a view: no channel, no response_url): the card comes in Alice's DM.
    first = orders[0]
    row = next(
        b for b in modal["blocks"] if f"{first.order_number.year}-{first.order_number.number}" in str(b)
    )
    rig.slack.press_button(modal, action_id=ActionId.LIST_SHOW, block_id=row["block_id"], user=ALICE)
    dm = "D" + ALICE[1:]
    card = wait_for(lambda: rig.fake.messages(dm), what="the order card in Alice's DM")[-1]
    assert any(b.get("block_id") == "order_header" for b in card["blocks"])
    assert f"{first.order_number.year}-{first.order_number.number}" in texts(card["blocks"])
