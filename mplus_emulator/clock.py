"""Amsterdam wall-clock helpers.

The real server works in the shop's local time (reference §2), so every timestamp the emulator stores is
an aware datetime in Europe/Amsterdam and every date is that zone's calendar date.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def now() -> datetime:
    """Current Amsterdam wall-clock time, truncated to whole seconds (the SOAP type has no fractions)."""
    return datetime.now(AMSTERDAM).replace(microsecond=0)


def today() -> date:
    return now().date()


def utc_offset_minutes(moment: datetime) -> int:
    offset = moment.utcoffset() or timedelta(0)
    return int(offset.total_seconds() // 60)


def as_amsterdam(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=AMSTERDAM)
    return moment.astimezone(AMSTERDAM)
