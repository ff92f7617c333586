"""ConfirmedActions without Slack: Mplus's refusals come back as REFUSED with its message."""

from __future__ import annotations

import uuid
from datetime import timedelta

from bot.mplus.client import MplusClient
from bot.mplus.models import NewOrder, NewOrderLine
from bot.mplus.money import Quantity
from bot.orders.confirmed_actions import ConfirmedActions, Outcome, why_not
from bot.orders.permissions import Action
from bot.store.audit import AuditLog
from bot.store.confirmations import ConfirmationStore
from bot.store.db import Database


def _order(client: MplusClient) -> str:
    article = client.get_orders()[0].lines[0].article_number
    return client.create_order(
        NewOrder(
            ext_order_id=f"CA-{uuid.uuid4().hex[:8]}",
            relation_number=client.get_relations()[0].relation_number,
            lines=(NewOrderLine(article_number=article, quantity=Quantity(quantity=1), price_cents=1000),),
        )
    ).order_id


def test_refusal_by_mplus_is_reported_and_audited(client: MplusClient, sqlite_database: Database) -> None:
    audit = AuditLog(sqlite_database)
    actions = ConfirmedActions(client, ConfirmationStore(sqlite_database), audit, timedelta(minutes=10))
    order_id = _order(client)
    client.deliver_order(order_id)
    delivered = client.get_order(order_id)
    assert why_not(Action.DELIVER, delivered, []) == f"Order {delivered.number} is already delivered."
    # Proposed against the current state (so not stale), yet Mplus refuses: its words reach the user.
    pending = actions.propose(Action.DELIVER, delivered, user_id="U0ALICE", channel_id="C0ORDERS", params={})
    result = actions.confirm(pending.token, "U0ALICE")
    assert result.outcome == Outcome.REFUSED
    assert (
        result.error is not None
        and getattr(result.error, "result", "") == "DELIVER-ORDER-RESULT-ALREADY-DELIVERED"
    )
    [entry] = audit.for_order(order_id)
    assert entry.result == "DELIVER-ORDER-RESULT-ALREADY-DELIVERED" and entry.error
    assert actions.confirm(pending.token, "U0ALICE").outcome == Outcome.ALREADY_DONE


def test_category_that_forbids_cancel(client: MplusClient) -> None:
    categories = client.get_order_categories()
    locked = next(c for c in categories if not c.allow_cancel)
    order = client.get_order(_order(client)).model_copy(update={"order_category_number": locked.number})
    assert "cannot be cancelled" in (why_not(Action.CANCEL, order, categories) or "")
