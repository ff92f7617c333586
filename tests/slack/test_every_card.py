"""Every card the bot posted for an order tells the truth after a change: through the bot, or in Mplus.

The whole bot over signed HTTP (the ``rig``), plus the notifier's passes run by the test itself so
the order of events is the one a shop sees: a card in #orders and one in the team lead's channel,
a private ``/order show`` copy, a deposit pressed on the channel card, a delivery made in Mplus,
then the old private copy's Deliver button pressed.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.notifier.engine import PassStatus
from bot.notifier.runner import build_notifier
from bot.store.subscriptions import SubscriptionFilter, SubscriptionStore
from tests.notifier.conftest import Shop
from tests.slack.conftest import ALICE, CHANNEL, BotRig, wait_for
from tests.slack.test_confirm_flow import last_ephemeral_with, pay_values, writes
from tests.slack.test_read_path import buttons, shown

TEAM = "C0TEAM"
pytestmark = pytest.mark.bot_settings(
    allow_pay="*",
    allow_deliver="*",
    allow_cancel="*",
    allow_edit="*",
    notify_post_interval_s=0,
)


def card_in(rig: BotRig, channel: str, number: str) -> dict[str, Any] | None:
    found = [m for m in rig.fake.messages(channel) if f"Order {number}" in json.dumps(m.get("blocks"))]
    return found[0] if found else None


def notes(rig: BotRig, channel: str, card: dict[str, Any]) -> list[str]:
    return [shown(m) for m in rig.fake.thread(channel, card["ts"])]


def test_every_card_shows_each_change_and_keeps_only_buttons_that_apply(rig: BotRig) -> None:
    runtime = rig.runtime
    rig.fake.add_channel("team-lead", TEAM)
    notifier = build_notifier(
        runtime.settings, runtime.mplus, runtime.slack, runtime.deps.db, runtime.deps.audit
    )
    for channel in (CHANNEL, TEAM):
        SubscriptionStore(runtime.deps.db).add(channel, SubscriptionFilter(), ALICE)
    assert notifier.run_pass().status is PassStatus.OK  # starts following from now

    shop = Shop(runtime.mplus)
    oid = shop.create(quantity=2)
    order = runtime.mplus.get_order(oid)
    number, customer = order.number, order.relation_name
    notifier.run_pass()
    here, team = card_in(rig, CHANNEL, number), card_in(rig, TEAM, number)
    assert here and team, "a card in each following channel"
    mine = rig.run(f"show {number}")
    assert "As of" in shown(mine), "a private copy says how old it is"

    # 1. A deposit, pressed on the card in #orders.
    before = len(rig.fake.calls("views.update"))
    rig.slack.press_button(here, action_id="order_pay", user=ALICE, channel=CHANNEL)
    wait_for(lambda: len(rig.fake.calls("views.update")) > before, what="the pay form")
    form = rig.fake.current_view(ALICE)
    assert form is not None and not (
        rig.slack.submit_view(form, pay_values("10,00", "deposit"), user=ALICE).json() or {}
    ).get("errors")
    prompt = wait_for(
        lambda: next((e for e in reversed(rig.ephemerals()) if "order_confirm" in buttons(e)), None)
    )
    assert "still open" in shown(prompt), "the prompt says what remains"
    rig.slack.press_button(prompt, action_id="order_confirm", user=ALICE, channel=CHANNEL)
    left = (
        f"€{(order.total_incl_amount - 1000) // 100}.{(order.total_incl_amount - 1000) % 100:02d} still open"
    )
    said = f"<@{ALICE}> took a €10.00 deposit on *{number}* · {customer} — {left}"
    last_ephemeral_with(rig, said)
    # Both channel cards show it at once, before the notifier has even looked.
    for channel in (CHANNEL, TEAM):
        wait_for(
            lambda channel=channel: "deposit €10.00" in shown(card_in(rig, channel, number) or {}),
            what=f"the card in {channel} showing the deposit",
        )
        assert f"Deposit of €10.00 by <@{ALICE}>" in shown(card_in(rig, channel, number) or {})
    assert [n for n in notes(rig, CHANNEL, here) if said in n], "the note is threaded where it was done"
    notifier.run_pass()
    # The team lead's channel hears of it too, once; #orders does not get it twice.
    assert len([n for n in notes(rig, TEAM, team) if said in n]) == 1
    assert len(notes(rig, CHANNEL, here)) == 1

    # 2. Delivered in Mplus: the notifier keeps every card current and says so in each thread.
    shop.deliver(oid)
    notifier.run_pass()
    for channel, card in ((CHANNEL, here), (TEAM, team)):
        now = card_in(rig, channel, number)
        assert now is not None and now["ts"] == card["ts"], "updated in place, never posted again"
        assert "📦 delivered" in shown(now) and "Delivered in Mplus" in shown(now)
        assert "order_deliver" not in buttons(now) and "order_cancel" not in buttons(now)
        assert "order_pay" in buttons(now), "the rest can still be paid"
        assert any(f"*{number}* · {customer} was delivered in Mplus" in n for n in notes(rig, channel, card))

    # 3. The old private copy still offers Deliver: pressing it says why not and refreshes it on the spot.
    rig.slack.press_button(mine, action_id="order_deliver", user=ALICE, channel=CHANNEL)
    last_ephemeral_with(rig, "already delivered")
    wait_for(
        lambda: next(
            (e for e in rig.ephemerals() if e["ts"] == mine["ts"] and "order_deliver" not in buttons(e)), None
        ),
        what="the old copy refreshed",
    )
    assert writes(rig, "deliverOrder") == 1, "only the delivery made in Mplus"
    refused = runtime.deps.audit.for_order(oid)[-1]
    assert (refused.action, refused.result) == ("deliver", "refused") and "already delivered" in (
        refused.error or ""
    )
    paid = next(e for e in runtime.deps.audit.for_order(oid) if e.action == "pay")
    assert paid.params["amount_cents"] == 1000 and paid.params["method"] == "CASH" and paid.params["prepay"]
