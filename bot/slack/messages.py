"""Every user-facing sentence about failures, in one place, so wording stays consistent.

Messages are plain text; views escape them. They never include stack traces or secrets.
"""

from __future__ import annotations

import logging

from bot.mplus.errors import (
    AuthFailed,
    DuplicateExtOrderId,
    MplusError,
    NotFound,
    OutcomeUnknown,
    ProtocolError,
    Refused,
    Timeout,
    Unavailable,
)
from bot.ops.context import note_failure
from bot.orders.late_records import new_error_id
from bot.slack.i18n import ENGLISH, N_, Translator

log = logging.getLogger(__name__)

SOMETHING_WRONG = N_("Something went wrong.")
UNEXPECTED = N_("Something went wrong inside Orderbot. Nothing was changed in Mplus by this request.")
STALE_BUTTON = N_("That button is out of date. Run the command again to get a fresh one.")

# Mplus's result strings, said in plain words for shop staff.
REFUSAL_TEXT: dict[str, str] = {
    "CANCEL-ORDER-RESULT-ALREADY-CANCELLED": N_("This order was already cancelled."),
    "CANCEL-ORDER-RESULT-FAILED": N_("Mplus could not cancel this order."),
    "DELIVER-ORDER-RESULT-ALREADY-DELIVERED": N_("This order was already delivered."),
    "DELIVER-ORDER-RESULT-FAILED": N_("Mplus could not deliver this order."),
    "PAY-ORDER-RESULT-PAYMENT-INSUFFICIENT": N_("The payment does not cover the outstanding amount."),
    "PAY-ORDER-RESULT-ORDER-ALREADY-INVOICED": N_(
        "This order is already invoiced, so it cannot be paid again."
    ),
    "PAY-ORDER-RESULT-ORDER-HAS-CHANGED": N_("The order changed in Mplus while you were paying it."),
    "PAY-ORDER-RESULT-FAILED": N_("Mplus could not record the payment."),
    "UPDATE-ORDER-RESULT-ORDER-HAS-CHANGED": N_("Someone else changed this order in Mplus in the meantime."),
    "UPDATE-ORDER-RESULT-FAILED": N_("Mplus could not save the changes."),
    "CREATE-ORDER-RESULT-FAILED": N_("Mplus could not create the order."),
    "CREATE-ORDER-RESULT-PAYMENT-FAILED": N_("Mplus created no order: the payment failed."),
}


NOT_FOUND = N_("No {kind} {key} in Mplus. Check the number or id and try again.")
DUPLICATE_EXT_ID = N_("An order with external id {ext_order_id} already exists in Mplus.")
REFUSED_OTHER = N_("Mplus refused: {result}.")
MPLUS_SAYS = N_("{plain} Mplus says: {message}")
TIMED_OUT = N_("Mplus did not answer in time. Try again in a minute; if it keeps happening, tell on-call.")
UNREACHABLE = N_(
    "Mplus is not reachable right now. Try again in a minute; if it keeps happening, tell on-call."
)
BAD_CREDENTIALS = N_(
    "Mplus refused Orderbot's credentials. An admin needs to check MPLUS_IDENT and MPLUS_SECRET."
)
NOT_UNDERSTOOD = N_("Mplus answered something Orderbot did not understand. Tell on-call.")


def for_mplus_error(err: MplusError, tr: Translator = ENGLISH) -> str:
    """Our explanation in the reader's language; Mplus's own words (its message, its result code,
    the kind and key it names) exactly as Mplus gave them."""
    if isinstance(err, NotFound):
        return tr(NOT_FOUND, kind=err.kind, key=err.key)
    if isinstance(err, DuplicateExtOrderId):
        return tr(DUPLICATE_EXT_ID, ext_order_id=err.ext_order_id)
    if isinstance(err, Refused):
        plain = tr(REFUSAL_TEXT[err.result]) if err.result in REFUSAL_TEXT else tr(
            REFUSED_OTHER, result=err.result
        )
        return tr(MPLUS_SAYS, plain=plain, message=err.message) if err.message else plain
    if isinstance(err, Timeout):
        return tr(TIMED_OUT)
    if isinstance(err, Unavailable):
        return tr(UNREACHABLE)
    if isinstance(err, AuthFailed):
        return tr(BAD_CREDENTIALS)
    if isinstance(err, OutcomeUnknown):
        return str(err)
    if isinstance(err, ProtocolError):
        return tr(NOT_UNDERSTOOD)
    return tr(UNEXPECTED)


