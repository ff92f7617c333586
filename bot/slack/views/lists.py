"""Lists: orders (paged, with a Next button), delivery methods and order categories.

Rows are compact one-line mrkdwn, about ten to a section block, so a page needs only a handful of
blocks whatever the number of results; the caller passes the full result and the page to show.
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
    PlainTextObject,
    SectionBlock,
)

from bot.mplus.models import DeliveryMethod, Order, OrderCategory
from bot.slack import text
from bot.slack.ids import ActionId, ListPage
from bot.slack.views._common import EMPTY, HEADER_MAX, finish, money, one_line, pack_rows, plural, safe_line
from bot.slack.views.order import order_state_badges

BLOCK_LIST_HEADER = "list_header"
BLOCK_LIST_COUNT = "list_count"
BLOCK_LIST_ROWS = "list_rows"  # further sections: "list_rows_2", …
BLOCK_LIST_POSITION = "list_position"
BLOCK_LIST_ACTIONS = "list_actions"
BLOCK_METHODS = "delivery_methods"
BLOCK_CATEGORIES = "categories"

# A page larger than this would only be cut by the text budget anyway; clamping keeps "Next N" honest.
MAX_PAGE_SIZE = 50
LIST_BUDGET = 8000
"""Characters of row text per message; leaves room for header, counts and button under 12k."""
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


def _order_row(order: Order) -> str:
    parts = [f"*{safe_line(order.number, LIST_NUMBER_MAX)}*"]
    if order.ext_order_id.strip():
        parts.append(safe_line(order.ext_order_id, LIST_EXT_ID_MAX))
    parts.append(safe_line(order.relation_name, LIST_RELATION_MAX))
    parts.append(money(order.total_incl_amount))
    parts.append(order_state_badges(order, short=True))
    row = " · ".join(parts)
    # Struck through so a cancelled order is not mistaken for live work at a glance.
    return f"~{row}~" if order.is_cancelled else row


def order_list(orders: Sequence[Order], page: ListPage, *, title: str, page_size: int = 20) -> list[dict]:
    """``page_size`` orders of ``orders`` from ``page.offset``, with a Next button when more remain.

    ``title`` is plain text (escaped here), e.g. "Orders today". Holds for any number of orders: at
    most a header, a count, a few row sections, a position line and one button.
    """
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    total = len(orders)
    blocks: list[Block] = [_header(title)]
    if total == 0:
        blocks.append(
            SectionBlock(
                block_id=BLOCK_LIST_ROWS,
                text=MarkdownTextObject(text=f"No orders found for *{safe_line(title, 200)}*."),
            )
        )
        return finish(blocks)

    blocks.append(
        ContextBlock(block_id=BLOCK_LIST_COUNT, elements=[MarkdownTextObject(text=plural(total, "order"))])
    )
    offset = page.offset
    if offset >= total:
        # A stale Next button: the result shrank since the previous page was shown.
        blocks.append(
            SectionBlock(
                block_id=BLOCK_LIST_ROWS,
                text=MarkdownTextObject(text="No more orders on this page — run the command again."),
            )
        )
        return finish(blocks)

    packed = pack_rows(
        [_order_row(order) for order in orders[offset : offset + page_size]],
        block_id=BLOCK_LIST_ROWS,
        max_rows=page_size,
        budget=LIST_BUDGET,
    )
    blocks.extend(packed.sections)
    # The text budget may have cut the page short; the next page starts after what was really shown.
    next_offset = offset + packed.shown
    remaining = total - next_offset
    if offset > 0 or remaining > 0:
        position = f"Showing {offset + 1:,}–{next_offset:,} of {total:,}".replace(",", ".")
        blocks.append(
            ContextBlock(block_id=BLOCK_LIST_POSITION, elements=[MarkdownTextObject(text=position)])
        )
    if remaining > 0:
        next_page = page.model_copy(update={"offset": next_offset})
        button = ButtonElement(
            text=f"Next {min(page_size, remaining)}",
            action_id=ActionId.LIST_NEXT.value,
            value=next_page.encode(),
        )
        blocks.append(ActionsBlock(block_id=BLOCK_LIST_ACTIONS, elements=[button]))
    return finish(blocks)


def _catalogue_view(title: str, block_id: str, rows: list[str], empty: str) -> list[dict]:
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
        more="… and {n} more",
    )
    blocks.extend(packed.sections)
    return finish(blocks)


def delivery_methods_view(methods: Sequence[DeliveryMethod]) -> list[dict]:
    """Delivery methods as "*description* — code `X`", disabled ones marked."""
    rows = []
    for method in methods:
        row = (
            f"*{safe_line(method.description or method.code, CATALOGUE_DESCRIPTION_MAX)}*"
            f" — code {safe_line(method.code, CATALOGUE_CODE_MAX)}"
        )
        rows.append(row if method.enabled else f"{row} _(disabled)_")
    return _catalogue_view(
        "Delivery methods", BLOCK_METHODS, rows, "No delivery methods are set up in Mplus."
    )


def categories_view(categories: Sequence[OrderCategory]) -> list[dict]:
    """Order categories as "*description* — number N", with what they do not allow."""
    rows = []
    for category in categories:
        description = one_line(category.description)
        row = (
            f"*{text.safe(description, CATALOGUE_DESCRIPTION_MAX) if description else EMPTY}*"
            f" — number {category.number}"
        )
        limits = [
            word
            for word, allowed in (("cancel", category.allow_cancel), ("process", category.allow_process))
            if not allowed
        ]
        rows.append(f"{row} _(no {' or '.join(limits)})_" if limits else row)
    return _catalogue_view(
        "Order categories", BLOCK_CATEGORIES, rows, "No order categories are set up in Mplus."
    )
