"""The order card: one order as Block Kit, with the buttons that can apply to it.

Shows only the relation's name from the relation data: addresses, phone numbers and e-mail stay out of
Slack channels on purpose.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ValidationError
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.mplus.models import CompleteState, DeliveryMethod, DeliveryState, Order, OrderCategory, OrderLine
from bot.mplus.money import format_quantity
from bot.slack import channel_messages, messages, text
from bot.slack.i18n import ENGLISH, Translator
from bot.slack.ids import ActionId, OrderRef
from bot.slack.views._common import (
    EMPTY,
    FIELD_TEXT_MAX,
    HEADER_MAX,
    SECTION_FIELDS_MAX,
    finish,
    one_line,
    pack_rows,
    safe_line,
)
from bot.slack.views.events import OrderEvent, as_of_line, event_line

# Stable block ids: handlers find the parts of a card by these (e.g. to swap the actions for a spinner).
BLOCK_ORDER_EVENT = "order_event"
BLOCK_ORDER_HEADER = "order_header"
BLOCK_ORDER_DETAILS = "order_details"
BLOCK_ORDER_STATE = "order_state"
BLOCK_ORDER_LINES = "order_lines"  # more line sections get "order_lines_2", "order_lines_3", …
BLOCK_ORDER_META = "order_meta"
BLOCK_ORDER_ACTIONS = "order_actions"

# Per-value caps, in escaped characters. Chosen so a full card stays far below 12k characters of text.
NUMBER_MAX = 40
ORDER_STRING_MAX = 80
RELATION_MAX = 200
EXT_ID_MAX = 100
REFERENCE_MAX = 300
DESCRIPTION_MAX = 100
LINE_TEXT_MAX = 80
SUMMARY_RELATION_MAX = 60
CARD_LINES_MAX = 40
CARD_LINES_BUDGET = 6000


class Catalogue(BaseModel):
    """Lookups the card needs, built by the caller from Mplus reads (usually cached)."""

    delivery_methods: list[DeliveryMethod] = []
    categories: list[OrderCategory] = []

    def delivery_description(self, code: str | None) -> str | None:
        """The description of delivery method ``code``; None if unknown or undescribed."""
        if not code:
            return None
        for method in self.delivery_methods:
            if method.code == code:
                return method.description or None
        return None

    def category(self, number: int | None) -> OrderCategory | None:
        if number is None:
            return None
        for category in self.categories:
            if category.number == number:
                return category
        return None


# ------------------------------------------------------------------------------- state


def _state_words(order: Order, tr: Translator = ENGLISH) -> list[tuple[str, str]]:
    """(emoji, plain words in the reader's language) per state badge; no untrusted text."""
    words = channel_messages.STATE_WORDS
    badges: list[tuple[str, str]] = []
    if order.is_cancelled:
        badges.append(("🚫", tr(words["cancelled"])))
    else:
        if order.is_delivered:
            badges.append(("📦", tr(words["delivered"])))
        elif order.delivery_state == DeliveryState.PARTIAL:
            badges.append(("🚚", tr(words["partly delivered"])))
        else:
            badges.append(("🚚", tr(words["open"])))
    if order.fully_paid:
        badges.append(("💶", tr(words["paid"])))
    elif order.prepaid_amount > 0:
        # Also shown on a cancelled order: a deposit there may have to be refunded.
        badges.append(("💶", tr(channel_messages.STATE_DEPOSIT, amount=tr.money(order.prepaid_amount))))
    elif not order.is_cancelled:
        badges.append(("💶", tr(words["unpaid"])))
    if order.is_invoiced:
        # Explains why Pay / Edit / Cancel are missing from the card.
        badges.append(("🧾", tr(words["invoiced"])))
    if order.complete_state == CompleteState.COMPLETE:
        badges.append(("✅", tr(words["complete"])))
    return badges


def order_state_badges(order: Order, *, short: bool = False, tr: Translator = ENGLISH) -> str:
    """Escaped mrkdwn badges, e.g. ``🚚 open · 💶 deposit €10.00 · ✅ complete``.

    ``short`` drops the emoji for list rows, where many of them side by side are noise.
    """
    parts = [word if short else f"{emoji} {word}" for emoji, word in _state_words(order, tr)]
    return text.escape(" · ".join(parts))


def order_summary_text(order: Order, tr: Translator = ENGLISH) -> str:
    """One escaped plain line for a message's ``text`` (notifications, screen readers)."""
    parts = [tr(messages.CARD_HEADER, number=_number(order))]
    if order.relation_name.strip():
        parts.append(text.literal(one_line(order.relation_name), SUMMARY_RELATION_MAX))
    parts.append(tr.money(order.total_incl_amount))
    parts.append(text.escape(", ".join(word for _, word in _state_words(order, tr))))
    return " · ".join(parts)


# ----------------------------------------------------------------------------- actions


def available_actions(order: Order, catalogue: Catalogue) -> list[ActionId]:
    """The card buttons that can apply to ``order``, in display order; Refresh is always there.

    Mirrors what Mplus would refuse anyway, so users are not offered a button that can only fail.
    """
    actions: list[ActionId] = []
    open_for_change = not order.is_cancelled and not order.is_invoiced
    # outstanding > 0 as well as "not fully paid": a zero-total or prepaid-in-full order has nothing to pay.
    if open_for_change and not order.fully_paid and order.outstanding_cents > 0:
        actions.append(ActionId.PAY)
    if not order.is_cancelled and not order.is_delivered:
        actions.append(ActionId.DELIVER)
    category = catalogue.category(order.order_category_number)
    # An unknown category allows cancel: Mplus still checks, and hiding it would strand the order.
    cancel_allowed = category is None or category.allow_cancel
    if open_for_change and not order.is_delivered and cancel_allowed:
        actions.append(ActionId.CANCEL)
    if open_for_change:
        actions.append(ActionId.EDIT)
    actions.append(ActionId.REFRESH)
    return actions


def card_buttons(order: Order, catalogue: Catalogue) -> list[ActionId]:
    """The buttons on the card: what can apply (``available_actions``), then More."""
    return [*available_actions(order, catalogue), ActionId.MORE]


_BUTTON_STYLE = {ActionId.PAY: "primary", ActionId.CANCEL: "danger"}


def _button(action: ActionId, value: str, number: str, tr: Translator = ENGLISH) -> ButtonElement:
    confirm = None
    if action is ActionId.CANCEL:
        # Cancelling cannot be undone in Mplus; one stray click must not do it.
        confirm = ConfirmObject(
            title=tr(messages.CANCEL_DIALOG_TITLE),
            text=tr(messages.CANCEL_DIALOG_TEXT, number=number),
            confirm=tr(messages.CANCEL_DIALOG_CONFIRM),
            deny=tr(messages.CANCEL_DIALOG_DENY),
            style="danger",
        )
    labels = messages.BUTTON_LABELS
    label = tr(labels[action.value], number=number) if action.value in labels else number
    shown = tr(messages.CARD_BUTTONS[action.value]) if action.value in messages.CARD_BUTTONS else action.value
    return ButtonElement(
        text=shown,
        action_id=action.value,
        value=value,
        style=_BUTTON_STYLE.get(action),
        confirm=confirm,
        accessibility_label=label[:75],
    )


def _actions_block(
    order: Order, catalogue: Catalogue, number: str, tr: Translator = ENGLISH
) -> ActionsBlock | None:
    try:
        value = OrderRef(order_id=order.order_id).encode()
    except ValidationError:
        # An id OrderRef cannot carry (empty or absurdly long) cannot be acted on from a button;
        # show the card without buttons rather than no card at all.
        return None
    buttons = [_button(action, value, number, tr) for action in card_buttons(order, catalogue)]
    return ActionsBlock(block_id=BLOCK_ORDER_ACTIONS, elements=buttons)


# -------------------------------------------------------------------------------- card


def _number(order: Order) -> str:
    return text.literal(one_line(order.number), NUMBER_MAX) or "?"


def _header_text(order: Order, tr: Translator = ENGLISH) -> str:
    # Plain text, but escaped all the same: the rule is one escaping path for every Mplus string.
    header = tr(messages.CARD_HEADER, number=_number(order))
    if order.relation_name.strip():
        header += " · " + text.literal(one_line(order.relation_name), max(HEADER_MAX - len(header) - 3, 10))
    return header[:HEADER_MAX]


def _relation(order: Order) -> str:
    name = safe_line(order.relation_name, RELATION_MAX) if order.relation_name.strip() else ""
    number = f"#{order.relation_number}" if order.relation_number is not None else ""
    if name and number:
        return f"{name} ({number})"
    return name or number or EMPTY


def _category_text(order: Order, catalogue: Catalogue) -> str | None:
    if order.order_category_number is None:
        return None
    category = catalogue.category(order.order_category_number)
    description = (category.description if category else "") or order.order_category_description or ""
    if description.strip():
        return safe_line(description, DESCRIPTION_MAX)
    return f"#{order.order_category_number}"


def _ids(values: list[str]) -> str:
    return ", ".join(text.literal(one_line(v), 40) for v in values[:5]) + (" …" if len(values) > 5 else "")


def money_line(order: Order, tr: Translator = ENGLISH) -> str:
    """Money and state in one glance, in words (emoji only decorate): what is open, paid, delivered.

    Words, amounts and dates in the reader's language (``tr``)."""
    money = tr.money
    total = money(order.total_incl_amount)
    parts: list[str] = []
    if order.is_cancelled:
        parts.append(tr(messages.CARD_CANCELLED, total=total))
        if order.prepaid_amount > 0:
            parts.append(tr(messages.CARD_CANCELLED_DEPOSIT, amount=money(order.prepaid_amount)))
    elif order.fully_paid:  # not "invoiced": an invoice on account is not paid
        parts.append(tr(messages.CARD_PAID, total=total))
    elif order.outstanding_cents <= 0:
        parts.append(
            tr(messages.CARD_PAID, total=total)
            if order.prepaid_amount
            else tr(messages.CARD_NOTHING_TO_PAY, total=total)
        )
    elif order.prepaid_amount > 0:
        parts.append(tr(messages.CARD_OPEN_OF, open=money(order.outstanding_cents), total=total))
        parts.append(tr(messages.CARD_DEPOSIT, amount=money(order.prepaid_amount)))
    else:
        parts.append(tr(messages.CARD_OPEN, open=total))
    if not order.is_cancelled:
        if order.is_delivered:
            delivered = tr(messages.CARD_DELIVERED)
        elif order.delivery_state == DeliveryState.PARTIAL:
            delivered = tr(messages.CARD_PARTLY_DELIVERED)
        else:
            delivered = tr(messages.CARD_NOT_DELIVERED)
        if order.packing_slip_ids:
            delivered += " (" + tr(messages.CARD_PACKING_SLIP, numbers=_ids(order.packing_slip_ids)) + ")"
        parts.append(delivered)
    if order.invoice_ids:
        parts.append(tr(messages.CARD_INVOICE, numbers=_ids(order.invoice_ids)))
    if order.complete_state == CompleteState.COMPLETE:
        parts.append(tr(messages.CARD_COMPLETE))
    return " · ".join(parts)


def _secondary(order: Order, catalogue: Catalogue, tr: Translator = ENGLISH) -> list[str]:
    """Facts that matter less often, for the small context line under the lines."""
    found: list[str] = []
    if order.relation_number is not None:
        found.append(tr(messages.CARD_RELATION, number=order.relation_number))
    if order.ext_order_id.strip():
        found.append(tr(messages.CARD_EXT_ID, id=safe_line(order.ext_order_id, EXT_ID_MAX)))
    order_string = one_line(order.order_string)
    if order_string and order_string != one_line(order.number):
        found.append(text.literal(order_string, ORDER_STRING_MAX))
    if order.delivery_method:
        method = catalogue.delivery_description(order.delivery_method) or order.delivery_method
        found.append(safe_line(method, DESCRIPTION_MAX))
    if order.delivery_date is not None:
        found.append(tr(messages.CARD_DELIVERY_ON, date=tr.date(order.delivery_date)))
    if category := _category_text(order, catalogue):
        found.append(category)
    if order.reference.strip():
        found.append(tr(messages.CARD_REFERENCE, reference=safe_line(order.reference, REFERENCE_MAX)))
    if order.financial_date is not None:
        found.append(tr(messages.CARD_FINANCIAL_DATE, date=tr.date(order.financial_date)))
    return found


def _line_row(line: OrderLine, tr: Translator = ENGLISH) -> str:
    label = (
        safe_line(line.text, LINE_TEXT_MAX)
        if line.text.strip()
        else tr(messages.CARD_ARTICLE, number=line.article_number)
    )
    # No thousands separator either way (as the order form reads it back); only the decimal mark.
    quantity = format_quantity(line.quantity)
    if tr.language != "nl":
        quantity = quantity.replace(",", ".")
    return (
        f"{quantity} × {label} · {tr.money(line.price)}"
        f" = *{tr.money(line.total_incl_amount)}*"
    )


def _context(block_id: str, mrkdwn: str) -> ContextBlock:
    return ContextBlock(block_id=block_id, elements=[MarkdownTextObject(text=mrkdwn[:FIELD_TEXT_MAX])])


def order_card(
    order: Order,
    catalogue: Catalogue,
    *,
    with_actions: bool = True,
    event: OrderEvent | None = None,
    as_of: datetime | None = None,
    tr: Translator = ENGLISH,
) -> list[dict]:
    """The order card: latest event, number and customer, money and state, lines, details, buttons.

    ``event`` puts the latest change (who, what, when) on the top line; ``as_of`` marks a copy only
    one person sees and that cannot be kept current (ephemeral). At most about a dozen blocks and
    well under 12k characters of text for any order: lines beyond ``CARD_LINES_MAX`` (or the text
    budget) are summarised as "… and N more lines".
    """
    blocks: list[Block] = []
    if event is not None:
        blocks.append(_context(BLOCK_ORDER_EVENT, event_line(event, order, tr)))
    header = PlainTextObject(text=_header_text(order, tr), emoji=True)
    blocks.append(HeaderBlock(block_id=BLOCK_ORDER_HEADER, text=header))
    blocks.append(
        SectionBlock(block_id=BLOCK_ORDER_STATE, text=MarkdownTextObject(text=money_line(order, tr)))
    )
    if order.lines:
        packed = pack_rows(
            [_line_row(line, tr) for line in order.lines],
            block_id=BLOCK_ORDER_LINES,
            max_rows=CARD_LINES_MAX,
            budget=CARD_LINES_BUDGET,
            more=tr(messages.CARD_MORE_LINES),
        )
        blocks.extend(packed.sections)
    else:
        no_lines = MarkdownTextObject(text=tr(messages.CARD_NO_LINES))
        blocks.append(SectionBlock(block_id=BLOCK_ORDER_LINES, text=no_lines))
    meta = " · ".join(_secondary(order, catalogue, tr))
    if as_of is not None:
        meta = f"{meta}\n{as_of_line(as_of, tr)}" if meta else as_of_line(as_of, tr)
    if meta:
        blocks.append(_context(BLOCK_ORDER_META, meta))
    if with_actions and (actions := _actions_block(order, catalogue, _number(order), tr)):
        blocks.append(actions)
    return finish(blocks)


def order_details(order: Order, catalogue: Catalogue, tr: Translator = ENGLISH) -> list[dict]:
    """Everything the card keeps small, behind its More button: ids and secondary fields."""
    label = {key: tr(words) for key, words in messages.DETAIL_LABELS.items()}
    fields = [
        _field(label["relation"], _relation(order)),
        _field(label["order_id"], safe_line(order.order_id, 64)),
    ]
    if order.ext_order_id.strip():
        fields.append(_field(label["ext_id"], safe_line(order.ext_order_id, EXT_ID_MAX)))
    if order.financial_date is not None:
        fields.append(_field(label["financial_date"], tr.date(order.financial_date)))
    if order.delivery_date is not None:
        fields.append(_field(label["delivery_date"], tr.date(order.delivery_date)))
    if order.delivery_method:
        method = catalogue.delivery_description(order.delivery_method) or order.delivery_method
        fields.append(_field(label["delivery_method"], safe_line(method, DESCRIPTION_MAX)))
    if category := _category_text(order, catalogue):
        fields.append(_field(label["category"], category))
    if order.packing_slip_ids:
        fields.append(_field(label["packing_slip"], _ids(order.packing_slip_ids)))
    if order.invoice_ids:
        fields.append(_field(label["invoice"], _ids(order.invoice_ids)))
    if order.reference.strip():
        fields.append(_field(label["reference"], text.literal(order.reference.strip(), REFERENCE_MAX)))
    header = PlainTextObject(text=_header_text(order, tr), emoji=True)
    blocks: list[Block] = [
        HeaderBlock(block_id=BLOCK_ORDER_HEADER, text=header),
        SectionBlock(block_id=BLOCK_ORDER_DETAILS, fields=fields[:SECTION_FIELDS_MAX]),
        SectionBlock(block_id=BLOCK_ORDER_STATE, text=MarkdownTextObject(text=money_line(order, tr))),
    ]
    return finish(blocks)


def _field(label: str, value: str) -> MarkdownTextObject:
    # ``value`` is already escaped; labels are ours. The cap is a guard, values are capped far lower.
    return MarkdownTextObject(text=f"*{label}*\n{value}"[:FIELD_TEXT_MAX])
