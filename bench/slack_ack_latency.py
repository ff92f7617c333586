"""Ack latency of `/order show` under a slow Mplus, and reply latency vs. the bare client call.

    .venv/bin/python bench/slack_ack_latency.py [--small] [--latency-ms MS]

Rig: emulator (demo seed), FakeSlack, and the real bot app (``bot.server.build_runtime`` +
``make_http_server``, waitress, default ORDERBOT_WORKERS) on free loopback ports, driven with signed
requests by ``SignedSlackClient`` — the same rig as tests/slack/conftest.py.

Part 1 (load): the catalogue is warmed, then the emulator adds 2 s to every SOAP call
(``add_fault("*", "latency", 2000)``) and N (100) ``/order show <number>`` commands are fired at once
from N threads, one Slack user each. Printed: HTTP ack latency p50/p99/max (``result.elapsed``), status
codes, how many acks missed Slack's 3 s deadline, and — once every user's reply card has arrived in the
fake via its response_url — reply latency p50/p99/max and the time from the first send to the last reply.

Part 2 (no fault): reply latency of ``/order show`` (send → ephemeral card visible in the fake; 30
sequential runs, median) vs. the bare ``client.get_orders(OrderQuery(order_numbers=...))`` that
``show`` makes (30 runs, median, alternating with the commands), and their ratio; the reply is split
at ``OrderService.show`` (timed by wrapping it on the runtime's instance) into before / in / after.
The fake is polled every millisecond, so reply latencies carry up to ~1 ms (part 2) / ~20 ms (part 1)
of polling granularity.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import _rig

REPLY_SOURCE = "response_url"  # what the lazy listener's respond() produces in the fake
WARM_USER = "U0WARM"


@dataclass
class Sent:
    user: str
    number: str
    sent_at: float
    status: int
    ack_s: float
    error: str = ""


def card_reply(fake: Any, user: str) -> dict[str, Any] | None:
    """The user's answer via response_url; the "Mplus is slow" notice before it does not count."""
    from bot.slack.messages import MPLUS_SLOW

    for message in fake.ephemerals(user=user):
        if message.get("source") == REPLY_SOURCE and message.get("text") != MPLUS_SLOW:
            return dict(message)
    return None


def fire(rig: _rig.BotRig, user: str, number: str, barrier: threading.Barrier | None) -> Sent:
    if barrier is not None:
        barrier.wait()
    sent_at = time.perf_counter()
    try:
        result = rig.slack.command("/order", f"show {number}", user=user, channel=_rig.CHANNEL)
    except Exception as err:  # a timed-out or refused connection is a figure too, not a crash
        return Sent(user, number, sent_at, 0, time.perf_counter() - sent_at, type(err).__name__)
    return Sent(user, number, sent_at, result.status, result.elapsed)


def wait_for_replies(
    fake: Any, users: list[str], timeout: float, interval: float
) -> dict[str, tuple[float, dict[str, Any]]]:
    """First time (perf_counter) each user's card showed up, polling only the users still waiting."""
    seen: dict[str, tuple[float, dict[str, Any]]] = {}
    deadline = time.perf_counter() + timeout
    waiting = list(users)
    while waiting and time.perf_counter() < deadline:
        still: list[str] = []
        for user in waiting:
            reply = card_reply(fake, user)
            if reply is None:
                still.append(user)
            else:
                seen[user] = (time.perf_counter(), reply)
        waiting = still
        if waiting:
            time.sleep(interval)
    return seen


def is_card_for(reply: dict[str, Any], number: str) -> bool:
    return str(reply.get("text", "")).startswith(f"Order {number}")


