"""What happened to an order, said on its card's top line and in the note under it.

One ``OrderEvent`` per change, whoever made it: a person through Orderbot (``user_id`` set) or
someone in Mplus (the notifier saw it; ``user_id`` None). Times are Slack date tokens, so each
reader sees their own time zone, with the shop's time as the fallback text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, SectionBlock

from bot.mplus.models import MPLUS_TZ, Order
from bot.orders.price_check import PriceNote
from bot.slack import messages, text
from bot.slack.i18n import ENGLISH, Translator
from bot.slack.ids import ActionId, OrderRef
from bot.slack.views._common import finish, one_line

EventKind = Literal["created", "new", "deposit", "paid", "delivered", "cancelled", "edited", "changed"]
BLOCK_NOTE = "notifier_note"
BLOCK_NOTE_ACTIONS = "note_actions"
NUMBER_MAX = 40
CUSTOMER_MAX = 80
ID_MAX = 40
NOTE_MAX = 2900
NAME_MAX = 80
"""An article's name in a price note; the note itself is cut at NOTE_MAX."""


class OrderEvent(BaseModel):
    """One change to an order; ``also`` are further kinds seen in the same change."""

    model_config = ConfigDict(frozen=True)

    kind: EventKind
    at: datetime
    user_id: str | None = None
    amount_cents: int | None = None
    old_total_cents: int | None = None
    packing_slip_id: str | None = None
    invoice_id: str | None = None
    also: tuple[EventKind, ...] = ()
    price_notes: tuple[PriceNote, ...] = ()
    """Typed prices that differ from the catalogue, said per reader by ``price_note_text``."""


def event_of_action(action: str, user_id: str, at: datetime, details: dict[str, Any]) -> OrderEvent:
    """The event of a change made through Orderbot (``details``: the confirmation's params and result)."""
    kind: EventKind
    if action == "pay":
        kind = "deposit" if details.get("prepay") else "paid"
    else:
        kind = {"deliver": "delivered", "cancel": "cancelled", "edit": "edited", "create": "created"}.get(
            action, "changed"
        )  # type: ignore[assignment]
    amount = details.get("amount_cents")
    return OrderEvent(
        kind=kind,
        at=at,
        user_id=user_id,
        amount_cents=int(amount) if amount is not None else None,
        old_total_cents=details.get("old_total_cents"),
        packing_slip_id=details.get("packing_slip_id") or None,
        invoice_id=details.get("invoice_id") or None,
        price_notes=tuple(details.get("price_notes") or ()),
    )


def price_note_text(note: PriceNote, tr: Translator = ENGLISH) -> str:
    """"Line 1 (Koffiemolen): € 12,50 instead of € 24,95", in the reader's words and money; escaped."""
    name = " ".join(note.description.split())
    # Cut before escaping (text.safe), so an entity is never cut in half.
    name = text.safe(name, NAME_MAX) if name else tr(messages.PRICE_NOTE_ARTICLE, number=note.article_number)
    return tr(
        messages.PRICE_NOTE,
        position=note.position,
        name=name,
        typed=tr.money(note.typed_cents),
        catalogue=tr.money(note.catalogue_cents),
    )


def slack_date(at: datetime, token: str = "{date_short_pretty} {time}") -> str:
    """``<!date^…^…|fallback>``: Slack shows it in the reader's own time zone."""
    local = at.astimezone(MPLUS_TZ)
    fallback = f"{local.day:02d}-{local.month:02d}-{local.year:04d} {local:%H:%M}"
    return f"<!date^{int(at.timestamp())}^{token}|{fallback}>"


def _who(event: OrderEvent) -> str:
    return f"<@{text.safe(event.user_id, ID_MAX)}>" if event.user_id else "Mplus"


def _left(order: Order, tr: Translator = ENGLISH) -> str:
    if order.is_cancelled:
        return tr(messages.LEFT_NOTHING)
    if order.fully_paid:
        return tr(messages.LEFT_PAID)
    if order.outstanding_cents <= 0:
        return tr(messages.LEFT_PAID) if order.prepaid_amount else tr(messages.LEFT_NOTHING)
    return tr(messages.LEFT_OPEN, amount=tr.money(order.outstanding_cents))


