"""Recovery never settles a claim or key as "not sent" and then lets its write go out (issue #10).

A confirmed write can wait a long time for a free Mplus slot (MPLUS_MAX_CONCURRENCY). If recovery
(another process, or this one) settles the claim meanwhile, the write must not be sent afterwards:
that would make the audit row and the person's message say "nothing changed" about a change that
then happened.
"""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from typing import Any

import pytest

from bot.config import CLAIM_SETTLE_MARGIN_S, load_settings
from bot.mplus.client import MplusClient
from bot.mplus.errors import NotFound
from bot.mplus.models import NewOrderLine
from bot.mplus.money import Quantity
from bot.orders.confirmed_actions import ConfirmedActions, ConfirmResult, Outcome
from bot.orders.drafts import ValidOrder
from bot.orders.editing import OrderEditor, Result
from bot.orders.editing import Outcome as EditOutcome
from bot.orders.key_guard import KeyGuard
from bot.orders.permissions import Action
from bot.orders.recovery import RECOVERED_NOT_APPLIED, Recovery
from bot.store.audit import AuditLog
from bot.store.confirmations import ConfirmationState, ConfirmationStore
from bot.store.db import Database, utcnow
from bot.store.idempotency import IdempotencyKeys
from mplus_emulator.server import EmulatorServer
from tests.factories import create_order
from tests.slack.conftest import wait_for


class _SlotHolder:
    """Holds the client's only Mplus slot until released, like a slow call of another person."""

    def __init__(self, client: MplusClient) -> None:
        self._gate = client._transport.gate
        assert self._gate is not None and self._gate.limit == 1
        self.taken, self._release = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self) -> None:
        assert self._gate is not None
        with self._gate.slot():
            self.taken.set()
            self._release.wait(60)

    def take(self) -> None:
        self._thread.start()
        assert self.taken.wait(30)

    def release(self) -> None:
        self._release.set()
        self._thread.join(30)


class _HoldAfterSnapshot(ConfirmationStore):
    """Takes the slot away right after the snapshot is written, so the write itself must wait."""

    holder: _SlotHolder

    def record_before(self, token: str, before: dict[str, Any]) -> bool:
        mine = super().record_before(token, before)
        self.holder.take()
        return mine


def _single_slot_client(client: MplusClient) -> MplusClient:
    return MplusClient(client._settings.model_copy(update={"max_concurrency": 1}))


def _settle_while_waiting(
    confirm: threading.Thread,
    confirmations: ConfirmationStore,
    recovery: Recovery,
    token: str,
    waiting: threading.Event | None = None,
) -> None:
    confirm.start()
    if waiting is not None:
        assert waiting.wait(30)
    wait_for(lambda: recovery.settle_stale(), 30, "recovery to settle the waiting claim")
    assert confirmations.get(token).state == ConfirmationState.FAILED  # type: ignore[union-attr]


def _writes(emulator: EmulatorServer, operation: str, order_id: str) -> int:
    return len([c for c in emulator.calls() if c["operation"] == operation and c["orderId"] == order_id])


def _run(actions: ConfirmedActions, token: str, out: list[ConfirmResult]) -> threading.Thread:
    return threading.Thread(target=lambda: out.append(actions.confirm(token, "U0ALICE")), daemon=True)


def test_a_write_waiting_for_a_slot_is_not_sent_once_recovery_settled_its_claim(
    client: MplusClient, emulator: EmulatorServer, sqlite_database: Database
) -> None:
    slow = _single_slot_client(client)
    confirmations = _HoldAfterSnapshot(sqlite_database)
    confirmations.holder = _SlotHolder(slow)
    audit = AuditLog(sqlite_database)
    actions = ConfirmedActions(slow, confirmations, audit, timedelta(minutes=10))
    # Recovery in another process: its own client, and a bound the waiting write outlives.
    recovery = Recovery(client, confirmations, IdempotencyKeys(sqlite_database), settle_after=timedelta(0))
    order = client.get_order(create_order(client, prefix="GATE").order_id)
    pending = actions.propose(Action.DELIVER, order, user_id="U0ALICE", channel_id="C0ORDERS", params={})

    out: list[ConfirmResult] = []
    confirm = _run(actions, pending.token, out)
    _settle_while_waiting(confirm, confirmations, recovery, pending.token, confirmations.holder.taken)
    confirmations.holder.release()
    wait_for(lambda: out, 30, "the confirm to return")

    assert out[0].outcome == Outcome.ALREADY_DONE  # answered with recovery's outcome
    assert _writes(emulator, "deliverOrder", order.order_id) == 0
    assert not client.get_order(order.order_id).is_delivered
    assert [e.result for e in audit.for_order(order.order_id)] == [RECOVERED_NOT_APPLIED]