def is_real_failure(err: Exception) -> bool:
    """False for plain answers such as "no such order": those get no error id to give to on-call."""
    return not isinstance(err, NotFound | DuplicateExtOrderId | Refused)


def describe_failure(err: Exception, context: str) -> tuple[str, str]:
    """(message for the user, error id) — and the full story in the log under that id."""
    error_id = new_error_id()
    note_failure(error_id)  # the reply's outcome in /metrics, the error id in JSON logs
    if isinstance(err, MplusError):
        log.warning("error_id=%s %s failed: %s: %s", error_id, context, type(err).__name__, err)
        return for_mplus_error(err), error_id
    log.exception("error_id=%s %s failed unexpectedly", error_id, context, exc_info=err)
    return UNEXPECTED, error_id


# Whole sentences per action (a verb fragment does not translate: Dutch puts it elsewhere).
_NOBODY_MAY: dict[str, str] = {
    "create": N_("Nobody may create orders with Orderbot yet."),
    "edit": N_("Nobody may edit orders with Orderbot yet."),
    "cancel": N_("Nobody may cancel orders with Orderbot yet."),
    "pay": N_("Nobody may record payments with Orderbot yet."),
    "deliver": N_("Nobody may deliver orders with Orderbot yet."),
    "subscribe": N_("Nobody may change this channel's order notifications with Orderbot yet."),
}
_YOU_MAY_NOT: dict[str, str] = {
    "create": N_("You are not allowed to create orders."),
    "edit": N_("You are not allowed to edit orders."),
    "cancel": N_("You are not allowed to cancel orders."),
    "pay": N_("You are not allowed to record payments."),
    "deliver": N_("You are not allowed to deliver orders."),
    "subscribe": N_("You are not allowed to change this channel's order notifications."),
}
NOBODY_MAY_OTHER = N_("Nobody may do “{action}” with Orderbot yet.")
YOU_MAY_NOT_OTHER = N_("You are not allowed to do “{action}”.")
GRANT_FIRST = N_(
    "An admin can grant it by listing Slack user ids (U…), user groups (S…) or * in the {setting} setting."
)
GRANT_YOU = N_("An admin can add your Slack user id, or a user group you are in, to {setting}.")


def not_allowed(action: str, setting: str, configured: bool, tr: Translator = ENGLISH) -> str:
    if not configured:
        who = tr(_NOBODY_MAY[action]) if action in _NOBODY_MAY else tr(NOBODY_MAY_OTHER, action=action)
        return f"{who} {tr(GRANT_FIRST, setting=setting)}"
    who = tr(_YOU_MAY_NOT[action]) if action in _YOU_MAY_NOT else tr(YOU_MAY_NOT_OTHER, action=action)
    return f"{who} {tr(GRANT_YOU, setting=setting)}"


CHANNEL_NOT_ENABLED = N_(
    "Orderbot is not enabled in this channel. Ask an admin to add it to ORDERBOT_CHANNELS."
)
OTHER_WORKSPACE = N_("Orderbot is not installed in this Slack workspace, so it does not answer here.")
FORM_ORIGIN_UNKNOWN = N_("This form was not opened by Orderbot here, or is too old. Open it again.")


# --- issue #10: the true story after a write -------------------------------------------------