def load_part(rig: _rig.BotRig, numbers: list[str], count: int, latency_ms: int) -> dict[str, object]:
    from bot.slack.messages import MPLUS_SLOW

    users = [f"U0LOAD{i:03d}" for i in range(count)]
    targets = [numbers[i % len(numbers)] for i in range(count)]
    # Warm the catalogue cache (and the whole command path) before Mplus turns slow.
    rig.runtime.deps.orders.delivery_methods()
    fire(rig, WARM_USER, numbers[0], None)
    wait_for_replies(rig.fake, [WARM_USER], timeout=30, interval=0.01)
    rig.emulator.add_fault("*", "latency", latency_ms=latency_ms)
    barrier = threading.Barrier(count)
    try:
        rig.emulator.clear_calls()  # restarts the emulator's count of calls served at once
        with ThreadPoolExecutor(max_workers=count, thread_name_prefix="bench-slack") as pool:
            futures: list[Future[Sent]] = [
                pool.submit(fire, rig, user, number, barrier)
                for user, number in zip(users, targets, strict=True)
            ]
            # Poll for replies while acks are still coming in: the first replies can beat the last acks.
            seen = wait_for_replies(rig.fake, users, timeout=120 + count * latency_ms / 1000, interval=0.02)
            sent = [f.result() for f in futures]
    finally:
        rig.emulator.clear_faults()

    first_send = min(s.sent_at for s in sent)
    acks = [s.ack_s for s in sent]
    statuses: dict[str, int] = {}
    for s in sent:
        key = s.error or str(s.status)
        statuses[key] = statuses.get(key, 0) + 1
    by_user = {s.user: s for s in sent}
    reply_lat = [at - by_user[user].sent_at for user, (at, _) in seen.items()]
    good = sum(1 for user, (_, reply) in seen.items() if is_card_for(reply, by_user[user].number))
    slack_errors = sum(
        1 for user in users for m in rig.fake.ephemerals(user=user) if m.get("source") == "slack"
    )
    notices = sum(1 for user in users for m in rig.fake.ephemerals(user=user) if m.get("text") == MPLUS_SLOW)
    return {
        "ack p50": f"{_rig.ms(_rig.percentile(acks, 50))} ms",
        "ack p99": f"{_rig.ms(_rig.percentile(acks, 99))} ms",
        "acks > 3 s": f"{sum(1 for a in acks if a > 3.0)}",
        "HTTP": ", ".join(f"{k}×{v}" for k, v in sorted(statuses.items())),
        "Slack errors": f"{slack_errors}",
        "cards": f"{len(seen)}/{count} ({good} right)",
        "reply p50": f"{_rig.percentile(reply_lat, 50):,.2f} s",
        "reply p99": f"{_rig.percentile(reply_lat, 99):,.2f} s",
        "last reply": f"{max((at for at, _ in seen.values()), default=float('nan')) - first_send:,.2f} s",
        "Mplus peak": f"{rig.emulator.peak_concurrency()}",
        "slow notices": f"{notices}",
    }