def test_a_snapshot_read_waiting_for_a_slot_sends_nothing_once_recovery_settled_its_claim(
    client: MplusClient, emulator: EmulatorServer, sqlite_database: Database
) -> None:
    slow = _single_slot_client(client)
    confirmations = ConfirmationStore(sqlite_database)
    holder = _SlotHolder(slow)
    audit = AuditLog(sqlite_database)
    actions = ConfirmedActions(slow, confirmations, audit, timedelta(minutes=10))
    recovery = Recovery(client, confirmations, IdempotencyKeys(sqlite_database), settle_after=timedelta(0))
    order = client.get_order(create_order(client, prefix="GATE").order_id)
    pending = actions.propose(Action.CANCEL, order, user_id="U0ALICE", channel_id="C0ORDERS", params={})

    holder.take()  # the re-read before the write waits: no snapshot, so recovery says "not sent"
    out: list[ConfirmResult] = []
    _settle_while_waiting(_run(actions, pending.token, out), confirmations, recovery, pending.token)
    holder.release()
    wait_for(lambda: out, 30, "the confirm to return")

    assert out[0].outcome == Outcome.ALREADY_DONE
    assert _writes(emulator, "cancelOrder", order.order_id) == 0
    assert not client.get_order(order.order_id).is_cancelled
    assert [e.result for e in audit.for_order(order.order_id)] == [RECOVERED_NOT_APPLIED]