_DONE_NOT_SHOWN = {
    "cancel": N_(
        "The cancellation was done in Mplus, but Orderbot could not show the result here (error id "
        "{error_id}). Press Refresh on the order card to see the order as it is now."
    ),
    "pay": N_(
        "The payment was done in Mplus, but Orderbot could not show the result here (error id "
        "{error_id}). Press Refresh on the order card to see the order as it is now."
    ),
    "deliver": N_(
        "The delivery was done in Mplus, but Orderbot could not show the result here (error id "
        "{error_id}). Press Refresh on the order card to see the order as it is now."
    ),
}
UNRECORDED = N_(
    "Orderbot could not write this to its audit log just now (error id {error_id}); "
    "it will as soon as its store answers again."
)
UNKNOWN_NOT_SHOWN = N_(
    "Orderbot sent this to Mplus but could not tell whether it was done "
    "(error id {error_id}). Check the order before trying again."
)


def unrecorded_note(error_id: str, tr: Translator = ENGLISH) -> str:
    return tr(UNRECORDED, error_id=error_id)


def done_but_not_shown(action: str, error_id: str, tr: Translator = ENGLISH) -> str:
    return tr(_DONE_NOT_SHOWN.get(action, _DONE_NOT_SHOWN["pay"]), error_id=error_id)


def outcome_unknown_not_shown(error_id: str, tr: Translator = ENGLISH) -> str:
    return tr(UNKNOWN_NOT_SHOWN, error_id=error_id)


NOT_YOUR_PROMPT = N_(
    "This confirmation belongs to the person who asked for it: only they can confirm it or go back on it."
)

_SETTLED_WHAT = {"cancel": N_("the cancellation"), "pay": N_("the payment"), "deliver": N_("the delivery")}
SETTLED_WHAT_OF = N_("{what} of order {number}")
SETTLED_DONE = N_(
    "Orderbot checked with Mplus how {what} you confirmed ended (Orderbot was cut off or Mplus gave no "
    "clear answer at the time): Mplus shows it was done. Orderbot did not do it twice."
)
SETTLED_NOT_DONE = N_(
    "Orderbot checked with Mplus how {what} you confirmed ended (Orderbot was cut off or Mplus gave no "
    "clear answer at the time): it was not done, nothing was changed. Start again from the order if it "
    "still makes sense."
)


def settled_text(action: str, order_number: str | None, landed: bool, tr: Translator = ENGLISH) -> str:
    what = tr(_SETTLED_WHAT[action]) if action in _SETTLED_WHAT else f"the {action}"
    if order_number:
        what = tr(SETTLED_WHAT_OF, what=what, number=order_number)
    return tr(SETTLED_DONE if landed else SETTLED_NOT_DONE, what=what)


CHECKING = N_(
    "{error} Orderbot cannot tell yet whether this was done, so it will check with Mplus within about "
    "{seconds} seconds and tell you here. Do not start it again meanwhile."
)


def checking_text(error_text: str, settle_after_s: float, tr: Translator = ENGLISH) -> str:
    return tr(CHECKING, error=error_text, seconds=int(settle_after_s * 1.5) + 1)


ALREADY_DONE = N_(
    "This was already confirmed once and done in Mplus; Orderbot did not do it a second time."
)
ALREADY_NOT_DONE = N_(
    "This was already confirmed once and was not carried out then; nothing was changed since."
)
ALREADY_UNCLEAR = N_(
    "This was already confirmed once; whether Mplus did it was unclear then. Check the order before "
    "trying again."
)
ALREADY_ONCE = N_("This was already confirmed once; Orderbot did not do it a second time.")


def already_confirmed(result: dict | None, tr: Translator = ENGLISH) -> str:
    outcome = (result or {}).get("outcome")
    if outcome == "done":
        return tr(ALREADY_DONE)
    if outcome in ("not_applied", "refused", "stale"):
        return tr(ALREADY_NOT_DONE)
    if outcome == "unknown":
        return tr(ALREADY_UNCLEAR)
    return tr(ALREADY_ONCE)


MPLUS_SLOW = "⏳ Mplus is slow to answer right now. Still working on it — the answer follows here."
SHUTTING_DOWN = "Orderbot is restarting; please try again in a moment."


