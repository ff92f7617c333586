"""Notifier rig: the real emulator, the real fake Slack, a real store, and notifiers built like the bot's.

Orders are changed "directly on the emulator" through a separate MplusClient (``Shop``), the way a
till or a webshop would change them, never through the bot.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.mplus.client import MplusClient
from bot.mplus.models import NewOrder, NewOrderLine, PaymentInput
from bot.mplus.money import Quantity
from bot.notifier.engine import Notifier, PassReport
from bot.notifier.runner import build_notifier
from bot.slack.app import build_web_client
from bot.store.audit import AuditLog
from bot.store.db import Database, utcnow
from bot.store.subscriptions import SubscriptionFilter, SubscriptionStore
from mplus_emulator.server import EmulatorServer
from slack_sandbox.fake_slack import FakeSlack
from tests.conftest import make_settings
from tests.slack.conftest import ALICE, bot_settings, fake_slack, rig  # noqa: F401 - fixtures used here

NOTIFY = "C0NOTIFY"
ORDERS = "C0ORDERS"
OPS = "C0OPS"
GENERAL = "C0GENERAL"

FAST: dict[str, Any] = {
    "notify_post_interval_s": 0.0,
    "notify_slack_retries": 2,
    "notify_lease_s": 10.0,
    "notify_alert_after_s": 0.0,
    "notify_interval_s": 0.2,
}


class Clock:
    """A settable clock for daily digests; real time until ``set``."""

    def __init__(self) -> None:
        self.fixed: datetime | None = None

    def __call__(self) -> datetime:
        return self.fixed or utcnow()


class Shop:
    """Someone changing orders in Mplus directly (a till, a webshop), not through the bot."""

    def __init__(self, client: MplusClient) -> None:
        self.client = client

    def create(
        self,
        *,
        relation: int = 1,
        branch: int | None = 1,
        category: int | None = None,
        method: str | None = None,
        quantity: int = 1,
        article: int = 1001,
    ) -> str:
        order = NewOrder(
            ext_order_id=f"nt-{uuid.uuid4().hex[:12]}",
            relation_number=relation,
            lines=(NewOrderLine(article_number=article, quantity=Quantity(quantity=quantity)),),
            branch_number=branch,
            order_category_number=category,
            delivery_method=method,
        )
        return self.client.create_order(order).order_id

    def pay(self, order_id: str) -> None:
        self.client.pay_order(order_id, [PaymentInput(method="CASH", amount_cents=1_000_000)], prepay=False)

    def deposit(self, order_id: str, cents: int) -> None:
        self.client.pay_order(order_id, [PaymentInput(method="PIN", amount_cents=cents)], prepay=True)

    def deliver(self, order_id: str) -> None:
        self.client.deliver_order(order_id)

    def cancel(self, order_id: str) -> None:
        self.client.cancel_order(order_id)

    def number(self, order_id: str) -> str:
        return self.client.get_order(order_id).number


@dataclass
class NotifierRig:
    emulator: EmulatorServer
    fake: FakeSlack
    db: Database
    tmp_path: Path
    shop: Shop
    clock: Clock
    overrides: dict[str, Any] = field(default_factory=dict)
    _notifier: Notifier | None = None

    def settings(self, **overrides: Any) -> Settings:
        values = {**FAST, "database_url": self.db.url, **self.overrides, **overrides}
        return Settings(bot_settings(self.fake, **values), make_settings(self.emulator.url, self.tmp_path))

    def notifier(
        self, db: Database | None = None, *, backfill: bool | None = None, **overrides: Any
    ) -> Notifier:
        settings = self.settings(**overrides)
        db = db or self.db
        mplus = MplusClient(settings.mplus)
        return build_notifier(
            settings,
            mplus,
            build_web_client(settings.bot),
            db,
            AuditLog(db),
            backfill=backfill,
            clock=self.clock,
        )

    def run(self) -> PassReport:
        """One pass with this rig's (cached) notifier."""
        if self._notifier is None:
            self._notifier = self.notifier()
        return self._notifier.run_pass()

    def subscribe(self, channel: str, **values: Any) -> None:
        SubscriptionStore(self.db).add(channel, SubscriptionFilter(**values), ALICE)

    def cards(self, channel: str) -> list[dict[str, Any]]:
        """Top-level order cards in ``channel`` (not digests or notices)."""
        return [m for m in self.fake.messages(channel) if _has_block(m, "order_header")]

    def card_of(self, channel: str, number: str) -> dict[str, Any] | None:
        found = [m for m in self.cards(channel) if f"Order {number}" in header_of(m)]
        assert len(found) <= 1, f"{len(found)} cards for order {number} in {channel}"
        return found[0] if found else None

    def notes(self, channel: str, card: dict[str, Any]) -> list[str]:
        # Amounts carry a non-breaking space (€\u00a0100,00); read them as a person would.
        return [m["text"].replace("\u00a0", " ") for m in self.fake.thread(channel, card["ts"])]

    def digests(self, channel: str) -> list[dict[str, Any]]:
        return [m for m in self.fake.messages(channel) if _has_block(m, "digest_header")]


def _has_block(message: dict[str, Any], block_id: str) -> bool:
    return any(b.get("block_id") == block_id for b in message.get("blocks") or [])


def header_of(message: dict[str, Any]) -> str:
    for block in message.get("blocks") or []:
        if block.get("block_id") == "order_header":
            return str(block["text"]["text"])
    return ""


def all_text(message: dict[str, Any]) -> str:
    found: list[str] = [message.get("text") or ""]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message.get("blocks") or [])
    return "\n".join(found).replace("\u00a0", " ")


@pytest.fixture
def notify_rig(
    emulator: EmulatorServer,
    fake_slack: FakeSlack,  # noqa: F811 - the fixture imported above
    sqlite_database: Database,
    tmp_path: Path,
) -> Iterator[NotifierRig]:
    fake_slack.reset()
    shop = Shop(MplusClient(make_settings(emulator.url, tmp_path)))
    yield NotifierRig(emulator, fake_slack, sqlite_database, tmp_path, shop, Clock())


@pytest.fixture
def pg_rig(
    emulator: EmulatorServer,
    fake_slack: FakeSlack,  # noqa: F811 - the fixture imported above
    database: Database,
    tmp_path: Path,
) -> Iterator[NotifierRig]:
    """The same rig on both store backends (SQLite and PostgreSQL)."""
    fake_slack.reset()
    shop = Shop(MplusClient(make_settings(emulator.url, tmp_path)))
    yield NotifierRig(emulator, fake_slack, database, tmp_path, shop, Clock())
