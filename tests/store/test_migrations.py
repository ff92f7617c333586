"""Schema migrations: a pre-Alembic database keeps its data, and migrations build exactly the models."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Table, insert, inspect, select, text

from bot.store import tables  # noqa: F401 - every model on Base.metadata
from bot.store.audit import AuditLog
from bot.store.confirmations import ConfirmationStore
from bot.store.db import Base, Database
from bot.store.leases import Leases
from bot.store.schema import (
    BASELINE,
    BASELINE_TABLES,
    SchemaError,
    SchemaState,
    ensure_current,
    heads,
    status,
    upgrade,
)
from bot.store.subscriptions import SubscriptionStore
from bot.store.sync_state import SyncStateStore
from tests.conftest import database_url, drop_every_table
from tests.store import pre_migration_schema as old

T0 = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)
ORDER = "a" * 32


@pytest.fixture(params=["sqlite", "postgresql"])
def blank(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database with no tables at all, on SQLite and on PostgreSQL."""
    db = Database(database_url(request.param, tmp_path))
    if request.param == "postgresql":
        drop_every_table(db)
    yield db
    db.dispose()


def _old_rows() -> dict[Table, list[dict[str, Any]]]:
    """One or more rows in every table, as the pre-migration code wrote them."""
    return {
        old.confirmations: [
            {
                "token": "tok-pending",
                "action": "pay",
                "order_id": ORDER,
                "user_id": "U0ALICE",
                "channel_id": "C0ORDERS",
                "params": {"amount_cents": 1250, "method": "CASH", "prepay": True},
                "order_sync_marker": 41,
                "state": "pending",
                "result": None,
                "created_at": T0,
                "expires_at": T0 + timedelta(days=3650),
                "finished_at": None,
            },
            {
                "token": "tok-done",
                "action": "cancel",
                "order_id": ORDER,
                "user_id": "U0BOB",
                "channel_id": "C0ORDERS",
                "params": {},
                "order_sync_marker": None,
                "state": "done",
                "result": {"ok": True, "sync_marker": 42},
                "created_at": T0,
                "expires_at": T0 + timedelta(minutes=10),
                "finished_at": T0 + timedelta(seconds=3),
            },
        ],
        old.audit_log: [
            {
                "id": 1,
                "at": T0,
                "user_id": "U0ALICE",
                "action": "pay",
                "order_id": ORDER,
                "order_number": "2026-0042",
                "channel_id": "C0ORDERS",
                "params": {"amount_cents": 1250},
                "result": "ok",
                "error": None,
                "sync_marker_after": 42,
            },
            {
                "id": 2,
                "at": T0 + timedelta(minutes=1),
                "user_id": "U0BOB",
                "action": "cancel",
                "order_id": ORDER,
                "order_number": "2026-0042",
                "channel_id": None,
                "params": {},
                "result": "refused",
                "error": "Order is already paid — “cannot cancel”",
                "sync_marker_after": None,
            },
        ],
        old.idempotency_keys: [{"key": "create:ext-1", "created_at": T0, "result": {"order_id": ORDER}}],
        old.leases: [
            {
                "name": "notifier",
                "holder": "host-1:123",
                "expires_at": T0 + timedelta(days=3650),
                "acquired_at": T0,
            }
        ],
        old.notifier_cards: [
            {
                "order_id": ORDER,
                "channel_id": "C0ORDERS",
                "ts": "1700000000.000100",
                "shown_marker": 42,
                "pending_kind": None,
                "pending_marker": None,
                "pending_nonce": None,
                "pending_at": None,
                "created_at": T0,
                "updated_at": T0,
            }
        ],
        old.notifier_snapshots: [
            {
                "order_id": ORDER,
                "sync_marker": 42,
                "data": {"total_cents": 2990, "lines": [1, 2]},
                "updated_at": T0,
            }
        ],
        old.notifier_digests: [
            {
                "key": "daily:C0ORDERS:2026-11-30",
                "channel_id": "C0ORDERS",
                "kind": "daily",
                "bucket": "C0ORDERS:2026-11-30",
                "ts": None,
                "pending_nonce": None,
                "pending_at": None,
                "opened_at": T0,
                "closed": False,
                "upto_entry_id": None,
            }
        ],
        old.notifier_digest_entries: [
            {
                "id": 1,
                "bucket": "C0ORDERS:2026-11-30",
                "order_id": ORDER,
                "sync_marker": 42,
                "state": "paid",
                "data": {"number": "2026-0042"},
            }
        ],
        old.notifier_state: [
            {
                "name": "orders",
                "next_marker": 43,
                "baseline_at": T0,
                "created_at": T0,
                "last_pass_at": T0,
                "last_ok_at": T0,
                "last_holder": "host-1:123",
                "last_error": None,
                "mplus_failing_since": None,
                "outage_alerted": False,
                "changes_handled": 17,
                "consecutive_failures": 0,
            }
        ],
        old.notifier_subscriptions: [
            {
                "id": 1,
                "channel_id": "C0ORDERS",
                "filter_key": "b=1;c=;m=;e=new,paid;min=10000;d=",
                "branch": 1,
                "category": None,
                "method": None,
                "events": "new,paid",
                "min_cents": 10000,
                "digest_at": None,
                "source": "slack",
                "created_by": "U0ALICE",
                "created_at": T0,
            }
        ],
    }