def _amount(event: OrderEvent, order: Order, tr: Translator = ENGLISH) -> str:
    if event.amount_cents is not None:
        return tr.money(event.amount_cents)
    return tr.money(order.prepaid_amount if event.kind == "deposit" else order.total_incl_amount)


def note_text(order: Order, event: OrderEvent, tr: Translator = ENGLISH) -> str:
    """One mrkdwn line naming the order, the customer, who, what and what is left (words in the
    reader's language, amounts written the reader's way, like the card)."""
    money = tr.money
    templates = messages.NOTE_BY_USER if event.user_id else messages.NOTE_IN_MPLUS
    template = tr(templates.get(event.kind) or messages.NOTE_IN_MPLUS["changed"])
    line = template.format(
        who=_who(event),
        amount=_amount(event, order, tr),
        number=text.literal(one_line(order.number), NUMBER_MAX) or "?",
        customer=text.literal(one_line(order.relation_name), CUSTOMER_MAX) or "—",
        left=_left(order, tr),
    )
    if event.kind == "cancelled" and order.prepaid_amount > 0:
        line += tr(messages.NOTE_DEPOSIT_TO_REFUND, amount=money(order.prepaid_amount))
    if event.old_total_cents is not None and event.old_total_cents != order.total_incl_amount:
        old, new = money(event.old_total_cents), money(order.total_incl_amount)
        line += tr(messages.NOTE_TOTAL_CHANGED, old=old, new=new)
    if event.packing_slip_id:
        line += tr(messages.NOTE_PACKING_SLIP, number=text.literal(event.packing_slip_id, ID_MAX))
    if event.invoice_id:
        line += tr(messages.NOTE_INVOICE, number=text.literal(event.invoice_id, ID_MAX))
    also = [tr(messages.EVENT_WORD[k]) for k in event.also if k != event.kind]
    if also:
        line += tr(messages.NOTE_ALSO, what=", ".join(also))
    if event.price_notes:
        listed = "; ".join(one_line(price_note_text(note, tr)) for note in event.price_notes[:10])
        line += "\n" + tr(messages.NOTE_PRICES_OFF_CATALOGUE, notes=listed)
    return line[:NOTE_MAX]


def event_line(event: OrderEvent, order: Order, tr: Translator = ENGLISH) -> str:
    """The card's top line: the latest event, who and when."""
    kind = messages.EVENT_WHAT.get(event.kind, messages.EVENT_WHAT["changed"])
    what = tr(kind, amount=_amount(event, order, tr))
    template = messages.EVENT_BY_USER if event.user_id else messages.EVENT_IN_MPLUS
    return tr(template, what=what, who=_who(event), when=slack_date(event.at))


def as_of_line(at: datetime, tr: Translator = ENGLISH) -> str:
    return tr(messages.AS_OF, when=slack_date(at, "{time}"))


def show_button(order: Order, tr: Translator = ENGLISH) -> ButtonElement | None:
    try:
        value = OrderRef(order_id=order.order_id).encode()
    except ValueError:
        return None
    number = text.literal(one_line(order.number), NUMBER_MAX) or "?"
    return ButtonElement(
        text=tr(messages.SHOW_BUTTON),
        action_id=ActionId.SHOW.value,
        value=value,
        accessibility_label=tr(messages.SHOW_BUTTON_LABEL, number=number)[:75],
    )


def note_message(
    order: Order, event: OrderEvent, *, with_show: bool = False, tr: Translator = ENGLISH
) -> dict[str, Any]:
    """The note: threaded under a card, or (``with_show``) on its own with a Show button."""
    line = note_text(order, event, tr)
    blocks: list[Block] = [SectionBlock(block_id=BLOCK_NOTE, text=line)]
    if with_show and (button := show_button(order, tr)):
        blocks.append(ActionsBlock(block_id=BLOCK_NOTE_ACTIONS, elements=[button]))
    return {"text": line, "blocks": finish(blocks)}
