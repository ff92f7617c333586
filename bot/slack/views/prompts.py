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
from bot.slack import confirm_messages as said_to
from bot.slack import messages, text
from bot.slack.i18n import ENGLISH, N_, Translator
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


def _who(order: Order, tr: Translator = ENGLISH) -> str:
    return text.safe(one_line(order.relation_name), NAME_MAX) or tr(said_to.NO_RELATION)


def _amounts(order: Order, tr: Translator = ENGLISH) -> str:
    parts = [
        tr(said_to.AMOUNT_OPEN, amount=tr.money(order.outstanding_cents)),
        tr(said_to.AMOUNT_TOTAL, amount=tr.money(order.total_incl_amount)),
    ]
    if order.prepaid_amount:
        parts.append(tr(said_to.AMOUNT_PAID_SO_FAR, amount=tr.money(order.prepaid_amount)))
    return " · ".join(parts)


def what_will_happen(action: Action, order: Order, params: dict[str, Any], tr: Translator = ENGLISH) -> str:
    """The exact consequence of confirming, in plain words (mrkdwn, escaped); the wording is
    ``bot.slack.confirm_messages``."""
    number = text.safe(order.number, 40)
    if action == Action.CANCEL:
        said = tr(said_to.CANCEL_WILL, number=number)
        if order.prepaid_amount > 0:
            said += "\n" + tr(messages.CANCEL_WITH_DEPOSIT, amount=tr.money(order.prepaid_amount))
        return said
    if action == Action.DELIVER:
        return tr(said_to.DELIVER_WILL, number=number)
    amount = tr.money(int(params["amount_cents"]))
    # The method is Mplus's own word ("Contant"): shown as Mplus gives it.
    method = text.safe(params.get("method_description") or params["method"], 60)
    remains = remains_after(order, int(params["amount_cents"]), tr)
    over = int(params.get("overpayment_cents") or 0)
    said_over = "\n" + tr(said_to.OVERPAID_WILL, over=tr.money(over)) if over > 0 else ""
    if params.get("prepay"):
        wording = said_to.DEPOSIT_WILL
    else:
        wording = said_to.REST_WILL if order.is_delivered else said_to.FULL_WILL
    return tr(wording, amount=amount, method=method, number=number, remains=remains) + said_over


def remains_after(order: Order, cents: int, tr: Translator = ENGLISH) -> str:
    """What is left to pay once ``cents`` is paid, as a sentence."""
    left = max(order.outstanding_cents - cents, 0)
    what = tr(messages.LEFT_OPEN, amount=tr.money(left)) if left else tr(said_to.NOTHING_LEFT)
    return tr(messages.PAY_REMAINS, left=what)


def confirmation_prompt(
    action: Action,
    order: Order,
    params: dict[str, Any],
    token: str,
    ttl_minutes: int,
    tr: Translator = ENGLISH,
) -> list[dict]:
    ref = ConfirmRef(token=token).encode()
    blocks: list[Block] = [
        SectionBlock(
            block_id=BLOCK_PROMPT,
            text=MarkdownTextObject(
                text=f"{what_will_happen(action, order, params, tr)}\n*{_who(order, tr)}* · "
                f"{_amounts(order, tr)}"
            ),
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=tr(said_to.PROMPT_WORKS_ONCE, minutes=ttl_minutes)
                )
            ]
        ),
        ActionsBlock(
            block_id=BLOCK_PROMPT_ACTIONS,
            elements=[
                ButtonElement(
                    text=tr(said_to.CONFIRM_BUTTON[action]),
                    action_id=ActionId.CONFIRM.value,
                    value=ref,
                    style="danger" if action == Action.CANCEL else "primary",
                ),
                ButtonElement(text=tr(said_to.BACK), action_id=ActionId.BACK.value, value=ref),
            ],
        ),
    ]
    return finish(blocks)


def prompt_fallback_text(action: Action, order: Order, tr: Translator = ENGLISH) -> str:
    return tr(said_to.FALLBACK[action], number=text.escape(order.number))


