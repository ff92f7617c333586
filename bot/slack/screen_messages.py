"""What one person reads on the screens that are theirs alone (issue #14): find results, lists,
delivery methods and categories, and the App Home. Marked English msgids, said through the reader's
``Translator``; whole sentences with named placeholders. Mplus's own words (names, articles, methods,
categories) fill placeholders as Mplus gives them.

The order and customer forms have their own module (``form_messages``); failures and cards stay in
``messages``.
"""

from __future__ import annotations

from datetime import datetime

from bot.mplus.models import MPLUS_TZ
from bot.slack.i18n import N_, Translator

# ------------------------------------------------------------------------------ shared
SHOW = N_("Show")
ORDERS_ONE = N_("1 order")
ORDERS_MANY = N_("{n} orders")

# ------------------------------------------------------------------------------ find
FIND_ORDERS_HEADER = N_("Orders for “{query}”")
FIND_SHOWING_FIRST = N_("{count} — showing the first; narrow the search for others")
FIND_ORDERS_TEXT = N_("{count} for {query}")
FIND_CUSTOMERS_HEADER = N_("Customers for “{query}”")
FIND_CUSTOMERS_ONE = N_("1 customer found, but no orders for them in the last months.")
FIND_CUSTOMERS_MANY = N_("{n} customers found, but no orders for them in the last months.")
FIND_CUSTOMERS_MORE = N_("Showing the first; narrow the search for others.")
FIND_CUSTOMERS_TEXT = N_("Customers for {query}, no orders")
NEW_ORDER_FOR_CUSTOMER = N_("New order for this customer")
NOTHING_FOUND = N_(
    "Nothing found for {query}. Searched: {where}.\n"
    "Try part of a name, a phone number, a postcode, or an order number like 2026-42."
)
NOTHING_FOUND_TEXT = N_("Nothing found for {query}")
SEARCHED_EVERYTHING = N_("orders and customers")
MIRROR_FILLING = N_(
    "The customer index has not finished loading from Mplus yet (or is switched off with "
    "ORDERBOT_MIRROR=false), so customers and orders may be missing; try again in a few minutes."
)

# Short state words of a row (find results, App Home): what staff scan for.
STATE_CANCELLED = N_("cancelled")
STATE_OPEN = N_("open")
STATE_COMPLETE = N_("complete")
STATE_DELIVERED = N_("delivered")
STATE_NOT_DELIVERED = N_("not delivered")
STATE_PAID = N_("paid")
STATE_DUE = N_("{amount} due")
STATE_TO_PAY = N_("{amount} to pay")

# ------------------------------------------------------------------------------ lists
LIST_TITLE = N_("Orders {period}")
LIST_TITLE_ANY_DATE = N_("Orders (any date)")
ANY_DATE = N_("any date")
LIST_FILTER_WORDS: dict[str, str] = {
    "open": N_("open"),
    "unpaid": N_("unpaid"),
    "undelivered": N_("undelivered"),
    "cancelled": N_("cancelled"),
}
LIST_CUSTOMER = N_("customer “{text}”")
LIST_ARTICLE = N_("article “{text}”")
LIST_BRANCH = N_("branch {n}")
LIST_RELATION = N_("relation {n}")
LIST_TEXT_ONE = N_("{title}: 1 order on this page")
LIST_TEXT_MANY = N_("{title}: {n} orders on this page")
LIST_NO_MORE = N_("No more orders here — run the command again.")
LIST_NONE = N_("No orders found for *{title}*.")
PREVIOUS = N_("Previous")
NEXT = N_("Next")
ROW_MENU: dict[str, str] = {"pay": N_("Pay…"), "deliver": N_("Deliver…")}
MIRROR_NOT_STARTED = N_(
    "Order lists come from Orderbot's local copy of Mplus, which has not been filled yet. "
    "It is filled by the notifier's pass (ORDERBOT_MIRROR must be on); try again in a minute."
)
MIRROR_LOADING = N_(
    "Orderbot is still loading its local copy of Mplus orders; lists work once that first load is "
    "done. Try again in a minute."
)
MIRROR_LOADING_AT = N_(
    "Orderbot is still loading its local copy of Mplus orders (at change {marker} of {top}); lists work "
    "once that first load is done. Try again in a minute."
)
MIRROR_AS_OF = N_(
    "From Orderbot's copy of Mplus, as of {time}. Show opens the order as Mplus has it now."
)
MIRROR_AS_LAST_SYNCED = N_(
    "From Orderbot's copy of Mplus, as last synced. Show opens the order as Mplus has it now."
)
MIRROR_BEHIND_ONE = N_("1 change still to read.")
MIRROR_BEHIND_MANY = N_("{n} changes still to read.")

