"""Cancel / pay / deliver through Slack: authorised, confirmed, exactly once, audited.

Every assertion about Mplus is made on the emulator's call log: the only proof that a SOAP call
did (or did not) happen.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import update

from bot.mplus.models import Order, PaymentInput
from bot.store.confirmations import ConfirmationRow
from bot.store.db import utcnow
from tests.factories import create_order
from tests.slack.conftest import ALICE, CHANNEL, BotRig, wait_for
from tests.slack.test_read_path import buttons, shown

BOB = "U0BOB"
EVERYONE = {name: "*" for name in ("allow_pay", "allow_deliver", "allow_cancel")}


def writes(rig: BotRig, operation: str) -> int:
    return len([c for c in rig.emulator.calls() if c["operation"] == operation])


def new_order(rig: BotRig) -> Order:
    return create_order(rig.runtime.mplus, prefix="FLOW")


def last_ephemeral_with(rig: BotRig, needle: str, user: str = ALICE) -> dict[str, Any]:
    return wait_for(
        lambda: next((e for e in reversed(rig.ephemerals(user)) if needle in shown(e)), None),
        what=f"an ephemeral containing {needle!r}",
    )


def pay_values(amount: str, kind: str, method: str = "CASH") -> dict[str, Any]:
    """What a person fills in on the pay form: nothing there is preselected for them."""
    return {"pay_amount": {"amount": amount}, "pay_method": {"method": method}, "pay_kind": {"kind": kind}}


def open_pay_form(rig: BotRig, number: str) -> dict[str, Any]:
    """Press Pay on a fresh `/order show` card; the pay form, once it has replaced "Loading…"."""
    before = len(rig.fake.calls("views.update"))
    rig.slack.press_button(rig.run(f"show {number}"), action_id="order_pay", user=ALICE, channel=CHANNEL)
    wait_for(lambda: len(rig.fake.calls("views.update")) > before, what="the pay form")
    form = rig.fake.current_view(ALICE)
    assert form is not None and form["callback_id"] == "pay_form"
    return form


def prompt_for(rig: BotRig, text: str, user: str = ALICE) -> dict[str, Any]:
    """Run a command that should end in a confirmation prompt; return the prompt."""
    rig.slack.command("/order", text, user=user, channel=CHANNEL)
    return wait_for(
        lambda: next((e for e in reversed(rig.ephemerals(user)) if "order_confirm" in buttons(e)), None),
        what="a confirmation prompt",
    )


def press_and_wait(
    rig: BotRig, message: dict[str, Any], action_id: str, needle: str, **kw: Any
) -> dict[str, Any]:
    rig.slack.press_button(message, action_id=action_id, user=kw.pop("user", ALICE), channel=CHANNEL, **kw)
    return last_ephemeral_with(rig, needle)


def test_mutations_are_refused_by_default_and_audited(rig: BotRig) -> None:
    order = new_order(rig)
    card = rig.run(f"show {order.number}")
    assert "order_deliver" in buttons(card)
    rig.slack.press_button(card, action_id="order_deliver", user=ALICE, channel=CHANNEL)
    refusal = shown(last_ephemeral_with(rig, "ORDERBOT_ALLOW_DELIVER"))
    assert "Nobody may deliver orders" in refusal
    rig.slack.command("/order", f"pay {order.number}", user=ALICE, channel=CHANNEL)
    assert "ORDERBOT_ALLOW_PAY" in shown(last_ephemeral_with(rig, "ORDERBOT_ALLOW_PAY"))
    assert writes(rig, "deliverOrder") == writes(rig, "payOrder") == 0
    history = rig.runtime.deps.audit.for_order(order.order_id)
    assert [(e.action, e.result) for e in history] == [("deliver", "refused"), ("pay", "refused")]


@pytest.mark.bot_settings(allow_deliver="U0ALICE")
def test_only_listed_users_may_act(rig: BotRig) -> None:
    order = new_order(rig)
    rig.slack.command("/order", f"deliver {order.number}", user=BOB, channel=CHANNEL)
    assert "You are not allowed to deliver orders" in shown(last_ephemeral_with(rig, "not allowed", user=BOB))
    prompt = prompt_for(rig, f"deliver {order.number}")
    # Bob presses Alice's Confirm (e.g. a forwarded payload): the presser must be authorised too.
    rig.slack.press_button(prompt, action_id="order_confirm", user=BOB, channel=CHANNEL)
    last_ephemeral_with(rig, "not allowed", user=BOB)
    assert writes(rig, "deliverOrder") == 0


@pytest.mark.bot_settings(**EVERYONE)
def test_deliver_is_prompted_then_confirmed_once_and_the_card_updates(rig: BotRig) -> None:
    order = new_order(rig)
    card = rig.run(f"show {order.number}")
    rig.slack.press_button(card, action_id="order_deliver", user=ALICE, channel=CHANNEL)
    prompt = wait_for(lambda: next((e for e in rig.ephemerals() if "order_confirm" in buttons(e)), None))
    text = shown(prompt)
    assert order.number in text and "packing slip" in text and order.relation_name.split()[0] in text
    assert writes(rig, "deliverOrder") == 0, "nothing happens before Confirm"

    rig.slack.press_button(prompt, action_id="order_confirm", user=ALICE, channel=CHANNEL)
    result = last_ephemeral_with(rig, f"<@{ALICE}> delivered *{order.number}*")
    assert "packing slip" in shown(result)
    assert writes(rig, "deliverOrder") == 1
    assert rig.runtime.mplus.get_order(order.order_id).is_delivered
    # The ephemeral card the person pressed Deliver on now shows the new state, without Deliver.
    updated = wait_for(
        lambda: next(
            (e for e in rig.ephemerals() if e["ts"] == card["ts"] and "order_deliver" not in buttons(e)), None
        ),
        what="the card updated in place",
    )
    assert "order_refresh" in buttons(updated)
    # Only Alice could see that card, so it says how old it is rather than pretending to be current.
    assert "As of" in shown(updated)
    notes = wait_for(
        lambda: [m for m in rig.fake.messages(CHANNEL) if f"delivered *{order.number}*" in shown(m)],
        what="the note in the channel",
    )
    assert len(notes) == 1
    # The channel has no card of this order: the note names it, and its Show button brings it up.
    assert order.relation_name in shown(notes[0]) and "order_show" in buttons(notes[0])
    before = len(rig.ephemerals())
    rig.slack.press_button(notes[0], action_id="order_show", user=ALICE, channel=CHANNEL)
    card_again = rig.next_ephemeral(before)
    assert f"Order {order.number}" in shown(card_again) and "📦 delivered" in shown(card_again)
    rig.slack.press_button(card_again, action_id="order_more", user=ALICE, channel=CHANNEL)
    more = rig.next_ephemeral(before + 1)
    assert order.order_id in shown(more), "ids are behind More"
    entry = rig.runtime.deps.audit.for_order(order.order_id)[-1]
    assert (entry.user_id, entry.action, entry.result) == (ALICE, "deliver", "ok")
    assert entry.params["packing_slip_id"]


def cancel_on_a_channel_card(rig: BotRig) -> tuple[Order, dict[str, Any], dict[str, Any]]:
    """Post an order's card in the channel, press Cancel on it and confirm: (order, card now, note)."""
    from bot.slack import views
    from handlers.replies import catalogue

    order = new_order(rig)
    posted = rig.runtime.slack.chat_postMessage(
        channel=CHANNEL, blocks=views.order_card(order, catalogue(rig.runtime.deps)), text="card"
    )
    card = next(m for m in rig.fake.messages(CHANNEL) if m["ts"] == posted["ts"])
    rig.slack.press_button(card, action_id="order_cancel", user=ALICE, channel=CHANNEL)
    prompt = wait_for(lambda: next((e for e in rig.ephemerals() if "order_confirm" in buttons(e)), None))
    assert "cancelled" in shown(prompt)
    rig.slack.press_button(prompt, action_id="order_confirm", user=ALICE, channel=CHANNEL)
    last_ephemeral_with(rig, f"<@{ALICE}> cancelled *{order.number}*")
    wait_for(lambda: rig.fake.thread(CHANNEL, posted["ts"]), what="the threaded audit note")
    [note] = rig.fake.thread(CHANNEL, posted["ts"])
    return order, next(m for m in rig.fake.messages(CHANNEL) if m["ts"] == posted["ts"]), note


