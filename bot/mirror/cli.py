"""``orderbot mirror sync | status | forget <relation> | rebuild``: the mirror by hand.

These need only ``DATABASE_URL`` (and the Mplus settings for ``sync``), not Slack: an operator
handling a request to be forgotten should not need the bot's tokens.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.mirror.health import health
from bot.mirror.store import MirrorStore
from bot.mirror.sync import MirrorConfig, MirrorSync
from bot.store.db import Database

log = logging.getLogger(__name__)


class MirrorCliSettings(BaseSettings):
    """The few settings the mirror commands read; same names and defaults as the bot's."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field("sqlite:///orderbot.sqlite3", validation_alias="DATABASE_URL")
    mirror_days: int = Field(120, validation_alias="ORDERBOT_MIRROR_DAYS", ge=1, le=3650)
    mirror_page_size: int = Field(1000, validation_alias="ORDERBOT_MIRROR_PAGE_SIZE", ge=10, le=10_000)
    lease_s: float = Field(60.0, validation_alias="ORDERBOT_NOTIFY_LEASE_S", ge=1)


def _database(settings: MirrorCliSettings) -> Database:
    db = Database(settings.database_url)
    db.create_schema()
    return db


def sync(settings: MirrorCliSettings) -> int:
    """Read until level, under the notifier's lease (so a running bot and this never both sync)."""
    from pydantic import ValidationError

    from bot.config import MplusSettings, describe_validation_error
    from bot.mplus.client import MplusClient
    from bot.store.lease_keeper import LeaseKeeper
    from bot.store.leases import Leases

    try:
        mplus_settings = MplusSettings()  # type: ignore[call-arg]
    except ValidationError as err:
        print(describe_validation_error(err, prefix="MPLUS_"))
        return 2
    db = _database(settings)
    try:
        lease = LeaseKeeper(Leases(db), settings.lease_s)
        if not lease.acquire():
            print("mirror: another process holds the sync lease and keeps the mirror; nothing to do")
            return 0
        try:
            with lease.heartbeat():
                config = MirrorConfig(days=settings.mirror_days, order_page=settings.mirror_page_size)
                report = MirrorSync(config, MplusClient(mplus_settings), db).run_until_level()
        finally:
            lease.release()
        written = ", ".join(f"{n} {stream}" for stream, n in sorted(report.written.items())) or "nothing new"
        state = health(db)
        print(f"mirror: {written} · {report.calls} calls · orders marker {state['orders_marker']}")
        if report.error:
            print(f"mirror: stopped, Mplus unavailable: {report.error}")
            return 1
        return 0
    finally:
        db.dispose()


def status(settings: MirrorCliSettings) -> int:
    db = _database(settings)
    try:
        print(json.dumps(health(db), default=str, indent=2))
    finally:
        db.dispose()
    return 0


def forget(settings: MirrorCliSettings, relation_number: int) -> int:
    db = _database(settings)
    try:
        relations, orders = MirrorStore(db).forget_relation(relation_number)
    finally:
        db.dispose()
    log.info("mirror: forgot relation %d (%d orders)", relation_number, orders)
    if not relations and not orders:
        print(f"mirror: nothing stored for relation {relation_number}")
        return 0
    print(
        f"mirror: relation {relation_number} removed with {orders} orders. It comes back only if it "
        "changes in Mplus while still active there: delete or deactivate it in Mplus too."
    )
    return 0


def rebuild(settings: MirrorCliSettings) -> int:
    db = _database(settings)
    try:
        MirrorStore(db).wipe()
    finally:
        db.dispose()
    print("mirror: emptied; the next sync pass (or `orderbot mirror sync`) reads everything again")
    return 0


def main(action: str, args: Any) -> int:
    settings = MirrorCliSettings()
    if action == "sync":
        return sync(settings)
    if action == "status":
        return status(settings)
    if action == "forget":
        return forget(settings, args.relation)
    if action == "rebuild":
        return rebuild(settings)
    raise ValueError(action)
