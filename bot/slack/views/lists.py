"""Lists: orders from the mirror (keyset pages, a Show button per row), delivery methods, categories.

Order rows are one compact mrkdwn line each, every row its own section so it can carry its Show button;
a page is at most ``MAX_PAGE_SIZE`` rows, which keeps it under Slack's 50 blocks.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    Option,
    OverflowMenuElement,
    PlainTextObject,
    SectionBlock,
)

from bot.mirror.models import MirrorOrder, OrderPage
from bot.mplus.models import DeliveryMethod, OrderCategory
from bot.slack import screen_messages as say
from bot.slack import text
from bot.slack.i18n import ENGLISH, Translator
from bot.slack.ids import ActionId, ListRowRef, OrderListQuery
from bot.slack.views._common import EMPTY, HEADER_MAX, finish, one_line, pack_rows, safe_line

BLOCK_LIST_HEADER = "list_header"
BLOCK_LIST_COUNT = "list_count"
BLOCK_LIST_ROWS = "list_rows"  # further sections: "list_rows_2", …
BLOCK_LIST_ACTIONS = "list_actions"
BLOCK_METHODS = "delivery_methods"
BLOCK_CATEGORIES = "categories"

LIST_NUMBER_MAX = 40
LIST_EXT_ID_MAX = 30
LIST_RELATION_MAX = 40
CATALOGUE_ROWS_MAX = 150
CATALOGUE_BUDGET = 9000
CATALOGUE_DESCRIPTION_MAX = 80
CATALOGUE_CODE_MAX = 40


def _header(title: str) -> HeaderBlock:
    return HeaderBlock(
        block_id=BLOCK_LIST_HEADER, text=PlainTextObject(text=safe_line(title, HEADER_MAX), emoji=True)
    )


# Two blocks per row at most (text, then Show + menu), so 20 rows stay under Slack's 50 blocks.
MAX_PAGE_SIZE = 20


def mirror_state_words(order: MirrorOrder, tr: Translator = ENGLISH) -> list[str]:
    """Plain words for a mirrored order's state: what staff scan a list for."""
    if order.is_cancelled:
        return [tr(say.STATE_CANCELLED)]
    words = []
    if order.complete_state == "ORDER-COMPLETE-STATE-COMPLETE":
        words.append(tr(say.STATE_COMPLETE))
    else:
        words.append(tr(say.STATE_DELIVERED) if order.is_delivered else tr(say.STATE_NOT_DELIVERED))
        if order.fully_paid or (order.outstanding_cents <= 0 < order.total_cents):
            words.append(tr(say.STATE_PAID))
        elif order.outstanding_cents > 0:
            words.append(tr(say.STATE_TO_PAY, amount=tr.money(order.outstanding_cents)))
    return words


def _mirror_row(order: MirrorOrder, tr: Translator) -> str:
    parts = [f"*{safe_line(order.label, LIST_NUMBER_MAX)}*"]
    if order.financial_date is not None:
        parts.append(tr.date(order.financial_date))
    if order.ext_order_id.strip():
        parts.append(safe_line(order.ext_order_id, LIST_EXT_ID_MAX))
    parts.append(safe_line(order.relation_name, LIST_RELATION_MAX))
    parts.append(tr.money(order.total_cents))
    parts.append(text.escape(", ".join(mirror_state_words(order, tr))))
    row = " · ".join(parts)
    # Struck through so a cancelled order is not mistaken for live work at a glance.
    return f"~{row}~" if order.is_cancelled else row


def row_actions(order: MirrorOrder, *, may_pay: bool, may_deliver: bool) -> list[str]:
    """The overflow entries a row offers; the card's stale-check against Mplus still decides."""
    actions = []
    if may_pay and not order.is_cancelled and not order.fully_paid and order.outstanding_cents > 0:
        actions.append("pay")
    if may_deliver and not order.is_cancelled and not order.is_delivered:
        actions.append("deliver")
    return actions


def _row_blocks(order: MirrorOrder, index: int, actions: Sequence[str], tr: Translator) -> list[Block]:
    show = ButtonElement(
        text=tr(say.SHOW),
        action_id=ActionId.LIST_SHOW.value,
        value=ListRowRef(order_id=order.order_id).encode(),
    )
    row = MarkdownTextObject(text=_mirror_row(order, tr))
    if not actions:
        return [SectionBlock(block_id=f"{BLOCK_LIST_ROWS}_{index}", text=row, accessory=show)]
    menu = OverflowMenuElement(
        action_id=ActionId.LIST_ROW_MENU.value,
        options=[
            Option(text=tr(say.ROW_MENU[a]), value=ListRowRef(order_id=order.order_id, action=a).encode())
            for a in actions
        ],
    )
    return [
        SectionBlock(block_id=f"{BLOCK_LIST_ROWS}_{index}", text=row),
        ActionsBlock(block_id=f"{BLOCK_LIST_ROWS}_{index}_actions", elements=[show, menu]),
    ]