@pytest.mark.bot_settings(**EVERYONE)
def test_card_in_channel_is_updated_with_a_threaded_note(rig: BotRig) -> None:
    order, updated, note = cancel_on_a_channel_card(rig)
    assert f"<@{ALICE}> cancelled *{order.number}* · {order.relation_name}" in shown(note)
    assert "cancelled" in shown(updated).lower()
    assert "order_cancel" not in buttons(updated) and "order_pay" not in buttons(updated)


@pytest.mark.bot_settings(**EVERYONE)
def test_whole_flow_deposit_deliver_pay_rest(rig: BotRig) -> None:
    order = new_order(rig)  # 2 × € 50,00
    card = rig.run(f"show {order.number}")

    def pay(amount: str, kind: str) -> None:
        form = open_pay_form(rig, order.number)
        result = rig.slack.submit_view(form, pay_values(amount, kind), user=ALICE)
        assert result.status == 200 and not (result.json() or {}).get("errors"), result.body
        prompt = wait_for(
            lambda: next(
                (
                    e
                    for e in reversed(rig.ephemerals())
                    if "order_confirm" in buttons(e) and "Confirm payment" in shown(e)
                ),
                None,
            )
        )
        done = len([e for e in rig.ephemerals() if f"<@{ALICE}> took " in shown(e)])
        rig.slack.press_button(prompt, action_id="order_confirm", user=ALICE, channel=CHANNEL)
        wait_for(lambda: len([e for e in rig.ephemerals() if f"<@{ALICE}> took " in shown(e)]) > done)

    assert card
    pay("25,00", "deposit")
    assert rig.runtime.mplus.get_order(order.order_id).prepaid_amount == 2500
    deliver_prompt = prompt_for(rig, f"deliver {order.number}")
    rig.slack.press_button(deliver_prompt, action_id="order_confirm", user=ALICE, channel=CHANNEL)
    last_ephemeral_with(rig, f"<@{ALICE}> delivered")
    pay("75,00", "full")
    final = rig.runtime.mplus.get_order(order.order_id)
    assert final.fully_paid and final.is_invoiced and final.is_delivered
    ops = [c["operation"] for c in rig.emulator.calls() if c["operation"] in ("payOrder", "deliverOrder")]
    assert ops == ["payOrder", "deliverOrder", "payOrder"]
    actions = [(e.action, e.result) for e in rig.runtime.deps.audit.for_order(order.order_id)]
    assert actions == [("pay", "ok"), ("deliver", "ok"), ("pay", "ok")]
    history = shown(rig.run(f"audit {order.number}"))
    assert history.count("pay") >= 2 and "deliver" in history


