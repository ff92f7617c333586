"""The audit log: who did what to which order, with what result — including refusals."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Required, TypedDict, Unpack

from pydantic import BaseModel, ConfigDict
from sqlalchemy import JSON, BigInteger, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.db import Base, Database, UtcDateTime, utcnow


class AuditRow(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    user_id: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(32))
    order_id: Mapped[str | None] = mapped_column(String(64), index=True, nullable=True)
    order_number: Mapped[str | None] = mapped_column(String(32), nullable=True)
    channel_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[str] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    sync_marker_after: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    """The order's sync marker after a change the bot made, so the notifier doesn't announce it twice."""


class AuditEntry(BaseModel):
    model_config = ConfigDict(frozen=True, from_attributes=True)

    id: int
    at: datetime
    user_id: str
    action: str
    order_id: str | None
    order_number: str | None
    channel_id: str | None
    params: dict[str, Any]
    result: str
    error: str | None
    sync_marker_after: int | None


class AuditFields(TypedDict, total=False):
    user_id: Required[str]
    action: Required[str]
    result: Required[str]
    order_id: str | None
    order_number: str | None
    channel_id: str | None
    params: dict[str, Any] | None
    error: str | None
    sync_marker_after: int | None


def audit_row(**fields: Unpack[AuditFields]) -> AuditRow:
    """A row to add in another store write's transaction, so the two land together or not at all."""
    return AuditRow(at=utcnow(), **{**fields, "params": fields.get("params") or {}})


class AuditLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    def record(self, **fields: Unpack[AuditFields]) -> AuditEntry:
        row = audit_row(**fields)
        with self._db.transaction() as session:
            session.add(row)
            session.flush()
            return AuditEntry.model_validate(row)

    def for_order(self, order_id: str, limit: int = 50) -> list[AuditEntry]:
        with self._db.transaction() as session:
            rows = session.scalars(
                select(AuditRow)
                .where(AuditRow.order_id == order_id)
                .order_by(AuditRow.id.desc())
                .limit(limit)
            )
            return [AuditEntry.model_validate(r) for r in reversed(list(rows))]

    def entry_after(self, order_id: str, sync_marker: int) -> AuditEntry | None:
        """The successful change the bot made that left the order at ``sync_marker``, if any."""
        with self._db.transaction() as session:
            row = session.scalars(
                select(AuditRow)
                .where(
                    AuditRow.order_id == order_id,
                    AuditRow.sync_marker_after == sync_marker,
                    AuditRow.result == "ok",
                )
                .order_by(AuditRow.id.desc())
                .limit(1)
            ).first()
            return AuditEntry.model_validate(row) if row else None

    def bot_markers(self, order_id: str) -> set[int]:
        """Sync markers the bot itself produced on this order (for the notifier's de-duplication)."""
        with self._db.transaction() as session:
            return {
                m
                for m in session.scalars(
                    select(AuditRow.sync_marker_after).where(
                        AuditRow.order_id == order_id, AuditRow.sync_marker_after.is_not(None)
                    )
                )
                if m is not None
            }
