"""Confirmation prompts, the pay modal, audit notes and an order's audit history."""

from __future__ import annotations

from collections.abc import Sequence
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

from bot.mplus.models import Order, PaymentMethod
from bot.mplus.money import MoneyError, parse_cents
from bot.orders.permissions import Action
from bot.slack import messages, text
from bot.slack.ids import ActionId, CallbackId, ConfirmRef, PayFormMeta
from bot.slack.views._common import finish, money, one_line
from bot.slack.views.events import slack_date
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
    KIND_DEPOSIT: messages.PAY_KIND_DEPOSIT,
    KIND_FULL: messages.PAY_KIND_FULL,
}
BLOCK_PAY_REMAINS = "pay_remains"
NAME_MAX = 120


def _who(order: Order) -> str:
    return text.safe(one_line(order.relation_name), NAME_MAX) or "no relation"


def _amounts(order: Order) -> str:
    parts = [f"*{money(order.outstanding_cents)} open*", f"total {money(order.total_incl_amount)}"]
    if order.prepaid_amount:
        parts.append(f"paid so far {money(order.prepaid_amount)}")
    return " · ".join(parts)


def what_will_happen(action: Action, order: Order, params: dict[str, Any]) -> str:
    """The exact consequence of confirming, in plain words (mrkdwn, escaped)."""
    number = text.safe(order.number, 40)
    if action == Action.CANCEL:
        said = f"Order *{number}* will be *cancelled* in Mplus. This cannot be undone from Orderbot."
        if order.prepaid_amount > 0:
            said += "\n" + messages.CANCEL_WITH_DEPOSIT.format(amount=money(order.prepaid_amount))
        return said
    if action == Action.DELIVER:
        return (
            f"Order *{number}* will be marked *delivered* and Mplus will create a *packing slip*. "
            "Payment is not touched."
        )
    amount = money(int(params["amount_cents"]))
    method = text.safe(params.get("method_description") or params["method"], 60)
    remains = remains_after(order, int(params["amount_cents"]))
    over = int(params.get("overpayment_cents") or 0)
    said_over = (
        f"\n:warning: That is *{money(over)} more* than the outstanding balance: the "
        "overpayment is recorded as paid (change given to the customer)."
        if over > 0
        else ""
    )
    if params.get("prepay"):
        return (
            f"A *deposit* of *{amount}* ({method}) will be recorded on order *{number}*. Nothing is shipped. "
            f"{remains}{said_over}"
        )
    extra = (
        "an *invoice*"
        if order.is_delivered
        else "a *packing slip* (the order counts as delivered) and an *invoice*"
    )
    return (
        f"A *full payment* of *{amount}* ({method}) will be recorded on order *{number}*; "
        f"Mplus also creates {extra}. {remains}{said_over}"
    )


def remains_after(order: Order, cents: int) -> str:
    """What is left to pay once ``cents`` is paid, as a sentence."""
    left = max(order.outstanding_cents - cents, 0)
    what = messages.LEFT_OPEN.format(amount=money(left)) if left else "nothing is left to pay"
    return messages.PAY_REMAINS.format(left=what)


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


def pay_kinds(order: Order) -> list[Option]:
    """The kinds of payment that fit the order's state: a delivered order can only be paid in full."""
    if order.is_delivered:
        return [Option(value=KIND_FULL, text=messages.PAY_KIND_REST)]
    return [Option(value=kind, text=label) for kind, label in KIND_LABELS.items()]


