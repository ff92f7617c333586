"""Mirror rig: the real emulator, a real store, and the mirror built the way the bot builds it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.mirror.sync import MirrorConfig, MirrorSync
from bot.mplus.client import MplusClient
from bot.mplus.models import Order
from bot.mplus.products import ProductQuery
from bot.store.db import Database
from bot.store.mirror_tables import MirrorArticleRow
from mplus_emulator.server import EmulatorServer
from tests.conftest import make_settings
from tests.notifier.conftest import notify_rig, pg_rig  # noqa: F401 - fixtures used by mirror tests
from tests.slack.conftest import fake_slack, rig  # noqa: F401 - fixtures used by mirror tests


def mirror_sync(emulator: EmulatorServer, db: Database, tmp_path: Path, **config: object) -> MirrorSync:
    return MirrorSync(MirrorConfig(**config), MplusClient(make_settings(emulator.url, tmp_path)), db)


def soap_calls(emulator: EmulatorServer) -> list[str]:
    return [str(call["operation"]) for call in emulator.calls()]


def expected_orders(client: MplusClient, window_start: date) -> dict[str, Order]:
    """What the first sync must keep: every order within the window, and every older one still open."""
    kept = {}
    for order in client.get_orders():
        recent = order.financial_date is None or order.financial_date >= window_start
        if recent or not (order.is_cancelled or order.complete_state == "ORDER-COMPLETE-STATE-COMPLETE"):
            kept[order.order_id] = order
    return kept


ArticleFacts = tuple[str, int | None, int]
"""What the mirror must agree with Mplus on for one article: description, price incl., sync marker."""


def mplus_articles(client: MplusClient) -> dict[int, ArticleFacts]:
    """Every article Mplus sells now (inactive ones do not belong in the mirror)."""
    return {
        a.article_number: (a.description, a.price_incl_cents, a.sync_marker or 0)
        for a in client.get_products(ProductQuery())
        if a.active
    }


def mirrored_articles(db: Database) -> dict[int, ArticleFacts]:
    with db.transaction() as session:
        rows = session.execute(
            select(
                MirrorArticleRow.article_number,
                MirrorArticleRow.description,
                MirrorArticleRow.price_cents,
                MirrorArticleRow.sync_marker,
            )
        ).all()
    return {number: (description, price, marker) for number, description, price, marker in rows}


@pytest.fixture
def shop(emulator: EmulatorServer, tmp_path: Path) -> MplusClient:
    """Someone changing things in Mplus directly (a till, a webshop)."""
    return MplusClient(make_settings(emulator.url, tmp_path))
