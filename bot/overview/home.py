"""One person's App Home, as data: what needs doing, today per branch, their last actions, channels.

Everything comes from the local store (mirror, facts, audit log, subscriptions), never from Mplus,
so building it costs a few indexed queries however often it is opened.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, tzinfo

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select

from bot.mirror.overview_queries import BranchDay, NeedGroup, needs_action, today_by_branch
from bot.store.audit import AuditEntry, AuditRow
from bot.store.db import Database
from bot.store.mirror_tables import MirrorStateRow
from bot.store.subscriptions import Subscription, SubscriptionStore

TOP_ROWS = 3
"""Rows shown per kind of "needs action"; the rest are behind "Show all"."""
MINE_ROWS = 8


class HomeData(BaseModel):
    model_config = ConfigDict(frozen=True)

    user_id: str
    as_of: datetime
    stale_days: int
    needs: list[NeedGroup]
    today: list[BranchDay]
    mine: list[AuditEntry]
    channels: dict[str, list[Subscription]]
    """The person's channels that follow something, with what they follow."""
    can_pay: bool = False
    can_deliver: bool = False


def last_actions(db: Database, user_id: str, limit: int = MINE_ROWS) -> list[AuditEntry]:
    with db.transaction() as session:
        rows = session.scalars(
            select(AuditRow).where(AuditRow.user_id == user_id).order_by(AuditRow.id.desc()).limit(limit)
        )
        return [AuditEntry.model_validate(row) for row in rows]


def build_home(
    db: Database,
    user_id: str,
    *,
    channel_ids: Iterable[str],
    today: date,
    tz: tzinfo,
    now: datetime,
    stale_days: int,
    can_pay: bool,
    can_deliver: bool,
) -> HomeData:
    mine_channels = set(channel_ids)
    channels: dict[str, list[Subscription]] = {}
    for sub in SubscriptionStore(db).all():
        if sub.channel_id in mine_channels:
            channels.setdefault(sub.channel_id, []).append(sub)
    return HomeData(
        user_id=user_id,
        as_of=now,
        stale_days=stale_days,
        needs=needs_action(db, today, stale_days, limit=TOP_ROWS),
        today=today_by_branch(db, today, tz),
        mine=last_actions(db, user_id),
        channels=channels,
        can_pay=can_pay,
        can_deliver=can_deliver,
    )


def home_version(db: Database) -> tuple[int, int]:
    """Changes that alter some App Home: the mirror's newest order marker, the newest audit entry."""
    with db.transaction() as session:
        # The mirror's own position: one row, where max(sync_marker) would scan every order.
        marker = session.scalar(select(MirrorStateRow.next_marker).where(MirrorStateRow.stream == "orders"))
        audit = session.scalar(select(func.max(AuditRow.id))) or 0
    return int(marker or 0), int(audit)
