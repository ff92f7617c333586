"""getOrders: filters (AND-combined) and sync-marker paging."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from .model import DEFAULT_ORDER_TYPES, Order, State

ORDERS_DEFAULT_LIMIT = 1000
ORDERS_MAX_LIMIT = 10000


@dataclass
class OrderQuery:
    sync_marker: int | None = None
    sync_marker_limit: int | None = None
    from_financial_date: date | None = None
    through_financial_date: date | None = None
    branch_numbers: list[int] = field(default_factory=list)
    employee_numbers: list[int] = field(default_factory=list)
    relation_numbers: list[int] = field(default_factory=list)
    article_numbers: list[int] = field(default_factory=list)
    order_types: list[str] = field(default_factory=list)
    order_ids: list[str] = field(default_factory=list)
    order_numbers: list[tuple[int, int]] = field(default_factory=list)
    include_line_list: bool = True


def _matcher(q: OrderQuery) -> Callable[[Order], bool]:
    branches = set(q.branch_numbers)
    employees = set(q.employee_numbers)
    relations = set(q.relation_numbers)
    articles = set(q.article_numbers)
    types = set(q.order_types or DEFAULT_ORDER_TYPES)
    ids = set(q.order_ids)
    numbers = set(q.order_numbers)

    def match(o: Order) -> bool:
        return (
            (q.sync_marker is None or o.sync_marker >= q.sync_marker)
            and o.order_type in types
            and (q.from_financial_date is None or o.financial_date >= q.from_financial_date)
            and (q.through_financial_date is None or o.financial_date <= q.through_financial_date)
            and (not branches or o.financial_branch_number in branches)
            and (not employees or o.employee_number in employees)
            and (not relations or o.relation_number in relations)
            and (not ids or o.order_id in ids)
            and (not numbers or (o.order_year, o.order_number) in numbers)
            and (not articles or any(ln.article_number in articles for ln in o.lines))
        )

    return match


def effective_limit(limit: int | None) -> int:
    if limit is None or limit <= 0:
        return ORDERS_DEFAULT_LIMIT
    return min(limit, ORDERS_MAX_LIMIT)


def get_orders(state: State, q: OrderQuery) -> list[Order]:
    match = _matcher(q)
    found = [o for o in state.orders.values() if match(o)]
    if q.sync_marker is None:
        return sorted(found, key=lambda o: (o.order_year, o.order_number))
    found.sort(key=lambda o: o.sync_marker)
    return found[:effective_limit(q.sync_marker_limit)]
