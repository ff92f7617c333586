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
from bot.slack.views.events import OrderEvent, event_of_action
from bot.store.audit import AuditEntry
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


_KINDS: tuple[tuple[NotifyEvent, str], ...] = (
    (NotifyEvent.CANCELLED, "cancelled"),
    (NotifyEvent.NEW, "new"),
    (NotifyEvent.PAID, "paid"),
    (NotifyEvent.DELIVERED, "delivered"),
    (NotifyEvent.CHANGED, "edited"),
)


def event_of_change(change: Change, at: datetime, entry: AuditEntry | None = None) -> OrderEvent:
    """The change as one event for the card's top line and the note: who (when the bot made it), what."""
    if entry is not None and entry.result == "ok":
        details = {**entry.params}
        if entry.action == "edit" and change.previous is not None:
            details["old_total_cents"] = change.previous.total
        return event_of_action(entry.action, entry.user_id, entry.at, details)
    kinds = [kind for event, kind in _KINDS if event in change.events] or ["changed"]
    snap, before = change.snapshot, change.previous
    amount: int | None = None
    if kinds[0] == "paid" and not snap.fully_paid:
        kinds[0] = "deposit"
        amount = snap.prepaid - (before.prepaid if before else 0)
    old_total = before.total if before is not None and before.total != snap.total else None
    return OrderEvent(
        kind=kinds[0],  # type: ignore[arg-type]
        at=at,
        amount_cents=amount,
        old_total_cents=old_total,
        also=tuple(kinds[1:]),  # type: ignore[arg-type]
    )


def order_state(order: Order) -> str:
    """One word per order for digest counts: cancelled, paid, delivered or open."""
    if order.is_cancelled:
        return "cancelled"
    if order.fully_paid:
        return "paid"
    if order.is_delivered:
        return "delivered"
    return "open"
