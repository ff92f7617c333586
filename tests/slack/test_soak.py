"""Soak (issue #10): deliver, cancel and pay sessions (a deposit or the full amount, through the card's
Pay form), Confirm presses (some doubled), notifier passes, random Mplus
faults and random kill -9 of the bot — then the emulator's call log and the store must show
0 duplicate writes, 0 writes without an audit row, 0 claims left running and 0 false
"nothing was changed" messages.

Short by default (ORDERBOT_SOAK_S=100, for CI); ``ORDERBOT_SOAK_S=1800`` runs the 30-minute form.
Each session is one order, one person and one action, so every message a person got is about
exactly one order and can be checked against what Mplus shows.
"""

from __future__ import annotations

import contextlib
import os
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot.mplus.client import MplusClient
from bot.store.audit import AuditRow
from bot.store.confirmations import ConfirmationRow, ConfirmationState
from mplus_emulator.server import EmulatorServer
from slack_sandbox.fake_slack import FakeSlack
from tests.bot_process import BotProcess
from tests.factories import create_order
from tests.slack.conftest import BOT_TOKEN, CHANNEL, wait_for
from tests.slack.test_read_path import buttons, shown

SOAK_S = float(os.environ.get("ORDERBOT_SOAK_S", "100"))
MPLUS_TIMEOUT_S = 2.0
SETTLE_AFTER_S = 2 * MPLUS_TIMEOUT_S + 3  # the documented rule: two timeouts plus a margin
WRITES = {"deliver": "deliverOrder", "cancel": "cancelOrder", "pay": "payOrder"}
KINDS = {"deliver": "deliver", "cancel": "cancel", "deposit": "pay", "full": "pay"}
"""What a session does → the action it audits. Soak orders total € 100,00 (2 × € 50,00)."""
PAY_FORMS = {"deposit": ("40,00", "deposit"), "full": ("100,00", "full")}
FAULTS = ("latency", "http_500", "soap_fault", "commit_then_drop")
NOTHING_CHANGED = ("nothing was changed", "it was not done,", "not carried out")


@dataclass
class Figures:
    sessions: int = 0
    confirms: int = 0
    double_presses: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    kills: int = 0
    reads: int = 0


@dataclass
class Session:
    user: str
    order_id: str
    action: str


def _ok_writes(emulator: EmulatorServer) -> Counter[tuple[str, str]]:
    """(order id, operation) → how many times Mplus carried it out."""
    done: Counter[tuple[str, str]] = Counter()
    for call in emulator.calls():
        operation, result = str(call["operation"]), str(call.get("result") or "")
        if operation in WRITES.values() and result.endswith("-OK"):
            done[(str(call["orderId"]), operation)] += 1
    return done


def _prompt_of(fake: FakeSlack, user: str) -> dict[str, Any] | None:
    return next((e for e in reversed(fake.ephemerals(user=user)) if "order_confirm" in buttons(e)), None)


