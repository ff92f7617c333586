"""Orders made directly on the emulator (as a till or webshop would), for tests to act on."""

from __future__ import annotations

import uuid

from bot.mplus.client import MplusClient
from bot.mplus.models import NewOrder, NewOrderLine, Order
from bot.mplus.money import Quantity


def create_order(
    client: MplusClient, *, quantity: int = 2, price_cents: int = 5000, prefix: str = "T"
) -> Order:
    """One order with one line of the first article seen in the demo seed; returns it as Mplus has it."""
    article = client.get_orders()[0].lines[0].article_number
    created = client.create_order(
        NewOrder(
            ext_order_id=f"{prefix}-{uuid.uuid4().hex[:8]}",
            relation_number=client.get_relations()[0].relation_number,
            lines=(
                NewOrderLine(
                    article_number=article, quantity=Quantity(quantity=quantity), price_cents=price_cents
                ),
            ),
        )
    )
    return client.get_order(created.order_id)
