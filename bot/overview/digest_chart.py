"""The chart a daily digest carries: the last 7 days up to the digest's day, for its branch."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from bot.mirror.overview_queries import daily_states
from bot.overview.charts import chart_summary, render_chart
from bot.store.db import Database

DIGEST_DAYS = 7

Upload = Callable[[str, bytes, str, str, str], None]
"""(channel, png, filename, title, summary) → shares the file in the channel."""
DigestChart = Callable[[str, int | None, date], None]
"""(channel, branch or None, the digest's day)."""


def digest_chart(db: Database, upload: Upload) -> DigestChart:
    def send(channel: str, branch: int | None, day: date) -> None:
        start = day - timedelta(days=DIGEST_DAYS - 1)
        what = "the last 7 days" + (f", branch {branch}" if branch else "")
        days = daily_states(db, start, day, branch)
        title = f"Orders and revenue, {what}"
        upload(
            channel, render_chart(days, title), f"orders-{day:%Y%m%d}.png", title, chart_summary(days, what)
        )

    return send
