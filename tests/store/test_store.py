"""The state store's exactly-once primitives, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from bot.store.audit import AuditLog
from bot.store.confirmations import ClaimOutcome, ConfirmationStore
from bot.store.db import Database, utcnow
from bot.store.idempotency import IdempotencyKeys


def _confirmation(store: ConfirmationStore, ttl: timedelta = timedelta(minutes=10)):
    return store.create(
        action="pay",
        order_id="a" * 32,
        user_id="U0ALICE",
        channel_id="C0ORDERS",
        params={"amount_cents": 1250, "method": "CASH", "prepay": True},
        order_sync_marker=41,
        ttl=ttl,
    )


def test_a_confirmation_is_claimed_once(database: Database) -> None:
    store = ConfirmationStore(database)
    pending = _confirmation(store)
    assert store.get(pending.token) == pending
    assert pending.params["amount_cents"] == 1250
    first = store.claim(pending.token)
    assert first.outcome == ClaimOutcome.WON
    assert store.claim(pending.token).outcome == ClaimOutcome.ALREADY_RUNNING
    store.finish(pending.token, ok=True, result={"invoice_id": "inv-1"})
    again = store.claim(pending.token)
    assert again.outcome == ClaimOutcome.ALREADY_DONE
    assert again.confirmation is not None and again.confirmation.result == {"invoice_id": "inv-1"}


def test_concurrent_claims_have_one_winner(database: Database) -> None:
    store = ConfirmationStore(database)
    token = _confirmation(store).token
    barrier = threading.Barrier(12)

    def claim() -> ClaimOutcome:
        barrier.wait()
        return store.claim(token).outcome

    with ThreadPoolExecutor(12) as pool:
        outcomes = list(pool.map(lambda _: claim(), range(12)))
    assert outcomes.count(ClaimOutcome.WON) == 1
    assert set(outcomes) == {ClaimOutcome.WON, ClaimOutcome.ALREADY_RUNNING}


def test_expired_withdrawn_and_unknown(database: Database) -> None:
    store = ConfirmationStore(database)
    old = _confirmation(store, ttl=timedelta(seconds=60))
    assert store.claim(old.token, now=utcnow() + timedelta(seconds=61)).outcome == ClaimOutcome.EXPIRED
    backed_out = _confirmation(store)
    assert store.withdraw(backed_out.token)
    assert not store.withdraw(backed_out.token)
    assert store.claim(backed_out.token).outcome == ClaimOutcome.WITHDRAWN
    assert store.claim("no-such-token").outcome == ClaimOutcome.UNKNOWN
    assert [c.token for c in store.pending_for("a" * 32)] == [old.token]


def test_idempotency_keys_have_one_owner(database: Database) -> None:
    keys = IdempotencyKeys(database)
    with ThreadPoolExecutor(8) as pool:
        owners = list(pool.map(lambda _: keys.claim("create:EXT-1"), range(8)))
    assert sum(owner is not None for owner in owners) == 1  # the one owner gets the key's date
    keys.complete("create:EXT-1", {"order_id": "x"})
    assert keys.result("create:EXT-1") == {"order_id": "x"}
    assert keys.result("create:EXT-2") is None


def test_audit_log_keeps_an_orders_history(database: Database) -> None:
    audit = AuditLog(database)
    audit.record(user_id="U0BOB", action="pay", result="refused", order_id="o1", error="not authorised")
    audit.record(
        user_id="U0ALICE",
        action="deliver",
        result="DELIVER-ORDER-RESULT-OK",
        order_id="o1",
        order_number="2026-7",
        params={"packing_slip_id": "ps-1"},
        sync_marker_after=99,
    )
    audit.record(user_id="U0ALICE", action="cancel", result="ok", order_id="o2")
    history = audit.for_order("o1")
    assert [(e.user_id, e.action, e.result) for e in history] == [
        ("U0BOB", "pay", "refused"),
        ("U0ALICE", "deliver", "DELIVER-ORDER-RESULT-OK"),
    ]
    assert history[1].params == {"packing_slip_id": "ps-1"} and history[1].at.tzinfo is not None
    assert audit.bot_markers("o1") == {99}