def loading_modal(title: str, tr: Translator = ENGLISH) -> dict[str, Any]:
    return View(
        type="modal",
        title=PlainTextObject(text=title[:24]),
        close=PlainTextObject(text=tr(said_to.CLOSE)),
        blocks=[SectionBlock(text=MarkdownTextObject(text=tr(said_to.LOADING)))],
    ).to_dict()


def notice_modal(title: str, message: str, tr: Translator = ENGLISH) -> dict[str, Any]:
    return View(
        type="modal",
        title=PlainTextObject(text=title[:24]),
        close=PlainTextObject(text=tr(said_to.CLOSE)),
        blocks=[SectionBlock(text=MarkdownTextObject(text=text.safe(message, 2900)))],
    ).to_dict()


def pay_kinds(order: Order, tr: Translator = ENGLISH) -> list[Option]:
    """The kinds of payment that fit the order's state: a delivered order can only be paid in full."""
    if order.is_delivered:
        return [Option(value=KIND_FULL, text=tr(messages.PAY_KIND_REST))]
    return [Option(value=kind, text=tr(label)) for kind, label in KIND_LABELS.items()]


def pay_modal(
    order: Order, methods: Sequence[PaymentMethod], meta: PayFormMeta, tr: Translator = ENGLISH
) -> dict[str, Any]:
    """Amount, method and kind of payment. Nothing is guessed: method and kind are chosen by the
    person (only a single possible kind is preselected); the amount starts at what is open."""
    options = [
        Option(value=m.method[:150], text=text.safe(m.description or m.method, 75))
        for m in methods
        if m.active
    ][:100]
    kinds = pay_kinds(order, tr)
    outstanding = tr.amount_plain(order.outstanding_cents)
    remains = (
        tr(messages.PAY_REMAINS, left=tr(said_to.NOTHING_LEFT))
        if order.is_delivered
        else tr(messages.PAY_AMOUNT_HINT, open=tr.money(order.outstanding_cents))
    )
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=tr(said_to.PAY_HEADER, number=text.safe(order.number, 40)))),
        SectionBlock(text=MarkdownTextObject(text=f"*{_who(order, tr)}*\n{_amounts(order, tr)}")),
        InputBlock(
            block_id=BLOCK_PAY_AMOUNT,
            label=tr(said_to.PAY_AMOUNT_LABEL),
            hint=tr(said_to.PAY_AMOUNT_FIELD_HINT),
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
            label=tr(said_to.PAY_METHOD_LABEL),
            element=StaticSelectElement(
                action_id=ACTION_PAY_METHOD,
                options=options,
                placeholder=tr(said_to.PAY_METHOD_PLACEHOLDER),
            ),
        ),
        InputBlock(
            block_id=BLOCK_PAY_KIND,
            label=tr(said_to.PAY_KIND_LABEL),
            dispatch_action=True,
            element=RadioButtonsElement(
                action_id=ACTION_PAY_KIND,
                options=kinds,
                initial_option=kinds[0] if len(kinds) == 1 else None,
            ),
        ),
        InputBlock(
            block_id=BLOCK_PAY_OVER,
            label=tr(said_to.PAY_OVER_LABEL),
            optional=True,
            hint=tr(said_to.PAY_OVER_HINT),
            element=CheckboxesElement(
                action_id=ACTION_PAY_OVER,
                options=[
                    Option(value=OVER_CHOSEN, text=tr(said_to.PAY_OVER_OPTION))
                ],
            ),
        ),
        ContextBlock(block_id=BLOCK_PAY_REMAINS, elements=[MarkdownTextObject(text=remains)]),
    ]
    return View(
        type="modal",
        callback_id=CallbackId.PAY_FORM.value,
        title=PlainTextObject(text=tr(said_to.PAY_TITLE)),
        submit=PlainTextObject(text=tr(said_to.CONTINUE)),
        close=PlainTextObject(text=tr(said_to.BACK)),
        private_metadata=meta.encode(),
        blocks=blocks,
    ).to_dict()


