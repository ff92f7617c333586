"""The notifier's position in Mplus's order sync-marker sequence, and its health.

``next_marker`` is the lowest marker not yet fully handled: every change below it has been posted
(or deliberately skipped); nothing at or above it has been given up. It only ever moves forward,
by compare-and-set, so a process that lost its lease can never move it back or skip ahead of the
one that holds it.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import BigInteger, Boolean, Integer, String, Text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.db import Base, Database, UtcDateTime, utcnow

ORDERS = "orders"
"""The one stream the notifier follows today; a name leaves room for relations later."""

ERROR_MAX = 500


class SyncStateRow(Base):
    __tablename__ = "notifier_state"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    next_marker: Mapped[int] = mapped_column(BigInteger)
    baseline_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    """When following began "from now"; None after a backfill from 0 (every order counts as new)."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_pass_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_ok_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_holder: Mapped[str | None] = mapped_column(String(128), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    mplus_failing_since: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    outage_alerted: Mapped[bool] = mapped_column(Boolean, default=False)
    changes_handled: Mapped[int] = mapped_column(BigInteger, default=0)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)


class SyncState(BaseModel):
    model_config = ConfigDict(frozen=True, from_attributes=True)

    name: str
    next_marker: int
    baseline_at: datetime | None
    created_at: datetime
    last_pass_at: datetime | None
    last_ok_at: datetime | None
    last_holder: str | None
    last_error: str | None
    mplus_failing_since: datetime | None
    outage_alerted: bool
    changes_handled: int
    consecutive_failures: int


class SyncStateStore:
    def __init__(self, db: Database, name: str = ORDERS) -> None:
        self._db = db
        self.name = name

    def get(self) -> SyncState | None:
        with self._db.transaction() as session:
            row = session.get(SyncStateRow, self.name)
            return SyncState.model_validate(row) if row else None

    def init(self, next_marker: int, baseline_at: datetime | None) -> SyncState:
        """Create the row on first start; if another process just did, keep theirs."""
        try:
            with self._db.transaction() as session:
                session.add(
                    SyncStateRow(
                        name=self.name,
                        next_marker=next_marker,
                        baseline_at=baseline_at,
                        created_at=utcnow(),
                        outage_alerted=False,
                        changes_handled=0,
                        consecutive_failures=0,
                    )
                )
        except IntegrityError:
            pass
        state = self.get()
        assert state is not None
        return state

    def advance(self, expected: int, new: int, handled: int = 0) -> bool:
        """Compare-and-set the marker forward; False if it is no longer ``expected`` (lost the lease)."""
        if new < expected:
            raise ValueError(f"the marker only moves forward ({expected} → {new})")
        with self._db.transaction() as session:
            return (
                session.execute(
                    update(SyncStateRow)
                    .where(SyncStateRow.name == self.name, SyncStateRow.next_marker == expected)
                    .values(
                        next_marker=new,
                        changes_handled=SyncStateRow.changes_handled + handled,
                    )
                ).rowcount
                == 1
            )

    def pass_ok(self, holder: str, now: datetime | None = None) -> None:
        now = now or utcnow()
        self._set(
            last_pass_at=now, last_ok_at=now, last_holder=holder, last_error=None, consecutive_failures=0
        )

    def pass_failed(self, holder: str, error: str, now: datetime | None = None) -> None:
        self._set(
            last_pass_at=now or utcnow(),
            last_holder=holder,
            last_error=error[:ERROR_MAX],
            consecutive_failures=SyncStateRow.consecutive_failures + 1,
        )

    def mplus_failed(self, now: datetime | None = None) -> SyncState:
        """Start the outage clock unless it already runs; returns the state with its start time."""
        with self._db.transaction() as session:
            session.execute(
                update(SyncStateRow)
                .where(SyncStateRow.name == self.name, SyncStateRow.mplus_failing_since.is_(None))
                .values(mplus_failing_since=now or utcnow())
            )
        state = self.get()
        assert state is not None
        return state

    def mplus_recovered(self) -> None:
        """Mplus answered again; the caller has already posted the recovery note if one was due."""
        self._set(mplus_failing_since=None, outage_alerted=False)

    def set_outage_alerted(self, alerted: bool) -> None:
        self._set(outage_alerted=alerted)

    def _set(self, **values: object) -> None:
        with self._db.transaction() as session:
            session.execute(update(SyncStateRow).where(SyncStateRow.name == self.name).values(**values))
