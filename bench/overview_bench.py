"""App Home build time on a big mirror, and chart rendering time.

Fills a fresh store (SQLite by default; ``--database-url`` for PostgreSQL) with ``--orders``
mirrored orders (default 200,000) and their facts, inserted straight into the tables — generating
them through the emulator would take most of an hour and time Mplus, not the App Home. The orders
spread over 400 days and 6 branches with a realistic mix of states (most complete, some
cancelled, open ones with deposits, delivered-but-unpaid, overdue deliveries).

Then times ``build_home`` (every query behind the App Home: needs action with counts and top rows,
today per branch, the person's last actions, their channels' subscriptions) plus rendering the
Block Kit view, ``--runs`` times, and prints p50/p95/p99 — the issue's goal is p99 ≤ 300 ms.
Charts: the mirror query for the period and ``render_chart`` (matplotlib Agg, 1000×600 PNG) for 7,
30 and 92 days.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, date, datetime, timedelta

import _rig

STATES = {
    "complete": 0.62,
    "cancelled": 0.08,
    "open": 0.12,
    "deposit": 0.08,
    "delivered_unpaid": 0.05,
    "paid_undelivered": 0.05,
}


def fill(db: object, orders: int, today: date, seed: int = 7) -> None:
    from sqlalchemy import insert

    from bot.store.audit import AuditRow
    from bot.store.mirror_tables import MirrorOrderRow, MirrorStateRow
    from bot.store.overview_tables import OrderFactsRow
    from bot.store.subscriptions import SubscriptionFilter, SubscriptionStore

    rng = random.Random(seed)
    kinds, weights = zip(*STATES.items(), strict=True)
    now = datetime.now(UTC)
    chunk: list[dict] = []
    facts: list[dict] = []

    def flush() -> None:
        with db.transaction() as session:  # type: ignore[attr-defined]
            session.execute(insert(MirrorOrderRow), chunk)
            session.execute(insert(OrderFactsRow), facts)
        chunk.clear()
        facts.clear()

    for i in range(orders):
        kind = rng.choices(kinds, weights)[0]
        day = today - timedelta(days=int(rng.random() ** 1.5 * 400))
        total = rng.randint(500, 50_000)
        prepaid = {"deposit": total // 4, "complete": total, "paid_undelivered": total}.get(kind, 0)
        delivered = kind in ("complete", "delivered_unpaid")
        order_id = f"{i:032x}"
        entry = datetime(day.year, day.month, day.day, 9, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 600))
        chunk.append(
            {
                "order_id": order_id,
                "year": day.year,
                "number": i + 1,
                "ext_order_id": f"B-{i}",
                "relation_number": rng.randint(1, 20_000),
                "relation_name": f"Customer {rng.randint(1, 20_000)}",
                "financial_date": day,
                "entry_at": entry,
                "branch": rng.randint(1, 6),
                "total_cents": total,
                "prepaid_cents": prepaid,
                "outstanding_cents": total - prepaid,
                "fully_paid": prepaid >= total,
                "delivery_state": "ORDER-DELIVERY-STATE-COMPLETE"
                if delivered
                else "ORDER-DELIVERY-STATE-NOTHING",
                "cancel_state": "ORDER-CANCEL-STATE-COMPLETE"
                if kind == "cancelled"
                else "ORDER-CANCEL-STATE-NOTHING",
                "complete_state": "ORDER-COMPLETE-STATE-COMPLETE"
                if kind == "complete"
                else "ORDER-COMPLETE-STATE-NOTHING",
                "is_open": kind not in ("complete", "cancelled"),
                "sync_marker": i + 1,
                "search_text": f"customer b {i}",
            }
        )
        delivery_date = day + timedelta(days=rng.randint(0, 21))
        live = kind != "cancelled"
        facts.append(
            {
                "order_id": order_id,
                "sync_marker": i + 1,
                "delivery_date": delivery_date,
                "paid_at": entry + timedelta(days=1) if prepaid else None,
                "delivered_at": entry + timedelta(days=2) if delivered else None,
                "cancelled_at": entry + timedelta(hours=3) if kind == "cancelled" else None,
                "delivered_unpaid_on": day if live and delivered and total > prepaid else None,
                "awaiting_delivery_on": delivery_date if live and not delivered and prepaid else None,
                "open_since": day if kind not in ("complete", "cancelled") else None,
            }
        )
        if len(chunk) >= 5000:
            flush()
    if chunk:
        flush()
    with db.transaction() as session:  # type: ignore[attr-defined]
        session.add(MirrorStateRow(stream="orders", next_marker=orders + 1, initial_done_at=now))
        session.execute(
            insert(AuditRow),
            [
                {
                    "at": now - timedelta(minutes=i),
                    "user_id": "U0ALICE" if i % 5 == 0 else f"U{i % 40:05d}",
                    "action": "pay",
                    "order_id": f"{i:032x}",
                    "params": {},
                    "result": "ok",
                }
                for i in range(5000)
            ],
        )
    subs = SubscriptionStore(db)  # type: ignore[arg-type]
    for n in range(1, 7):
        subs.add(f"C0BRANCH{n}", SubscriptionFilter(branch=n), "U0ALICE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", action="store_true", help="20,000 orders, 30 runs")
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--database-url", default=None, help="default: a temp SQLite file")
    args = parser.parse_args()
    if args.small:
        args.orders, args.runs = 20_000, 30
    _rig.quiet_logs()
    _rig.header("App Home build and chart rendering", args.small)

    from bot.mirror.overview_queries import daily_states
    from bot.mirror.sync import today_in_mplus
    from bot.mplus.models import MPLUS_TZ
    from bot.overview.charts import render_chart
    from bot.overview.home import build_home, home_version
    from bot.slack.views.home import home_view
    from bot.store.db import Database, utcnow

    with _rig.temp_dir() as tmp:
        url = args.database_url or f"sqlite:///{tmp / 'overview.sqlite3'}"
        db = Database(url)
        db.create_schema()
        today = today_in_mplus()
        started = time.perf_counter()
        fill(db, args.orders, today)
        print(
            f"# {db.dialect}: {args.orders:,} orders + facts inserted "
            f"in {time.perf_counter() - started:.1f} s"
        )
        channels = [f"C0BRANCH{n}" for n in range(1, 7)] + [f"C0OTHER{n}" for n in range(40)]

        def build() -> int:
            data = build_home(
                db,
                "U0ALICE",
                channel_ids=channels,
                today=today,
                tz=MPLUS_TZ,
                now=utcnow(),
                stale_days=14,
                can_pay=True,
                can_deliver=True,
            )
            return len(home_view(data)["blocks"])

        build()  # warm caches and statement compilation once, as a running bot has
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            blocks = build()
            times.append(time.perf_counter() - t)
        version = []
        for _ in range(50):
            t = time.perf_counter()
            home_version(db)
            version.append(time.perf_counter() - t)
        _rig.print_table(
            ["App Home", "runs", "p50 ms", "p95 ms", "p99 ms", "max ms"],
            [
                [
                    f"build_home + home_view ({blocks} blocks)",
                    len(times),
                    _rig.ms(_rig.percentile(times, 50)),
                    _rig.ms(_rig.percentile(times, 95)),
                    _rig.ms(_rig.percentile(times, 99)),
                    _rig.ms(max(times)),
                ],
                [
                    "home_version (refresher tick)",
                    len(version),
                    _rig.ms(_rig.percentile(version, 50)),
                    _rig.ms(_rig.percentile(version, 95)),
                    _rig.ms(_rig.percentile(version, 99)),
                    _rig.ms(max(version)),
                ],
            ],
        )
        print()
        rows = []
        for days in (7, 30, 92):
            start = today - timedelta(days=days - 1)
            query_best, _, _ = _rig.best_of(5, lambda s=start: len(daily_states(db, s, today)))
            states = daily_states(db, start, today)
            render_best, _, size = _rig.best_of(
                5, lambda st=states, d=days: len(render_chart(st, f"{d} days"))
            )
            rows.append([f"{days} days", _rig.ms(query_best), _rig.ms(render_best), f"{size / 1024:,.0f}"])
        _rig.print_table(["chart", "mirror query ms", "render PNG ms", "PNG KiB"], rows)
        db.dispose()


if __name__ == "__main__":
    main()
