"""Issue #10, item 1: kill -9 of the bot during payOrder and during createOrder.

As in ``test_crash_recovery``: the bot runs as a real process, the emulator's latency fault holds the
write open, the process is killed while Mplus is still carrying it out, and a new process must settle
the work from Mplus — audited ``recovered``, told truthfully, never written twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.mplus.client import MplusClient
from bot.store.audit import AuditLog
from bot.store.confirmations import ConfirmationState, ConfirmationStore
from bot.store.idempotency import IdempotencyKeys
from mplus_emulator.server import EmulatorServer
from slack_sandbox.fake_slack import FakeSlack
from tests.bot_process import BotProcess
from tests.factories import create_order
from tests.slack.conftest import ALICE, BOT_TOKEN, CHANNEL, wait_for
from tests.slack.test_crash_recovery import SETTLE_AFTER_S, _ephemeral_with, _writes, held_open
from tests.slack.test_order_form import ext_id_of, line, open_new, values
from tests.slack.test_read_path import buttons, shown

HOLD_MS = 3000


@pytest.fixture
def bot(emulator: EmulatorServer, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[BotProcess]:
    fake_slack.reset()
    if not fake_slack.user_info(ALICE):
        fake_slack.add_user(ALICE, "alice")
    process = BotProcess(
        tmp_path,
        emulator,
        fake_slack,
        BOT_TOKEN,
        ORDERBOT_ALLOW_PAY="*",
        ORDERBOT_ALLOW_CREATE="*",
        ORDERBOT_CLAIM_SETTLE_AFTER_S=SETTLE_AFTER_S,
    )
    with process:
        process.start()
        yield process


class _Rig:
    """What the order-form helpers use of a rig, over the bot process."""

    def __init__(self, bot: BotProcess, fake: FakeSlack, emulator: EmulatorServer) -> None:
        self.slack, self.fake, self.emulator = bot.slack, fake, emulator


def _hold(emulator: EmulatorServer, operation: str) -> None:
    """Hold the next ``operation`` open in Mplus long enough to kill the bot meanwhile."""
    emulator.add_fault(operation, "latency", latency_ms=HOLD_MS, times=1)


def _pay_prompt(bot: BotProcess, fake: FakeSlack, number: str, amount: str, kind: str) -> dict[str, Any]:
    bot.slack.command("/order", f"show {number}", user=ALICE, channel=CHANNEL)
    card = wait_for(
        lambda: next((e for e in reversed(fake.ephemerals(user=ALICE)) if "order_pay" in buttons(e)), None),
        30,
        "the order card",
    )
    bot.slack.press_button(card, action_id="order_pay", user=ALICE, channel=CHANNEL)
    form = wait_for(
        lambda: (v := fake.current_view(ALICE)) and v.get("callback_id") == "pay_form" and v,
        30,
        "the pay form",
    )
    # The form preselects no method: the person chooses one.
    values = {"pay_amount": {"amount": amount}, "pay_method": {"method": "CASH"}, "pay_kind": {"kind": kind}}
    result = bot.slack.submit_view(form, values, user=ALICE)
    assert result.status == 200, result.body
    return wait_for(lambda: _prompt_of(fake), 30, "the confirmation prompt")


def _prompt_of(fake: FakeSlack) -> dict[str, Any] | None:
    return next((e for e in reversed(fake.ephemerals(user=ALICE)) if "order_confirm" in buttons(e)), None)


def test_kill_during_pay_order_settles_the_deposit_that_landed(
    bot: BotProcess, emulator: EmulatorServer, fake_slack: FakeSlack, client: MplusClient
) -> None:
    order = create_order(client, quantity=1, price_cents=2990, prefix="CRASHPAY")
    prompt = _pay_prompt(bot, fake_slack, order.number, "10,00", "deposit")
    db = bot.database()
    confirmations = ConfirmationStore(db)
    [pending] = confirmations.pending_for(order.order_id)
    _hold(emulator, "payOrder")
    bot.slack.press_button(prompt, action_id="order_confirm", user=ALICE, channel=CHANNEL)
    wait_for(lambda: held_open(emulator, "payOrder"), 30, "payOrder held open in Mplus")
    bot.kill()  # mid-payOrder: Mplus still books the deposit
    wait_for(lambda: _writes(emulator, "payOrder", order.order_id) == 1, 30, "the deposit landing in Mplus")
    assert [p.amount for p in client.get_order(order.order_id).payments] == [1000]
    assert confirmations.get(pending.token).state == ConfirmationState.RUNNING  # type: ignore[union-attr]

    bot.start()
    told = shown(_ephemeral_with(fake_slack, "Orderbot checked with Mplus"))
    assert "Mplus shows it was done" in told and "nothing was changed" not in told.lower()
    settled = confirmations.get(pending.token)
    assert settled is not None and settled.state == ConfirmationState.DONE
    [entry] = [e for e in AuditLog(db).for_order(order.order_id) if e.action == "pay"]
    assert (entry.result, entry.user_id, entry.params["landed"]) == ("recovered", ALICE, True)
    assert entry.params["amount_cents"] == 1000
    # A later press is answered with what happened, and the deposit is not booked twice.
    bot.slack.press_button(prompt, action_id="order_confirm", user=ALICE, channel=CHANNEL)
    assert "done in Mplus" in shown(_ephemeral_with(fake_slack, "already confirmed once"))
    assert _writes(emulator, "payOrder", order.order_id) == 1
    assert len(client.get_order(order.order_id).payments) == 1
    assert "--- Logging error ---" not in bot.log_text()
    db.dispose()


def test_kill_during_create_order_settles_the_ext_id_by_find_order(
    bot: BotProcess, emulator: EmulatorServer, fake_slack: FakeSlack, client: MplusClient
) -> None:
    rig = _Rig(bot, fake_slack, emulator)
    view = open_new(rig)  # type: ignore[arg-type]
    ext = ext_id_of(view)
    form = values(rig, view, line(0, "1001", "1", "12,50"))  # type: ignore[arg-type]
    _hold(emulator, "createOrder")
    assert bot.slack.submit_view(view, form, user=ALICE).status == 200
    wait_for(lambda: held_open(emulator, "createOrder"), 30, "createOrder held open in Mplus")
    bot.kill()  # mid-createOrder: Mplus still creates the order
    creates = lambda: [c for c in emulator.calls() if c["operation"] == "createOrder"]  # noqa: E731
    wait_for(lambda: len(creates()) == 1, 30, "the order landing in Mplus")
    created = client.find_order(ext)
    db = bot.database()
    keys = IdempotencyKeys(db)
    assert (keys.result(f"create:{ext}") or {}).get("slot") == "running"

    bot.start()
    # The key is settled by findOrder(extOrderId): audited as recovered, with the order it made.
    [entry] = wait_for(
        lambda: [e for e in AuditLog(db).for_order(created.order_id) if e.action == "create"],
        60,
        "the create audited as recovered",
    )
    assert (entry.result, entry.user_id, entry.params["landed"]) == ("recovered", ALICE, True)
    assert entry.params["ext_order_id"] == ext
    # A new form with the same ext id is not "being processed": it is told the order exists.
    again = open_new(rig)  # type: ignore[arg-type]
    resubmit = values(rig, again, line(0, "1001", "1", "12,50"), form_ext_id={"ext_order_id": ext})  # type: ignore[arg-type]
    answer = bot.slack.submit_view(again, resubmit, user=ALICE)
    assert answer.status == 200, answer.body
    told = wait_for(
        lambda: (v := json.dumps(fake_slack.current_view(ALICE) or {}))
        and ("already used" in v or "being processed" in v or "created in Mplus" in v)
        and v,
        30,
        "the second form's answer",
    )
    assert "already used by order" in told and "being processed" not in told
    assert "being processed" not in told
    assert len(creates()) == 1, "exactly one order, created once"
    assert len([o for o in client.get_orders() if o.ext_order_id == ext]) == 1
    db.dispose()