def test_the_default_bound_outlasts_two_calls_of_the_call_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    """A call may run to MPLUS_CALL_DEADLINE_S, which can exceed MPLUS_TIMEOUT_S: the bound uses it."""
    monkeypatch.delenv("ORDERBOT_CLAIM_SETTLE_AFTER_S", raising=False)
    env = {
        "SLACK_BOT_TOKEN": "xoxb-1",
        "SLACK_SIGNING_SECRET": "s",
        "MPLUS_IDENT": "i",
        "MPLUS_SECRET": "s-4711",
        "MPLUS_URL": "http://127.0.0.1:9/",
        "MPLUS_TIMEOUT_S": "10",
        "MPLUS_CALL_DEADLINE_S": "60",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert load_settings(_env_file=None).claim_settle_after_s == 2 * 60 + CLAIM_SETTLE_MARGIN_S
    monkeypatch.delenv("MPLUS_CALL_DEADLINE_S")
    assert load_settings(_env_file=None).claim_settle_after_s == 2 * 10 + CLAIM_SETTLE_MARGIN_S


# --- creates and edits: their idempotency keys get the same guard --------------------------------


def _waiting_editor(
    client: MplusClient, database: Database
) -> tuple[MplusClient, OrderEditor, IdempotencyKeys, Recovery]:
    """An editor whose Mplus client has one slot (to be held), and recovery in "another process"
    with a bound the waiting call outlives."""
    slow = _single_slot_client(client)
    keys = IdempotencyKeys(database)
    editor = OrderEditor(slow, keys, AuditLog(database), wait_s=0.5)
    recovery = Recovery(client, ConfirmationStore(database), keys, settle_after=timedelta(0))
    return slow, editor, keys, recovery


def _new_order(client: MplusClient) -> ValidOrder:
    return ValidOrder(
        relation_number=client.get_relations()[0].relation_number,
        ext_order_id=f"GATE-{uuid.uuid4().hex[:8]}",
        lines=(NewOrderLine(article_number=1001, quantity=Quantity(quantity=1), price_cents=1250),),
        line_keys=(0,),
    )


def _settled(recovery: Recovery, keys: IdempotencyKeys, key: str) -> bool:
    recovery.settle_stale()
    return (keys.result(key) or {}).get("slot") == "not_done"


def test_a_create_waiting_for_a_slot_is_not_sent_once_recovery_settled_its_key(
    client: MplusClient, emulator: EmulatorServer, sqlite_database: Database
) -> None:
    slow, editor, keys, recovery = _waiting_editor(client, sqlite_database)
    order = _new_order(client)
    holder = _SlotHolder(slow)
    holder.take()  # the create's findOrder waits for the only slot, past the settle bound

    out: list[Result] = []
    create = threading.Thread(
        target=lambda: out.append(
            editor.create(order, user_id="U0ALICE", channel_id="C0ORDERS", view_id="V1")
        ),
        daemon=True,
    )
    create.start()
    key = f"create:{order.ext_order_id}"
    wait_for(lambda: _settled(recovery, keys, key), 30, "recovery to settle the waiting create's key")
    holder.release()
    wait_for(lambda: out, 30, "the create to return")

    assert out[0].outcome is EditOutcome.WITHDRAWN  # nothing sent, and said so
    creates = [c for c in emulator.calls() if c["operation"] == "createOrder"]
    assert not [c for c in creates if c.get("extOrderId") == order.ext_order_id]
    with pytest.raises(NotFound):
        client.find_order(order.ext_order_id)
    assert (keys.result(key) or {}).get("recovered") is True  # recovery's record stands, not overwritten
    # The ext id is free again: submitting the same form once more creates the order, once.
    again = editor.create(order, user_id="U0ALICE", channel_id="C0ORDERS", view_id="V2")
    assert again.outcome is EditOutcome.CREATED
    assert client.find_order(order.ext_order_id).order_id == again.order_id


def test_an_edit_waiting_for_a_slot_is_not_saved_once_recovery_settled_its_key(
    client: MplusClient, emulator: EmulatorServer, sqlite_database: Database
) -> None:
    slow, editor, keys, recovery = _waiting_editor(client, sqlite_database)
    before = client.get_order(create_order(client, prefix="GATE").order_id)
    change = ValidOrder(
        relation_number=before.relation_number or 0,
        ext_order_id=before.ext_order_id,
        lines=(NewOrderLine(article_number=1001, quantity=Quantity(quantity=7), price_cents=1250),),
        line_keys=(0,),
    )
    holder = _SlotHolder(slow)
    holder.take()

    out: list[Result] = []

    def edit() -> None:
        out.append(
            editor.update(
                change,
                order_id=before.order_id,
                sync_marker=before.sync_marker,
                change_counter=before.change_counter,
                version_number=before.version_number,
                user_id="U0ALICE",
                channel_id="C0ORDERS",
                view_id="V1",
            )
        )

    threading.Thread(target=edit, daemon=True).start()
    def edit_settled() -> bool:
        recovery.settle_stale()
        recent = keys.claimed_between(utcnow() - timedelta(hours=1), utcnow() + timedelta(hours=1))
        mine = [e for e in recent if e.key.startswith(f"edit:{before.order_id}")]
        return any((e.result or {}).get("slot") == "not_done" for e in mine)

    wait_for(edit_settled, 30, "recovery to settle the waiting edit's key")
    holder.release()
    wait_for(lambda: out, 30, "the edit to return")

    assert out[0].outcome is EditOutcome.WITHDRAWN
    assert _writes(emulator, "updateOrder", before.order_id) == 0
    assert client.get_order(before.order_id).sync_marker == before.sync_marker


def test_recovery_leaves_a_key_whose_owner_is_still_calling_mplus(
    client: MplusClient, sqlite_database: Database
) -> None:
    """The owner re-dated its key between recovery's read and recovery's write: the owner wins."""
    keys, audit = IdempotencyKeys(sqlite_database), AuditLog(sqlite_database)
    recovery = Recovery(client, ConfirmationStore(sqlite_database), keys, settle_after=timedelta(0))
    key = f"create:GATE-{uuid.uuid4().hex[:8]}"
    claimed_at = keys.claim(key)
    assert claimed_at is not None
    keys.complete(key, {"slot": "running", "view": "V1", "kind": "create", "ext_order_id": key[7:]})
    seen = keys.entry(key)  # what recovery read while the key looked abandoned
    guard = KeyGuard(keys, key, claimed_at)
    assert guard.still_mine()  # the owner's next Mplus call re-dates it

    assert seen is not None and recovery.settle_key(seen) is None
    assert (keys.result(key) or {}).get("slot") == "running"
    assert keys.result(f"settle:{key}") is None  # free to be settled later, should the owner die after all
    done = {"user_id": "U0ALICE", "action": "create", "result": "ok", "order_id": "o-gate"}
    assert guard.finish({"slot": "done", "view": "V1"}, audit=done)
    assert [e.result for e in audit.for_order("o-gate")] == ["ok"]  # one attempt, one audit row
    assert keys.touch(key, claimed_at) is None  # a stale handle can no longer send

