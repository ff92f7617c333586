"""Issue #14 end to end: a Dutch and an English shop worker take the same write flow side by side —
deposit, delivery, the rest — and each reads their own language, amounts and wording throughout."""

from __future__ import annotations

from typing import Any

import pytest

from bot.mplus.models import Order
from tests.slack.conftest import ALICE, CHANNEL, BotRig, wait_for
from tests.slack.test_confirm_flow import EVERYONE, new_order, pay_values
from tests.slack.test_read_path import buttons, shown

ANNEKE = "U0ANNEKE"  # Slack locale nl-NL


def _with_dutch_colleague(rig: BotRig) -> None:
    rig.fake.add_user(ANNEKE, "anneke", locale="nl-NL")


def _prompt(rig: BotRig, user: str, needle: str, seen: int) -> dict[str, Any]:
    return wait_for(
        lambda: next(
            (
                e
                for e in rig.ephemerals(user)[seen:]
                if "order_confirm" in buttons(e) and needle in shown(e)
            ),
            None,
        ),
        what=f"a prompt saying {needle!r} to {user}",
    )


def _pay_form(rig: BotRig, user: str, number: str) -> dict[str, Any]:
    before = len(rig.fake.calls("views.update"))
    card = rig.run(f"show {number}", user=user)
    rig.slack.press_button(card, action_id="order_pay", user=user, channel=CHANNEL)
    wait_for(
        lambda: len(rig.fake.calls("views.update")) > before
        and (rig.fake.current_view(user) or {}).get("callback_id") == "pay_form",
        what=f"the pay form for {user}",
    )
    form = rig.fake.current_view(user)
    assert form is not None
    return form


def _pay(rig: BotRig, user: str, order: Order, amount: str, kind: str, needle: str) -> str:
    """Fill in and submit the pay form; the prompt's words, confirmed once read."""
    form = _pay_form(rig, user, order.number)
    seen = len(rig.ephemerals(user))
    result = rig.slack.submit_view(form, pay_values(amount, kind), user=user)
    assert result.status == 200 and not (result.json() or {}).get("errors"), result.body
    prompt = _prompt(rig, user, needle, seen)
    _confirm(rig, user, prompt, order, "payOrder")
    return shown(prompt)


def _confirm(rig: BotRig, user: str, prompt: dict[str, Any], order: Order, operation: str) -> None:
    def done() -> int:
        return len([
            c for c in rig.emulator.calls()
            if c["operation"] == operation and order.order_id in str(c)
        ])

    before = done()
    rig.slack.press_button(prompt, action_id="order_confirm", user=user, channel=CHANNEL)
    wait_for(lambda: done() > before, what=f"{operation} of {order.number}")


def _deliver(rig: BotRig, user: str, text: str, order: Order, needle: str) -> str:
    seen = len(rig.ephemerals(user))
    rig.slack.command("/order", text, user=user, channel=CHANNEL)
    prompt = _prompt(rig, user, needle, seen)
    _confirm(rig, user, prompt, order, "deliverOrder")
    return shown(prompt)


