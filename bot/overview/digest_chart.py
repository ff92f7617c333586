"""The chart a daily digest carries: the last 7 days up to the digest's day, for its filter."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from bot.mirror.overview_queries import daily_states
from bot.overview.charts import chart_summary, render_chart
from bot.slack import channel_messages as said
from bot.slack.i18n import ENGLISH, Translator
from bot.store.db import Database
from bot.store.subscriptions import SubscriptionFilter

DIGEST_DAYS = 7

Upload = Callable[[str, bytes, str, str, str], None]
"""(channel, png, filename, title, summary) → shares the file in the channel."""
DigestChart = Callable[[str, SubscriptionFilter | None, date, Translator], None]
"""(channel, the digest's filter or None for every order, the digest's day, the channel's words)."""


def filter_words(flt: SubscriptionFilter | None, tr: Translator = ENGLISH) -> str:
    if flt is None:
        return ""
    parts = [
        tr(said.FILTER_BRANCH, number=flt.branch) if flt.branch else "",
        tr(said.FILTER_CATEGORY, number=flt.category) if flt.category else "",
        tr(said.FILTER_METHOD, code=flt.method) if flt.method else "",
        tr(said.CHART_MIN, amount=tr.money(flt.min_cents)) if flt.min_cents else "",
    ]
    return "".join(f", {part}" for part in parts if part)


def digest_chart(db: Database, upload: Upload) -> DigestChart:
    def send(channel: str, flt: SubscriptionFilter | None, day: date, tr: Translator = ENGLISH) -> None:
        start = day - timedelta(days=DIGEST_DAYS - 1)
        what = tr(said.CHART_LAST_DAYS, days=DIGEST_DAYS) + filter_words(flt, tr)
        days = daily_states(
            db,
            start,
            day,
            flt.branch if flt else None,
            category=flt.category if flt else None,
            method=flt.method if flt else None,
            min_cents=flt.min_cents if flt else None,
        )
        title = tr(said.CHART_TITLE, what=what)
        png = render_chart(days, title, tr)
        upload(channel, png, f"orders-{day:%Y%m%d}.png", title, chart_summary(days, what, tr))

    return send
