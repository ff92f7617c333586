"""Keeping ``overview_order_facts`` beside the mirror: when things happened, what needs action.

Called by ``MirrorStore`` in the transaction that writes the orders, so facts and mirror rows never
disagree. Mplus tells when payments were made; delivery and cancellation times are the moment the
mirror first sees them. An order the mirror meets for the first time already delivered or cancelled
(first sync, a backfill) gets its last known activity instead, so a first sync does not make every
old order "delivered today".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.mplus.models import CancelState, CompleteState, DeliveryState, Order
from bot.store.db import utcnow
from bot.store.overview_tables import OrderFactsRow


def _last_activity(order: Order) -> datetime | None:
    times = [p.entry_timestamp for p in order.payments if p.entry_timestamp]
    if order.entry_timestamp:
        times.append(order.entry_timestamp)
    return max(times) if times else None


def needs(order: Order) -> dict[str, Any]:
    """The "needs action" columns: each set only while the order is of that kind."""
    cancelled = order.cancel_state == CancelState.COMPLETE
    delivered = order.delivery_state == DeliveryState.COMPLETE
    is_open = not cancelled and order.complete_state != CompleteState.COMPLETE
    live = not cancelled
    return {
        "delivered_unpaid_on": order.financial_date
        if live and delivered and order.outstanding_cents > 0
        else None,
        "awaiting_delivery_on": order.delivery_date
        if live and not delivered and order.prepaid_amount > 0
        else None,
        "open_since": order.financial_date if is_open else None,
    }


def record_facts(session: Session, orders: Sequence[Order], insert: Callable[..., Any]) -> None:
    if not orders:
        return
    now = utcnow()
    known = set(
        session.scalars(
            select(OrderFactsRow.order_id).where(OrderFactsRow.order_id.in_([o.order_id for o in orders]))
        )
    )
    values = []
    for order in orders:
        paid = [p.entry_timestamp for p in order.payments if p.entry_timestamp]
        seen_at = now if order.order_id in known else (_last_activity(order) or now)
        values.append(
            {
                "order_id": order.order_id,
                "sync_marker": order.sync_marker or 0,
                "delivery_date": order.delivery_date,
                "paid_at": max(paid) if paid else None,
                "delivered_at": seen_at if order.delivery_state == DeliveryState.COMPLETE else None,
                "cancelled_at": seen_at if order.cancel_state == CancelState.COMPLETE else None,
                **needs(order),
            }
        )
    statement = insert(OrderFactsRow).values(values)
    excluded = statement.excluded
    updated = {key: excluded[key] for key in values[0] if key != "order_id"}
    updated["delivered_at"] = _keep_first(OrderFactsRow.delivered_at, excluded.delivered_at)
    updated["cancelled_at"] = _keep_first(OrderFactsRow.cancelled_at, excluded.cancelled_at)
    statement = statement.on_conflict_do_update(
        index_elements=[OrderFactsRow.order_id],
        set_=updated,
        where=OrderFactsRow.sync_marker <= excluded.sync_marker,
    )
    session.execute(statement)


def _keep_first(current: Any, incoming: Any) -> Any:
    """NULL when the order is not (any more) in that state; else the earliest time seen."""
    return case((incoming.is_(None), None), else_=func.coalesce(current, incoming))
