"""What `/order stats` asks for: a period (today, week, month, a range) and maybe a branch."""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict

from bot.marks import N_, Said
from bot.mirror.overview_queries import DayStates, daily_states
from bot.orders.periods import Period, PeriodError, parse_period
from bot.store.db import Database

MAX_CHART_DAYS = 92
"""A bar per day stays readable up to about a quarter."""
LAST_30_DAYS = N_("the last 30 days")


class StatsRequest(BaseModel):
    model_config = ConfigDict(frozen=True)

    period: Period
    branch: int | None = None
    public: bool = False


def parse_stats_period(text: str, today: date) -> Period:
    """``today``, ``week`` (last 7 days), ``month`` (last 30 days) or ``YYYY-MM-DD..YYYY-MM-DD``."""
    word = text.strip().lower()
    if word == "month":
        return Period(start=today - timedelta(days=29), end=today, label=LAST_30_DAYS)
    if word in ("today", "week") or ".." in word:
        period = parse_period(word, today)
        if (period.end - period.start).days + 1 > MAX_CHART_DAYS:
            raise PeriodError(
                Said(N_("a chart shows at most {days} days — pick a shorter range"), days=MAX_CHART_DAYS)
            )
        return period
    raise PeriodError(Said(
        N_("`{text}` is not a stats period: use today, week, month or YYYY-MM-DD..YYYY-MM-DD"), text=text[:40]
    ))


def stats_days(db: Database, request: StatsRequest) -> list[DayStates]:
    return daily_states(db, request.period.start, request.period.end, request.branch)