def pay_remains_line(
    outstanding_cents: int, amount: str, kind: str | None, tr: Translator = ENGLISH
) -> str:
    """What remains after the payment typed so far (mrkdwn), for the pay form's last line."""
    try:
        cents = parse_cents(amount)
    except MoneyError:
        return tr(messages.PAY_AMOUNT_HINT, open=tr.money(outstanding_cents))
    if kind == KIND_FULL or cents >= outstanding_cents:
        if cents > outstanding_cents and kind != KIND_FULL:
            return tr(messages.PAY_MORE_THAN_OPEN, open=tr.money(outstanding_cents))
        return tr(messages.PAY_REMAINS, left=tr(said_to.NOTHING_LEFT))
    left = tr(messages.LEFT_OPEN, amount=tr.money(max(outstanding_cents - cents, 0)))
    return tr(messages.PAY_REMAINS, left=left)


def with_pay_remains(view: dict[str, Any], line: str) -> dict[str, Any]:
    """The pay modal as it is, with a new "what remains" line (typed values are kept by Slack)."""
    blocks = [
        {**b, "elements": [{"type": "mrkdwn", "text": line}]} if b.get("block_id") == BLOCK_PAY_REMAINS else b
        for b in view.get("blocks") or []
    ]
    keep = ("type", "callback_id", "title", "submit", "close", "private_metadata")
    return {**{k: view[k] for k in keep if k in view}, "blocks": blocks}


AUDIT_DEPOSIT = N_("deposit {amount}")
AUDIT_PAYMENT = N_("payment {amount}")
AUDIT_PACKING_SLIP = N_("packing slip {number}")
AUDIT_INVOICE = N_("invoice {number}")
AUDIT_TOTAL = N_("total {old} → {new}")
AUDIT_NOTHING = N_("Nothing recorded by Orderbot for this order yet.")
AUDIT_TITLE = N_("History of order {number}")


def audit_details(entry: AuditEntry, tr: Translator = ENGLISH) -> str:
    """What an audit row carries beyond who/what/when: amount, method, documents, the reason (the
    reason as recorded: the audit log keeps English reasons)."""
    params = entry.params or {}
    parts: list[str] = []
    if params.get("amount_cents") is not None:
        kind = AUDIT_DEPOSIT if params.get("prepay") else AUDIT_PAYMENT
        parts.append(tr(kind, amount=money(int(params["amount_cents"]))))
    if params.get("method"):
        parts.append(text.safe(str(params.get("method_description") or params["method"]), 40))
    if params.get("packing_slip_id"):
        parts.append(tr(AUDIT_PACKING_SLIP, number=text.safe(str(params["packing_slip_id"]), 40)))
    if params.get("invoice_id"):
        parts.append(tr(AUDIT_INVOICE, number=text.safe(str(params["invoice_id"]), 40)))
    if params.get("old_total_cents") is not None and params.get("total") is not None:
        old, new = money(int(params["old_total_cents"])), money(int(params["total"]))
        parts.append(tr(AUDIT_TOTAL, old=old, new=new))
    reason = params.get("reason") or entry.error
    if reason:
        parts.append(f"— {text.safe(str(reason), 200)}")
    return " · ".join(parts)


def audit_history(order: Order, entries: Sequence[AuditEntry], tr: Translator = ENGLISH) -> list[dict]:
    rows = []
    for e in entries[-40:]:
        who, what = text.safe(e.user_id, 40), text.safe(e.action, 20)
        row = f"• {slack_date(e.at)} <@{who}> *{what}* → {text.safe(e.result, 60)}"
        if details := audit_details(e, tr):
            row += f" · {details}"
        rows.append(row)
    body = "\n".join(rows) if rows else tr(AUDIT_NOTHING)
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=tr(AUDIT_TITLE, number=text.safe(order.number, 40)))),
        SectionBlock(text=MarkdownTextObject(text=body[:2990])),
    ]
    return finish(blocks)
