"""Texts posted in channels (issue #14): card fallbacks, digests, subscriptions, Mplus outage notices.

Shown in the channel's language (``bot.slack.channel_language``); the card's and notes' own texts are
in ``bot.slack.messages``. Whole sentences with named placeholders; counts pick a ``*_ONE`` or
``*_MANY`` text (Dutch and English both have exactly these two forms). Placeholders are filled with
text that is escaped already.
"""

from __future__ import annotations

from bot.slack.i18n import N_, Translator

# ----------------------------------------------------------------- card state words and fallback text
STATE_WORDS: dict[str, str] = {
    "cancelled": N_("cancelled"),
    "delivered": N_("delivered"),
    "partly delivered": N_("partly delivered"),
    "open": N_("open"),
    "paid": N_("paid"),
    "unpaid": N_("unpaid"),
    "invoiced": N_("invoiced"),
    "complete": N_("complete"),
}
STATE_DEPOSIT = N_("deposit {amount}")
CARD_LEAD: dict[str, str] = {
    "new": N_("🆕 New: {summary}"),
    "paid": N_("💶 Paid: {summary}"),
    "delivered": N_("📦 Delivered: {summary}"),
    "cancelled": N_("🚫 Cancelled: {summary}"),
    "changed": N_("🔄 Changed: {summary}"),
}

# --------------------------------------------------------------------------------------- digests
ORDERS_ONE = N_("{count} order")
ORDERS_MANY = N_("{count} orders")
MORE_ORDERS_ONE = N_("… and {count} more order")
MORE_ORDERS_MANY = N_("… and {count} more orders")
DIGEST_SUMMARY = N_("{title}: {orders} ({counts})")
BURST_TITLE = N_("📦 Many order changes at once")
BURST_FOOTER = N_(
    "More than {threshold} changes for this channel in one pass, so one digest instead of a card per "
    "order. Orders that already have a card here are kept current; later changes get cards again."
)
DAILY_TITLE = N_("🗓️ Daily order digest · {date}")
DAILY_FOOTER = N_("Order changes this channel follows since the last digest (see {command} subscriptions).")

# ------------------------------------------------------------------------- what a channel follows
FILTER_BRANCH = N_("branch {number}")
FILTER_CATEGORY = N_("category {number}")
FILTER_METHOD = N_("method {code}")
FILTER_ALL_CHANGES = N_("all changes")
FILTER_FROM = N_("from {amount}")
FILTER_DAILY = N_("daily digest at {time}")
FILTER_LIVE = N_("live cards")
LANGUAGE_NAMES: dict[str, str] = {"en": N_("English"), "nl": N_("Dutch")}
SUBSCRIPTION_LANGUAGE = N_("posts in {language}")
SUBSCRIPTION_LANGUAGE_DEFAULT = N_("posts in {language} (ORDERBOT_LANGUAGE)")
FOLLOWS_NOTHING = N_(
    "{channel} follows no order changes. Start with `{command} subscribe` (everything) or add "
    "filters, e.g. `{command} subscribe branch 1 events new,paid lang nl`."
)
FOLLOWS_NOTHING_TEXT = N_("This channel follows no order changes.")
FOLLOWS_ONE = N_("{channel} follows {count} subscription:")
FOLLOWS_MANY = N_("{channel} follows {count} subscriptions:")
FOLLOWS_ONE_TEXT = N_("This channel follows {count} subscription.")
FOLLOWS_MANY_TEXT = N_("This channel follows {count} subscriptions.")
FOLLOWS_MORE = N_("… and {count} more")
FOLLOWS_HINT = N_(
    "Remove one with `{command} unsubscribe #ID`; `{command} subscribe … lang nl` or `lang en` sets "
    "the language of this channel's posts."
)

# ------------------------------------------------------------------- subscribe / unsubscribe answers
SUBSCRIBE_REFUSED = N_(
    "You may not change what this channel follows ({setting}); `{command} subscriptions` shows what "
    "it follows."
)
ALREADY_FOLLOWS = N_("This channel already follows `#{id}` {filter}.")
SUBSCRIBED = N_("🔔 {who} subscribed this channel to order changes (`#{id}`): {filter}.")
POSTS_IN = N_("Order posts here are in {language}.")
LANGUAGE_SET = N_("🌐 {who} set this channel's order posts to {language}.")
FROM_SETTING = N_("`#{id}` comes from the ORDERBOT_NOTIFY_CHANNEL setting; change it there to stop it.")
ALL_SUBSCRIPTIONS_ONE = N_("its subscription")
ALL_SUBSCRIPTIONS_MANY = N_("all {count} subscriptions")
NOTHING_TO_UNSUBSCRIBE = N_(
    "Nothing to unsubscribe: this channel has no such subscription. `{command} subscriptions` lists "
    "what it follows."
)
UNSUBSCRIBED = N_("🔕 {who} unsubscribed this channel from {what}.")

# -------------------------------------------------------------------------- Mplus outage notices
SHOP_TIME = N_("{time} on {date}")
OUTAGE = N_(
    "⚠️ Mplus unreachable since {since}. Order notifications are paused; nothing is lost, they resume "
    "from where they stopped. Last error: {error}"
)
OUTAGE_TEXT = N_("Mplus unreachable since {since}")
MINUTES_ONE = N_("{count} minute")
MINUTES_MANY = N_("{count} minutes")
RECOVERY = N_(
    "✅ Mplus reachable again at {until} (down since {since}, about {minutes}). Order notifications "
    "resume."
)
RECOVERY_TEXT = N_("Mplus reachable again at {until}")


def counted(tr: Translator, one: str, many: str, count: int, **values: object) -> str:
    """``one`` or ``many`` by ``count``, the count written the reader's way (1.234 / 1,234)."""
    return tr(one if count == 1 else many, count=tr.number(count), **values)


def language_name(tr: Translator, language: str) -> str:
    return tr(LANGUAGE_NAMES[language]) if language in LANGUAGE_NAMES else language


# ------------------------------------------------ usage errors of subscribe / unsubscribe (to the person)
NOT_AN_EVENT = N_("`{word}` is not an event; use {valid}")
EVENTS_NEED_LIST = N_("`events` needs a list, e.g. `events new,paid`")
MIN_NEEDS_AMOUNT = N_("`min` needs an amount, e.g. `min €50`: {problem}")
GIVEN_TWICE = N_("`{word}` is given twice")
METHOD_NEEDS_CODE = N_("`method` needs a delivery method code, e.g. `method POSTNL`")
NOT_A_FILTER = N_("`{word}` is not a subscription filter")
LANG_NEEDS = N_("`{word}` needs one of {choices}, e.g. `{word} nl`")
UNSUBSCRIBE_WHICH = N_(
    "say which subscription to remove: `unsubscribe #ID` (see `subscriptions`), "
    "`unsubscribe all`, or the filter it was made with"
)