# ------------------------------------------------------------------ notes and card top lines
# Whole sentences with named placeholders (a later translation works on these, not on fragments).
# Placeholders are filled with escaped text: {who} a mention or "Mplus", {amount} money, {number} the
# order number, {customer} the relation's name, {left} what remains (LEFT_*), {when} a Slack date.

NOTE_BY_USER: dict[str, str] = {
    "deposit": N_("💶 {who} took a {amount} deposit on *{number}* · {customer} — {left}"),
    "paid": N_("💶 {who} took the payment of {amount} on *{number}* · {customer} — {left}"),
    "delivered": N_("📦 {who} delivered *{number}* · {customer} — {left}"),
    "cancelled": N_("🚫 {who} cancelled *{number}* · {customer}"),
    "edited": N_("✏️ {who} edited *{number}* · {customer} — {left}"),
    "created": N_("🆕 {who} created *{number}* · {customer} — {left}"),
}
NOTE_IN_MPLUS: dict[str, str] = {
    "deposit": N_("💶 A {amount} deposit was taken in Mplus on *{number}* · {customer} — {left}"),
    "paid": N_("💶 *{number}* · {customer} was paid in Mplus — {left}"),
    "delivered": N_("📦 *{number}* · {customer} was delivered in Mplus — {left}"),
    "cancelled": N_("🚫 *{number}* · {customer} was cancelled in Mplus"),
    "edited": N_("✏️ *{number}* · {customer} was changed in Mplus — {left}"),
    "created": N_("🆕 New order *{number}* · {customer} — {left}"),
    "new": N_("🆕 New order *{number}* · {customer} — {left}"),
    "changed": N_("🔄 *{number}* · {customer} changed in Mplus — {left}"),
}
LEFT_OPEN = N_("{amount} still open")
LEFT_PAID = N_("paid in full")
LEFT_NOTHING = N_("nothing to pay")
NOTE_DEPOSIT_TO_REFUND = N_(" — a {amount} deposit was paid; a refund is handled in Mplus")
NOTE_TOTAL_CHANGED = N_(" · total {old} → {new}")
NOTE_PACKING_SLIP = N_(" · packing slip {number}")
NOTE_INVOICE = N_(" · invoice {number}")
NOTE_ALSO = N_(" (also {what})")
NOTE_PRICES_OFF_CATALOGUE = N_("💶 Prices that differ from the catalogue: {notes}")
PRICE_NOTE = N_("Line {position} ({name}): {typed} instead of {catalogue}")
PRICE_NOTE_ARTICLE = N_("article {number}")

EVENT_BY_USER = N_("{what} by {who} · {when}")
EVENT_IN_MPLUS = N_("{what} in Mplus · {when}")
EVENT_WHAT: dict[str, str] = {
    "deposit": N_("💶 Deposit of {amount}"),
    "paid": N_("💶 Paid {amount}"),
    "delivered": N_("📦 Delivered"),
    "cancelled": N_("🚫 Cancelled"),
    "edited": N_("✏️ Edited"),
    "created": N_("🆕 Created"),
    "new": N_("🆕 New order"),
    "changed": N_("🔄 Changed"),
}
EVENT_WORD: dict[str, str] = {
    "deposit": N_("deposit"),
    "paid": N_("paid"),
    "delivered": N_("delivered"),
    "cancelled": N_("cancelled"),
    "edited": N_("edited"),
    "created": N_("new"),
    "new": N_("new"),
    "changed": N_("changed"),
}
AS_OF = N_("🕒 As of {when}. This copy is only visible to you and is not kept current: press Refresh.")
SHOW_BUTTON = N_("Show order")
SHOW_BUTTON_LABEL = N_("Show order {number} with its buttons, only to you")

