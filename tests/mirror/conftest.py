"""Mirror rig: the real emulator, a real store, and the mirror built the way the bot builds it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.mirror.sync import MirrorConfig, MirrorSync
from bot.mplus.client import MplusClient
from bot.mplus.models import Order
from bot.store.db import Database
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


@pytest.fixture
def shop(emulator: EmulatorServer, tmp_path: Path) -> MplusClient:
    """Someone changing things in Mplus directly (a till, a webshop)."""
    return MplusClient(make_settings(emulator.url, tmp_path))