def pay_modal(order: Order, methods: Sequence[PaymentMethod], meta: PayFormMeta) -> dict[str, Any]:
    """Amount, method and kind of payment. Nothing is guessed: method and kind are chosen by the
    person (only a single possible kind is preselected); the amount starts at what is open."""
    options = [
        Option(value=m.method[:150], text=text.safe(m.description or m.method, 75))
        for m in methods
        if m.active
    ][:100]
    kinds = pay_kinds(order)
    outstanding = format_cents_plain(order.outstanding_cents)
    remains = (
        messages.PAY_REMAINS.format(left="nothing is left to pay")
        if order.is_delivered
        else messages.PAY_AMOUNT_HINT.format(open=money(order.outstanding_cents))
    )
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=f"Order {text.safe(order.number, 40)}")),
        SectionBlock(text=MarkdownTextObject(text=f"*{_who(order)}*\n{_amounts(order)}")),
        InputBlock(
            block_id=BLOCK_PAY_AMOUNT,
            label="Amount (€)",
            hint="For example 12,50. Starts at the open amount.",
            # Typing (or choosing a kind) updates the line saying what remains after this payment.
            dispatch_action=True,
            element=PlainTextInputElement(
                action_id=ACTION_PAY_AMOUNT,
                initial_value=outstanding,
                max_length=20,
                dispatch_action_config={"trigger_actions_on": ["on_character_entered", "on_enter_pressed"]},
            ),
        ),
        InputBlock(
            block_id=BLOCK_PAY_METHOD,
            label="Payment method",
            element=StaticSelectElement(
                action_id=ACTION_PAY_METHOD,
                options=options,
                placeholder="How did the customer pay?",
            ),
        ),
        InputBlock(
            block_id=BLOCK_PAY_KIND,
            label="Kind of payment",
            dispatch_action=True,
            element=RadioButtonsElement(
                action_id=ACTION_PAY_KIND,
                options=kinds,
                initial_option=kinds[0] if len(kinds) == 1 else None,
            ),
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
        ContextBlock(block_id=BLOCK_PAY_REMAINS, elements=[MarkdownTextObject(text=remains)]),
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


def pay_remains_line(outstanding_cents: int, amount: str, kind: str | None) -> str:
    """What remains after the payment typed so far (mrkdwn), for the pay form's last line."""
    try:
        cents = parse_cents(amount)
    except MoneyError:
        return messages.PAY_AMOUNT_HINT.format(open=money(outstanding_cents))
    if kind == KIND_FULL or cents >= outstanding_cents:
        if cents > outstanding_cents and kind != KIND_FULL:
            return messages.PAY_MORE_THAN_OPEN.format(open=money(outstanding_cents))
        return messages.PAY_REMAINS.format(left="nothing is left to pay")
    left = messages.LEFT_OPEN.format(amount=money(max(outstanding_cents - cents, 0)))
    return messages.PAY_REMAINS.format(left=left)


def with_pay_remains(view: dict[str, Any], line: str) -> dict[str, Any]:
    """The pay modal as it is, with a new "what remains" line (typed values are kept by Slack)."""
    blocks = [
        {**b, "elements": [{"type": "mrkdwn", "text": line}]} if b.get("block_id") == BLOCK_PAY_REMAINS else b
        for b in view.get("blocks") or []
    ]
    keep = ("type", "callback_id", "title", "submit", "close", "private_metadata")
    return {**{k: view[k] for k in keep if k in view}, "blocks": blocks}


def format_cents_plain(cents: int) -> str:
    """Amount for an input field, without the euro sign: ``12,50``."""
    return money(cents).split("\u00a0", 1)[-1]


def audit_details(entry: AuditEntry) -> str:
    """What an audit row carries beyond who/what/when: amount, method, documents, the reason."""
    params = entry.params or {}
    parts: list[str] = []
    if params.get("amount_cents") is not None:
        kind = "deposit" if params.get("prepay") else "payment"
        parts.append(f"{kind} {money(int(params['amount_cents']))}")
    if params.get("method"):
        parts.append(text.safe(str(params.get("method_description") or params["method"]), 40))
    if params.get("packing_slip_id"):
        parts.append(f"packing slip {text.safe(str(params['packing_slip_id']), 40)}")
    if params.get("invoice_id"):
        parts.append(f"invoice {text.safe(str(params['invoice_id']), 40)}")
    if params.get("old_total_cents") is not None and params.get("total") is not None:
        parts.append(f"total {money(int(params['old_total_cents']))} → {money(int(params['total']))}")
    reason = params.get("reason") or entry.error
    if reason:
        parts.append(f"— {text.safe(str(reason), 200)}")
    return " · ".join(parts)


def audit_history(order: Order, entries: Sequence[AuditEntry]) -> list[dict]:
    rows = []
    for e in entries[-40:]:
        who, what = text.safe(e.user_id, 40), text.safe(e.action, 20)
        row = f"• {slack_date(e.at)} <@{who}> *{what}* → {text.safe(e.result, 60)}"
        if details := audit_details(e):
            row += f" · {details}"
        rows.append(row)
    body = "\n".join(rows) if rows else "Nothing recorded by Orderbot for this order yet."
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=f"History of order {text.safe(order.number, 40)}")),
        SectionBlock(text=MarkdownTextObject(text=body[:2990])),
    ]
    return finish(blocks)