@pytest.mark.bot_settings(**EVERYONE)
def test_pay_form_rejects_bad_input_on_the_field(rig: BotRig) -> None:
    order = new_order(rig)
    rig.slack.press_button(
        rig.run(f"show {order.number}"), action_id="order_pay", user=ALICE, channel=CHANNEL
    )
    wait_for(lambda: (rig.fake.current_view(ALICE) or {}).get("callback_id") == "pay_form", what="pay form")
    form = rig.fake.current_view(ALICE)
    cases = {
        ("abc", "full"): "is not an amount",
        ("-5", "deposit"): "negative",
        ("12,505", "deposit"): "ambiguous",
        ("0", "deposit"): "more than €0.00",
        ("150,00", "deposit"): "is more than the outstanding €100.00",
        ("10,00", "full"): "must cover the outstanding €100.00",
    }
    for (amount, kind), expected in cases.items():
        result = rig.slack.submit_view(form, pay_values(amount, kind), user=ALICE)
        body = result.json()
        assert body["response_action"] == "errors", (amount, body)
        assert expected in body["errors"]["pay_amount"], (amount, body)
    assert writes(rig, "payOrder") == 0
    assert not any("order_confirm" in buttons(e) for e in rig.ephemerals())


@pytest.mark.bot_settings(**EVERYONE)
def test_double_confirm_and_slack_retries_make_one_call(rig: BotRig) -> None:
    order = new_order(rig)
    prompt = prompt_for(rig, f"deliver {order.number}")
    rig.emulator.add_fault(operation="deliverOrder", kind="latency", latency_ms=500)
    presses = [
        threading.Thread(
            target=rig.slack.press_button,
            args=(prompt,),
            kwargs={"action_id": "order_confirm", "user": ALICE},
        )
        for _ in range(2)
    ]
    for press in presses:
        press.start()
    for press in presses:
        press.join()
    last_ephemeral_with(rig, f"<@{ALICE}> delivered")
    rig.slack.press_button(prompt, action_id="order_confirm", user=ALICE, channel=CHANNEL, retry_num=1)
    last_ephemeral_with(rig, "did not do it a second time")
    assert writes(rig, "deliverOrder") == 1


