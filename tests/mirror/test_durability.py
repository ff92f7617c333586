"""The mirror across kill -9 (in the first sync, in a later pass), and two processes on one database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot.mirror import queries
from bot.mirror.health import health
from bot.mirror.sync import today_in_mplus
from bot.mplus.client import MplusClient
from bot.notifier.engine import Notifier
from bot.store.db import Database, utcnow
from bot.store.lease_keeper import LEASE_NAME
from bot.store.leases import Leases
from bot.store.mirror_tables import MirrorOrderRow, MirrorRelationRow
from mplus_emulator.server import EmulatorServer
from tests.conftest import EMULATOR_IDENT, EMULATOR_SECRET
from tests.mirror.conftest import expected_orders, mirrored_articles, mplus_articles, soap_calls
from tests.notifier.conftest import NotifierRig
from tests.slack.conftest import wait_for

REPO = Path(__file__).resolve().parents[2]
DAYS = 30


def cli_env(emulator: EmulatorServer, db: Database, tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "MPLUS_", "ORDERBOT_", "DATABASE_"))
    }
    env.update(
        PYTHONPATH=str(REPO),
        DATABASE_URL=db.url,
        MPLUS_URL=emulator.url,
        MPLUS_IDENT=EMULATOR_IDENT,
        MPLUS_SECRET=EMULATOR_SECRET,
        MPLUS_WSDL_CACHE=str(tmp_path / "cli-wsdl.sqlite"),
        ORDERBOT_MIRROR_PAGE_SIZE="100",
        ORDERBOT_MIRROR_DAYS=str(DAYS),
        ORDERBOT_NOTIFY_LEASE_S="2",
    )
    return env


def marker(db: Database, stream: str) -> int:
    found = {s.stream: s.next_marker for s in queries.status(db)}
    return found.get(stream, 0)


def kill_when(command: list[str], env: dict[str, str], cwd: Path, ready: Any) -> None:
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for(ready, timeout=60, what="the sync to be part-way")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def lease_free(db: Database) -> bool:
    lease = Leases(db).get(LEASE_NAME)
    return lease is None or lease.expires_at <= utcnow()


def assert_mirror_equals_mplus(db: Database, shop: MplusClient) -> None:
    """Every order the mirror should hold, at its newest version, once; every active relation; every
    active article as Mplus has it now (description, price, marker), and no inactive one."""
    expected = expected_orders(shop, today_in_mplus() - timedelta(days=DAYS))
    with db.transaction() as session:
        rows = dict(session.execute(select(MirrorOrderRow.order_id, MirrorOrderRow.sync_marker)).all())
        relations = session.scalar(select(func.count()).select_from(MirrorRelationRow))
    assert rows == {oid: o.sync_marker for oid, o in expected.items()}
    assert relations == len([r for r in shop.get_relations() if r.active is not False])
    assert mirrored_articles(db) == mplus_articles(shop)


def run_to_the_end(command: list[str], env: dict[str, str], cwd: Path, db: Database) -> None:
    wait_for(lambda: lease_free(db), timeout=10, what="the killed process's lease to run out")
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "mirror:" in done.stdout


def test_kill_9_during_the_first_sync_then_resume_leaves_no_gap_and_no_duplicate(
    emulator: EmulatorServer, sqlite_database: Database, tmp_path: Path, shop: MplusClient
) -> None:
    db = sqlite_database
    emulator.generate(1500, lines=1, relations=400, articles=600, days=2 * DAYS, mixed=True)
    emulator.add_fault("getOrders", "latency", latency_ms=40)
    command = [sys.executable, "-m", "bot.cli", "mirror", "sync"]
    env = cli_env(emulator, db, tmp_path)
    kill_when(command, env, tmp_path, lambda: marker(db, "orders") > 300)
    assert health(db)["first_sync"] == "running", "killed part-way through the first sync"
    emulator.clear_faults()
    run_to_the_end(command, env, tmp_path, db)
    assert health(db)["first_sync"] == "done" and health(db)["behind"] == 0
    assert_mirror_equals_mplus(db, shop)


def test_kill_9_during_a_later_pass_then_resume_leaves_no_gap_and_no_duplicate(
    emulator: EmulatorServer, sqlite_database: Database, tmp_path: Path, shop: MplusClient
) -> None:
    db = sqlite_database
    command = [sys.executable, "-m", "bot.cli", "mirror", "sync"]
    env = cli_env(emulator, db, tmp_path)
    run_to_the_end(command, env, tmp_path, db)
    start = marker(db, "orders")
    emulator.generate(1500, lines=1, relations=300, articles=600, mixed=True)  # a burst after the first sync
    first, second = sorted(mplus_articles(shop))[:2]
    emulator.edit_article(first, text="Melkopschuimer Ĳsselmeer", price=4250)  # old articles change too
    emulator.edit_article(second, active=False)
    for order in shop.get_orders()[:5]:
        if not order.is_cancelled and not order.is_invoiced:
            shop.cancel_order(order.order_id)  # old orders change too
    emulator.add_fault("getOrders", "latency", latency_ms=40)
    kill_when(command, env, tmp_path, lambda: marker(db, "orders") > start + 300)
    assert marker(db, "orders") <= shop.get_current_sync_markers().order_sync_marker, "killed part-way"
    emulator.clear_faults()
    run_to_the_end(command, env, tmp_path, db)
    assert_mirror_equals_mplus(db, shop)


def test_two_processes_on_one_database_sync_once(pg_rig: NotifierRig) -> None:
    rig = pg_rig
    rig.emulator.generate(600, lines=1, relations=1300)
    listed = rig.shop.client.get_relations()
    relations, active = len(listed), len([r for r in listed if r.active is not False])
    rig.emulator.clear_calls()
    stores = [Database(rig.db.url) for _ in range(2)]
    notifiers = [rig.notifier(db, mirror_page_size=200) for db in stores]
    stop = threading.Event()
    statuses: Counter[str] = Counter()

    def loop(notifier: Notifier) -> None:
        while not stop.is_set():
            statuses[notifier.run_pass().status] += 1

    threads = [threading.Thread(target=loop, args=(n,)) for n in notifiers]
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: health(rig.db)["first_sync"] == "done", timeout=120, what="the first sync")
        created = rig.shop.create()
        wait_for(lambda: queries.orders_by_key(rig.db, order_id=created), timeout=30, what="the new order")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        for db in stores:
            db.dispose()
    assert statuses["busy"] > 0, "both processes tried; the lease let one work at a time"
    # Relations were read once: ceil(relations / 1000) full pages from marker 0, nobody twice.
    first_pages = [c for c in soap_calls(rig.emulator) if c == "getRelations"]
    assert len(first_pages) == -(-relations // 1000), first_pages
    with rig.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(MirrorRelationRow)) == active
        orders = session.scalar(select(func.count()).select_from(MirrorOrderRow))
    assert orders == len(expected_orders(rig.shop.client, today_in_mplus() - timedelta(days=120)))
