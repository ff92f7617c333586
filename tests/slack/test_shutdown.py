"""Graceful shutdown of a real `orderbot run` process (issue #13 §4).

SIGTERM arrives while a confirmed payment is waiting on a slow Mplus: new Slack requests get 503,
the payment completes, is audited and reported to the person, and the process exits 0 within
ORDERBOT_SHUTDOWN_GRACE_S.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.mplus.client import MplusClient
from bot.store.audit import AuditLog
from bot.store.db import Database
from mplus_emulator.server import EmulatorServer
from slack_sandbox.fake_slack import FakeSlack
from slack_sandbox.signed_client import SignedSlackClient
from tests.conftest import EMULATOR_IDENT, EMULATOR_SECRET, free_port
from tests.factories import create_order
from tests.slack.conftest import ALICE, BOT_TOKEN, CHANNEL, SIGNING_SECRET, wait_for
from tests.slack.test_read_path import buttons, shown

REPO = Path(__file__).resolve().parents[2]
GRACE_S = 20


class PayOrderSeen:
    """Set once the emulator has *received* a payOrder (its call log only records finished calls)."""

    def __init__(self, emulator: EmulatorServer) -> None:
        self.event = threading.Event()
        self._emulator = emulator.emulator
        self._original = self._emulator.soap

    def __enter__(self) -> threading.Event:
        def spied(body: bytes, *args: Any, **kwargs: Any) -> Any:
            if b"payOrder" in body:
                self.event.set()
            return self._original(body, *args, **kwargs)

        self._emulator.soap = spied
        return self.event

    def __exit__(self, *exc: object) -> None:
        self._emulator.soap = self._original


@pytest.fixture
def bot_process(
    emulator: EmulatorServer, fake_slack: FakeSlack, tmp_path: Path
) -> Iterator[tuple[subprocess.Popen[str], SignedSlackClient, str]]:
    fake_slack.reset()
    fake_slack.add_user(ALICE, "alice")
    port = free_port()
    database_url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MPLUS_", "ORDERBOT_"))}
    env.update(
        PYTHONPATH=str(REPO),
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.api_url,
        HOST="127.0.0.1",
        PORT=str(port),
        DATABASE_URL=database_url,
        MPLUS_URL=emulator.url,
        MPLUS_IDENT=EMULATOR_IDENT,
        MPLUS_SECRET=EMULATOR_SECRET,
        MPLUS_WSDL_CACHE=str(tmp_path / "wsdl-cache.sqlite"),
        MPLUS_TIMEOUT_S="30",
        ORDERBOT_ALLOW_PAY="*",
        ORDERBOT_SHUTDOWN_GRACE_S=str(GRACE_S),
        ORDERBOT_SLOW_NOTICE_S="0",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _up(base, proc), 60, "the bot to listen")
        slack = SignedSlackClient(
            events_url=f"{base}/slack/events", signing_secret=SIGNING_SECRET, fake=fake_slack, team_id="T0001"
        )
        yield proc, slack, database_url
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _up(base: str, proc: subprocess.Popen[str]) -> bool:
    if proc.poll() is not None:
        raise AssertionError(f"the bot exited early: {proc.stderr.read() if proc.stderr else ''}")
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=5):
            return True
    except OSError:
        return False


def test_sigterm_lets_a_confirmed_payment_finish_then_exits_0(
    bot_process: tuple[subprocess.Popen[str], SignedSlackClient, str],
    emulator: EmulatorServer,
    fake_slack: FakeSlack,
    client: MplusClient,
) -> None:
    proc, slack, database_url = bot_process
    order = create_order(client, prefix="STOP")

    def ephemeral_with(needle: str) -> dict[str, Any] | None:
        return next((e for e in reversed(fake_slack.ephemerals(user=ALICE)) if needle in shown(e)), None)

    slack.command("/order", f"show {order.number}", user=ALICE, channel=CHANNEL)
    card = wait_for(lambda: ephemeral_with(str(order.number)), 30, "the order card")
    slack.press_button(card, action_id="order_pay", user=ALICE, channel=CHANNEL)
    form = wait_for(
        lambda: (v := fake_slack.current_view(ALICE)) and v.get("callback_id") == "pay_form" and v,
        30,
        "the pay form",
    )
    values = {
        "pay_amount": {"amount": "25,00"},
        "pay_method": {"method": "CASH"},
        "pay_kind": {"kind": "deposit"},
    }
    result = slack.submit_view(form, values)
    assert result.status == 200 and not (result.json() or {}).get("errors"), result.body
    prompt = wait_for(
        lambda: next((e for e in fake_slack.ephemerals(user=ALICE) if "order_confirm" in buttons(e)), None),
        30,
        "the confirmation prompt",
    )

    emulator.add_fault(operation="payOrder", kind="latency", latency_ms=4000)
    with PayOrderSeen(emulator) as paying:
        slack.press_button(prompt, action_id="order_confirm", user=ALICE, channel=CHANNEL)
        assert paying.wait(30), "the confirmed payment never reached Mplus"
        stopped_at = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        # New Slack requests are turned away while the payment is still on its way.
        refused = wait_for(
            lambda: (r := slack.command("/order", "help", user=ALICE, channel=CHANNEL)).status == 503 and r,
            30,
            "a 503 for new requests",
        )
        assert "restarting" in refused.body
        assert proc.wait(timeout=GRACE_S + 30) == 0
    took = time.monotonic() - stopped_at
    assert took < GRACE_S, f"exit took {took:.1f} s, more than ORDERBOT_SHUTDOWN_GRACE_S={GRACE_S}"

    assert ephemeral_with("deposit on"), "the person was told the payment went through"
    assert client.get_order(order.order_id).prepaid_amount == 2500
    database = Database(database_url)
    try:
        pays = [e for e in AuditLog(database).for_order(order.order_id) if e.action == "pay"]
    finally:
        database.dispose()
    assert [e.result for e in pays] == ["ok"], pays
    stderr = proc.stderr.read() if proc.stderr else ""
    assert "Traceback" not in stderr, stderr
    assert "orderbot stopped" in stderr