def _utc(row: dict[str, Any]) -> dict[str, Any]:
    """SQLite hands plain DateTime columns back naive; the store always wrote UTC."""
    naive = {k: v.replace(tzinfo=UTC) for k, v in row.items() if isinstance(v, datetime) and v.tzinfo is None}
    return {**row, **naive}


def _schema_diff(db: Database) -> list[Any]:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_the_snapshot_covers_every_baseline_table() -> None:
    assert set(old.metadata.tables) == BASELINE_TABLES
    assert set(_old_rows()) == set(old.metadata.tables.values())


def test_a_database_from_before_migrations_is_stamped_and_keeps_every_row(blank: Database) -> None:
    rows = _old_rows()
    with blank.engine.begin() as connection:
        old.metadata.create_all(connection)
        for table, values in rows.items():
            # Serial ids are left to the database, as the old code did, so sequences are real.
            connection.execute(insert(table), [{k: v for k, v in row.items() if k != "id"} for row in values])
    assert status(blank).state is SchemaState.LEGACY
    with pytest.raises(SchemaError, match="run `orderbot db upgrade`"):
        ensure_current(blank, auto_upgrade=False)

    after = upgrade(blank)

    assert after.state is SchemaState.CURRENT and after.current == heads()
    assert _schema_diff(blank) == []
    with blank.engine.connect() as connection:
        for table, values in rows.items():
            stored = [_utc(dict(row._mapping)) for row in connection.execute(select(*table.c))]
            key = next(iter(table.primary_key.columns)).name
            expected = sorted(values, key=lambda row: row[key])
            assert sorted(stored, key=lambda row: row[key]) == expected, table.name
    # The product reads the old rows as before.
    pending = ConfirmationStore(blank).get("tok-pending")
    assert pending is not None and pending.params["amount_cents"] == 1250 and pending.expires_at > T0
    assert [entry.result for entry in AuditLog(blank).for_order(ORDER)] == ["ok", "refused"]
    lease = Leases(blank).get("notifier")
    assert lease is not None and lease.holder == "host-1:123"
    state = SyncStateStore(blank).get()
    assert state is not None and state.next_marker == 43 and state.changes_handled == 17
    assert [sub.filter.min_cents for sub in SubscriptionStore(blank).all()] == [10000]
    # New rows go on after the old ones (sequences and autoincrement survive the stamp).
    AuditLog(blank).record(user_id="U0CAROL", action="deliver", result="ok", order_id=ORDER)
    assert [entry.id for entry in AuditLog(blank).for_order(ORDER)] == [1, 2, 3]


def test_migrations_build_exactly_the_models_schema(blank: Database) -> None:
    assert status(blank).state is SchemaState.EMPTY
    assert upgrade(blank).state is SchemaState.CURRENT
    assert _schema_diff(blank) == []
    assert set(inspect(blank.engine).get_table_names()) >= BASELINE_TABLES
    # Running it again changes nothing.
    assert upgrade(blank).state is SchemaState.CURRENT


def test_ensure_current_upgrades_only_when_allowed(blank: Database) -> None:
    with pytest.raises(SchemaError) as refused:
        ensure_current(blank, auto_upgrade=False)
    assert "empty" in str(refused.value) and "orderbot db upgrade" in str(refused.value)
    assert "\n" not in str(refused.value)
    assert set(inspect(blank.engine).get_table_names()) == set()
    assert ensure_current(blank, auto_upgrade=True).state is SchemaState.CURRENT


def test_a_schema_newer_than_this_orderbot_is_left_alone(blank: Database) -> None:
    upgrade(blank)
    with blank.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    assert status(blank).state is SchemaState.AHEAD
    for attempt in (lambda: upgrade(blank), lambda: ensure_current(blank, auto_upgrade=True)):
        with pytest.raises(SchemaError, match=r"newer than this Orderbot.*run the Orderbot version"):
            attempt()


def test_a_partial_old_database_is_refused_untouched(blank: Database) -> None:
    with blank.engine.begin() as connection:
        old.confirmations.create(connection)
    with pytest.raises(SchemaError, match="audit_log"):
        upgrade(blank)
    assert set(inspect(blank.engine).get_table_names()) == {"confirmations"}


def test_concurrent_starts_migrate_once(blank: Database) -> None:
    """`orderbot run` and `orderbot notify` starting together on one new database both come up."""
    outcomes: list[object] = []
    barrier = threading.Barrier(4)

    def start() -> None:
        db = Database(blank.url)
        try:
            barrier.wait()
            outcomes.append(ensure_current(db, auto_upgrade=True).state)
        except Exception as err:  # collected and asserted below
            outcomes.append(err)
        finally:
            db.dispose()

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == [SchemaState.CURRENT] * 4
    assert _schema_diff(blank) == []


def test_the_baseline_keeps_its_id() -> None:
    # Other branches chain their revisions onto this id; renaming it would orphan them.
    assert BASELINE == "0001_baseline"
    assert (Path(__file__).parents[2] / "bot/store/migrations/versions/0001_baseline.py").exists()
