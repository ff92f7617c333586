"""Find results: several orders (each with Show), customers without orders, or nothing found.

Rows come from the mirror (``MirrorOrder``/``MirrorRelation``); a Show button opens the order as
Mplus has it now. One section per row, so each can carry its own button: at most ``FIND_ROWS``
rows keeps a message far below Slack's 50 blocks.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.mirror.models import MirrorOrder, MirrorRelation
from bot.slack import screen_messages as say
from bot.slack.i18n import ENGLISH, Translator
from bot.slack.ids import ActionId, ListRowRef, RelationRef
from bot.slack.views._common import HEADER_MAX, finish, safe_line

BLOCK_FIND_HEADER = "find_header"
BLOCK_FIND_COUNT = "find_count"
BLOCK_FIND_ROW = "find_row"  # find_row_0, find_row_1, …
BLOCK_FIND_NOTE = "find_note"
FIND_ROWS = 20
QUERY_MAX = 80
NAME_MAX = 60
FIELD_MAX = 60


def _header(title: str) -> HeaderBlock:
    return HeaderBlock(block_id=BLOCK_FIND_HEADER, text=PlainTextObject(text=safe_line(title, HEADER_MAX)))


def _quoted(query: str) -> str:
    return f"“{safe_line(query, QUERY_MAX)}”"


def _note(text: str) -> ContextBlock:
    return ContextBlock(block_id=BLOCK_FIND_NOTE, elements=[MarkdownTextObject(text=text)])


def order_count(n: int, tr: Translator = ENGLISH) -> str:
    return tr(say.ORDERS_ONE) if n == 1 else tr(say.ORDERS_MANY, n=tr.number(n))


def mirror_order_state(order: MirrorOrder, tr: Translator = ENGLISH) -> str:
    """Short state words for a row: cancelled / complete / open, delivered, paid or what is due."""
    if order.is_cancelled:
        return tr(say.STATE_CANCELLED)
    words = [tr(say.STATE_OPEN) if order.is_open else tr(say.STATE_COMPLETE)]
    if order.is_delivered:
        words.append(tr(say.STATE_DELIVERED))
    if order.fully_paid:
        words.append(tr(say.STATE_PAID))
    elif order.outstanding_cents > 0:
        words.append(tr(say.STATE_DUE, amount=tr.money(order.outstanding_cents)))
    return ", ".join(words)


def order_row(order: MirrorOrder, tr: Translator = ENGLISH) -> str:
    """One escaped mrkdwn line: ``*2026-42* · ext · name · date · € total · state``."""
    parts = [f"*{safe_line(order.label, 40)}*"]
    if order.ext_order_id.strip():
        parts.append(safe_line(order.ext_order_id, 30))
    parts.append(safe_line(order.relation_name, NAME_MAX))
    if order.financial_date:
        parts.append(tr.date(order.financial_date))
    parts.append(tr.money(order.total_cents))
    parts.append(mirror_order_state(order, tr))
    row = " · ".join(parts)
    return f"~{row}~" if order.is_cancelled else row


def relation_row(relation: MirrorRelation) -> str:
    parts = [f"*{safe_line(relation.name, NAME_MAX)}* (#{relation.relation_number})"]
    for value in (relation.company_name, relation.city, relation.zipcode, relation.email):
        if value and value.strip() and value != relation.name:
            parts.append(safe_line(value, FIELD_MAX))
    phone = relation.telephone or relation.mobile
    if phone:
        parts.append(safe_line(phone, 30))
    return " · ".join(parts)


def order_results(
    orders: Sequence[MirrorOrder],
    query: str,
    *,
    more: bool = False,
    incomplete: bool = False,
    tr: Translator = ENGLISH,
) -> list[dict]:
    """Several orders found: open first, then newest (the caller's order), each with Show."""
    blocks: list[Block] = [_header(tr(say.FIND_ORDERS_HEADER, query=query))]
    count = order_count(len(orders), tr)
    if more:
        count = tr(say.FIND_SHOWING_FIRST, count=count)
    blocks.append(ContextBlock(block_id=BLOCK_FIND_COUNT, elements=[MarkdownTextObject(text=count)]))
    for i, order in enumerate(orders[:FIND_ROWS]):
        # The same Show as list rows: one handler shows the order's card as Mplus has it now.
        show = ButtonElement(
            text=tr(say.SHOW),
            action_id=ActionId.LIST_SHOW.value,
            value=ListRowRef(order_id=order.order_id).encode(),
        )
        blocks.append(
            SectionBlock(
                block_id=f"{BLOCK_FIND_ROW}_{i}",
                text=MarkdownTextObject(text=order_row(order, tr)),
                accessory=show,
            )
        )
    if incomplete:
        blocks.append(_note(tr(say.MIRROR_FILLING)))
    return finish(blocks)


def customer_results(
    relations: Sequence[MirrorRelation],
    query: str,
    *,
    more: bool = False,
    incomplete: bool = False,
    tr: Translator = ENGLISH,
) -> list[dict]:
    """Customers found but no orders: say so, and offer a new order for each."""
    blocks: list[Block] = [_header(tr(say.FIND_CUSTOMERS_HEADER, query=query))]
    n = len(relations)
    summary = tr(say.FIND_CUSTOMERS_ONE) if n == 1 else tr(say.FIND_CUSTOMERS_MANY, n=tr.number(n))
    if more:
        summary += " " + tr(say.FIND_CUSTOMERS_MORE)
    blocks.append(ContextBlock(block_id=BLOCK_FIND_COUNT, elements=[MarkdownTextObject(text=summary)]))
    for i, relation in enumerate(relations[:FIND_ROWS]):
        ref = RelationRef(
            relation_number=relation.relation_number, name=" ".join(relation.name.split())[:120]
        )
        button = ButtonElement(
            text=tr(say.NEW_ORDER_FOR_CUSTOMER), action_id=ActionId.NEW_ORDER_FOR.value, value=ref.encode()
        )
        blocks.append(
            SectionBlock(
                block_id=f"{BLOCK_FIND_ROW}_{i}",
                text=MarkdownTextObject(text=relation_row(relation)),
                accessory=button,
            )
        )
    if incomplete:
        blocks.append(_note(tr(say.MIRROR_FILLING)))
    return finish(blocks)


def nothing_found(
    query: str, searched: Sequence[str], *, incomplete: bool = False, tr: Translator = ENGLISH
) -> list[dict]:
    """Nothing: say exactly what was looked for, so the person knows what to try instead."""
    where = "; ".join(tr.said(s) for s in searched) or tr(say.SEARCHED_EVERYTHING)
    text = tr(say.NOTHING_FOUND, query=_quoted(query), where=safe_line(where, 400))
    blocks: list[Block] = [SectionBlock(block_id=BLOCK_FIND_ROW, text=MarkdownTextObject(text=text))]
    if incomplete:
        blocks.append(_note(tr(say.MIRROR_FILLING)))
    return finish(blocks)


def nothing_found_text(query: str, tr: Translator = ENGLISH) -> str:
    return tr(say.NOTHING_FOUND_TEXT, query=_quoted(query))