@pytest.mark.bot_settings(**EVERYONE)
def test_back_expiry_and_staleness(rig: BotRig) -> None:
    order = new_order(rig)
    prompt = prompt_for(rig, f"cancel {order.number}")
    back = press_and_wait(rig, prompt, "order_back", "nothing was")
    assert "Cancelled — nothing was changed." in shown(back)
    press_and_wait(rig, prompt, "order_confirm", "Cancelled — nothing was changed.")

    prompt = prompt_for(rig, f"cancel {order.number}")
    with rig.runtime.deps.db.transaction() as session:
        session.execute(update(ConfirmationRow).values(expires_at=utcnow()))
    press_and_wait(rig, prompt, "order_confirm", "has expired")
    refusals = [e for e in rig.runtime.deps.audit.for_order(order.order_id) if e.result == "refused"]
    assert [e.params["reason"] for e in refusals] == ["withdrawn", "expired"], "old buttons are audited"

    prompt = prompt_for(rig, f"deliver {order.number}")
    method = rig.runtime.mplus.get_payment_methods()[0].method
    rig.runtime.mplus.pay_order(order.order_id, [PaymentInput(method=method, amount_cents=100)], prepay=True)
    press_and_wait(rig, prompt, "order_confirm", "changed in Mplus since you were asked")
    wait_for(
        lambda: [e for e in rig.ephemerals() if "order_confirm" in buttons(e) and e["ts"] != prompt["ts"]],
        what="a fresh prompt for the current order",
    )
    assert writes(rig, "deliverOrder") == writes(rig, "cancelOrder") == 0


@pytest.mark.bot_settings(**EVERYONE)
def test_actions_that_no_longer_apply_are_explained(rig: BotRig) -> None:
    order = new_order(rig)
    rig.runtime.mplus.cancel_order(order.order_id)
    for verb in ("cancel", "deliver"):
        rig.slack.command("/order", f"{verb} {order.number}", user=ALICE, channel=CHANNEL)
    wait_for(
        lambda: len([e for e in rig.ephemerals() if "is cancelled" in shown(e)]) == 2, what="2 explanations"
    )
    # Pay opens its modal at once (the trigger expires in 3 s); the modal then explains.
    rig.slack.command("/order", f"pay {order.number}", user=ALICE, channel=CHANNEL)
    wait_for(lambda: "is cancelled" in str(rig.fake.current_view(ALICE)), what="the explanation in the modal")
    assert writes(rig, "deliverOrder") == writes(rig, "payOrder") == 0


@pytest.mark.bot_settings(**EVERYONE, claim_settle_after_s=1)
def test_no_clear_answer_at_confirm_is_checked_with_mplus_before_saying_nothing_changed(rig: BotRig) -> None:
    order = new_order(rig)
    prompt = prompt_for(rig, f"deliver {order.number}")
    rig.emulator.add_fault(operation="deliverOrder", kind="http_500")
    # Mplus answered with an error after the write was sent: "nothing changed" would be a guess.
    result = shown(press_and_wait(rig, prompt, "order_confirm", "cannot tell yet"))
    assert "Nothing was changed" not in result and "check with Mplus" in result
    assert not rig.runtime.mplus.get_order(order.order_id).is_delivered
    # Once the claim is older than the bound, the next press settles it from Mplus and says so.
    threading.Event().wait(1.2)
    rig.slack.press_button(prompt, action_id="order_confirm", user=ALICE, channel=CHANNEL)
    settled = shown(last_ephemeral_with(rig, "Orderbot checked with Mplus"))
    assert "it was not done, nothing was changed" in settled
    assert writes(rig, "deliverOrder") == 1
    [entry] = [e for e in rig.runtime.deps.audit.for_order(order.order_id) if e.action == "deliver"]
    assert entry.result == "recovered_not_applied" and entry.error


