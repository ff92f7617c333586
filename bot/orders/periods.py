"""Date ranges people ask for (`today`, `week`, `2026-11-01..2026-11-07`), in the shop's time zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict

from bot.mplus.models import MPLUS_TZ

PERIOD_WORDS = ("today", "yesterday", "week")
MAX_RANGE_DAYS = 366


class PeriodError(ValueError):
    """The period text is not one we understand; the message says what is accepted."""


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
    raise PeriodError(
        f"`{text}` is not a date — use YYYY-MM-DD or DD-MM-YYYY, e.g. {shop_today():%Y-%m-%d}"
    )


def parse_period(text: str, today: date | None = None) -> Period:
    today = today or shop_today()
    word = text.strip().lower()
    if word == "today":
        return Period(start=today, end=today, label="today")
    if word == "yesterday":
        day = today - timedelta(days=1)
        return Period(start=day, end=day, label="yesterday")
    if word == "week":
        return Period(start=today - timedelta(days=6), end=today, label="the last 7 days")
    if ".." in word:
        first, _, last = word.partition("..")
        start, end = _parse_day(first), _parse_day(last)
        if end < start:
            raise PeriodError(f"`{text}` ends before it starts — write the earlier date first")
        if (end - start).days > MAX_RANGE_DAYS:
            raise PeriodError(f"`{text}` spans more than {MAX_RANGE_DAYS} days — pick a shorter range")
        return Period(start=start, end=end, label=f"{start:%d-%m-%Y} – {end:%d-%m-%Y}")
    day = _parse_day(word)
    return Period(start=day, end=day, label=f"{day:%d-%m-%Y}")


def looks_like_period(text: str) -> bool:
    word = text.lower()
    return word in PERIOD_WORDS or word[:1].isdigit()
