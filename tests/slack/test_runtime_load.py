"""A slow Mplus under load: calls capped at MPLUS_MAX_CONCURRENCY, and people told that Mplus is slow."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from bot.slack.messages import MPLUS_SLOW
from tests.slack.conftest import CHANNEL, BotRig, wait_for


def card_for(rig: BotRig, user: str, number: str) -> dict[str, Any] | None:
    cards = (m for m in rig.ephemerals(user) if str(m.get("text", "")).startswith(f"Order {number}"))
    return next(cards, None)


@pytest.mark.mplus_settings(max_concurrency=3)
def test_no_more_than_mplus_max_concurrency_calls_reach_mplus(rig: BotRig) -> None:
    numbers = [str(o.order_number) for o in rig.runtime.mplus.get_orders() if o.order_number][:12]
    users = [f"U0LOAD{i:02d}" for i in range(len(numbers))]
    for user in users:
        rig.fake.add_user(user, user.lower())
    rig.runtime.deps.orders.delivery_methods()  # warm the catalogue: only the order reads remain
    rig.emulator.add_fault(operation="getOrders", kind="latency", latency_ms=600)
    rig.emulator.clear_calls()  # also starts the emulator's count of calls served at once afresh
    with ThreadPoolExecutor(len(users)) as pool:
        sent = list(
            pool.map(
                lambda pair: rig.slack.command("/order", f"show {pair[1]}", user=pair[0], channel=CHANNEL),
                zip(users, numbers, strict=True),
            )
        )
        assert all(result.status == 200 for result in sent)
        for user, number in zip(users, numbers, strict=True):
            wait_for(lambda u=user, n=number: card_for(rig, u, n), 60, f"the card of {number}")
    peak = rig.emulator.peak_concurrency()  # counted on the Mplus side, not by the bot
    assert peak <= 3, f"Mplus saw {peak} calls at once with MPLUS_MAX_CONCURRENCY=3"
    # The cap is the limit, not the thread pool: with 12 people waiting, Mplus does get 3 at a time.
    assert peak == 3


@pytest.mark.bot_settings(slow_notice_s=1)
def test_people_are_told_when_mplus_is_slow_and_then_get_their_answer(rig: BotRig) -> None:
    order = rig.runtime.mplus.get_orders()[0]
    rig.runtime.deps.orders.delivery_methods()
    rig.emulator.add_fault(operation="getOrders", kind="latency", latency_ms=3000)
    result = rig.slack.command("/order", f"show {order.number}", user="U0ALICE", channel=CHANNEL)
    assert result.status == 200
    card = wait_for(lambda: card_for(rig, "U0ALICE", str(order.number)), 60, "the order card")
    texts = [str(m.get("text")) for m in rig.ephemerals("U0ALICE")]
    assert texts.count(MPLUS_SLOW) == 1, texts
    assert texts.index(MPLUS_SLOW) < texts.index(card["text"]), "the notice comes before the answer"
