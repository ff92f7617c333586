"""Overview rig: the real bot over HTTP (tests/slack), the emulator, and the mirror synced on demand."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from bot.mirror.sync import MirrorConfig, MirrorSync
from bot.mplus.client import MplusClient
from bot.mplus.models import NewOrder, NewOrderLine, Order, PaymentInput
from bot.mplus.money import Quantity
from tests.slack.conftest import BotRig, fake_slack, rig  # noqa: F401 - fixtures used here


def sync(bot: BotRig) -> None:
    """What the notifier's pass does for the mirror every interval, run once now."""
    report = MirrorSync(MirrorConfig(), bot.runtime.mplus, bot.runtime.deps.db).run_until_level()
    assert report.error is None


def place_order(
    mplus: MplusClient,
    *,
    price_cents: int = 5000,
    branch: int | None = None,
    delivery_date: date | None = None,
    financial_date: date | None = None,
) -> Order:
    article = mplus.get_orders()[0].lines[0].article_number
    created = mplus.create_order(
        NewOrder(
            ext_order_id=f"OV-{uuid.uuid4().hex[:8]}",
            relation_number=mplus.get_relations()[0].relation_number,
            lines=(
                NewOrderLine(article_number=article, quantity=Quantity(quantity=1), price_cents=price_cents),
            ),
            delivery_date=delivery_date,
            branch_number=branch,
            financial_date=financial_date,
        )
    )
    return mplus.get_order(created.order_id)


def deposit(mplus: MplusClient, order: Order, cents: int) -> None:
    method = mplus.get_payment_methods()[0].method
    mplus.pay_order(order.order_id, [PaymentInput(method=method, amount_cents=cents)], prepay=True)


def texts(blocks: list[dict[str, Any]]) -> str:
    out: list[str] = []
    for block in blocks:
        for key in ("text",):
            if isinstance(block.get(key), dict):
                out.append(block[key].get("text", ""))
        for element in block.get("elements") or []:
            if isinstance(element, dict) and isinstance(element.get("text"), (str, dict)):
                text = element["text"]
                out.append(text if isinstance(text, str) else text.get("text", ""))
    return "\n".join(out)
