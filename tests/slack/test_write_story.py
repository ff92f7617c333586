"""Issue #10, item 1: once Mplus answered a write, the person hears that outcome — even when the
store is locked — and what could not be recorded is recorded once the store is back."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import bot.store.db
from bot.store.confirmations import ConfirmationState
from tests.slack.conftest import ALICE, CHANNEL, BotRig, wait_for
from tests.slack.test_confirm_flow import EVERYONE, last_ephemeral_with, new_order, prompt_for, writes
from tests.slack.test_order_form import (
    ALLOW,
    audit_rows,
    editable_order,
    ext_id_of,
    line,
    open_edit,
    open_new,
    submit,
    values,
    wait_view,
)
from tests.slack.test_read_path import shown

NOTHING_CHANGED = "Nothing was changed"


@pytest.fixture(autouse=True)
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """A locked store fails after 0.5 s instead of 30 s, so the test does not wait that long."""
    monkeypatch.setattr(bot.store.db, "BUSY_TIMEOUT_S", 0.5)


@contextmanager
def locked(db_file: Path) -> Iterator[None]:
    """Another process holds the SQLite write lock: every write of the bot fails meanwhile."""
    conn = sqlite3.connect(db_file, timeout=30, isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def db_file(rig: BotRig) -> Path:
    return Path(rig.runtime.deps.db.engine.url.database or "")


@pytest.mark.bot_settings(**EVERYONE)
def test_a_delivery_done_while_the_store_is_locked_is_told_as_done_and_recorded_later(rig: BotRig) -> None:
    order = new_order(rig)
    prompt = prompt_for(rig, f"deliver {order.number}")
    token = next(
        c.token for c in rig.runtime.deps.confirmations.pending_for(order.order_id) if c.action == "deliver"
    )
    # Mplus holds the write open long enough to lock the store after the claim, before the answer.
    rig.emulator.add_fault("deliverOrder", "latency", latency_ms=1500, times=1)
    rig.slack.press_button(prompt, action_id="order_confirm", user=ALICE, channel=CHANNEL)
    confirmations = rig.runtime.deps.confirmations
    wait_for(lambda: (c := confirmations.get(token)) and c.before is not None, what="the write under way")
    with locked(db_file(rig)):
        result = shown(last_ephemeral_with(rig, "Delivered by"))
        assert NOTHING_CHANGED not in result
        assert "could not write this to its audit log just now" in result
        assert writes(rig, "deliverOrder") == 1
    # The store is back: the audit row and the claim's end are written without anyone asking.
    entry = wait_for(
        lambda: [e for e in rig.runtime.deps.audit.for_order(order.order_id) if e.action == "deliver"],
        what="the audit row written late",
    )
    assert [(e.result, e.user_id) for e in entry] == [("ok", ALICE)]
    finished = confirmations.get(token)
    assert finished is not None and finished.state == ConfirmationState.DONE
    assert rig.runtime.mplus.get_order(order.order_id).is_delivered


@ALLOW
def test_a_create_done_while_the_store_is_locked_is_told_as_created(rig: BotRig) -> None:
    view = open_new(rig)
    ext = ext_id_of(view)
    form = values(rig, view, line(0, "1001", "1", "12,50"))
    rig.emulator.add_fault("createOrder", "latency", latency_ms=1500, times=1)
    submit(rig, view, form)
    keys = rig.runtime.deps.idempotency
    wait_for(lambda: (keys.result(f"create:{ext}") or {}).get("slot") == "running", what="the create")
    with locked(db_file(rig)):
        done = shown(wait_view(rig, "was created in Mplus", timeout=20))
        assert NOTHING_CHANGED not in done
        assert "could not write this to its audit log just now" in done
    rows = wait_for(lambda: audit_rows(rig, "create"), what="the create audited late")
    order = rig.runtime.mplus.find_order(ext)
    assert [(r.result, r.order_id) for r in rows] == [("ok", order.order_id)]


@pytest.mark.bot_settings(allow_create="*", claim_settle_after_s=1)
def test_a_create_without_a_clear_answer_is_not_called_unsaved_and_is_settled_later(rig: BotRig) -> None:
    view = open_new(rig)
    ext = ext_id_of(view)
    rig.emulator.add_fault("createOrder", "http_500", times=1)
    submit(rig, view, values(rig, view, line(0, "1001", "1", "12,50")))
    told = shown(wait_view(rig, "cannot tell yet", timeout=20))
    assert "nothing was saved" not in told.lower()
    # A new form with the same external id, after the bound: settled by findOrder, then created once.
    threading.Event().wait(1.2)
    if not rig.fake.user_info("U0BOB"):
        rig.fake.add_user("U0BOB", "bob")
    again = open_new(rig, user="U0BOB")
    form = values(rig, again, line(0, "1001", "1", "12,50"), form_ext_id={"ext_order_id": ext})
    submit(rig, again, form, user="U0BOB")
    wait_view(rig, "was created in Mplus", user="U0BOB", timeout=20)
    assert len([c for c in rig.emulator.calls() if c["operation"] == "createOrder"]) == 2
    results = sorted(r.result for r in audit_rows(rig, "create"))
    assert results == ["ok", "recovered_not_applied"]


@ALLOW
def test_an_edit_without_a_clear_answer_is_not_called_unsaved(rig: BotRig) -> None:
    order = editable_order(rig)
    view = open_edit(rig, order)
    rig.emulator.add_fault("updateOrder", "http_500", times=1)
    submit(rig, view, line(0, str(order.lines[0].article_number), "7"))
    told = shown(wait_view(rig, "cannot tell yet", timeout=20))
    assert "nothing was saved" not in told.lower()
    assert not [r for r in audit_rows(rig, "edit") if r.result == "not_done"]
