"""The notifier's ledger of what it put in Slack: order cards, order snapshots and digests.

Exactly-once posting rests on one rule: before a ``chat.postMessage`` that must not be repeated, a
*pending* row records a fresh nonce, and the message carries that nonce in its Slack ``metadata``.
After the post the row gets the message ``ts``. If the process dies in between, the next attempt
finds the pending nonce and looks the message up in Slack (history / thread replies) before posting
again, so "posted but crashed before storing ts" neither loses nor duplicates a message.

- cards: (order, channel) → the card message, the sync marker it shows, and any pending post;
- snapshots: order → the small state the notifier last saw (to tell what changed);
- digests: burst and daily digest messages, and the order entries they summarise.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Integer,
    String,
    UniqueConstraint,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.db import Base, Database, UtcDateTime, utcnow

IN_CHUNK = 500
"""Ids per ``IN (…)``: stays far below SQLite's and PostgreSQL's parameter limits."""


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), IN_CHUNK):
        yield items[start : start + IN_CHUNK]


# ------------------------------------------------------------------------------ cards


class CardRow(Base):
    __tablename__ = "notifier_cards"

    order_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    ts: Mapped[str | None] = mapped_column(String(32), nullable=True)
    shown_marker: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    """Sync marker of the order version the card shows and whose change was announced."""
    pending_kind: Mapped[str | None] = mapped_column(String(8), nullable=True)
    """"card" (the card itself) or "note" (a threaded change note) being posted."""
    pending_marker: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    pending_nonce: Mapped[str | None] = mapped_column(String(40), nullable=True)
    pending_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Card(BaseModel):
    model_config = ConfigDict(frozen=True, from_attributes=True)

    order_id: str
    channel_id: str
    ts: str | None
    shown_marker: int | None
    pending_kind: str | None
    pending_marker: int | None
    pending_nonce: str | None
    pending_at: datetime | None


class CardStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def for_orders(self, order_ids: Iterable[str]) -> dict[tuple[str, str], Card]:
        """Every card of these orders, keyed by (order id, channel)."""
        found: dict[tuple[str, str], Card] = {}
        with self._db.transaction() as session:
            for chunk in _chunks(sorted(set(order_ids))):
                for row in session.scalars(select(CardRow).where(CardRow.order_id.in_(chunk))):
                    found[(row.order_id, row.channel_id)] = Card.model_validate(row)
        return found

    def get(self, order_id: str, channel_id: str) -> Card | None:
        with self._db.transaction() as session:
            row = session.get(CardRow, (order_id, channel_id))
            return Card.model_validate(row) if row else None

    def begin_card(self, order_id: str, channel_id: str, marker: int, nonce: str) -> bool:
        """Claim the first card of an order in a channel; False if a row already exists."""
        now = utcnow()
        try:
            with self._db.transaction() as session:
                session.add(
                    CardRow(
                        order_id=order_id,
                        channel_id=channel_id,
                        pending_kind="card",
                        pending_marker=marker,
                        pending_nonce=nonce,
                        pending_at=now,
                        created_at=now,
                        updated_at=now,
                    )
                )
        except IntegrityError:
            return False
        return True

    def begin_note(self, order_id: str, channel_id: str, marker: int, nonce: str) -> bool:
        """Claim the threaded note for ``marker``; False if another post is pending or it is done."""
        with self._db.transaction() as session:
            return (
                session.execute(
                    update(CardRow)
                    .where(
                        CardRow.order_id == order_id,
                        CardRow.channel_id == channel_id,
                        CardRow.ts.is_not(None),
                        CardRow.pending_nonce.is_(None),
                        (CardRow.shown_marker.is_(None)) | (CardRow.shown_marker < marker),
                    )
                    .values(
                        pending_kind="note",
                        pending_marker=marker,
                        pending_nonce=nonce,
                        pending_at=utcnow(),
                        updated_at=utcnow(),
                    )
                ).rowcount
                == 1
            )

    def card_posted(self, order_id: str, channel_id: str, ts: str, marker: int) -> None:
        self._set(order_id, channel_id, ts=ts, shown_marker=marker, **_NO_PENDING)

    def shown(self, order_id: str, channel_id: str, marker: int) -> None:
        """The card shows ``marker`` (and its note, if any, is posted); clears a pending post."""
        self._set(order_id, channel_id, shown_marker=marker, **_NO_PENDING)

    def clear_pending(self, order_id: str, channel_id: str) -> None:
        self._set(order_id, channel_id, **_NO_PENDING)

    def forget(self, order_id: str, channel_id: str) -> None:
        """Drop the row: its message is gone from Slack (deleted) or was never posted."""
        with self._db.transaction() as session:
            session.execute(
                delete(CardRow).where(CardRow.order_id == order_id, CardRow.channel_id == channel_id)
            )

    def count(self, channel_id: str | None = None) -> int:
        with self._db.transaction() as session:
            query = select(func.count()).select_from(CardRow).where(CardRow.ts.is_not(None))
            if channel_id is not None:
                query = query.where(CardRow.channel_id == channel_id)
            return int(session.scalar(query) or 0)

    def _set(self, order_id: str, channel_id: str, **values: Any) -> None:
        with self._db.transaction() as session:
            session.execute(
                update(CardRow)
                .where(CardRow.order_id == order_id, CardRow.channel_id == channel_id)
                .values(updated_at=utcnow(), **values)
            )


_NO_PENDING: dict[str, Any] = {
    "pending_kind": None,
    "pending_marker": None,
    "pending_nonce": None,
    "pending_at": None,
}


# -------------------------------------------------------------------------- snapshots


class SnapshotRow(Base):
    __tablename__ = "notifier_snapshots"

    order_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sync_marker: Mapped[int] = mapped_column(BigInteger)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SnapshotStore:
    """Order → the notifier's last-seen state; the notifier's model defines what ``data`` holds."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def for_orders(self, order_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        with self._db.transaction() as session:
            for chunk in _chunks(sorted(set(order_ids))):
                for row in session.execute(
                    select(SnapshotRow.order_id, SnapshotRow.data).where(SnapshotRow.order_id.in_(chunk))
                ):
                    found[row.order_id] = row.data
        return found

    def save(self, snapshots: Sequence[tuple[str, int, dict[str, Any]]]) -> None:
        """Upsert (order id, marker, data) rows in one transaction; a row never moves backwards."""
        if not snapshots:
            return
        latest = {order_id: (marker, data) for order_id, marker, data in snapshots}
        now = utcnow()
        with self._db.transaction() as session:
            existing: dict[str, int] = {}
            for chunk in _chunks(sorted(latest)):
                existing.update(
                    session.execute(
                        select(SnapshotRow.order_id, SnapshotRow.sync_marker).where(
                            SnapshotRow.order_id.in_(chunk)
                        )
                    ).all()
                )
            inserts = [
                {"order_id": oid, "sync_marker": m, "data": d, "updated_at": now}
                for oid, (m, d) in latest.items()
                if oid not in existing
            ]
            updates = [
                {"order_id": oid, "sync_marker": m, "data": d, "updated_at": now}
                for oid, (m, d) in latest.items()
                if oid in existing and existing[oid] < m
            ]
            if inserts:
                session.execute(SnapshotRow.__table__.insert(), inserts)
            if updates:
                session.execute(update(SnapshotRow), updates)