def mirror_order_list(
    page: OrderPage,
    query: OrderListQuery,
    *,
    title: str,
    may_pay: bool = False,
    may_deliver: bool = False,
    as_of: str | None = None,
    tr: Translator = ENGLISH,
) -> list[dict]:
    """One keyset page from the mirror: a row per order with a Show button (and a Pay/Deliver menu
    where the person may), then Previous / Next. ``query`` is the list without a position; the buttons
    carry it with the page's cursors. ``as_of`` says how current the mirror is."""
    blocks: list[Block] = [_header(title)]
    if not page.orders:
        empty = tr(say.LIST_NO_MORE) if query.cursor_id else tr(say.LIST_NONE, title=safe_line(title, 200))
        blocks.append(SectionBlock(block_id=BLOCK_LIST_ROWS, text=MarkdownTextObject(text=empty)))
        return finish(blocks)
    if as_of:
        blocks.append(
            ContextBlock(block_id=BLOCK_LIST_COUNT, elements=[MarkdownTextObject(text=text.escape(as_of))])
        )
    for i, order in enumerate(page.orders[:MAX_PAGE_SIZE]):
        actions = row_actions(order, may_pay=may_pay, may_deliver=may_deliver)
        blocks.extend(_row_blocks(order, i, actions, tr))
    buttons = []
    if page.previous is not None:
        cursor = page.previous
        value = query.model_copy(update={"cursor_year": cursor.year, "cursor_number": cursor.number,
                                         "cursor_id": cursor.id, "before": True})
        buttons.append(ButtonElement(text=tr(say.PREVIOUS), action_id=ActionId.LIST_PREVIOUS.value,
                                     value=value.encode()))
    if page.next is not None:
        cursor = page.next
        value = query.model_copy(update={"cursor_year": cursor.year, "cursor_number": cursor.number,
                                         "cursor_id": cursor.id, "before": False})
        buttons.append(
            ButtonElement(text=tr(say.NEXT), action_id=ActionId.LIST_NEXT.value, value=value.encode())
        )
    if buttons:
        blocks.append(ActionsBlock(block_id=BLOCK_LIST_ACTIONS, elements=buttons))
    return finish(blocks)


def _catalogue_view(title: str, block_id: str, rows: list[str], empty: str, tr: Translator) -> list[dict]:
    blocks: list[Block] = [_header(title)]
    if not rows:
        blocks.append(SectionBlock(block_id=block_id, text=MarkdownTextObject(text=empty)))
        return finish(blocks)
    packed = pack_rows(
        rows,
        block_id=block_id,
        max_rows=CATALOGUE_ROWS_MAX,
        budget=CATALOGUE_BUDGET,
        rows_per_section=20,
        more=tr(say.CATALOGUE_MORE, n="{n}"),
    )
    blocks.extend(packed.sections)
    return finish(blocks)


def delivery_methods_view(methods: Sequence[DeliveryMethod], tr: Translator = ENGLISH) -> list[dict]:
    """Delivery methods as "*description* — code `X`", disabled ones marked (Mplus's words as given)."""
    rows = []
    for method in methods:
        row = tr(
            say.METHOD_ROW,
            description=safe_line(method.description or method.code, CATALOGUE_DESCRIPTION_MAX),
            code=safe_line(method.code, CATALOGUE_CODE_MAX),
        )
        rows.append(row if method.enabled else f"{row} _{tr(say.METHOD_DISABLED)}_")
    return _catalogue_view(tr(say.METHODS_TITLE), BLOCK_METHODS, rows, tr(say.METHODS_NONE), tr)


def categories_view(categories: Sequence[OrderCategory], tr: Translator = ENGLISH) -> list[dict]:
    """Order categories as "*description* — number N", with what they do not allow."""
    rows = []
    for category in categories:
        description = one_line(category.description)
        row = tr(
            say.CATEGORY_ROW,
            description=text.safe(description, CATALOGUE_DESCRIPTION_MAX) if description else EMPTY,
            number=category.number,
        )
        limits = {
            (False, False): say.CATEGORY_NO_CANCEL_OR_PROCESS,
            (False, True): say.CATEGORY_NO_CANCEL,
            (True, False): say.CATEGORY_NO_PROCESS,
        }.get((category.allow_cancel, category.allow_process))
        rows.append(f"{row} _{tr(limits)}_" if limits else row)
    return _catalogue_view(tr(say.CATEGORIES_TITLE), BLOCK_CATEGORIES, rows, tr(say.CATEGORIES_NONE), tr)