# ------------------------------------------------------------------------------- the card
CARD_OPEN_OF = N_("*{open} open* of {total}")
CARD_OPEN = N_("*{open} open* · nothing paid yet")
CARD_PAID = N_("*Paid* {total}")
CARD_NOTHING_TO_PAY = N_("*Nothing to pay* · total {total}")
CARD_DEPOSIT = N_("deposit {amount}")
CARD_CANCELLED = N_("🚫 *Cancelled* · total {total}")
CARD_CANCELLED_DEPOSIT = N_("deposit {amount} paid — refund in Mplus")
CARD_DELIVERED = N_("📦 delivered")
CARD_PARTLY_DELIVERED = N_("🚚 partly delivered")
CARD_NOT_DELIVERED = N_("📦 not delivered")
CARD_PACKING_SLIP = N_("packing slip {numbers}")
CARD_INVOICE = N_("🧾 invoice {numbers}")
CARD_COMPLETE = N_("✅ complete")
CARD_HEADER = N_("Order {number}")
CARD_RELATION = N_("relation #{number}")
CARD_EXT_ID = N_("ext id {id}")
CARD_DELIVERY_ON = N_("delivery {date}")
CARD_REFERENCE = N_("ref {reference}")
CARD_FINANCIAL_DATE = N_("financial date {date}")
CARD_ARTICLE = N_("article {number}")
CARD_BUTTONS: dict[str, str] = {
    "order_pay": N_("💶 Pay"),
    "order_deliver": N_("📦 Deliver"),
    "order_cancel": N_("Cancel order"),
    "order_edit": N_("✏️ Edit"),
    "order_refresh": N_("🔄 Refresh"),
    "order_more": N_("More"),
}
CANCEL_DIALOG_TITLE = N_("Cancel this order?")
CANCEL_DIALOG_TEXT = N_("Order {number} will be cancelled in Mplus. This cannot be undone.")
CANCEL_DIALOG_CONFIRM = N_("Cancel order")
CANCEL_DIALOG_DENY = N_("Keep order")
DETAIL_LABELS: dict[str, str] = {
    "relation": N_("Relation"),
    "order_id": N_("Order id"),
    "ext_id": N_("Ext id"),
    "financial_date": N_("Financial date"),
    "delivery_date": N_("Delivery date"),
    "delivery_method": N_("Delivery method"),
    "category": N_("Category"),
    "packing_slip": N_("Packing slip"),
    "invoice": N_("Invoice"),
    "reference": N_("Reference"),
}
CARD_NO_LINES = N_("_No lines._")
CARD_MORE_LINES = N_("… and {n} more lines")

BUTTON_LABELS: dict[str, str] = {
    "order_pay": N_("Pay order {number}"),
    "order_deliver": N_("Deliver order {number}"),
    "order_cancel": N_("Cancel order {number}"),
    "order_edit": N_("Edit order {number}"),
    "order_refresh": N_("Refresh order {number}"),
    "order_more": N_("More details of order {number}"),
}

# --------------------------------------------------------------------------- confirm flow
CANCELLED_NOTHING_CHANGED = N_("Cancelled — nothing was changed.")
REFUSED_OLD_BUTTON = N_("{reason} The card is updated to show the order as it is now.")
STALE_NOTHING_LEFT = N_("{reason} Nothing was done. Here is the order as it is now.")

# ------------------------------------------------------------------------------- pay form
PAY_KIND_DEPOSIT = N_("Deposit only — the order is not delivered yet")
PAY_KIND_FULL = N_("Pay in full — also creates the packing slip and the invoice")
PAY_KIND_REST = N_("Pay the rest — creates the invoice")
PAY_DEPOSIT_ON_DELIVERED = N_("This order is delivered already: the rest must be paid in full.")
PAY_REMAINS = N_("After this payment {left}.")
PAY_MORE_THAN_OPEN = N_("That is more than the {open} open: a deposit cannot be more than what is open.")
PAY_AMOUNT_HINT = N_("For example 12,50. The open amount is {open}: less than that is a deposit.")
CANCEL_WITH_DEPOSIT = N_(
    "A deposit of *{amount}* was paid on this order. Cancelling does not refund it: "
    "a refund is handled in Mplus."
)
