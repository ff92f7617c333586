"""Named leases: at most one holder at a time, across threads and processes, until it expires.

Two notifier processes on one database must not both post the same change. A lease is one row
(name, holder, expires_at); taking it is a single conditional UPDATE ("mine, or expired") and, for
the very first taker, a unique INSERT. Both are atomic on SQLite and PostgreSQL, so exactly one
caller wins: no sleeping, no luck. A holder renews by taking it again before it runs out; a holder
that dies simply stops renewing and the lease passes on after ``ttl``.

Expiry uses each process's own clock (UTC): hosts sharing a database must keep time (NTP); the
ttl is chosen far above any plausible skew.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict
from sqlalchemy import String, case, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.db import Base, Database, UtcDateTime, utcnow


class LeaseRow(Base):
    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    acquired_at: Mapped[datetime] = mapped_column(UtcDateTime())
    """When the current holder took it over (renewals keep it), for health output."""


class Lease(BaseModel):
    model_config = ConfigDict(frozen=True, from_attributes=True)

    name: str
    holder: str
    expires_at: datetime
    acquired_at: datetime


class Leases:
    def __init__(self, db: Database) -> None:
        self._db = db

    def acquire(self, name: str, holder: str, ttl: timedelta, now: datetime | None = None) -> bool:
        """Take or renew lease ``name`` for ``holder`` until now + ttl; False if someone else holds it."""
        now = now or utcnow()
        with self._db.transaction() as session:
            taken = session.execute(
                update(LeaseRow)
                .where(LeaseRow.name == name, or_(LeaseRow.holder == holder, LeaseRow.expires_at <= now))
                .values(
                    holder=holder,
                    expires_at=now + ttl,
                    acquired_at=case((LeaseRow.holder == holder, LeaseRow.acquired_at), else_=now),
                )
            ).rowcount
        if taken == 1:
            return True
        try:
            with self._db.transaction() as session:
                session.add(LeaseRow(name=name, holder=holder, expires_at=now + ttl, acquired_at=now))
        except IntegrityError:
            return False  # the row exists and is someone else's, unexpired (or they inserted first)
        return True

    def release(self, name: str, holder: str) -> bool:
        """Give the lease up at once (a clean stop), so another process need not wait for expiry."""
        now = utcnow()
        with self._db.transaction() as session:
            return (
                session.execute(
                    update(LeaseRow)
                    .where(LeaseRow.name == name, LeaseRow.holder == holder, LeaseRow.expires_at > now)
                    .values(expires_at=now)
                ).rowcount
                == 1
            )

    def get(self, name: str) -> Lease | None:
        with self._db.transaction() as session:
            row = session.get(LeaseRow, name)
            return Lease.model_validate(row) if row else None
