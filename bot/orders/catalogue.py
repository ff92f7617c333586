"""Delivery methods and order categories, cached briefly: every card needs their descriptions."""

from __future__ import annotations

import threading
import time

from bot.mplus.client import MplusClient
from bot.mplus.models import DeliveryMethod, OrderCategory


class CatalogueCache:
    def __init__(self, client: MplusClient, ttl_s: float) -> None:
        self._client = client
        self._ttl_s = ttl_s
        self._lock = threading.Lock()
        self._loaded_at = -float("inf")
        self._methods: list[DeliveryMethod] = []
        self._categories: list[OrderCategory] = []

    def _refresh_if_stale(self) -> None:
        with self._lock:
            if time.monotonic() - self._loaded_at < self._ttl_s:
                return
            self._methods = self._client.get_delivery_methods()
            self._categories = self._client.get_order_categories()
            self._loaded_at = time.monotonic()

    def delivery_methods(self) -> list[DeliveryMethod]:
        self._refresh_if_stale()
        return list(self._methods)

    def categories(self) -> list[OrderCategory]:
        self._refresh_if_stale()
        return list(self._categories)
