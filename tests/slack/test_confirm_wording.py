"""The Dutch confirmation wording, sentence by sentence (issue #14: a wrong word here costs money).

Each case is what a shop worker reads before pressing Confirm; the English beside it is unchanged."""

from __future__ import annotations

from bot.orders.confirmed_actions import why_not, why_not_applicable
from bot.orders.permissions import Action
from bot.slack.i18n import translator
from bot.slack.messages import already_confirmed, checking_text, done_but_not_shown, settled_text
from bot.slack.views.prompts import what_will_happen
from tests.slack.test_views import CATALOGUE, make_order

NL, EN = translator("nl"), translator("en")
CASH = {"method": "CASH", "method_description": "Contant"}


def _order(**state: object):
    return make_order(**state)  # total € 123,45, number 2026-42


def test_deposit_says_aanbetaling_and_that_nothing_is_delivered() -> None:
    params = {**CASH, "amount_cents": 2345, "prepay": True}
    said = what_will_happen(Action.PAY, _order(), params, NL)
    assert said == (
        "Op order *2026-42* wordt een *aanbetaling* van *€\u00a023,45* (Contant) geboekt. Er wordt nog "
        "niets geleverd. Na deze betaling: €\u00a0100,00 nog open."
    )
    assert "pakbon" not in said and "factuur" not in said
    assert what_will_happen(Action.PAY, _order(), params, EN) == (
        "A *deposit* of *€23.45* (Contant) will be recorded on order *2026-42*. Nothing is shipped. "
        "After this payment €100.00 still open."
    )


def test_full_payment_of_an_undelivered_order_names_pakbon_and_factuur() -> None:
    params = {**CASH, "amount_cents": 12345, "prepay": False}
    said = what_will_happen(Action.PAY, _order(), params, NL)
    assert said == (
        "Op order *2026-42* wordt een *volledige betaling* van *€\u00a0123,45* (Contant) geboekt; Mplus "
        "maakt ook een *pakbon* (de order geldt dan als geleverd) en een *factuur* aan. Na deze betaling: "
        "niets meer te betalen."
    )


def test_the_rest_of_a_delivered_order_names_only_the_factuur() -> None:
    delivered = _order(deliveryState="ORDER-DELIVERY-STATE-COMPLETE", prepaidAmount=2345)
    said = what_will_happen(Action.PAY, delivered, {**CASH, "amount_cents": 10000}, NL)
    assert "*volledige betaling*" in said and "*factuur*" in said and "pakbon" not in said


def test_overpayment_is_said_as_wisselgeld() -> None:
    params = {**CASH, "amount_cents": 13000, "overpayment_cents": 655}
    said = what_will_happen(Action.PAY, _order(), params, NL)
    assert said.endswith(
        ":warning: Dat is *€\u00a06,55 meer* dan het openstaande bedrag: wat te veel is betaald wordt als "
        "betaald geboekt (wisselgeld aan de klant teruggegeven)."
    )


def test_deliver_and_cancel() -> None:
    assert what_will_happen(Action.DELIVER, _order(), {}, NL) == (
        "Order *2026-42* wordt als *geleverd* gemarkeerd en Mplus maakt een *pakbon* aan. De betaling "
        "blijft ongewijzigd."
    )
    said = what_will_happen(Action.CANCEL, _order(prepaidAmount=1000), {}, NL)
    assert said == (
        "Order *2026-42* wordt in Mplus *geannuleerd*. Dit kan vanuit Orderbot niet ongedaan worden "
        "gemaakt.\nOp deze order is een aanbetaling van *€\u00a010,00* gedaan. Annuleren betaalt die niet "
        "terug: terugbetalen gaat via Mplus."
    )


def test_reasons_an_action_no_longer_applies_in_both_languages() -> None:
    delivered = _order(deliveryState="ORDER-DELIVERY-STATE-COMPLETE")
    reason = why_not_applicable(Action.DELIVER, delivered, CATALOGUE.categories)
    assert reason is not None
    assert NL(reason.template, **reason.values) == "Order 2026-42 is al geleverd."
    assert str(reason) == why_not(Action.DELIVER, delivered, CATALOGUE.categories) == (
        "Order 2026-42 is already delivered."
    )
    custom = _order(orderCategoryNumber=3)
    reason = why_not_applicable(Action.CANCEL, custom, CATALOGUE.categories)
    assert reason is not None  # the category's name is Mplus's own word
    said = NL(reason.template, **reason.values)
    assert said == "Orders in categorie Maatwerk kunnen niet worden geannuleerd."


def test_outcomes_after_a_cut_off_write() -> None:
    assert settled_text("pay", "2026-42", True, NL).startswith(
        "Orderbot heeft bij Mplus nagevraagd hoe de betaling van order 2026-42 die je bevestigde is afgelopen"
    )
    assert settled_text("pay", "2026-42", True, EN).startswith(
        "Orderbot checked with Mplus how the payment of order 2026-42 you confirmed ended"
    )
    assert "binnen ongeveer 91 seconden" in checking_text("Mplus antwoordde niet op tijd.", 60, NL)
    assert done_but_not_shown("deliver", "E1", NL).startswith("De levering is in Mplus uitgevoerd")
    assert already_confirmed({"outcome": "done"}, NL).startswith("Dit is al eens bevestigd en in Mplus")
