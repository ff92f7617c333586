"""The chart a daily digest carries: the last 7 days up to the digest's day, for its filter."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from bot.mirror.overview_queries import daily_states
from bot.mplus.money import format_cents
from bot.overview.charts import chart_summary, render_chart
from bot.store.db import Database
from bot.store.subscriptions import SubscriptionFilter

DIGEST_DAYS = 7

Upload = Callable[[str, bytes, str, str, str], None]
"""(channel, png, filename, title, summary) → shares the file in the channel."""
DigestChart = Callable[[str, SubscriptionFilter | None, date], None]
"""(channel, the digest's filter or None for every order, the digest's day)."""


def filter_words(flt: SubscriptionFilter | None) -> str:
    if flt is None:
        return ""
    parts = [
        f"branch {flt.branch}" if flt.branch else "",
        f"category {flt.category}" if flt.category else "",
        f"method {flt.method}" if flt.method else "",
        f"{format_cents(flt.min_cents)} or more" if flt.min_cents else "",
    ]
    return "".join(f", {part}" for part in parts if part)


def digest_chart(db: Database, upload: Upload) -> DigestChart:
    def send(channel: str, flt: SubscriptionFilter | None, day: date) -> None:
        start = day - timedelta(days=DIGEST_DAYS - 1)
        what = "the last 7 days" + filter_words(flt)
        days = daily_states(
            db,
            start,
            day,
            flt.branch if flt else None,
            category=flt.category if flt else None,
            method=flt.method if flt else None,
            min_cents=flt.min_cents if flt else None,
        )
        title = f"Orders and revenue, {what}"
        upload(
            channel, render_chart(days, title), f"orders-{day:%Y%m%d}.png", title, chart_summary(days, what)
        )

    return send
