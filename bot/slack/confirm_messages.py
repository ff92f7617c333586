"""The confirmation wording — cancel, deliver, pay — in one place, because a wrong word costs money.

Each English text is its own gettext msgid; the Dutch is in ``locale/nl/LC_MESSAGES/orderbot.po``
under the heading "confirmation wording", reviewed line by line against what Mplus really does:

* a *deposit* (aanbetaling, ``prepay``) records money and ships nothing: no packing slip, no invoice;
* a *full payment* (volledige betaling) of an undelivered order makes Mplus deliver it, so it creates
  a *packing slip* (pakbon) **and** an *invoice* (factuur); of a delivered order only the invoice;
* *deliver* (leveren) creates a packing slip and leaves payment alone;
* *cancel* (annuleren) cannot be undone from Orderbot and never refunds a deposit (that is Mplus's).

Placeholders are named and filled with escaped text: {number} the order number, {amount} money,
{method} the payment method as Mplus names it, {remains} a PAY_REMAINS sentence, {over} money.
"""

from __future__ import annotations

from bot.orders.permissions import Action
from bot.slack.i18n import N_

CANCEL_WILL = N_("Order *{number}* will be *cancelled* in Mplus. This cannot be undone from Orderbot.")
DELIVER_WILL = N_(
    "Order *{number}* will be marked *delivered* and Mplus will create a *packing slip*. "
    "Payment is not touched."
)
DEPOSIT_WILL = N_(
    "A *deposit* of *{amount}* ({method}) will be recorded on order *{number}*. Nothing is shipped. "
    "{remains}"
)
FULL_WILL = N_(
    "A *full payment* of *{amount}* ({method}) will be recorded on order *{number}*; "
    "Mplus also creates a *packing slip* (the order counts as delivered) and an *invoice*. {remains}"
)
REST_WILL = N_(
    "A *full payment* of *{amount}* ({method}) will be recorded on order *{number}*; "
    "Mplus also creates an *invoice*. {remains}"
)
OVERPAID_WILL = N_(
    ":warning: That is *{over} more* than the outstanding balance: the overpayment is recorded as paid "
    "(change given to the customer)."
)
NOTHING_LEFT = N_("nothing is left to pay")
AMOUNT_OPEN = N_("*{amount} open*")
AMOUNT_TOTAL = N_("total {amount}")
AMOUNT_PAID_SO_FAR = N_("paid so far {amount}")
NO_RELATION = N_("no relation")
PROMPT_WORKS_ONCE = N_(
    "Nothing happens until you press Confirm. This prompt works once and expires in {minutes} minutes."
)
CONFIRM_BUTTON: dict[Action, str] = {
    Action.CANCEL: N_("Confirm cancel"),
    Action.DELIVER: N_("Confirm delivery"),
    Action.PAY: N_("Confirm payment"),
}
BACK = N_("Back")
FALLBACK: dict[Action, str] = {
    Action.CANCEL: N_("Confirm: cancel order {number}"),
    Action.DELIVER: N_("Confirm: deliver order {number}"),
    Action.PAY: N_("Confirm: pay order {number}"),
}

# ------------------------------------------------------------------------------- the pay form
PAY_TITLE = N_("Pay order")
PAY_HEADER = N_("Order {number}")
PAY_AMOUNT_LABEL = N_("Amount (€)")
PAY_AMOUNT_FIELD_HINT = N_("For example 12,50. Starts at the open amount.")
PAY_METHOD_LABEL = N_("Payment method")
PAY_METHOD_PLACEHOLDER = N_("How did the customer pay?")
PAY_KIND_LABEL = N_("Kind of payment")
PAY_OVER_LABEL = N_("More than outstanding?")
PAY_OVER_HINT = N_("Only amounts up to the outstanding balance are accepted unless this is ticked.")
PAY_OVER_OPTION = N_("The customer paid more: change given / overpayment")
CONTINUE = N_("Continue")
CLOSE = N_("Close")
LOADING = N_(":hourglass_flowing_sand: Loading from Mplus…")
PAY_FORM_NOT_OPENED = N_("Could not open the payment form; press Pay on the order card again.")

# Field errors of the pay form (said at once, in the language the form was opened in).
PAY_NOT_POSITIVE = N_("The amount must be more than {zero}.")
PAY_TYPO = N_(
    "{amount} is {times}× the outstanding {open}: probably a typo (a missing comma?). Check the amount."
)
PAY_OVER_NOT_TICKED = N_(
    "{amount} is more than the outstanding {open}. Enter at most {open}, or tick “change given / "
    "overpayment” if the customer really paid more."
)
PAY_FULL_TOO_LITTLE = N_("A full payment must cover the outstanding {open}; choose Deposit only for less.")
PAY_CHOOSE_METHOD = N_("Choose how the customer paid.")
PAY_CHOOSE_KIND = N_("Choose deposit or full payment.")

# ------------------------------------------------------------------------------- outcomes
EXPIRED = N_("This confirmation has expired; nothing was changed. Start again from the order.")
IN_PROGRESS = N_("This is already being carried out; Orderbot will not do it a second time.")
STALE = N_(
    "The order changed in Mplus since you were asked, so nothing was done. "
    "Here is the order as it is now; confirm again if it still makes sense."
)
NOT_APPLIED = N_("{error} Nothing was changed; you can start again.")
