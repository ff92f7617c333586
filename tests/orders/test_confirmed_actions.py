"""ConfirmedActions without Slack: Mplus's refusals come back as REFUSED with its message."""

from __future__ import annotations

from datetime import timedelta

from bot.mplus.client import MplusClient
from bot.orders.confirmed_actions import ConfirmedActions, Outcome, why_not
from bot.orders.permissions import Action
from bot.store.audit import AuditLog
from bot.store.confirmations import ConfirmationStore
from bot.store.db import Database
from tests.factories import create_order


def _order(client: MplusClient) -> str:
    return create_order(client, quantity=1, price_cents=1000, prefix="CA").order_id


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
