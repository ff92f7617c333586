"""What changed in an order: a small snapshot per order, compared with the version just read.

Mplus says *that* an order changed (a new sync marker) but not *what* changed, so the notifier keeps
the few facts staff act on (paid, delivered, cancelled, totals, a fingerprint of the content) and
derives the kinds of change from the difference.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict

from bot.mplus.models import Order
from bot.mplus.money import format_cents
from bot.store.subscriptions import NotifyEvent

NEW_ORDER_SLACK = timedelta(minutes=2)
"""An order entered this long before following began still counts as new (Mplus and bot clocks differ)."""


class OrderSnapshot(BaseModel):
    model_config = ConfigDict(frozen=True)

    marker: int
    fully_paid: bool
    prepaid: int
    delivered: bool
    cancelled: bool
    total: int
    content: str
    """Fingerprint of what an edit can change: lines, relation, reference, delivery, category, branch."""

    @classmethod
    def of(cls, order: Order) -> OrderSnapshot:
        return cls(
            marker=order.sync_marker or 0,
            fully_paid=order.fully_paid,
            prepaid=order.prepaid_amount,
            delivered=order.is_delivered,
            cancelled=order.is_cancelled,
            total=order.total_incl_amount,
            content=content_fingerprint(order),
        )


def content_fingerprint(order: Order) -> str:
    lines = [
        (line.article_number, line.quantity.quantity, line.quantity.decimal_places, line.price, line.text)
        for line in order.lines
    ]
    facts: list[Any] = [
        lines,
        order.relation_number,
        order.reference,
        order.delivery_method,
        order.delivery_date.isoformat() if order.delivery_date else None,
        order.order_category_number,
        order.financial_branch_number,
    ]
    return hashlib.sha1(json.dumps(facts, default=str).encode(), usedforsecurity=False).hexdigest()[:16]


class Change(BaseModel):
    model_config = ConfigDict(frozen=True)

    order: Order
    events: frozenset[NotifyEvent]
    previous: OrderSnapshot | None
    snapshot: OrderSnapshot

    @property
    def marker(self) -> int:
        return self.snapshot.marker

    @property
    def order_id(self) -> str:
        return self.order.order_id


def _state_events(order: Order) -> set[NotifyEvent]:
    events: set[NotifyEvent] = set()
    if order.fully_paid:
        events.add(NotifyEvent.PAID)
    if order.is_delivered:
        events.add(NotifyEvent.DELIVERED)
    if order.is_cancelled:
        events.add(NotifyEvent.CANCELLED)
    return events


def _is_new(order: Order, baseline_at: datetime | None) -> bool:
    if baseline_at is None or order.entry_timestamp is None:
        return True  # a backfill (everything is new to Slack), or Mplus gave no entry time
    return order.entry_timestamp >= baseline_at - NEW_ORDER_SLACK


def classify(order: Order, previous: OrderSnapshot | None, baseline_at: datetime | None) -> Change:
    """The kinds of change from ``previous`` (None: never seen) to ``order``.

    A never-seen order is *new* if it was entered after following began; it then also carries the
    states it already reached (created and paid between two passes is "new" and "paid"). A never-seen
    older order (entered before the notifier started) can only be judged by its state; an open one
    counts as "changed".
    """
    snapshot = OrderSnapshot.of(order)
    if previous is None:
        events = _state_events(order)
        if _is_new(order, baseline_at):
            events.add(NotifyEvent.NEW)
        elif not events:
            events.add(NotifyEvent.CHANGED)
    else:
        events = set()
        if (snapshot.fully_paid and not previous.fully_paid) or (
            not snapshot.fully_paid and snapshot.prepaid > previous.prepaid
        ):
            events.add(NotifyEvent.PAID)  # paid in full, or a deposit
        if snapshot.delivered and not previous.delivered:
            events.add(NotifyEvent.DELIVERED)
        if snapshot.cancelled and not previous.cancelled:
            events.add(NotifyEvent.CANCELLED)
        if snapshot.content != previous.content or snapshot.total != previous.total:
            events.add(NotifyEvent.CHANGED)
    return Change(order=order, events=frozenset(events), previous=previous, snapshot=snapshot)


def note_phrases(change: Change) -> list[str]:
    """Plain-text phrases for the one-line threaded note, e.g. ["paid in full", "delivered"]."""
    snap, before = change.snapshot, change.previous
    phrases: list[str] = []
    if NotifyEvent.PAID in change.events:
        if snap.fully_paid:
            phrases.append("paid in full")
        else:
            deposit = snap.prepaid - (before.prepaid if before else 0)
            phrases.append(
                f"deposit of {format_cents(deposit)} received ({format_cents(snap.prepaid)} prepaid)"
            )
    if NotifyEvent.DELIVERED in change.events:
        phrases.append("delivered")
    if NotifyEvent.CANCELLED in change.events:
        phrases.append("cancelled")
    if NotifyEvent.CHANGED in change.events:
        if before is not None and before.total != snap.total:
            phrases.append(f"edited: total {format_cents(before.total)} → {format_cents(snap.total)}")
        else:
            phrases.append("edited")
    if NotifyEvent.NEW in change.events and not phrases:
        phrases.append("new order")
    return phrases


def order_state(order: Order) -> str:
    """One word per order for digest counts: cancelled, paid, delivered or open."""
    if order.is_cancelled:
        return "cancelled"
    if order.fully_paid:
        return "paid"
    if order.is_delivered:
        return "delivered"
    return "open"
