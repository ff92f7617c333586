"""The notifier catching up on a backlog: 10,000 changed orders from marker 0, with digests.

    .venv/bin/python bench/notifier_bench.py [--small] [--orders N] [--page N]

An empty emulator gets N generated orders (3 lines each; default 10,000), then one notifier pass runs
from marker 0 (a backfill) against the fake Slack with three channels subscribed:

- C0NOTIFY follows everything (ORDERBOT_NOTIFY_CHANNEL), C0ORDERS follows branch 1: both are far over
  the burst threshold, so each gets one digest message, posted once and updated page by page;
- C0GENERAL has a daily digest at 08:00: every change becomes a digest entry in the store.

Printed: wall time of the pass, Slack calls by method, peak Python memory of the pass (tracemalloc,
in a second identical run so its overhead does not touch the timing) and max RSS, and orders/s
compared with the raw client paging rate (``MplusClient.iter_order_changes`` over the same orders,
pages of the same size, nothing else done).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import Any

import _rig

NOTIFY, ORDERS, GENERAL = "C0NOTIFY", "C0ORDERS", "C0GENERAL"


def settings_for(server: Any, fake: Any, db_url: str, cache: Path, page: int) -> Any:
    from bot.config import BotSettings, Settings

    bot = BotSettings(  # type: ignore[call-arg]
        _env_file=None,
        slack_bot_token=_rig.BOT_TOKEN,
        slack_signing_secret=_rig.SIGNING_SECRET,
        slack_api_url=fake.api_url,
        database_url=db_url,
        notify_channel=NOTIFY,
        notify_page_size=page,
        notify_backfill=True,
    )
    return Settings(bot, _rig.mplus_settings(server.url, cache))


def one_pass(server: Any, fake: Any, work: Path, name: str, page: int) -> tuple[float, Any, Counter[str]]:
    """A fresh store and a clean fake Slack, then one backfill pass; (seconds, report, Slack calls)."""
    from bot.mplus.client import MplusClient
    from bot.notifier.runner import build_notifier
    from bot.slack.app import build_web_client
    from bot.store.audit import AuditLog
    from bot.store.db import Database
    from bot.store.subscriptions import SubscriptionFilter, SubscriptionStore

    fake.reset()
    db = Database(f"sqlite:///{work / f'{name}.sqlite3'}")
    db.create_schema()
    settings = settings_for(server, fake, db.url, work / "wsdl.sqlite", page)
    subscriptions = SubscriptionStore(db)
    subscriptions.add(ORDERS, SubscriptionFilter(branch=1), "U0ALICE")
    subscriptions.add(GENERAL, SubscriptionFilter(digest_at="08:00"), "U0ALICE")
    mplus = MplusClient(settings.mplus)
    mplus.get_api_version()  # WSDL load and connection set-up stay outside the timing
    notifier = build_notifier(settings, mplus, build_web_client(settings.bot), db, AuditLog(db))
    started = time.perf_counter()
    report = notifier.run_pass()
    seconds = time.perf_counter() - started
    calls = Counter(call["method"] for call in fake.calls())
    db.dispose()
    return seconds, report, calls


def paging_rate(server: Any, cache: Path, page: int) -> tuple[float, int]:
    from bot.mplus.client import MplusClient

    client = MplusClient(_rig.mplus_settings(server.url, cache))
    client.get_api_version()
    started = time.perf_counter()
    count = sum(len(p) for p in client.iter_order_changes(0, limit=page, include_lines=True))
    return time.perf_counter() - started, count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--small", action="store_true", help="1,000 orders: a quick smoke run")
    parser.add_argument("--orders", type=int, default=None, help="orders to generate (default 10,000)")
    parser.add_argument("--page", type=int, default=500, help="ORDERBOT_NOTIFY_PAGE_SIZE (default 500)")
    args = parser.parse_args(argv)
    orders = args.orders or (1_000 if args.small else 10_000)

    _rig.quiet_logs()
    _rig.header("notifier_bench: a backlog from marker 0, with digests", args.small)
    print(f"# {orders:,} generated orders (3 lines each), pages of {args.page}, SQLite store, fake Slack")
    before = _rig.thread_ids()
    from slack_sandbox.fake_slack import FakeSlack

    fake = FakeSlack(host="127.0.0.1", port=0, bot_token=_rig.BOT_TOKEN, team_id="T0001")
    fake.start()
    try:
        with _rig.emulator(seed="empty") as server, _rig.temp_dir() as work:
            server.generate(orders)
            page_s, paged = paging_rate(server, work / "wsdl.sqlite", args.page)
            seconds, report, calls = one_pass(server, fake, work, "timed", args.page)
            shown = {ch: len(fake.messages(ch)) for ch in (NOTIFY, ORDERS, GENERAL)}
            rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            tracemalloc.start()
            _, traced, _ = one_pass(server, fake, work, "traced", args.page)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    finally:
        fake.stop()

    rate, raw_rate = report.changes / seconds, paged / page_s
    print()
    _rig.print_table(
        ["what", "value"],
        [
            ["pass status", f"{report.status} (traced run: {traced.status})"],
            ["changes handled", f"{report.changes:,} in {report.pages} pages"],
            ["wall time of the pass", f"{seconds:.2f} s"],
            ["notifier orders/s", f"{rate:,.0f}"],
            ["raw client paging (same pages, nothing else)", f"{page_s:.2f} s · {raw_rate:,.0f} orders/s"],
            ["ratio notifier / raw paging", f"{rate / raw_rate:.2f}"],
            ["Slack calls", ", ".join(f"{m} {n}" for m, n in sorted(calls.items())) or "none"],
            ["messages left in Slack", ", ".join(f"{ch} {n}" for ch, n in shown.items())],
            ["peak Python memory during the pass (tracemalloc)", f"{peak / 2**20:,.1f} MiB"],
            ["max RSS of the whole process (emulator included)", f"{rss_kib / 1024:,.0f} MiB"],
        ],
    )
    print()
    print("The emulator runs in this process and renders every page; raw client paging bears that cost too.")
    _rig.leftover_threads(before)
    return 0


if __name__ == "__main__":
    sys.exit(main())