@pytest.mark.bot_settings(channels="C0ELSEWHERE")
def test_channel_restriction(rig: BotRig) -> None:
    reply = rig.run("help")
    assert "not enabled in this channel" in shown(reply)
    assert rig.emulator.calls() == []


@pytest.mark.bot_settings(allow_deliver="S0OPS")
def test_user_groups_are_resolved_through_slack(rig: BotRig) -> None:
    order = new_order(rig)
    # S0OPS in the fake workspace holds Alice and Bob, not Carol.
    rig.slack.command("/order", f"deliver {order.number}", user="U0CAROL", channel=CHANNEL)
    last_ephemeral_with(rig, "not allowed", user="U0CAROL")
    prompt_for(rig, f"deliver {order.number}", user=BOB)
    assert rig.fake.calls("usergroups.users.list"), "membership comes from usergroups.users.list"


@pytest.mark.bot_settings(allow_create="*", **EVERYONE)
def test_create_in_the_modal_then_deposit_deliver_and_pay_the_rest_on_its_card(rig: BotRig) -> None:
    from tests.slack.test_order_form import ext_id_of, line, open_new, submit, values, wait_view

    view = open_new(rig)
    ext = ext_id_of(view)
    submit(rig, view, values(rig, view, line(0, "1001", "2", "12,50")))
    wait_view(rig, "was created in Mplus")
    order = rig.runtime.mplus.find_order(ext)

    def card() -> dict[str, Any]:
        return next(m for m in rig.fake.messages(CHANNEL) if order.number in shown(m))

    wait_for(lambda: any(order.number in shown(m) for m in rig.fake.messages(CHANNEL)), what="the new card")

    def confirm_on_card(action_id: str, form: dict[str, Any] | None = None) -> None:
        confirmed = len([e for e in rig.ephemerals() if "by <@" in str(e.get("blocks"))])
        before_update = len(rig.fake.calls("views.update"))
        rig.slack.press_button(card(), action_id=action_id, user=ALICE, channel=CHANNEL)
        if form is not None:
            wait_for(lambda: len(rig.fake.calls("views.update")) > before_update, what="the pay form")
            pay_form = rig.fake.current_view(ALICE)
            assert pay_form is not None
            assert not (rig.slack.submit_view(pay_form, form, user=ALICE).json() or {}).get("errors")
        prompt = wait_for(
            lambda: next((e for e in reversed(rig.ephemerals()) if "order_confirm" in buttons(e)), None)
        )
        rig.slack.press_button(prompt, action_id="order_confirm", user=ALICE, channel=CHANNEL)
        wait_for(lambda: len([e for e in rig.ephemerals() if "by <@" in str(e.get("blocks"))]) > confirmed)

    confirm_on_card("order_pay", pay_values("10,00", "deposit"))
    confirm_on_card("order_deliver")
    confirm_on_card("order_pay", pay_values("15,00", "full"))

    final = rig.runtime.mplus.get_order(order.order_id)
    assert final.fully_paid and final.is_delivered and final.is_invoiced and final.prepaid_amount == 2500
    ops = [
        c["operation"]
        for c in rig.emulator.calls()
        if c["operation"] in ("createOrder", "payOrder", "deliverOrder")
    ]
    assert ops == ["createOrder", "payOrder", "deliverOrder", "payOrder"]
    # The card update follows the result message, so give it a moment.
    wait_for(
        lambda: "order_pay" not in buttons(card()) and "order_deliver" not in buttons(card()),
        what="the card without Pay and Deliver",
    )
    notes = wait_for(
        lambda: len(rig.fake.thread(CHANNEL, card()["ts"])) >= 4 and rig.fake.thread(CHANNEL, card()["ts"])
    )
    said = [shown(n) for n in notes]
    assert f"<@{ALICE}> created *{order.number}*" in said[0]
    assert f"<@{ALICE}> took a €10.00 deposit on *{order.number}* · " in said[1]
    assert "€15.00 still open" in said[1]
    assert f"<@{ALICE}> delivered *{order.number}*" in said[2] and "packing slip" in said[2]
    assert f"<@{ALICE}> took the payment of €15.00 on *{order.number}*" in said[3]
    assert "paid in full" in said[3] and "invoice" in said[3]


