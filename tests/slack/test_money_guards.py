"""Issue #10, item 2: a payment above the outstanding balance needs an explicit choice, and an
amount ten times the balance is refused as a probable typo (2990 typed for € 29,90)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.mplus.models import Order
from tests.factories import create_order
from tests.slack.conftest import ALICE, CHANNEL, BotRig, wait_for
from tests.slack.test_confirm_flow import EVERYONE, writes
from tests.slack.test_read_path import buttons, shown


def _pay_form(rig: BotRig, order: Order) -> dict[str, Any]:
    card = rig.run(f"show {order.number}")
    rig.slack.press_button(card, action_id="order_pay", user=ALICE, channel=CHANNEL)
    wait_for(lambda: (rig.fake.current_view(ALICE) or {}).get("callback_id") == "pay_form", what="pay form")
    form = rig.fake.current_view(ALICE)
    assert form is not None
    return form


def _submit(rig: BotRig, form: dict[str, Any], amount: str, kind: str, over: bool = False) -> dict[str, Any]:
    values: dict[str, Any] = {
        "pay_amount": {"amount": amount},
        "pay_method": {"method": "CASH"},  # the form preselects no method: the person chooses
        "pay_kind": {"kind": kind},
    }
    if over:
        values["pay_over"] = {"over": ["change_given"]}
    result = rig.slack.submit_view(form, values, user=ALICE)
    assert result.status == 200, result.body
    return result.json() or {}


@pytest.mark.bot_settings(**EVERYONE)
def test_more_than_outstanding_is_refused_unless_change_given_is_chosen(rig: BotRig) -> None:
    order = create_order(rig.runtime.mplus, quantity=1, price_cents=2990, prefix="MONEY")
    form = _pay_form(rig, order)
    typo = _submit(rig, form, "2990", "full", over=True)
    assert typo["response_action"] == "errors"
    assert "probably a typo" in typo["errors"]["pay_amount"] and "€29.90" in typo["errors"]["pay_amount"]
    for kind in ("full", "deposit"):
        over = _submit(rig, form, "40,00", kind)
        assert over["response_action"] == "errors", kind
        assert "more than the outstanding €29.90" in over["errors"]["pay_amount"]
    assert writes(rig, "payOrder") == 0

    assert not _submit(rig, form, "40,00", "full", over=True).get("errors")
    prompt = wait_for(
        lambda: next((e for e in rig.ephemerals() if "order_confirm" in buttons(e)), None), what="the prompt"
    )
    said = shown(prompt)
    assert "€40.00" in said and "€10.10 more" in said and "change given" in said
