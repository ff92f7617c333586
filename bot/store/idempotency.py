"""Idempotency keys: the first caller to insert a key does the work; everyone else gets its result."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.db import Base, Database, UtcDateTime, utcnow


class IdempotencyRow(Base):
    __tablename__ = "idempotency_keys"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class IdempotencyKeys:
    def __init__(self, db: Database) -> None:
        self._db = db

    def claim(self, key: str) -> bool:
        """True for exactly one caller per key, across threads and processes."""
        try:
            with self._db.transaction() as session:
                session.add(IdempotencyRow(key=key, created_at=utcnow()))
        except IntegrityError:
            return False
        return True

    def complete(self, key: str, result: dict[str, Any]) -> None:
        with self._db.transaction() as session:
            session.execute(update(IdempotencyRow).where(IdempotencyRow.key == key).values(result=result))

    def result(self, key: str) -> dict[str, Any] | None:
        with self._db.transaction() as session:
            row = session.get(IdempotencyRow, key)
            return row.result if row else None