@pytest.mark.bot_settings(**EVERYONE)
def test_pay_form_and_cancel_prompt_fit_the_orders_state(rig: BotRig) -> None:
    order = new_order(rig)  # 2 × € 50,00

    def pay_form() -> dict[str, Any]:
        return {b.get("block_id"): b for b in open_pay_form(rig, order.number)["blocks"]}

    blocks = pay_form()
    kinds = blocks["pay_kind"]["element"]
    assert [o["text"]["text"] for o in kinds["options"]] == [
        "Deposit only — the order is not delivered yet",
        "Pay in full — also creates the packing slip and the invoice",
    ]
    assert "initial_option" not in kinds, "the kind of payment is not guessed"
    assert "initial_option" not in blocks["pay_method"]["element"], "nor how the customer paid"
    assert "€100.00" in shown({"blocks": [blocks["pay_remains"]]})  # English amounts

    # Typing an amount (or choosing a kind) says what remains after this payment.
    form = rig.fake.current_view(ALICE)
    assert form is not None
    updates = len(rig.fake.calls("views.update"))
    rig.slack.interact(
        form, action_id="amount", choice="30,00", user=ALICE, values={"pay_kind": {"kind": "deposit"}}
    )
    wait_for(lambda: len(rig.fake.calls("views.update")) > updates, what="the form updated")
    remains = {b.get("block_id"): b for b in (rig.fake.current_view(ALICE) or {})["blocks"]}["pay_remains"]
    assert "After this payment €70.00 still open." in shown({"blocks": [remains]})

    method = rig.runtime.mplus.get_payment_methods()[0].method
    rig.runtime.mplus.pay_order(order.order_id, [PaymentInput(method=method, amount_cents=1000)], prepay=True)
    prompt = shown(prompt_for(rig, f"cancel {order.number}"))
    assert (
        "A deposit of *€10.00* was paid on this order" in prompt and "a refund is handled in Mplus" in prompt
    )
    rig.slack.press_button(
        last_ephemeral_with(rig, "refund is handled"), action_id="order_back", user=ALICE, channel=CHANNEL
    )

    rig.runtime.mplus.deliver_order(order.order_id)
    kinds = pay_form()["pay_kind"]["element"]
    assert [o["text"]["text"] for o in kinds["options"]] == ["Pay the rest — creates the invoice"]
    assert kinds["initial_option"]["value"] == "full", "the only kind that fits is chosen"


@pytest.mark.bot_settings(**EVERYONE)
def test_a_second_stale_deliver_prompt_says_it_is_delivered_and_shows_it(rig: BotRig) -> None:
    order = new_order(rig)
    first = prompt_for(rig, f"deliver {order.number}")
    rig.slack.command("/order", f"deliver {order.number}", user=ALICE, channel=CHANNEL)
    second = wait_for(
        lambda: next(
            (e for e in rig.ephemerals() if "order_confirm" in buttons(e) and e["ts"] != first["ts"]), None
        ),
        what="a second prompt",
    )
    rig.slack.press_button(first, action_id="order_confirm", user=ALICE, channel=CHANNEL)
    last_ephemeral_with(rig, f"<@{ALICE}> delivered")
    said = press_and_wait(rig, second, "order_confirm", "already delivered")
    assert "Nothing was done" in shown(said) and f"Order {order.number}" in shown(said)
    assert "confirm again" not in shown(said), "nothing is left to confirm"
    assert "order_deliver" not in buttons(said)
    assert writes(rig, "deliverOrder") == 1
    assert not [
        e
        for e in rig.ephemerals()
        if "order_confirm" in buttons(e) and e["ts"] not in (first["ts"], second["ts"])
    ]