# ------------------------------------------------------------------------- methods, categories
METHODS_TITLE = N_("Delivery methods")
METHODS_NONE = N_("No delivery methods are set up in Mplus.")
METHOD_ROW = N_("*{description}* — code {code}")
METHOD_DISABLED = N_("(disabled)")
CATEGORIES_TITLE = N_("Order categories")
CATEGORIES_NONE = N_("No order categories are set up in Mplus.")
CATEGORY_ROW = N_("*{description}* — number {number}")
CATEGORY_NO_CANCEL = N_("(no cancel)")
CATEGORY_NO_PROCESS = N_("(no process)")
CATEGORY_NO_CANCEL_OR_PROCESS = N_("(no cancel or process)")
CATALOGUE_MORE = N_("… and {n} more")

# ------------------------------------------------------------------------------ App Home
HOME_NEEDS_ACTION = N_("Needs action")
HOME_NEED_TITLES: dict[str, str] = {
    "delivered_unpaid": N_("Delivered, not paid"),
    "deposit_overdue": N_("Deposit paid, past the delivery date, not delivered"),
    "stale_open": N_("Open for more than {days} days"),
}
HOME_SHOW_ALL = N_("Show all")
HOME_PAY = N_("Pay")
HOME_DELIVER = N_("Deliver")
HOME_LOOK_ONLY = N_("You may look, not pay or deliver (ORDERBOT_ALLOW_PAY / ORDERBOT_ALLOW_DELIVER).")
HOME_TODAY = N_("Today")
HOME_AS_OF = N_("As of {when} · from the local mirror of Mplus")
HOME_BRANCH_LINE = N_(
    "*{name}:* {created} created · {paid} paid · {delivered} delivered · {cancelled} cancelled · "
    "revenue {revenue}"
)
HOME_BRANCH = N_("Branch {n}")
HOME_NO_BRANCH = N_("No branch")
HOME_MORE_BRANCHES = N_("… and {n} more branches")
HOME_NOTHING_TODAY = N_("No orders created, paid, delivered or cancelled today yet.")
HOME_MINE = N_("Your last actions")
HOME_NOTHING_MINE = N_("Nothing done through Orderbot yet.")
HOME_CHANNELS = N_("Your channels")
HOME_NO_CHANNELS = N_("None of your channels follow orders. `/order subscribe` in one to start.")
HOME_SUB_DIGEST = N_("digest at {time}")
HOME_SUB_LIVE = N_("live cards")
HOME_SUB_BRANCH = N_("branch {n}")
HOME_SUB_CATEGORY = N_("category {n}")
HOME_SUB_METHOD = N_("method {code}")
HOME_SUB_EVENTS = N_("events {events}")
HOME_SUB_MIN = N_("min {amount}")
HOME_SUB_EVERY = N_("every order")
HOME_ALL_OLDEST_FIRST = N_("*{title}:* {count}, oldest first")
HOME_ALL_MORE = N_("… and {n} more. `{command}` pages through a wider list.")
HOME_CLOSE = N_("Close")


def mirror_loading(marker: int, top: int | None, tr: Translator) -> str:
    if top:
        return tr(MIRROR_LOADING_AT, marker=tr.number(marker), top=tr.number(top))
    return tr(MIRROR_LOADING)


def mirror_as_of(last_pass_at: datetime | None, behind: int, tr: Translator) -> str:
    """How current a list from the mirror is (the shop's wall-clock time), and what is still to read."""
    if last_pass_at is not None:
        said = tr(MIRROR_AS_OF, time=f"{last_pass_at.astimezone(MPLUS_TZ):%H:%M:%S}")
    else:
        said = tr(MIRROR_AS_LAST_SYNCED)
    if behind:
        lag = tr(MIRROR_BEHIND_ONE) if behind == 1 else tr(MIRROR_BEHIND_MANY, n=tr.number(behind))
        said = f"{said} {lag}"
    return said