# ---------------------------------------------------------------------------- digests


class DigestRow(Base):
    __tablename__ = "notifier_digests"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    bucket: Mapped[str] = mapped_column(String(160))
    ts: Mapped[str | None] = mapped_column(String(32), nullable=True)
    pending_nonce: Mapped[str | None] = mapped_column(String(40), nullable=True)
    pending_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    upto_entry_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    """Daily digests: the entries (id ≤ this) the message covers, removed once it is posted."""


class Digest(BaseModel):
    model_config = ConfigDict(frozen=True, from_attributes=True)

    key: str
    channel_id: str
    kind: str
    bucket: str
    ts: str | None
    pending_nonce: str | None
    pending_at: datetime | None
    opened_at: datetime
    closed: bool
    upto_entry_id: int | None


class DigestEntryRow(Base):
    __tablename__ = "notifier_digest_entries"
    __table_args__ = (UniqueConstraint("bucket", "order_id", name="uq_digest_entry_bucket_order"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    bucket: Mapped[str] = mapped_column(String(160), index=True)
    order_id: Mapped[str] = mapped_column(String(64))
    sync_marker: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class DigestEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    order_id: str
    sync_marker: int
    state: str
    data: dict[str, Any]


class DigestSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    total: int
    by_state: dict[str, int]
    first: list[DigestEntry]
    upto_entry_id: int | None


class DigestStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def open(self, key: str, channel_id: str, kind: str, bucket: str) -> Digest:
        try:
            with self._db.transaction() as session:
                session.add(
                    DigestRow(key=key, channel_id=channel_id, kind=kind, bucket=bucket, opened_at=utcnow())
                )
        except IntegrityError:
            pass
        digest = self.get(key)
        assert digest is not None
        return digest

    def get(self, key: str) -> Digest | None:
        with self._db.transaction() as session:
            row = session.get(DigestRow, key)
            return Digest.model_validate(row) if row else None

    def open_digests(self, kind: str) -> list[Digest]:
        with self._db.transaction() as session:
            rows = session.scalars(
                select(DigestRow).where(DigestRow.kind == kind, DigestRow.closed.is_(False))
            )
            return [Digest.model_validate(r) for r in rows]

    def begin_post(self, key: str, nonce: str, upto_entry_id: int | None = None) -> bool:
        with self._db.transaction() as session:
            return (
                session.execute(
                    update(DigestRow)
                    .where(DigestRow.key == key, DigestRow.ts.is_(None), DigestRow.pending_nonce.is_(None))
                    .values(pending_nonce=nonce, pending_at=utcnow(), upto_entry_id=upto_entry_id)
                ).rowcount
                == 1
            )

    def posted(self, key: str, ts: str) -> None:
        self._set(key, ts=ts, pending_nonce=None, pending_at=None)

    def clear_pending(self, key: str) -> None:
        self._set(key, pending_nonce=None, pending_at=None)

    def message_gone(self, key: str) -> None:
        """The digest message was deleted in Slack: the next publish posts a fresh one."""
        self._set(key, ts=None, pending_nonce=None, pending_at=None)

    def close(self, key: str) -> None:
        self._set(key, closed=True)

    def add_entries(self, bucket: str, entries: Sequence[DigestEntry]) -> None:
        """Upsert by (bucket, order): an order that changes again keeps one entry, with its latest state."""
        if not entries:
            return
        latest = {e.order_id: e for e in entries}
        with self._db.transaction() as session:
            existing: dict[str, int] = {}
            for chunk in _chunks(sorted(latest)):
                existing.update(
                    session.execute(
                        select(DigestEntryRow.order_id, DigestEntryRow.id).where(
                            DigestEntryRow.bucket == bucket, DigestEntryRow.order_id.in_(chunk)
                        )
                    ).all()
                )
            values = [
                {"bucket": bucket, **e.model_dump()} for e in latest.values() if e.order_id not in existing
            ]
            if values:
                session.execute(DigestEntryRow.__table__.insert(), values)
            changed = [
                {"id": existing[e.order_id], "sync_marker": e.sync_marker, "state": e.state, "data": e.data}
                for e in latest.values()
                if e.order_id in existing
            ]
            if changed:
                session.execute(update(DigestEntryRow), changed)

    def summary(self, bucket: str, first: int = 5, upto_entry_id: int | None = None) -> DigestSummary:
        where = [DigestEntryRow.bucket == bucket]
        if upto_entry_id is not None:
            where.append(DigestEntryRow.id <= upto_entry_id)
        with self._db.transaction() as session:
            by_state = {
                state: int(n)
                for state, n in session.execute(
                    select(DigestEntryRow.state, func.count()).where(*where).group_by(DigestEntryRow.state)
                ).all()
            }
            rows = session.scalars(
                select(DigestEntryRow).where(*where).order_by(DigestEntryRow.sync_marker).limit(first)
            )
            firsts = [
                DigestEntry(order_id=r.order_id, sync_marker=r.sync_marker, state=r.state, data=r.data)
                for r in rows
            ]
            top = session.scalar(select(func.max(DigestEntryRow.id)).where(*where))
        return DigestSummary(total=sum(by_state.values()), by_state=by_state, first=firsts, upto_entry_id=top)

    def delete_entries(self, bucket: str, upto_entry_id: int | None = None) -> None:
        with self._db.transaction() as session:
            query = delete(DigestEntryRow).where(DigestEntryRow.bucket == bucket)
            if upto_entry_id is not None:
                query = query.where(DigestEntryRow.id <= upto_entry_id)
            session.execute(query)

    def _set(self, key: str, **values: Any) -> None:
        with self._db.transaction() as session:
            session.execute(update(DigestRow).where(DigestRow.key == key).values(**values))