@pytest.mark.bot_settings(**EVERYONE)
def test_a_dutch_and_an_english_user_pay_deposit_deliver_and_pay_the_rest_each_in_their_language(
    rig: BotRig,
) -> None:
    _with_dutch_colleague(rig)
    dutch, english = new_order(rig), new_order(rig)  # each 2 × € 50,00, open

    # The card each is shown: words in their language; Mplus's words (Koffiemolen…) as they are.
    card_nl, card_en = rig.run(f"toon {dutch.number}", user=ANNEKE), rig.run(f"show {english.number}")
    assert "*€ 100,00 open* · nog niets betaald · 📦 niet geleverd" in shown(card_nl)
    assert "*€100.00 open* · nothing paid yet · 📦 not delivered" in shown(card_en)
    assert "💶 Betalen" in shown(card_nl) and "📦 Leveren" in shown(card_nl) and "💶 Pay" in shown(card_en)
    assert "Stand van" in shown(card_nl) and "As of" in shown(card_en)

    # The pay form, as each sees it.
    form_nl, form_en = _pay_form(rig, ANNEKE, dutch.number), _pay_form(rig, ALICE, english.number)
    assert form_nl["title"]["text"] == "Order betalen" and form_en["title"]["text"] == "Pay order"
    kinds_nl = [o["text"]["text"] for b in form_nl["blocks"] if b.get("block_id") == "pay_kind"
                for o in b["element"]["options"]]
    assert kinds_nl == [
        "Alleen aanbetaling — de order is nog niet geleverd",
        "Volledig betalen — maakt ook de pakbon en de factuur aan",
    ]
    amount_nl = next(b for b in form_nl["blocks"] if b.get("block_id") == "pay_amount")
    amount_en = next(b for b in form_en["blocks"] if b.get("block_id") == "pay_amount")
    assert amount_nl["element"]["initial_value"] == "100,00"
    assert amount_en["element"]["initial_value"] == "100.00"

    # Field errors come in the form's language, on the ack path.
    bad = rig.slack.submit_view(form_nl, pay_values("150,00", "deposit"), user=ANNEKE).json()
    assert bad["errors"]["pay_amount"].startswith(
        "€\u00a0150,00 is meer dan het openstaande bedrag van €\u00a0100,00"
    )
    bad = rig.slack.submit_view(form_en, pay_values("150,00", "deposit"), user=ALICE).json()
    assert bad["errors"]["pay_amount"].startswith("€150.00 is more than the outstanding €100.00")

    # 1. A deposit.
    said_nl = _pay(rig, ANNEKE, dutch, "25,00", "deposit", "aanbetaling")
    said_en = _pay(rig, ALICE, english, "25,00", "deposit", "deposit")
    assert (
        f"Op order *{dutch.number}* wordt een *aanbetaling* van *€ 25,00* (Contant) geboekt. "
        "Er wordt nog niets geleverd. Na deze betaling: € 75,00 nog open."
    ) in said_nl
    assert (
        f"A *deposit* of *€25.00* (Contant) will be recorded on order *{english.number}*. Nothing is "
        "shipped. After this payment €75.00 still open."
    ) in said_en
    assert "Bevestig betaling" in said_nl and "Terug" in said_nl and "Confirm payment" in said_en
    assert "verloopt over 10 minuten" in said_nl and "expires in 10 minutes" in said_en
    for order in (dutch, english):
        assert rig.runtime.mplus.get_order(order.order_id).prepaid_amount == 2500
    # What each is told once it is done: the note (Mplus's payment method and names as they are).
    told_nl = wait_for(lambda: next((shown(e) for e in reversed(rig.ephemerals(ANNEKE))
                                     if "nam een aanbetaling van" in shown(e)), None), what="the Dutch note")
    assert f"<@{ANNEKE}> nam een aanbetaling van € 25,00 aan op *{dutch.number}*" in told_nl
    assert "— € 75,00 nog open" in told_nl and "Aanbetaling van € 25,00 door" in told_nl
    told_en = wait_for(lambda: next((shown(e) for e in reversed(rig.ephemerals(ALICE))
                                     if "took a" in shown(e)), None), what="the English note")
    assert f"<@{ALICE}> took a €25.00 deposit on *{english.number}*" in told_en

    # 2. Delivery, with the Dutch command word.
    said_nl = _deliver(rig, ANNEKE, f"lever {dutch.number}", dutch, "pakbon")
    said_en = _deliver(rig, ALICE, f"deliver {english.number}", english, "packing slip")
    assert (
        f"Order *{dutch.number}* wordt als *geleverd* gemarkeerd en Mplus maakt een *pakbon* aan. "
        "De betaling blijft ongewijzigd."
    ) in said_nl
    assert "Bevestig levering" in said_nl and "Confirm delivery" in said_en
    assert "*€ 75,00 open* · totaal € 100,00 · tot nu toe betaald € 25,00" in said_nl
    assert "*€75.00 open* · total €100.00 · paid so far €25.00" in said_en
    wait_for(lambda: all(rig.runtime.mplus.get_order(o.order_id).is_delivered for o in (dutch, english)))

    # 3. The rest: an invoice only, the packing slip exists already.
    said_nl = _pay(rig, ANNEKE, dutch, "75,00", "full", "volledige betaling")
    said_en = _pay(rig, ALICE, english, "75,00", "full", "full payment")
    assert "Mplus maakt ook een *factuur* aan. Na deze betaling: niets meer te betalen." in said_nl
    assert "pakbon" not in said_nl
    assert "Mplus also creates an *invoice*. After this payment nothing is left to pay." in said_en
    for order in (dutch, english):
        wait_for(lambda o=order: rig.runtime.mplus.get_order(o.order_id).is_invoiced, what="invoiced")
    # Nobody read the other's language.
    assert not any("deposit" in shown(e) for e in rig.ephemerals(ANNEKE) if "order_confirm" in buttons(e))
    assert not any("aanbetaling" in shown(e) for e in rig.ephemerals(ALICE))


@pytest.mark.bot_settings(**EVERYONE)
def test_a_chosen_language_wins_over_the_slack_locale_and_is_kept(rig: BotRig) -> None:
    _with_dutch_colleague(rig)
    order = new_order(rig)
    assert "Orderbot spreekt nu Nederlands met je." in shown(rig.run("language nl", user=ALICE))
    assert "Nederlandse opdrachtwoorden werken ook" in shown(rig.run("help", user=ALICE))
    said = shown(rig.run(f"annuleer {order.number}", user=ALICE))
    assert f"Order *{order.number}* wordt in Mplus *geannuleerd*." in said and "Bevestig annuleren" in said
    # The Dutch help lists the Dutch command words and explains in Dutch.
    help_nl = shown(rig.run("help", user=ANNEKE))
    assert "Orderbot-hulp" in help_nl and "`betaal` = `pay`" in help_nl and "`taal` = `language`" in help_nl
    assert "Boek een aanbetaling of volledige betaling" in help_nl
    assert "Orderbot now speaks English to you." in shown(rig.run("taal en", user=ANNEKE))
    said = shown(rig.run(f"cancel {order.number}", user=ANNEKE))
    assert "will be *cancelled* in Mplus" in said
    # Kept in the store, not only in memory.
    assert rig.runtime.deps.languages.chosen is not None
    assert rig.runtime.deps.languages.chosen.get(ALICE) == "nl"
    assert rig.runtime.deps.languages.chosen.get(ANNEKE) == "en"
    # A usage error is said in the ack, in the language chosen (known from memory, no store read).
    bad = rig.run("language fr", user=ALICE)
    assert "`fr` is geen taal die Orderbot spreekt" in shown(bad) and "Gebruik: /order language" in shown(bad)
    assert "`fr` is not a language Orderbot speaks" in shown(rig.run("language fr", user=ANNEKE))


@pytest.mark.bot_settings(**EVERYONE)
def test_users_info_failing_means_the_default_language_not_an_error(rig: BotRig) -> None:
    _with_dutch_colleague(rig)
    rig.fake.fail("users.info", "ratelimited")
    order = new_order(rig)
    said = shown(rig.run(f"deliver {order.number}", user=ANNEKE))
    assert "will be marked *delivered*" in said
