"""Which channels follow which order changes: one row per (channel, filter).

A filter narrows by branch, order category, delivery method, kinds of change and a minimum total;
``digest_at`` turns live cards into one daily digest at that shop time. A channel may hold several
subscriptions; a change reaches the channel once if any of them matches.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import BigInteger, Integer, String, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from bot.marks import N_, Said
from bot.store.db import Base, Database, UtcDateTime, utcnow

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
CONFIG_SOURCE = "config"
"""Rows made from ORDERBOT_NOTIFY_CHANNEL: kept in step with the setting, not removable from Slack."""
SLACK_SOURCE = "slack"


class NotifyEvent(StrEnum):
    NEW = "new"
    PAID = "paid"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    CHANGED = "changed"


class SubscriptionFilter(BaseModel):
    model_config = ConfigDict(frozen=True)

    branch: int | None = Field(None, gt=0)
    category: int | None = Field(None, gt=0)
    method: str | None = Field(None, min_length=1, max_length=40)
    events: frozenset[NotifyEvent] = frozenset()
    """Empty means every kind of change."""
    min_cents: int | None = Field(None, ge=0)
    digest_at: str | None = None
    """``HH:MM`` shop time (Europe/Amsterdam) for a daily digest instead of live cards."""

    @field_validator("method")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.strip().upper() if value else None

    @field_validator("digest_at")
    @classmethod
    def _time(cls, value: str | None) -> str | None:
        if value is None:
            return None
        match = _TIME.match(value.strip())
        if not match:
            raise ValueError(Said(N_("`{value}` is not a time like 08:00"), value=value[:20]))
        return f"{int(match[1]):02d}:{match[2]}"

    @property
    def live(self) -> bool:
        return self.digest_at is None

    def key(self) -> str:
        """Canonical text of the filter: two subscriptions with the same key are the same one."""
        events = ",".join(sorted(self.events))
        return (
            f"b={self.branch or ''};c={self.category or ''};m={self.method or ''};e={events};"
            f"min={'' if self.min_cents is None else self.min_cents};d={self.digest_at or ''}"
        )


class SubscriptionRow(Base):
    __tablename__ = "notifier_subscriptions"
    __table_args__ = (
        UniqueConstraint("channel_id", "source", "filter_key", name="uq_subscription_channel_filter"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel_id: Mapped[str] = mapped_column(String(32), index=True)
    filter_key: Mapped[str] = mapped_column(String(200))
    branch: Mapped[int | None] = mapped_column(Integer, nullable=True)
    category: Mapped[int | None] = mapped_column(Integer, nullable=True)
    method: Mapped[str | None] = mapped_column(String(40), nullable=True)
    events: Mapped[str] = mapped_column(String(100), default="")
    min_cents: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    digest_at: Mapped[str | None] = mapped_column(String(5), nullable=True)
    source: Mapped[str] = mapped_column(String(16), default=SLACK_SOURCE)
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Subscription(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    channel_id: str
    filter: SubscriptionFilter
    source: str
    created_by: str
    created_at: datetime

    @classmethod
    def of(cls, row: SubscriptionRow) -> Subscription:
        events = frozenset(NotifyEvent(e) for e in row.events.split(",") if e)
        return cls(
            id=row.id,
            channel_id=row.channel_id,
            filter=SubscriptionFilter(
                branch=row.branch,
                category=row.category,
                method=row.method,
                events=events,
                min_cents=row.min_cents,
                digest_at=row.digest_at,
            ),
            source=row.source,
            created_by=row.created_by,
            created_at=row.created_at,
        )


class SubscriptionStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(
        self, channel_id: str, flt: SubscriptionFilter, user_id: str, source: str = SLACK_SOURCE
    ) -> tuple[Subscription, bool]:
        """(the subscription, True if new); subscribing twice to the same filter changes nothing."""
        row = SubscriptionRow(
            channel_id=channel_id,
            filter_key=flt.key(),
            branch=flt.branch,
            category=flt.category,
            method=flt.method,
            events=",".join(sorted(flt.events)),
            min_cents=flt.min_cents,
            digest_at=flt.digest_at,
            source=source,
            created_by=user_id,
            created_at=utcnow(),
        )
        try:
            with self._db.transaction() as session:
                session.add(row)
                session.flush()
                return Subscription.of(row), True
        except IntegrityError:
            existing = self.find(channel_id, flt, source)
            assert existing is not None
            return existing, False

    def find(
        self, channel_id: str, flt: SubscriptionFilter, source: str = SLACK_SOURCE
    ) -> Subscription | None:
        with self._db.transaction() as session:
            row = session.scalar(
                select(SubscriptionRow).where(
                    SubscriptionRow.channel_id == channel_id,
                    SubscriptionRow.source == source,
                    SubscriptionRow.filter_key == flt.key(),
                )
            )
            return Subscription.of(row) if row else None

    def remove(self, channel_id: str, flt: SubscriptionFilter) -> bool:
        return (
            self._delete(
                SubscriptionRow.channel_id == channel_id,
                SubscriptionRow.filter_key == flt.key(),
                SubscriptionRow.source == SLACK_SOURCE,
            )
            == 1
        )

    def remove_id(self, channel_id: str, subscription_id: int) -> bool:
        return (
            self._delete(
                SubscriptionRow.channel_id == channel_id,
                SubscriptionRow.id == subscription_id,
                SubscriptionRow.source == SLACK_SOURCE,
            )
            == 1
        )

    def remove_all(self, channel_id: str) -> int:
        return self._delete(SubscriptionRow.channel_id == channel_id, SubscriptionRow.source == SLACK_SOURCE)

    def for_channel(self, channel_id: str) -> list[Subscription]:
        with self._db.transaction() as session:
            rows = session.scalars(
                select(SubscriptionRow)
                .where(SubscriptionRow.channel_id == channel_id)
                .order_by(SubscriptionRow.id)
            )
            return [Subscription.of(r) for r in rows]

    def all(self) -> list[Subscription]:
        with self._db.transaction() as session:
            return [
                Subscription.of(r)
                for r in session.scalars(select(SubscriptionRow).order_by(SubscriptionRow.id))
            ]

    def sync_config_channel(self, channel_id: str | None) -> None:
        """Make the ORDERBOT_NOTIFY_CHANNEL row match the setting: one "everything" row, or none."""
        self._delete(
            SubscriptionRow.source == CONFIG_SOURCE, SubscriptionRow.channel_id != (channel_id or "")
        )
        if channel_id:
            self.add(channel_id, SubscriptionFilter(), "ORDERBOT_NOTIFY_CHANNEL", source=CONFIG_SOURCE)

    def _delete(self, *where: object) -> int:
        with self._db.transaction() as session:
            return session.execute(delete(SubscriptionRow).where(*where)).rowcount  # type: ignore[arg-type]


class ChannelLanguageRow(Base):
    """The language a channel's posts are in (``/order subscribe … lang nl``); none: ORDERBOT_LANGUAGE.

    Per channel, not per subscription: a channel shows one card per order, so all its posts speak one
    language. Kept when subscriptions are removed, so subscribing again needs no ``lang`` again.
    """

    __tablename__ = "channel_languages"

    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    language: Mapped[str] = mapped_column(String(16))
    chosen_by: Mapped[str] = mapped_column(String(32))
    chosen_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ChannelLanguages:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, channel_id: str) -> str | None:
        with self._db.transaction() as session:
            return session.scalar(
                select(ChannelLanguageRow.language).where(ChannelLanguageRow.channel_id == channel_id)
            )

    def all(self) -> dict[str, str]:
        """channel → language, for a notifier pass (a handful of rows: read once, not per post)."""
        with self._db.transaction() as session:
            rows = session.execute(select(ChannelLanguageRow.channel_id, ChannelLanguageRow.language))
            return {channel: language for channel, language in rows}

    def choose(self, channel_id: str, language: str, user_id: str) -> bool:
        """Set the channel's language; True if it changed."""
        try:
            return self._choose(channel_id, language, user_id)
        except IntegrityError:  # two people chose at the same moment: the row exists now, update it
            return self._choose(channel_id, language, user_id)

    def _choose(self, channel_id: str, language: str, user_id: str) -> bool:
        with self._db.transaction() as session:
            row = session.get(ChannelLanguageRow, channel_id)
            if row is not None and row.language == language:
                return False
            if row is None:
                session.add(
                    ChannelLanguageRow(
                        channel_id=channel_id, language=language, chosen_by=user_id, chosen_at=utcnow()
                    )
                )
            else:
                row.language, row.chosen_by, row.chosen_at = language, user_id, utcnow()
            return True
