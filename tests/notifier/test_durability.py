"""Nothing lost, nothing twice: 429 storms, crashes mid-post, a killed process, two processes, Mplus down."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.notifier.engine import Notifier, PassStatus
from bot.notifier.slack_port import SlackPort
from bot.store.cards import CardStore
from bot.store.db import Database
from bot.store.sync_state import SyncStateStore
from tests.conftest import EMULATOR_IDENT, EMULATOR_SECRET
from tests.notifier.conftest import NOTIFY, OPS, NotifierRig, all_text, header_of
from tests.slack.conftest import BOT_TOKEN, SIGNING_SECRET, wait_for

REPO = Path(__file__).resolve().parents[2]


def until_ok(run: Any, passes: int = 20) -> list[PassStatus]:
    statuses = []
    for _ in range(passes):
        report = run()
        statuses.append(report.status)
        if report.status is PassStatus.OK:
            return statuses
    raise AssertionError(f"no clean pass in {passes}: {statuses}")


def assert_one_card_each(rig: NotifierRig, channel: str, order_ids: list[str]) -> dict[str, dict[str, Any]]:
    numbers = {oid: rig.shop.number(oid) for oid in order_ids}
    cards = rig.cards(channel)
    headers = Counter(header_of(card) for card in cards)
    assert all(n == 1 for n in headers.values()), f"duplicate cards: {headers}"
    assert len(cards) == len(order_ids), f"{len(cards)} cards for {len(order_ids)} orders"
    found = {oid: rig.card_of(channel, number) for oid, number in numbers.items()}
    assert all(found.values())
    return found  # type: ignore[return-value]


def test_a_429_storm_loses_nothing_and_duplicates_nothing(notify_rig: NotifierRig) -> None:
    rig = notify_rig
    rig.overrides.update(notify_channel=NOTIFY, notify_slack_retries=1)
    rig.run()
    orders = [rig.shop.create() for _ in range(4)]
    start = SyncStateStore(rig.db).get().next_marker
    rig.fake.rate_limit("chat.postMessage", times=4, retry_after=0)
    report = rig.run()
    assert report.status is PassStatus.SLACK_FAILED and report.error == "slack: ratelimited"
    assert SyncStateStore(rig.db).get().next_marker == start, "the marker must not pass an unposted change"
    until_ok(rig.run)
    cards = assert_one_card_each(rig, NOTIFY, orders)
    rig.fake.rate_limit("*", times=3, retry_after=0)  # updates and notes too
    for oid in orders:
        rig.shop.pay(oid)
    until_ok(rig.run)
    for oid in orders:
        card = rig.card_of(NOTIFY, rig.shop.number(oid))
        assert card["ts"] == cards[oid]["ts"] and "paid" in all_text(card)
        (note,) = rig.notes(NOTIFY, card)
        assert f"*{rig.shop.number(oid)}* · " in note
        assert "paid in Mplus — paid in full (also delivered)" in note
    assert rig.fake.pending_faults() == {}


class Crash(BaseException):
    """Stands in for the process dying (not an Exception, so nothing in the bot catches it)."""


class Crashing:
    """A SlackPort that dies around the ``after``-th post: just before sending it, or just after."""

    def __init__(self, inner: SlackPort, after: int, *, posted: bool) -> None:
        self.inner, self.after, self.posted, self.count = inner, after, posted, 0

    def post(self, channel: str, text: str, blocks: Any, **kwargs: Any) -> str:
        self.count += 1
        if self.count == self.after and not self.posted:
            raise Crash("died before posting")
        ts = self.inner.post(channel, text, blocks, **kwargs)
        if self.count == self.after:
            raise Crash("died after posting, before storing the ts")
        return ts

    def update(self, *args: Any) -> None:
        self.inner.update(*args)

    def find_nonce(self, *args: Any, **kwargs: Any) -> str | None:
        return self.inner.find_nonce(*args, **kwargs)


def crash_once(notifier: Notifier, after: int, *, posted: bool) -> None:
    notifier.slack = Crashing(notifier.slack, after, posted=posted)
    with pytest.raises(Crash):
        notifier.run_pass()


@pytest.mark.parametrize("posted", [True, False], ids=["after-post", "before-post"])
def test_a_crash_around_a_post_neither_loses_nor_duplicates(notify_rig: NotifierRig, posted: bool) -> None:
    rig = notify_rig
    rig.overrides["notify_channel"] = NOTIFY
    rig.run()
    orders = [rig.shop.create() for _ in range(4)]
    crash_once(rig.notifier(), after=2, posted=posted)
    assert len(rig.cards(NOTIFY)) == (2 if posted else 1)
    until_ok(rig.notifier().run_pass)
    assert_one_card_each(rig, NOTIFY, orders)
    assert len(rig.fake.calls("conversations.history")) == 1, "the pending card was looked up by its nonce"
    assert len([c for c in rig.fake.calls("chat.postMessage") if c["ok"]]) == 4

    for oid in orders:
        rig.shop.deliver(oid)
    crash_once(rig.notifier(), after=3, posted=posted)  # dies on a threaded note this time
    until_ok(rig.notifier().run_pass)
    for oid in orders:
        card = rig.card_of(NOTIFY, rig.shop.number(oid))
        (note,) = rig.notes(NOTIFY, card)
        assert note.startswith(f"📦 *{rig.shop.number(oid)}* · ") and "was delivered in Mplus" in note
    assert len(rig.fake.calls("conversations.replies")) == 1


def _cli_env(rig: NotifierRig, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "MPLUS_", "ORDERBOT_", "DATABASE_"))
    }
    env.update(
        PYTHONPATH=str(REPO),
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=rig.fake.api_url,
        DATABASE_URL=rig.db.url,
        MPLUS_URL=rig.emulator.url,
        MPLUS_IDENT=EMULATOR_IDENT,
        MPLUS_SECRET=EMULATOR_SECRET,
        MPLUS_WSDL_CACHE=str(rig.tmp_path / "cli-wsdl.sqlite"),
        ORDERBOT_NOTIFY_CHANNEL=NOTIFY,
        ORDERBOT_NOTIFY_LEASE_S="2",
        ORDERBOT_LOG_LEVEL="WARNING",
        **extra,
    )
    return env


def test_killing_notify_once_mid_batch_then_restarting_posts_each_change_once(
    notify_rig: NotifierRig,
) -> None:
    rig = notify_rig
    rig.overrides["notify_channel"] = NOTIFY
    rig.run()  # first start: the marker is set before the orders exist
    orders = [rig.shop.create() for _ in range(8)]
    env = _cli_env(rig, ORDERBOT_NOTIFY_POST_INTERVAL_S="0.25")
    command = [sys.executable, "-m", "bot.cli", "notify", "--once"]
    proc = subprocess.Popen(
        command, cwd=rig.tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        wait_for(lambda: len(rig.cards(NOTIFY)) >= 3, timeout=30, what="three cards from the subprocess")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert 3 <= len(rig.cards(NOTIFY)) < 8, "killed mid-batch"
    time.sleep(2.1)  # the dead process's lease runs out (ORDERBOT_NOTIFY_LEASE_S=2)
    done = subprocess.run(command, cwd=rig.tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "notify: ok" in done.stdout
    assert_one_card_each(rig, NOTIFY, orders)


def test_two_notifier_processes_on_one_database_notify_each_change_once(pg_rig: NotifierRig) -> None:
    rig = pg_rig
    rig.overrides["notify_channel"] = NOTIFY
    rig.run()
    stores = [Database(rig.db.url) for _ in range(2)]
    notifiers = [rig.notifier(db) for db in stores]
    stop = threading.Event()
    statuses: Counter[str] = Counter()

    def loop(notifier: Notifier) -> None:
        while not stop.is_set():
            statuses[notifier.run_pass().status] += 1

    threads = [threading.Thread(target=loop, args=(n,)) for n in notifiers]
    for thread in threads:
        thread.start()
    try:
        orders = []
        for _ in range(6):
            orders.append(rig.shop.create())
            time.sleep(0.05)
        wait_for(lambda: len(rig.cards(NOTIFY)) == 6, timeout=20, what="six cards")
        for oid in orders[::2]:
            rig.shop.pay(oid)
            time.sleep(0.05)
        wait_for(
            lambda: sum(len(rig.notes(NOTIFY, c)) for c in rig.cards(NOTIFY)) == 3, timeout=20, what="notes"
        )
        time.sleep(0.5)  # let both go on for a while: nothing more may appear
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=20)
        for db in stores:
            db.dispose()
    assert statuses[PassStatus.OK] > 0
    assert_one_card_each(rig, NOTIFY, orders)
    for oid in orders[::2]:
        assert len(rig.notes(NOTIFY, rig.card_of(NOTIFY, rig.shop.number(oid)))) == 1
    assert CardStore(rig.db).count(NOTIFY) == 6


def test_an_mplus_outage_gives_one_alert_and_one_recovery_note(notify_rig: NotifierRig) -> None:
    rig = notify_rig
    rig.overrides.update(notify_channel=NOTIFY, ops_channel=OPS)
    rig.run()
    start = SyncStateStore(rig.db).get().next_marker
    rig.emulator.add_fault("getOrders", "http_500", times=None)
    during = rig.shop.create()  # the till still works; only the bot's reads fail
    for _ in range(3):
        report = rig.run()
        assert report.status is PassStatus.MPLUS_DOWN
    assert SyncStateStore(rig.db).get().next_marker == start
    (alert,) = rig.fake.messages(OPS)
    assert "Mplus unreachable since" in alert["text"]
    rig.emulator.clear_faults()
    assert rig.run().status is PassStatus.OK
    rig.run()
    alert_again, recovery = rig.fake.messages(OPS)
    assert alert_again["ts"] == alert["ts"] and "reachable again" in recovery["text"]
    assert_one_card_each(rig, NOTIFY, [during])
