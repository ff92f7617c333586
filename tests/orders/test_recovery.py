"""Recovery of create keys left "being processed" by a process that died (issue #10, item 1)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import update

from bot.mplus.client import MplusClient
from bot.mplus.models import NewOrderLine
from bot.mplus.money import Quantity
from bot.orders.drafts import ValidOrder
from bot.orders.editing import OrderEditor, Outcome
from bot.orders.recovery import Recovery
from bot.store.audit import AuditLog
from bot.store.confirmations import ConfirmationStore
from bot.store.db import Database, utcnow
from bot.store.idempotency import IdempotencyKeys, IdempotencyRow

SETTLE = timedelta(seconds=30)


def _valid(client: MplusClient) -> ValidOrder:
    return ValidOrder(
        relation_number=client.get_relations()[0].relation_number,
        ext_order_id=f"REC-{uuid.uuid4().hex[:8]}",
        lines=(NewOrderLine(article_number=1001, quantity=Quantity(quantity=1), price_cents=1250),),
        line_keys=(0,),
    )


def _editor(client: MplusClient, db: Database) -> tuple[OrderEditor, IdempotencyKeys, AuditLog]:
    keys, audit = IdempotencyKeys(db), AuditLog(db)
    recovery = Recovery(client, ConfirmationStore(db), keys, settle_after=SETTLE)
    return OrderEditor(client, keys, audit, wait_s=0.5, recovery=recovery), keys, audit


def _left_running(keys: IdempotencyKeys, db: Database, order: ValidOrder, age: timedelta) -> str:
    """What a process killed during createOrder leaves behind."""
    key = f"create:{order.ext_order_id}"
    assert keys.claim(key)
    keys.complete(
        key,
        {
            "slot": "running",
            "view": "V0DEAD",
            "kind": "create",
            "ext_order_id": order.ext_order_id,
            "user_id": "U0ALICE",
            "channel_id": "C0ORDERS",
        },
    )
    with db.transaction() as session:
        session.execute(
            update(IdempotencyRow).where(IdempotencyRow.key == key).values(created_at=utcnow() - age)
        )
    return key


def test_a_create_that_landed_before_the_kill_is_settled_as_created(
    client: MplusClient, sqlite_database: Database
) -> None:
    editor, keys, audit = _editor(client, sqlite_database)
    order = _valid(client)
    key = _left_running(keys, sqlite_database, order, age=SETTLE * 2)
    made = client.create_order(order.new_order())  # it reached Mplus before the process died
    result = editor.create(order, user_id="U0BOB", channel_id="C0ORDERS", view_id="V0NEW")
    assert result.outcome is Outcome.EXT_ID_USED  # said as what it is, not "being processed"
    assert (keys.result(key) or {}).get("slot") == "done"
    [entry] = audit.for_order(made.order_id)
    assert (entry.action, entry.result, entry.user_id) == ("create", "recovered", "U0ALICE")


def test_a_create_that_never_landed_frees_its_ext_id(client: MplusClient, sqlite_database: Database) -> None:
    editor, keys, _ = _editor(client, sqlite_database)
    order = _valid(client)
    key = _left_running(keys, sqlite_database, order, age=SETTLE * 2)
    result = editor.create(order, user_id="U0ALICE", channel_id="C0ORDERS", view_id="V0NEW")
    assert result.outcome is Outcome.CREATED
    assert (keys.result(key) or {}).get("slot") == "not_done"
    assert client.find_order(order.ext_order_id).order_id == result.order_id


def test_a_create_running_for_less_than_the_bound_is_still_busy(
    client: MplusClient, sqlite_database: Database
) -> None:
    editor, keys, _ = _editor(client, sqlite_database)
    order = _valid(client)
    _left_running(keys, sqlite_database, order, age=timedelta(seconds=1))
    result = editor.create(order, user_id="U0ALICE", channel_id="C0ORDERS", view_id="V0NEW")
    assert result.outcome is Outcome.BUSY
    assert not [c for c in client.get_orders() if c.ext_order_id == order.ext_order_id]
