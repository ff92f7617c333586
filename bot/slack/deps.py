"""What the Slack handlers are given to work with: product services and a few settings."""

from __future__ import annotations

from dataclasses import dataclass

from bot.orders.service import OrderService


@dataclass(frozen=True)
class Deps:
    orders: OrderService
    command: str = "/order"
    list_page_size: int = 20
