"""Confirmation prompts, the pay modal, audit notes and an order's audit history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.mplus.models import MPLUS_TZ, Order, PaymentMethod
from bot.mplus.money import format_cents
from bot.orders.permissions import Action
from bot.slack import text
from bot.slack.ids import ActionId, CallbackId, ConfirmRef, PayFormMeta
from bot.slack.views._common import finish, one_line
from bot.store.audit import AuditEntry

BLOCK_PROMPT = "confirm_prompt"
BLOCK_PROMPT_ACTIONS = "confirm_actions"
BLOCK_PAY_AMOUNT = "pay_amount"
BLOCK_PAY_METHOD = "pay_method"
BLOCK_PAY_KIND = "pay_kind"
BLOCK_PAY_OVER = "pay_over"
ACTION_PAY_OVER = "over"
OVER_CHOSEN = "change_given"
ACTION_PAY_AMOUNT = "amount"
ACTION_PAY_METHOD = "method"
ACTION_PAY_KIND = "kind"
KIND_DEPOSIT = "deposit"
KIND_FULL = "full"
KIND_LABELS = {
    KIND_DEPOSIT: "Deposit only (order not shipped yet)",
    KIND_FULL: "Full payment (also creates packing slip and invoice)",
}
NAME_MAX = 120


def _who(order: Order) -> str:
    return text.safe(one_line(order.relation_name), NAME_MAX) or "no relation"


def _amounts(order: Order) -> str:
    parts = [f"total {format_cents(order.total_incl_amount)}"]
    if order.prepaid_amount:
        parts.append(f"paid so far {format_cents(order.prepaid_amount)}")
    parts.append(f"outstanding {format_cents(order.outstanding_cents)}")
    return " · ".join(parts)


def what_will_happen(action: Action, order: Order, params: dict[str, Any]) -> str:
    """The exact consequence of confirming, in plain words (mrkdwn, escaped)."""
    number = text.safe(order.number, 40)
    if action == Action.CANCEL:
        return f"Order *{number}* will be *cancelled* in Mplus. This cannot be undone from Orderbot."
    if action == Action.DELIVER:
        return (
            f"Order *{number}* will be marked *delivered* and Mplus will create a *packing slip*. "
            "Payment is not touched."
        )
    amount = format_cents(int(params["amount_cents"]))
    method = text.safe(params.get("method_description") or params["method"], 60)
    over = int(params.get("overpayment_cents") or 0)
    said_over = (
        f"\n:warning: That is *{format_cents(over)} more* than the outstanding balance: the "
        "overpayment is recorded as paid (change given to the customer)."
        if over > 0
        else ""
    )
    if params.get("prepay"):
        return (
            f"A *deposit* of *{amount}* ({method}) will be recorded on order *{number}*. Nothing is shipped."
            f"{said_over}"
        )
    extra = (
        "an *invoice*"
        if order.is_delivered
        else "a *packing slip* (the order counts as delivered) and an *invoice*"
    )
    return (
        f"A *full payment* of *{amount}* ({method}) will be recorded on order *{number}*; "
        f"Mplus also creates {extra}.{said_over}"
    )


_CONFIRM_TEXT = {
    Action.CANCEL: "Confirm cancel",
    Action.DELIVER: "Confirm delivery",
    Action.PAY: "Confirm payment",
}


def confirmation_prompt(
    action: Action, order: Order, params: dict[str, Any], token: str, ttl_minutes: int
) -> list[dict]:
    ref = ConfirmRef(token=token).encode()
    blocks: list[Block] = [
        SectionBlock(
            block_id=BLOCK_PROMPT,
            text=MarkdownTextObject(
                text=f"{what_will_happen(action, order, params)}\n*{_who(order)}* · {_amounts(order)}"
            ),
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Nothing happens until you press Confirm. This prompt works once and expires in "
                    f"{ttl_minutes} minutes."
                )
            ]
        ),
        ActionsBlock(
            block_id=BLOCK_PROMPT_ACTIONS,
            elements=[
                ButtonElement(
                    text=_CONFIRM_TEXT[action],
                    action_id=ActionId.CONFIRM.value,
                    value=ref,
                    style="danger" if action == Action.CANCEL else "primary",
                ),
                ButtonElement(text="Back", action_id=ActionId.BACK.value, value=ref),
            ],
        ),
    ]
    return finish(blocks)


def prompt_fallback_text(action: Action, order: Order) -> str:
    return f"Confirm: {action.value} order {text.escape(order.number)}"


def loading_modal(title: str) -> dict[str, Any]:
    return View(
        type="modal",
        title=PlainTextObject(text=title[:24]),
        close=PlainTextObject(text="Close"),
        blocks=[SectionBlock(text=MarkdownTextObject(text=":hourglass_flowing_sand: Loading from Mplus…"))],
    ).to_dict()


def notice_modal(title: str, message: str) -> dict[str, Any]:
    return View(
        type="modal",
        title=PlainTextObject(text=title[:24]),
        close=PlainTextObject(text="Close"),
        blocks=[SectionBlock(text=MarkdownTextObject(text=text.safe(message, 2900)))],
    ).to_dict()


def pay_modal(order: Order, methods: Sequence[PaymentMethod], meta: PayFormMeta) -> dict[str, Any]:
    options = [
        Option(value=m.method[:150], text=text.safe(m.description or m.method, 75))
        for m in methods
        if m.active
    ][:100]
    kinds = [Option(value=k, text=label) for k, label in KIND_LABELS.items()]
    outstanding = format_cents(order.outstanding_cents).removeprefix("€ ")
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=f"Order {text.safe(order.number, 40)}")),
        SectionBlock(text=MarkdownTextObject(text=f"*{_who(order)}*\n{_amounts(order)}")),
        InputBlock(
            block_id=BLOCK_PAY_AMOUNT,
            label="Amount (€)",
            hint="For example 12,50. Defaults to the outstanding balance.",
            element=PlainTextInputElement(
                action_id=ACTION_PAY_AMOUNT, initial_value=outstanding, max_length=20
            ),
        ),
        InputBlock(
            block_id=BLOCK_PAY_METHOD,
            label="Payment method",
            element=StaticSelectElement(
                action_id=ACTION_PAY_METHOD,
                options=options,
                initial_option=options[0] if options else None,
                placeholder="Choose a payment method",
            ),
        ),
        InputBlock(
            block_id=BLOCK_PAY_KIND,
            label="Kind of payment",
            element=RadioButtonsElement(action_id=ACTION_PAY_KIND, options=kinds, initial_option=kinds[1]),
        ),
        InputBlock(
            block_id=BLOCK_PAY_OVER,
            label="More than outstanding?",
            optional=True,
            hint="Only amounts up to the outstanding balance are accepted unless this is ticked.",
            element=CheckboxesElement(
                action_id=ACTION_PAY_OVER,
                options=[
                    Option(value=OVER_CHOSEN, text="The customer paid more: change given / overpayment")
                ],
            ),
        ),
    ]
    return View(
        type="modal",
        callback_id=CallbackId.PAY_FORM.value,
        title=PlainTextObject(text="Pay order"),
        submit=PlainTextObject(text="Continue"),
        close=PlainTextObject(text="Back"),
        private_metadata=meta.encode(),
        blocks=blocks,
    ).to_dict()


_DONE_VERB = {
    "cancel": "Cancelled",
    "deliver": "Delivered",
    "pay": "Payment recorded",
    "create": "Created",
    "edit": "Edited",
}


def audit_note(action: str, user_id: str, at: datetime, details: dict[str, Any]) -> str:
    """One line for the thread under the card: who, what, when, result."""
    when = at.astimezone(MPLUS_TZ).strftime("%d-%m-%Y %H:%M")
    parts = [f"{_DONE_VERB.get(action, action)} by <@{user_id}> at {when}"]
    if details.get("amount_cents") is not None:
        kind = "deposit" if details.get("prepay") else "full payment"
        parts.append(f"{kind} {format_cents(int(details['amount_cents']))}")
    if details.get("packing_slip_id"):
        parts.append(f"packing slip {text.safe(details['packing_slip_id'], 64)}")
    if details.get("invoice_id"):
        parts.append(f"invoice {text.safe(details['invoice_id'], 64)}")
    return " · ".join(parts)


def audit_history(order: Order, entries: Sequence[AuditEntry]) -> list[dict]:
    rows = [
        f"• {e.at.astimezone(MPLUS_TZ):%d-%m-%Y %H:%M} <@{e.user_id}> *{text.safe(e.action, 20)}* → "
        f"{text.safe(e.result, 60)}" + (f" — {text.safe(e.error, 200)}" if e.error else "")
        for e in entries[-40:]
    ]
    body = "\n".join(rows) if rows else "Nothing recorded by Orderbot for this order yet."
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=f"History of order {text.safe(order.number, 40)}")),
        SectionBlock(text=MarkdownTextObject(text=body[:2990])),
    ]
    return finish(blocks)


def note_view(note: str) -> list[dict]:
    """An audit note (from ``audit_note``: its parts are escaped already, the mention is ours)."""
    return finish([SectionBlock(text=MarkdownTextObject(text=f"✅ {note}"[:2990]))])
