"""A flood of /healthz, /readyz and /metrics probes with Mplus slow: SOAP calls made, ack latency.

    .venv/bin/python bench/probe_flood.py [--small] [--probes N] [--latency-ms MS]

Rig: emulator (demo seed), FakeSlack and the real bot over waitress (``_rig.bot_rig``), with the
background readiness checker running every second (``ORDERBOT_READY_INTERVAL_S=1``). The emulator
adds MS (1500) to every SOAP call. Then N (300) probes, a third each of /healthz, /readyz and
/metrics, are sent from 24 threads while one Slack user sends `/order help` commands one after the
other. Printed: probe latency p50/p99 per route, the SOAP calls the emulator received during the
flood, and the ack latency of the commands during the flood next to a baseline without probes.
Issue #10 measured the old /healthz at one SOAP call per probe and a 7.5 s ack under 12 probes.
"""

from __future__ import annotations

import argparse
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import _rig

ROUTES = ("/healthz", "/readyz", "/metrics")
USER = "U0PROBE"


def probe(url: str) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as err:
        status = err.code
    return status, time.perf_counter() - started


def acks_while(rig: _rig.BotRig, running: threading.Event | None, count: int) -> list[float]:
    acks: list[float] = []
    while (running is None and len(acks) < count) or (running is not None and running.is_set()):
        acks.append(rig.slack.command("/order", "help", user=USER, channel=_rig.CHANNEL).elapsed)
    return acks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--small", action="store_true", help="60 probes")
    parser.add_argument("--probes", type=int, default=None, help="number of probes (default 300)")
    parser.add_argument("--latency-ms", type=int, default=1500, help="added to every SOAP call")
    args = parser.parse_args(argv)
    count = args.probes or (60 if args.small else 300)

    _rig.quiet_logs()
    _rig.header("probe_flood: /healthz, /readyz, /metrics with Mplus slow", args.small)
    before = _rig.thread_ids()
    with (
        _rig.emulator(seed="demo") as server,
        _rig.temp_dir() as tmp,
        _rig.bot_rig(server, {USER: "probe"}, tmp, ready_interval_s=1.0) as rig,
    ):
        base = rig.events_url.removesuffix("/slack/events")
        baseline = acks_while(rig, None, 20)
        readiness = rig.runtime.readiness
        assert readiness is not None
        readiness.refresh()
        readiness.start()
        rig.emulator.add_fault("*", "latency", latency_ms=args.latency_ms)
        calls_before = len(rig.emulator.calls())
        running = threading.Event()
        running.set()
        flood_acks: list[float] = []
        commands = threading.Thread(target=lambda: flood_acks.extend(acks_while(rig, running, 0)))
        started = time.perf_counter()
        commands.start()
        with ThreadPoolExecutor(max_workers=24) as pool:
            results = list(pool.map(lambda i: (ROUTES[i % 3], *probe(base + ROUTES[i % 3])), range(count)))
        running.clear()
        commands.join()
        elapsed = time.perf_counter() - started
        soap_calls = len(rig.emulator.calls()) - calls_before
        readiness.stop()
        rig.emulator.clear_faults()

    rows: list[list[object]] = []
    for route in ROUTES:
        times = [t for r, _, t in results if r == route]
        statuses = sorted({s for r, s, _ in results if r == route})
        rows.append(
            [
                route,
                len(times),
                f"{_rig.ms(_rig.percentile(times, 50))} ms",
                f"{_rig.ms(_rig.percentile(times, 99))} ms",
                ",".join(map(str, statuses)),
            ]
        )
    print()
    print(f"{count} probes from 24 threads, emulator +{args.latency_ms} ms per SOAP call, {elapsed:.2f} s")
    _rig.print_table(["route", "n", "p50", "p99", "HTTP status"], rows)
    print()
    _rig.print_table(
        ["figure", "value"],
        [
            ["SOAP calls during the flood", f"{soap_calls} (the readiness checker's own)"],
            ["`/order help` acks during the flood", len(flood_acks)],
            [
                "ack p50 / p99 during the flood",
                f"{_rig.ms(_rig.percentile(flood_acks, 50))} / {_rig.ms(_rig.percentile(flood_acks, 99))} ms",
            ],
            [
                "ack p50 / p99 without probes",
                f"{_rig.ms(_rig.percentile(baseline, 50))} / {_rig.ms(_rig.percentile(baseline, 99))} ms",
            ],
        ],
    )
    _rig.leftover_threads(before)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