def sequential_part(rig: _rig.BotRig, numbers: list[str], runs: int) -> list[list[object]]:
    from bot.mplus.models import OrderQuery, YearNumber

    number = numbers[len(numbers) // 2]
    year, seq = (int(part) for part in number.split("-"))
    query = OrderQuery(order_numbers=(YearNumber(year=year, number=seq),))
    client = rig.runtime.mplus  # the bot's own client: same connection pool, same parsed WSDL

    # Time stamps around OrderService.show (wrapped on this instance only, restored below) split the
    # reply into: before the lazy listener reaches Mplus / the Mplus call / card + respond() after it.
    service = rig.runtime.deps.orders
    original_show = service.show
    stamps: list[tuple[float, float]] = []

    def timed_show(key: Any) -> Any:
        started = time.perf_counter()
        try:
            return original_show(key)
        finally:
            stamps.append((started, time.perf_counter()))

    replies: list[float] = []
    acks: list[float] = []
    before_call: list[float] = []
    in_call: list[float] = []
    after_call: list[float] = []
    bare: list[float] = []
    wrong = 0
    service.show = timed_show  # type: ignore[method-assign]
    try:
        # Command and bare call alternate, so both see the same machine; run 0 warms up and is not counted.
        for i in range(runs + 1):
            user = f"U0SEQ{i:03d}"
            stamps.clear()
            sent = fire(rig, user, number, None)
            seen = wait_for_replies(rig.fake, [user], timeout=30, interval=0.001)
            time.sleep(0.05)  # let the bot's threads finish their tail work before the bare call
            started = time.perf_counter()
            found = client.get_orders(query)
            bare_s = time.perf_counter() - started
            time.sleep(0.05)
            if len(found) != 1:
                print(f"warning: get_orders({number}) returned {len(found)} orders")
            if i == 0:
                continue
            bare.append(bare_s)
            if user not in seen or len(stamps) != 1:
                wrong += 1
                continue
            at, reply = seen[user]
            wrong += 0 if is_card_for(reply, number) else 1
            replies.append(at - sent.sent_at)
            acks.append(sent.ack_s)
            call_start, call_end = stamps[0]
            before_call.append(call_start - sent.sent_at)
            in_call.append(call_end - call_start)
            after_call.append(at - call_end)
    finally:
        service.show = original_show  # type: ignore[method-assign]

    reply_med, bare_med = _rig.median(replies), _rig.median(bare)
    return [
        [
            f"/order show {number}: reply (send → card in fake)",
            f"{_rig.ms(reply_med)} ms",
            f"{len(replies)} runs" + (f", {wrong} bad" if wrong else ""),
        ],
        [
            "  of which: send → show() starts (HTTP, signature, Bolt)",
            f"{_rig.ms(_rig.median(before_call))} ms",
            "",
        ],
        ["  of which: show() = get_orders(order_numbers=…)", f"{_rig.ms(_rig.median(in_call))} ms", ""],
        ["  of which: show() returns → card in fake (respond)", f"{_rig.ms(_rig.median(after_call))} ms", ""],
        [f"/order show {number}: HTTP ack", f"{_rig.ms(_rig.median(acks))} ms", f"{len(acks)} runs"],
        ["bare client.get_orders(order_numbers=…)", f"{_rig.ms(bare_med)} ms", f"{len(bare)} runs"],
        ["ratio reply / bare call", f"{reply_med / bare_med:.2f}x", ""],
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--small", action="store_true", help="20 concurrent commands, 10 sequential runs")
    parser.add_argument("--latency-ms", type=int, default=2000, help="added to every SOAP call in part 1")
    parser.add_argument(
        "--concurrency", default="16,32,64", help="MPLUS_MAX_CONCURRENCY values for part 1 (comma-separated)"
    )
    args = parser.parse_args(argv)
    concurrent, runs = (20, 10) if args.small else (100, 30)
    limits = [int(part) for part in args.concurrency.split(",") if part.strip()]

    _rig.quiet_logs()
    _rig.header("slack_ack_latency: /order show through the real bot over HTTP", args.small)
    before = _rig.thread_ids()
    started = time.perf_counter()
    users = {WARM_USER: "warm", **{f"U0LOAD{i:03d}": f"load{i:03d}" for i in range(concurrent)}}
    users.update({f"U0SEQ{i:03d}": f"seq{i:03d}" for i in range(runs + 1)})

    from bot.mplus.models import OrderQuery

    results: list[tuple[int, dict[str, object]]] = []
    with _rig.emulator(seed="demo") as server:
        for limit in limits:
            with (
                _rig.temp_dir() as tmp,
                _rig.bot_rig(
                    server, users, tmp, mplus_overrides={"max_concurrency": limit}, catalogue_ttl_s=300
                ) as rig,
            ):
                numbers = [
                    str(o.order_number) for o in rig.runtime.mplus.get_orders(OrderQuery()) if o.order_number
                ]
                if not results:
                    settings = rig.runtime.settings.bot
                    print(
                        f"# bot: waitress + Bolt ack pool, ORDERBOT_WORKERS={settings.workers}; "
                        "work pool = max(workers, MPLUS_MAX_CONCURRENCY); "
                        f"ORDERBOT_SLOW_NOTICE_S={settings.slow_notice_s:g}; {len(numbers)} demo orders"
                    )
                results.append((limit, load_part(rig, numbers, concurrent, args.latency_ms)))
        print()
        print(
            f"Part 1: {concurrent} concurrent `/order show <number>`, emulator +{args.latency_ms} ms "
            "per SOAP call, per MPLUS_MAX_CONCURRENCY (a fresh bot each)"
        )
        columns = list(results[0][1])
        _rig.print_table(
            ["MPLUS_MAX_CONCURRENCY", *columns], [[limit, *row.values()] for limit, row in results]
        )
        with _rig.temp_dir() as tmp, _rig.bot_rig(server, users, tmp, catalogue_ttl_s=300) as rig:
            numbers = [str(o.order_number) for o in rig.runtime.mplus.get_orders() if o.order_number]
            print()
            print(f"Part 2: no fault, {runs} sequential runs each, medians (default settings)")
            _rig.print_table(["what", "median", "n"], sequential_part(rig, numbers, runs))
    print()
    print(f"total bench wall time: {time.perf_counter() - started:.1f} s")
    _rig.leftover_threads(before)
    return 0


if __name__ == "__main__":
    sys.exit(main())
