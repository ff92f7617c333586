"""Issue #10, item 1: kill -9 of the bot mid-write leaves nothing stuck and nothing untold.

The bot runs as a real process; the emulator's latency fault holds the SOAP call open while the
process is killed. A new process settles the claim from Mplus, audits it as ``recovered``, tells the
person, and answers a later press with the real outcome.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.mplus.client import MplusClient
from bot.store.audit import AuditLog
from bot.store.confirmations import ConfirmationState, ConfirmationStore
from mplus_emulator.server import EmulatorServer
from slack_sandbox.fake_slack import FakeSlack
from tests.bot_process import BotProcess
from tests.factories import create_order
from tests.slack.conftest import ALICE, BOT_TOKEN, CHANNEL, wait_for
from tests.slack.test_read_path import buttons, shown

SETTLE_AFTER_S = "3"


@pytest.fixture
def bot(
    emulator: EmulatorServer, fake_slack: FakeSlack, tmp_path: Path
) -> Iterator[BotProcess]:
    fake_slack.reset()
    if not fake_slack.user_info(ALICE):
        fake_slack.add_user(ALICE, "alice")
    process = BotProcess(
        tmp_path,
        emulator,
        fake_slack,
        BOT_TOKEN,
        ORDERBOT_ALLOW_DELIVER="*",
        ORDERBOT_ALLOW_CANCEL="*",
        ORDERBOT_CLAIM_SETTLE_AFTER_S=SETTLE_AFTER_S,
    )
    with process:
        process.start()
        yield process


def _prompt(bot: BotProcess, fake: FakeSlack, text: str) -> dict[str, Any]:
    bot.slack.command("/order", text, user=ALICE, channel=CHANNEL)
    return wait_for(
        lambda: next((e for e in reversed(fake.ephemerals(user=ALICE)) if "order_confirm" in buttons(e)), 0),
        30,
        "a confirmation prompt",
    )


def _ephemeral_with(fake: FakeSlack, needle: str) -> dict[str, Any]:
    return wait_for(
        lambda: next((e for e in reversed(fake.ephemerals(user=ALICE)) if needle in shown(e)), None),
        60,
        f"an ephemeral containing {needle!r}",
    )


def held_open(emulator: EmulatorServer, operation: str) -> bool:
    """The call held by a one-shot latency fault has reached Mplus (the rule was taken) and waits."""
    return not any(r["operation"] == operation for r in emulator.faults())


def _writes(emulator: EmulatorServer, operation: str, order_id: str) -> int:
    return len([c for c in emulator.calls() if c["operation"] == operation and c["orderId"] == order_id])


def test_kill_during_the_write_is_settled_from_mplus_as_done(
    bot: BotProcess, emulator: EmulatorServer, fake_slack: FakeSlack, client: MplusClient
) -> None:
    order = create_order(client, prefix="CRASH")
    prompt = _prompt(bot, fake_slack, f"deliver {order.number}")
    db = bot.database()
    confirmations = ConfirmationStore(db)
    [pending] = confirmations.pending_for(order.order_id)
    emulator.add_fault("deliverOrder", "latency", latency_ms=2000, times=1)
    bot.slack.press_button(prompt, action_id="order_confirm", user=ALICE, channel=CHANNEL)
    wait_for(lambda: (c := confirmations.get(pending.token)) and c.before is not None, 30, "the snapshot")
    wait_for(lambda: held_open(emulator, "deliverOrder"), 30, "deliverOrder held open in Mplus")
    bot.kill()  # mid-deliverOrder: Mplus still carries it out
    landed = lambda: _writes(emulator, "deliverOrder", order.order_id) == 1  # noqa: E731
    wait_for(landed, 30, "the delivery landing in Mplus")
    assert confirmations.get(pending.token).state == ConfirmationState.RUNNING  # type: ignore[union-attr]

    bot.start()
    told = shown(_ephemeral_with(fake_slack, "Orderbot checked with Mplus"))
    assert "Mplus shows it was done" in told and "nothing was changed" not in told.lower()
    settled = confirmations.get(pending.token)
    assert settled is not None and settled.state == ConfirmationState.DONE
    [entry] = [e for e in AuditLog(db).for_order(order.order_id) if e.action == "deliver"]
    assert (entry.result, entry.user_id, entry.params["landed"]) == ("recovered", ALICE, True)
    notes = wait_for(
        lambda: [m for m in fake_slack.messages(CHANNEL) if "checked with Mplus" in (m.get("text") or "")],
        30,
        "the note in the channel",
    )
    assert len(notes) == 1
    # A later press is answered with what happened, and nothing is sent twice.
    bot.slack.press_button(prompt, action_id="order_confirm", user=ALICE, channel=CHANNEL)
    assert "done in Mplus" in shown(_ephemeral_with(fake_slack, "already confirmed once"))
    assert _writes(emulator, "deliverOrder", order.order_id) == 1
    assert "--- Logging error ---" not in bot.log_text()
    db.dispose()


def test_kill_before_the_write_is_settled_as_nothing_changed_on_the_next_press(
    bot: BotProcess, emulator: EmulatorServer, fake_slack: FakeSlack, client: MplusClient
) -> None:
    order = create_order(client, prefix="CRASH")
    prompt = _prompt(bot, fake_slack, f"cancel {order.number}")
    db = bot.database()
    confirmations = ConfirmationStore(db)
    [pending] = confirmations.pending_for(order.order_id)
    # The re-read before the write is held open: the claim is taken, no write was sent yet.
    emulator.add_fault("getOrder", "latency", latency_ms=3000, times=1)
    bot.slack.press_button(prompt, action_id="order_confirm", user=ALICE, channel=CHANNEL)
    wait_for(
        lambda: (c := confirmations.get(pending.token)) and c.state == ConfirmationState.RUNNING,
        30,
        "the claim",
    )
    bot.kill()
    bot.start()
    # Pressed again before or after the background round: either way the real outcome is told.
    bot.slack.press_button(prompt, action_id="order_confirm", user=ALICE, channel=CHANNEL)
    told = wait_for(
        lambda: next(
            (
                shown(e)
                for e in reversed(fake_slack.ephemerals(user=ALICE))
                if "it was not done" in shown(e) or "not carried out" in shown(e)
            ),
            None,
        ),
        60,
        "the settled outcome",
    )
    assert "already being carried out" not in told
    assert _writes(emulator, "cancelOrder", order.order_id) == 0
    assert not client.get_order(order.order_id).is_cancelled
    entries = [e for e in AuditLog(db).for_order(order.order_id) if e.action == "cancel"]
    assert [(e.result, e.params["landed"]) for e in entries] == [("recovered_not_applied", False)]
    db.dispose()
