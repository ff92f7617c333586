"""Date ranges people ask for (`today`, `week`, `2026-11-01..2026-11-07`), in the shop's time zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict

from bot.marks import N_, Said
from bot.mplus.models import MPLUS_TZ

PERIOD_WORDS = ("today", "yesterday", "week")
MAX_RANGE_DAYS = 366
# Period labels are marked texts: a list's title shows them in the reader's language.
TODAY = N_("today")
YESTERDAY = N_("yesterday")
LAST_7_DAYS = N_("the last 7 days")


class PeriodError(ValueError):
    """The period text is not one we understand; the message (a ``Said``) says what is accepted."""


class Period(BaseModel):
    model_config = ConfigDict(frozen=True)

    start: date
    end: date
    label: str

    def __str__(self) -> str:
        return self.label


def shop_today() -> date:
    # Mplus works in Amsterdam wall-clock time, so "today" is the shop's today, not the server's.
    return datetime.now(MPLUS_TZ).date()


def _parse_day(text: str) -> date:
    """``YYYY-MM-DD`` or the Dutch ``DD-MM-YYYY`` (told apart by where the four-digit year is)."""
    try:
        if len(text) == 10 and text[2] == "-" and text[5] == "-":
            return datetime.strptime(text, "%d-%m-%Y").date()
        if len(text) == 10 and text[4] == "-":
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise PeriodError(Said(
        N_("`{text}` is not a date — use YYYY-MM-DD or DD-MM-YYYY, e.g. {example}"),
        text=text, example=f"{shop_today():%Y-%m-%d}",
    ))


def parse_period(text: str, today: date | None = None) -> Period:
    today = today or shop_today()
    word = text.strip().lower()
    if word == "today":
        return Period(start=today, end=today, label=TODAY)
    if word == "yesterday":
        day = today - timedelta(days=1)
        return Period(start=day, end=day, label=YESTERDAY)
    if word == "week":
        return Period(start=today - timedelta(days=6), end=today, label=LAST_7_DAYS)
    if ".." in word:
        first, _, last = word.partition("..")
        start, end = _parse_day(first), _parse_day(last)
        if end < start:
            raise PeriodError(
                Said(N_("`{text}` ends before it starts — write the earlier date first"), text=text)
            )
        if (end - start).days > MAX_RANGE_DAYS:
            raise PeriodError(Said(
                N_("`{text}` spans more than {days} days — pick a shorter range"),
                text=text,
                days=MAX_RANGE_DAYS,
            ))
        return Period(start=start, end=end, label=f"{start:%d-%m-%Y} – {end:%d-%m-%Y}")
    day = _parse_day(word)
    return Period(start=day, end=day, label=f"{day:%d-%m-%Y}")
