"""Every user-facing sentence about failures, in one place, so wording stays consistent.

Messages are plain text; views escape them. They never include stack traces or secrets.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

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

log = logging.getLogger(__name__)
_SHOP_TZ = ZoneInfo("Europe/Amsterdam")

UNEXPECTED = "Something went wrong inside Orderbot. Nothing was changed in Mplus by this request."
STALE_BUTTON = "That button is out of date. Run the command again to get a fresh one."

# Mplus's result strings, said in plain words for shop staff.
REFUSAL_TEXT: dict[str, str] = {
    "CANCEL-ORDER-RESULT-ALREADY-CANCELLED": "This order was already cancelled.",
    "CANCEL-ORDER-RESULT-FAILED": "Mplus could not cancel this order.",
    "DELIVER-ORDER-RESULT-ALREADY-DELIVERED": "This order was already delivered.",
    "DELIVER-ORDER-RESULT-FAILED": "Mplus could not deliver this order.",
    "PAY-ORDER-RESULT-PAYMENT-INSUFFICIENT": "The payment does not cover the outstanding amount.",
    "PAY-ORDER-RESULT-ORDER-ALREADY-INVOICED": "This order is already invoiced, so it cannot be paid again.",
    "PAY-ORDER-RESULT-ORDER-HAS-CHANGED": "The order changed in Mplus while you were paying it.",
    "PAY-ORDER-RESULT-FAILED": "Mplus could not record the payment.",
    "UPDATE-ORDER-RESULT-ORDER-HAS-CHANGED": "Someone else changed this order in Mplus in the meantime.",
    "UPDATE-ORDER-RESULT-FAILED": "Mplus could not save the changes.",
    "CREATE-ORDER-RESULT-FAILED": "Mplus could not create the order.",
    "CREATE-ORDER-RESULT-PAYMENT-FAILED": "Mplus created no order: the payment failed.",
}


def new_error_id() -> str:
    """Short enough to read out over the phone, unique enough to grep for in the logs."""
    return secrets.token_hex(4)


def for_mplus_error(err: MplusError) -> str:
    if isinstance(err, NotFound):
        return f"No {err.kind} {err.key} in Mplus. Check the number or id and try again."
    if isinstance(err, DuplicateExtOrderId):
        return f"An order with external id {err.ext_order_id} already exists in Mplus."
    if isinstance(err, Refused):
        plain = REFUSAL_TEXT.get(err.result, f"Mplus refused: {err.result}.")
        return f"{plain} Mplus says: {err.message}" if err.message else plain
    if isinstance(err, Timeout):
        return "Mplus did not answer in time. Try again in a minute; if it keeps happening, tell on-call."
    if isinstance(err, Unavailable):
        return "Mplus is not reachable right now. Try again in a minute; if it keeps happening, tell on-call."
    if isinstance(err, AuthFailed):
        return "Mplus refused Orderbot's credentials. An admin needs to check MPLUS_IDENT and MPLUS_SECRET."
    if isinstance(err, OutcomeUnknown):
        return str(err)
    if isinstance(err, ProtocolError):
        return "Mplus answered something Orderbot did not understand. Tell on-call."
    return UNEXPECTED


def describe_failure(err: Exception, context: str) -> tuple[str, str]:
    """(message for the user, error id) — and the full story in the log under that id."""
    error_id = new_error_id()
    if isinstance(err, MplusError):
        log.warning("error_id=%s %s failed: %s: %s", error_id, context, type(err).__name__, err)
        return for_mplus_error(err), error_id
    log.exception("error_id=%s %s failed unexpectedly", error_id, context, exc_info=err)
    return UNEXPECTED, error_id


_ACTION_VERBS = {
    "create": "create orders",
    "edit": "edit orders",
    "cancel": "cancel orders",
    "pay": "record payments",
    "deliver": "deliver orders",
    "subscribe": "change this channel's order notifications",
}


def not_allowed(action: str, setting: str, configured: bool) -> str:
    verb = _ACTION_VERBS.get(action, action)
    if not configured:
        return (
            f"Nobody may {verb} with Orderbot yet. An admin can grant it by listing Slack user ids "
            f"(U…), user groups (S…) or * in the {setting} setting."
        )
    return (
        f"You are not allowed to {verb}. An admin can add your Slack user id, or a user group "
        f"you are in, to {setting}."
    )


CHANNEL_NOT_ENABLED = "Orderbot is not enabled in this channel. Ask an admin to add it to ORDERBOT_CHANNELS."


# Lists come from the mirror (issue #9); say how current it is, and why there is no list yet.
MIRROR_NOT_STARTED = (
    "Order lists come from Orderbot's local copy of Mplus, which has not been filled yet. "
    "It is filled by the notifier's pass (ORDERBOT_MIRROR must be on); try again in a minute."
)


def mirror_loading(marker: int, top: int | None) -> str:
    where = f" (at change {marker:,} of {top:,})".replace(",", ".") if top else ""
    return (f"Orderbot is still loading its local copy of Mplus orders{where}; lists work once that "
            "first load is done. Try again in a minute.")


def mirror_as_of(last_pass_at: datetime | None, behind: int) -> str:
    when = f"as of {last_pass_at.astimezone(_SHOP_TZ):%H:%M:%S}" if last_pass_at else "as last synced"
    lag = f", {behind:,} change{'s' if behind != 1 else ''} still to read".replace(",", ".") if behind else ""
    return f"From Orderbot's copy of Mplus, {when}{lag}. Show opens the order as Mplus has it now."
