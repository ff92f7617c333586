"""The order workflow, free of Slack: what a person asks for, answered from Mplus as models."""

from __future__ import annotations

import re
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from bot.marks import N_, Said
from bot.mplus.client import MplusClient
from bot.mplus.errors import NotFound
from bot.mplus.models import (
    MPLUS_TZ,
    DeliveryMethod,
    Order,
    OrderCategory,
    OrderQuery,
    PaymentMethod,
    YearNumber,
)
from bot.orders.catalogue import CatalogueCache

_ORDER_NUMBER = re.compile(r"^(\d{4})-(\d{1,9})$")
_SHORT_NUMBER = re.compile(r"^\d{1,9}$")
_ORDER_ID = re.compile(r"^[0-9A-Za-z\-]{6,64}$")


class OrderKeyError(ValueError):
    """Text that is neither an order number (2026-42) nor an order id."""


class OrderKey(BaseModel):
    """How a person names an order: its number (2026-42) or Mplus's internal id."""

    model_config = ConfigDict(frozen=True)

    order_id: str | None = None
    number: YearNumber | None = None

    @classmethod
    def parse(cls, text: str, today: date | None = None) -> OrderKey:
        """``2026-42``, ``42`` (this year's order 42, in the shop's time zone) or an order id."""
        text = text.strip()
        match = _ORDER_NUMBER.match(text)
        if match:
            return cls(number=YearNumber(year=int(match[1]), number=int(match[2])))
        if _SHORT_NUMBER.match(text):
            year = (today or datetime.now(MPLUS_TZ).date()).year
            return cls(number=YearNumber(year=year, number=int(text)))
        if _ORDER_ID.match(text):
            return cls(order_id=text.lower())
        raise OrderKeyError(Said(N_(
            "`{text}` is not an order number or id — use a number like 2026-42 (or 42 for this "
            "year's), or a 32-character id"
        ), text=text[:40]))

    def __str__(self) -> str:
        return str(self.number) if self.number else str(self.order_id)


class OrderService:
    def __init__(self, client: MplusClient, catalogue: CatalogueCache) -> None:
        self._client = client
        self._catalogue = catalogue

    @property
    def client(self) -> MplusClient:
        return self._client

    def find(self, ext_order_id: str) -> Order:
        return self._client.find_order(ext_order_id)

    def show(self, key: OrderKey) -> Order:
        if key.order_id is not None:
            return self._client.get_order(key.order_id)
        assert key.number is not None
        matches = self._client.get_orders(OrderQuery(order_numbers=(key.number,)))
        if not matches:
            raise NotFound("order", str(key.number))
        return matches[0]

    def get(self, order_id: str) -> Order:
        return self._client.get_order(order_id)

    def payment_methods(self) -> list[PaymentMethod]:
        return self._client.get_payment_methods()

    def delivery_methods(self) -> list[DeliveryMethod]:
        return self._catalogue.delivery_methods()

    def categories(self) -> list[OrderCategory]:
        return self._catalogue.categories()

