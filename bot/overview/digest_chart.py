"""The chart a daily digest carries: the last 7 days up to the digest's day, for its filter."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from bot.marks import N_
from bot.mirror.overview_queries import daily_states
from bot.overview.charts import AS_WRITTEN, Words, chart_summary, render_chart
from bot.store.db import Database
from bot.store.subscriptions import SubscriptionFilter

DIGEST_DAYS = 7
TITLE = N_("Orders and revenue, {what}")
LAST_DAYS = N_("the last {days} days")
BRANCH = N_("branch {number}")
CATEGORY = N_("category {number}")
METHOD = N_("method {code}")
AT_LEAST = N_("{amount} or more")

Upload = Callable[[str, bytes, str, str, str], None]
"""(channel, png, filename, title, summary) → shares the file in the channel."""
DigestChart = Callable[[str, SubscriptionFilter | None, date, Words], None]
"""(channel, the digest's filter or None for every order, the digest's day, the channel's words)."""


def filter_words(flt: SubscriptionFilter | None, words: Words = AS_WRITTEN) -> str:
    if flt is None:
        return ""
    parts = [
        words(BRANCH, number=flt.branch) if flt.branch else "",
        words(CATEGORY, number=flt.category) if flt.category else "",
        words(METHOD, code=flt.method) if flt.method else "",
        words(AT_LEAST, amount=words.money(flt.min_cents)) if flt.min_cents else "",
    ]
    return "".join(f", {part}" for part in parts if part)


def digest_chart(db: Database, upload: Upload) -> DigestChart:
    def send(channel: str, flt: SubscriptionFilter | None, day: date, words: Words = AS_WRITTEN) -> None:
        """``words``: the channel's (``bot.slack.i18n.Translator``)."""
        start = day - timedelta(days=DIGEST_DAYS - 1)
        what = words(LAST_DAYS, days=DIGEST_DAYS) + filter_words(flt, words)
        days = daily_states(
            db,
            start,
            day,
            flt.branch if flt else None,
            category=flt.category if flt else None,
            method=flt.method if flt else None,
            min_cents=flt.min_cents if flt else None,
        )
        title = words(TITLE, what=what)
        png = render_chart(days, title, words)
        upload(channel, png, f"orders-{day:%Y%m%d}.png", title, chart_summary(days, what, words))

    return send
