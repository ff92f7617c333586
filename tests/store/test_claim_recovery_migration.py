"""0002_claim_recovery: a store at the baseline keeps its claims, and an old running claim (no
claimed_at, no snapshot) is found by recovery and counts as "no write was sent"."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text

from bot.store.confirmations import ConfirmationState, ConfirmationStore
from bot.store.db import Database
from bot.store.form_origins import FormOrigins
from bot.store.schema import alembic_config, upgrade
from tests.conftest import database_url, drop_every_table

T0 = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def at_baseline(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    db = Database(database_url(request.param, tmp_path))
    if request.param == "postgresql":
        drop_every_table(db)
    command.upgrade(alembic_config(db), "0001_baseline")
    yield db
    db.dispose()


def test_upgrade_keeps_running_claims_and_recovery_finds_them(at_baseline: Database) -> None:
    with at_baseline.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO confirmations (token, action, order_id, user_id, channel_id, params, "
                "order_sync_marker, state, result, created_at, expires_at) VALUES ('tok-running', 'pay', "
                "'o-1', 'U0ALICE', 'C0ORDERS', '{}', 7, 'running', NULL, :t, :e)"
            ),
            {"t": T0, "e": T0 + timedelta(minutes=10)},
        )
    upgrade(at_baseline)
    columns = {c["name"] for c in inspect(at_baseline.engine).get_columns("confirmations")}
    assert {"claimed_at", "before"} <= columns
    [stuck] = ConfirmationStore(at_baseline).running_since(datetime.now(UTC))
    assert (stuck.token, stuck.state, stuck.claimed_at, stuck.before) == (
        "tok-running",
        ConfirmationState.RUNNING,
        None,
        None,
    )
    origins = FormOrigins(at_baseline)
    origins.remember("V1", "C0ORDERS", "U0ALICE")
    assert FormOrigins(at_baseline).get("V1").channel_id == "C0ORDERS"  # type: ignore[union-attr]


def test_downgrade_to_the_baseline_and_up_again(at_baseline: Database) -> None:
    upgrade(at_baseline)
    command.downgrade(alembic_config(at_baseline), "0001_baseline")
    assert "form_origins" not in inspect(at_baseline.engine).get_table_names()
    upgrade(at_baseline)
    assert "form_origins" in inspect(at_baseline.engine).get_table_names()
