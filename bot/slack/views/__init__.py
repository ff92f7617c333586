"""Block Kit views: Mplus models in, Slack blocks (``list[dict]``) out.

Pure functions, no I/O. Every string from Mplus or a user is escaped with ``bot.slack.text.safe``, and
every view stays inside Slack's limits (≤ 50 blocks, section text ≤ 3000, header ≤ 150, < 12k
characters of text) for any input. Split into modules by kind of view; import from here.
"""

from bot.slack.views._common import MAX_MESSAGE_BLOCKS, format_date
from bot.slack.views.events import OrderEvent, event_of_action, note_message, price_note_text
from bot.slack.views.lists import (
    BLOCK_CATEGORIES,
    BLOCK_LIST_ACTIONS,
    BLOCK_LIST_COUNT,
    BLOCK_LIST_HEADER,
    BLOCK_LIST_ROWS,
    BLOCK_METHODS,
    MAX_PAGE_SIZE,
    categories_view,
    delivery_methods_view,
    mirror_order_list,
)
from bot.slack.views.messages import (
    BLOCK_ERROR,
    BLOCK_ERROR_ID,
    BLOCK_HELP,
    BLOCK_NOTICE,
    HelpEntry,
    error_view,
    help_topic_view,
    help_view,
    notice_view,
)
from bot.slack.views.order import (
    BLOCK_ORDER_ACTIONS,
    BLOCK_ORDER_DETAILS,
    BLOCK_ORDER_EVENT,
    BLOCK_ORDER_HEADER,
    BLOCK_ORDER_LINES,
    BLOCK_ORDER_META,
    BLOCK_ORDER_STATE,
    Catalogue,
    available_actions,
    money_line,
    order_card,
    order_details,
    order_state_badges,
    order_summary_text,
)

__all__ = [
    "BLOCK_CATEGORIES",
    "BLOCK_ERROR",
    "BLOCK_ERROR_ID",
    "BLOCK_HELP",
    "BLOCK_LIST_ACTIONS",
    "BLOCK_LIST_COUNT",
    "BLOCK_LIST_HEADER",
    "BLOCK_LIST_ROWS",
    "BLOCK_METHODS",
    "BLOCK_NOTICE",
    "BLOCK_ORDER_ACTIONS",
    "BLOCK_ORDER_DETAILS",
    "BLOCK_ORDER_EVENT",
    "BLOCK_ORDER_HEADER",
    "BLOCK_ORDER_LINES",
    "BLOCK_ORDER_META",
    "BLOCK_ORDER_STATE",
    "MAX_MESSAGE_BLOCKS",
    "MAX_PAGE_SIZE",
    "Catalogue",
    "HelpEntry",
    "OrderEvent",
    "available_actions",
    "categories_view",
    "delivery_methods_view",
    "error_view",
    "event_of_action",
    "format_date",
    "help_topic_view",
    "help_view",
    "mirror_order_list",
    "money_line",
    "note_message",
    "notice_view",
    "order_card",
    "order_details",
    "order_state_badges",
    "order_summary_text",
    "price_note_text",
]
