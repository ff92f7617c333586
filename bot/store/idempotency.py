"""Idempotency keys: the first caller to insert a key does the work; everyone else gets its result."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import JSON, String, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.audit import audit_row
from bot.store.db import Base, Database, UtcDateTime, utcnow


class IdempotencyRow(Base):
    __tablename__ = "idempotency_keys"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class KeyEntry(BaseModel):
    model_config = ConfigDict(frozen=True, from_attributes=True)

    key: str
    created_at: datetime
    """When the key was claimed: the start of the work it guards."""
    result: dict[str, Any] | None


class IdempotencyKeys:
    def __init__(self, db: Database) -> None:
        self._db = db

    def claim(self, key: str) -> datetime | None:
        """The key's date for exactly one caller per key, across threads and processes; None for
        everyone else. The date is the caller's handle for ``touch`` and ``complete(since=…)``."""
        now = utcnow()
        try:
            with self._db.transaction() as session:
                session.add(IdempotencyRow(key=key, created_at=now))
        except IntegrityError:
            return None
        return now

    def touch(self, key: str, since: datetime) -> datetime | None:
        """Re-date a key just before its work calls Mplus, if it still carries ``since``.

        Recovery settles a key that has carried one date for longer than a call can take, and re-dates
        it when it does; so the new date (returned) tells the owner it may send, and None tells it
        the key was settled while it waited (for a free Mplus slot, say) and nothing may be sent."""
        now = utcnow()
        with self._db.transaction() as session:
            moved = session.execute(
                update(IdempotencyRow)
                .where(IdempotencyRow.key == key, IdempotencyRow.created_at == since)
                .values(created_at=now)
            ).rowcount
        return now if moved == 1 else None

    def complete(
        self,
        key: str,
        result: dict[str, Any],
        audit: dict[str, Any] | None = None,
        *,
        since: datetime | None = None,
    ) -> bool:
        """Record the key's result, with its audit row in the same transaction (both or neither).

        With ``since`` it is a compare-and-set: written (and the key re-dated) only if the key still
        carries that date; False, and nothing written, when someone else settled or re-dated it."""
        with self._db.transaction() as session:
            change = update(IdempotencyRow).where(IdempotencyRow.key == key)
            if since is not None:
                change = change.where(IdempotencyRow.created_at == since).values(created_at=utcnow())
            if session.execute(change.values(result=result)).rowcount != 1:
                return False  # the update matched nothing: nothing was written
            if audit is not None:
                session.add(audit_row(**audit))
        return True

    def result(self, key: str) -> dict[str, Any] | None:
        with self._db.transaction() as session:
            row = session.get(IdempotencyRow, key)
            return row.result if row else None

    def entry(self, key: str) -> KeyEntry | None:
        with self._db.transaction() as session:
            row = session.get(IdempotencyRow, key)
            return KeyEntry.model_validate(row) if row else None

    def release(self, key: str) -> None:
        """Forget a key whose work certainly did not happen, so it can be claimed again."""
        with self._db.transaction() as session:
            session.execute(delete(IdempotencyRow).where(IdempotencyRow.key == key))

    def claimed_between(self, start: datetime, end: datetime) -> list[KeyEntry]:
        with self._db.transaction() as session:
            rows = session.scalars(
                select(IdempotencyRow).where(
                    IdempotencyRow.created_at >= start, IdempotencyRow.created_at < end
                )
            )
            return [KeyEntry.model_validate(r) for r in rows]


RECENT = timedelta(days=7)
"""How far back start-up recovery looks for keys left running."""