class Soak:
    def __init__(
        self, bot: BotProcess, emulator: EmulatorServer, fake: FakeSlack, client: MplusClient
    ) -> None:
        self.bot, self.emulator, self.fake, self.client = bot, emulator, fake, client
        self.figures = Figures()
        self.sessions: list[Session] = []
        self.lock = threading.Lock()
        self.up = threading.Event()
        self.up.set()
        self.rng = random.Random(int(os.environ.get("ORDERBOT_SOAK_SEED", "10")))

    def session(self, n: int) -> None:
        user = f"U0S{n:05d}"
        self.fake.add_user(user, f"soak{n}")
        order = create_order(self.client, prefix="SOAK")
        kind = list(KINDS)[n % len(KINDS)]  # in turn, so every kind is in even the shortest soak
        action = KINDS[kind]
        with self.lock:
            self.sessions.append(Session(user, order.order_id, action))
            self.figures.sessions += 1
            self.figures.kinds[kind] += 1
        if self.rng.random() < 0.35:
            fault = self.rng.choice(FAULTS)
            latency = 2600 if fault == "latency" else 0  # past MPLUS_TIMEOUT_S: the answer is lost
            self.emulator.add_fault(WRITES[action], fault, latency_ms=latency, times=1)
            with self.lock:
                self.figures.faults[fault] += 1
        self.up.wait(60)
        try:
            if kind in PAY_FORMS:
                self._pay_form(user, order.number, *PAY_FORMS[kind])
            else:
                self.bot.slack.command("/order", f"{action} {order.number}", user=user, channel=CHANNEL)
            prompt = wait_for(lambda: _prompt_of(self.fake, user), 20, "a prompt")
        except (OSError, AssertionError):
            return  # the bot was killed meanwhile: this person simply never got a prompt
        presses = 2 if self.rng.random() < 0.3 else 1
        threads = [
            threading.Thread(target=self._press, args=(prompt, user), daemon=True) for _ in range(presses)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        with self.lock:
            self.figures.confirms += 1
            self.figures.double_presses += presses == 2

    def _pay_form(self, user: str, number: str, amount: str, kind: str) -> None:
        """Pay is reached from the order card: Pay, then the form (no method is preselected)."""
        self.bot.slack.command("/order", f"show {number}", user=user, channel=CHANNEL)
        cards = lambda: [e for e in self.fake.ephemerals(user=user) if "order_pay" in buttons(e)]  # noqa: E731
        card = wait_for(lambda: cards()[-1:], 20, "the order card")[0]
        self.bot.slack.press_button(card, action_id="order_pay", user=user, channel=CHANNEL)
        form = wait_for(
            lambda: (v := self.fake.current_view(user)) and v.get("callback_id") == "pay_form" and v,
            20,
            "the pay form",
        )
        values = {"pay_amount": {"amount": amount}, "pay_kind": {"kind": kind}}
        self.bot.slack.submit_view(form, {**values, "pay_method": {"method": "CASH"}}, user=user)

    def _press(self, prompt: dict[str, Any], user: str) -> None:
        with contextlib.suppress(OSError):
            self.bot.slack.press_button(prompt, action_id="order_confirm", user=user, channel=CHANNEL)

    def reader(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                text = self.rng.choice(["list today", "help", "methods"])
                self.bot.slack.command("/order", text, channel=CHANNEL)
                with self.lock:
                    self.figures.reads += 1
            except OSError:
                pass
            stop.wait(1.0)

    def chaos(self, stop: threading.Event) -> None:
        while not stop.wait(self.rng.uniform(6, 14)):
            self.up.clear()
            self.bot.kill()
            with self.lock:
                self.figures.kills += 1
            self.bot.start()
            self.up.set()


def test_soak(emulator: EmulatorServer, fake_slack: FakeSlack, client: MplusClient, tmp_path: Path) -> None:
    fake_slack.reset()
    bot = BotProcess(
        tmp_path,
        emulator,
        fake_slack,
        BOT_TOKEN,
        ORDERBOT_ALLOW_DELIVER="*",
        ORDERBOT_ALLOW_CANCEL="*",
        ORDERBOT_ALLOW_PAY="*",
        ORDERBOT_CLAIM_SETTLE_AFTER_S=str(SETTLE_AFTER_S),
        MPLUS_TIMEOUT_S=str(MPLUS_TIMEOUT_S),
        ORDERBOT_NOTIFY_CHANNEL="C0NOTIFY",
        ORDERBOT_NOTIFY_INTERVAL_S="0.5",
        ORDERBOT_NOTIFY_POST_INTERVAL_S="0",
    )
    soak = Soak(bot, emulator, fake_slack, client)
    stop = threading.Event()
    started = time.monotonic()
    with bot:
        bot.start()
        background = [
            threading.Thread(target=soak.chaos, args=(stop,), daemon=True),
            threading.Thread(target=soak.reader, args=(stop,), daemon=True),
        ]
        for thread in background:
            thread.start()
        n = 0
        while time.monotonic() - started < SOAK_S:
            workers = [threading.Thread(target=soak.session, args=(n + i,), daemon=True) for i in range(2)]
            n += 2
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join(120)
        stop.set()
        for thread in background:
            thread.join(120)
        soak.up.wait(60)
        emulator.clear_faults()
        if bot.proc is None or bot.proc.poll() is not None:
            bot.start()
        db = bot.database()

        def running() -> int:
            with db.transaction() as session:
                return int(
                    session.scalar(
                        select(func.count())
                        .select_from(ConfirmationRow)
                        .where(ConfirmationRow.state == ConfirmationState.RUNNING)
                    )
                    or 0
                )

        wait_for(lambda: running() == 0, SETTLE_AFTER_S * 4 + 60, "every claim settled")
        time.sleep(2 * SETTLE_AFTER_S)  # announcements of the last settlements reach Slack
        with db.transaction() as session:
            audit = [(r.order_id, r.action, r.result) for r in session.scalars(select(AuditRow))]
        db.dispose()

    done = _ok_writes(emulator)
    duplicates = {key: count for key, count in done.items() if count > 1}
    audited = {
        (order, WRITES[action])
        for order, action, result in audit
        if action in WRITES and result in ("ok", "recovered")
    }
    unaudited = [key for key in done if key not in audited]
    false_nothing: list[tuple[str, str]] = []
    for s in soak.sessions:
        said = [shown(e).lower() for e in fake_slack.ephemerals(user=s.user)]
        if done.get((s.order_id, WRITES[s.action])) and any(p in m for m in said for p in NOTHING_CHANGED):
            false_nothing.append((s.user, next(m for m in said if any(p in m for p in NOTHING_CHANGED))))
    recovered = sum(1 for _, _, result in audit if result.startswith("recovered"))
    print(
        f"\nSOAK {time.monotonic() - started:.0f}s: sessions={soak.figures.sessions} "
        f"kinds={dict(soak.figures.kinds)} "
        f"confirms={soak.figures.confirms} double_presses={soak.figures.double_presses} "
        f"kills={soak.figures.kills} faults={dict(soak.figures.faults)} reads={soak.figures.reads} "
        f"writes_done={sum(done.values())} recovered_audit_rows={recovered} "
        f"duplicates={len(duplicates)} unaudited={len(unaudited)} running=0 "
        f"false_nothing={len(false_nothing)}"
    )
    for user, message in false_nothing[:5]:  # what went wrong, should it ever
        print(f"false 'nothing changed' to {user}: {message}")
    for key in unaudited[:5]:
        print(f"write without an audit row: {key}: {[a for a in audit if a[0] == key[0]]}")
    assert soak.figures.kills >= 1 and soak.figures.confirms >= 5, "the soak did too little to mean anything"
    assert duplicates == {}
    assert unaudited == []
    assert false_nothing == []
    assert "--- Logging error ---" not in bot.log_text()
