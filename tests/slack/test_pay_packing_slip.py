"""A full payment on an undelivered order names the packing slip it created, next to the invoice."""

from __future__ import annotations

import pytest

from tests.slack.conftest import ALICE, CHANNEL, BotRig, wait_for
from tests.slack.test_confirm_flow import EVERYONE, last_ephemeral_with, new_order
from tests.slack.test_read_path import buttons, shown


@pytest.mark.bot_settings(**EVERYONE)
def test_full_payment_confirmation_and_audit_name_the_packing_slip(rig: BotRig) -> None:
    order = new_order(rig)  # 2 × € 50,00, not delivered
    before = len(rig.fake.calls("views.update"))
    rig.slack.press_button(
        rig.run(f"show {order.number}"), action_id="order_pay", user=ALICE, channel=CHANNEL
    )
    wait_for(lambda: len(rig.fake.calls("views.update")) > before, what="the pay form")
    form = rig.fake.current_view(ALICE)
    assert form is not None and form["callback_id"] == "pay_form"
    result = rig.slack.submit_view(
        form, {
            "pay_amount": {"amount": "100,00"},
            "pay_method": {"method": "CASH"},
            "pay_kind": {"kind": "full"},
        }, user=ALICE
    )
    assert result.status == 200 and not (result.json() or {}).get("errors"), result.body
    prompt = wait_for(
        lambda: next((e for e in reversed(rig.ephemerals()) if "order_confirm" in buttons(e)), None)
    )
    rig.slack.press_button(prompt, action_id="order_confirm", user=ALICE, channel=CHANNEL)
    note = shown(last_ephemeral_with(rig, "took the payment of"))

    final = rig.runtime.mplus.get_order(order.order_id)
    assert final.fully_paid and final.is_delivered
    [slip], [invoice] = final.packing_slip_ids, final.invoice_ids
    assert f"packing slip {slip}" in note and f"invoice {invoice}" in note
    [entry] = rig.runtime.deps.audit.for_order(order.order_id)
    assert (entry.action, entry.result) == ("pay", "ok")
    assert entry.params["packing_slip_id"] == slip and entry.params["invoice_id"] == invoice
