"""getOrders paging through MplusClient vs. the same requests as raw zeep calls.

    .venv/bin/python bench/client_paging.py [--small] [--runs N]

For the emulator's own WSDL and (if present) the official one, with N orders generated in an empty
emulator (3 lines each):

- client: ``MplusClient.iter_order_changes(0, limit=500)``, every order a pydantic ``Order``;
- raw zeep: a zeep Client from the same WSDL, ``service.getOrders(request={syncMarker, syncMarkerLimit})``
  paged with next marker = max + 1 until a short page, fully deserialized by zeep;
- http only: the very same requests (markers recorded from the raw run) sent through zeep with
  ``raw_response=True`` — request building + HTTP + the emulator rendering, no response parsing. It is
  the floor both of the others stand on (the emulator runs in this process, on the same cores);

and the same three for a single 5,000-order page (syncMarkerLimit 5000). Best of N runs (default 3).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import _rig

PAGE = 500
SINGLE_PAGE = 5000


def client_for(url: str, cache: Path) -> Any:
    from bot.mplus.client import MplusClient
    from bot.mplus.models import OrderQuery

    client = MplusClient(_rig.mplus_settings(url, cache))
    client.get_orders(OrderQuery(sync_marker=0, sync_marker_limit=1))  # WSDL load etc. outside the timing
    return client


def raw_service(url: str) -> tuple[Any, Any]:
    """A zeep Client from the server's WSDL, bound to the server with ident/secret as query params."""
    import zeep

    from bot.mplus.transport import OfflineTransport

    zeep_client = zeep.Client(
        f"{url}?wsdl", transport=OfflineTransport(), settings=zeep.Settings(strict=False, xml_huge_tree=True)
    )
    address = f"{url}?{urlencode({'ident': _rig.IDENT, 'secret': _rig.SECRET})}"
    return zeep_client, zeep_client.create_service(_rig.SERVICE, address)


def request_for(marker: int, limit: int, official: bool) -> dict[str, Any]:
    request: dict[str, Any] = {"syncMarker": marker, "syncMarkerLimit": limit}
    if official:  # required TextLists in the official WSDL; empty means "no filter"
        request.update(articlePluNumbers={}, articleBarcodes={})
    return request


def page_with_client(client: Any, limit: int) -> int:
    orders: list[Any] = []
    for page in client.iter_order_changes(0, limit=limit):
        orders.extend(page)
    return len(orders)


def page_with_zeep(service: Any, limit: int, official: bool, markers: list[int]) -> int:
    """Pages like the client does; records the markers it asked for so 'http only' can replay them."""
    markers.clear()
    orders: list[Any] = []
    marker = 0
    while True:
        markers.append(marker)
        page = service.getOrders(request=request_for(marker, limit, official))
        if not page:
            break
        orders.extend(page)
        marker = max(order.syncMarker for order in page) + 1
        if len(page) < limit:
            break
    return len(orders)


def replay_http_only(zeep_client: Any, service: Any, limit: int, official: bool, markers: list[int]) -> int:
    size = 0
    with zeep_client.settings(raw_response=True):
        for marker in markers:
            response = service.getOrders(request=request_for(marker, limit, official))
            response.raise_for_status()
            size += len(response.content)
    return size


def single_page_client(client: Any) -> int:
    from bot.mplus.models import OrderQuery

    return len(client.get_orders(OrderQuery(sync_marker=0, sync_marker_limit=SINGLE_PAGE)))


def single_page_zeep(service: Any, official: bool) -> int:
    return len(service.getOrders(request=request_for(0, SINGLE_PAGE, official)))


@dataclass
class Row:
    wsdl: str
    what: str
    orders: int
    best_s: float
    runs: int
    floor_s: float | None = None  # the matching "http only" time: how much of the wall is not parsing
    size: str = ""

    def cells(self) -> list[object]:
        rate = f"{self.orders / self.best_s:,.0f}"
        share = f"{self.floor_s / self.best_s:.0%}" if self.floor_s is not None else ""
        size = self.size or f"{self.orders:,} orders"
        return [self.wsdl, self.what, size, self.runs, f"{self.best_s:.2f}", rate, share]


def bench_wsdl(
    label: str, wsdl: Path | None, orders: int, runs: int, budget: float, cache_dir: Path
) -> list[Row]:
    official = wsdl is not None
    rows: list[Row] = []

    def timed(fn: Callable[[], int]) -> tuple[float, int, int]:
        best, times, count = _rig.best_of(runs, fn, budget)
        return best, len(times), count

    with _rig.emulator(seed="empty", wsdl_path=wsdl) as server:
        created = server.generate(orders)["created"]
        client = client_for(server.url, cache_dir / f"{label}.sqlite")
        zeep_client, service = raw_service(server.url)
        service.getOrders(request=request_for(0, 1, official))  # warm the connection and zeep's caches

        markers: list[int] = []
        c_best, c_runs, c_count = timed(lambda: page_with_client(client, PAGE))
        z_best, z_runs, z_count = timed(lambda: page_with_zeep(service, PAGE, official, markers))
        h_best, h_runs, h_bytes = timed(
            lambda: replay_http_only(zeep_client, service, PAGE, official, markers)
        )
        if c_count != created or z_count != created:
            print(f"warning: {label}: expected {created} orders, client got {c_count}, zeep got {z_count}")
        rows += [
            Row(label, f"client, pages of {PAGE}", c_count, c_best, c_runs, h_best),
            Row(label, f"raw zeep, pages of {PAGE}", z_count, z_best, z_runs, h_best),
            Row(
                label,
                f"http only, same {len(markers)} requests",
                created,
                h_best,
                h_runs,
                size=f"{h_bytes / 1e6:,.1f} MB",
            ),
            Row(label, f"→ ratio client/raw zeep: {z_best / c_best:.2f}x", 0, 1.0, 0),
        ]

        single = min(SINGLE_PAGE, created)
        s_client, sc_runs, s_count = timed(lambda: single_page_client(client))
        s_zeep, sz_runs, sz_count = timed(lambda: single_page_zeep(service, official))
        s_http, sh_runs, s_bytes = timed(
            lambda: replay_http_only(zeep_client, service, SINGLE_PAGE, official, [0])
        )
        if s_count != single or sz_count != single:
            print(f"warning: {label}: single page expected {single}, client {s_count}, zeep {sz_count}")
        rows += [
            Row(label, f"client, one page of {SINGLE_PAGE}", s_count, s_client, sc_runs, s_http),
            Row(label, f"raw zeep, one page of {SINGLE_PAGE}", sz_count, s_zeep, sz_runs, s_http),
            Row(
                label,
                f"http only, one page of {SINGLE_PAGE}",
                single,
                s_http,
                sh_runs,
                size=f"{s_bytes / 1e6:,.1f} MB",
            ),
            Row(label, f"→ ratio client/raw zeep: {s_zeep / s_client:.2f}x", 0, 1.0, 0),
        ]
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--small", action="store_true", help="1,000 orders, 1 run: a quick smoke run")
    parser.add_argument("--runs", type=int, default=None, help="best of N (default 3, 1 with --small)")
    parser.add_argument(
        "--budget-s",
        type=float,
        default=20.0,
        help="stop repeating a row once its runs took this long (default 20; 0 = always --runs runs)",
    )
    args = parser.parse_args(argv)
    orders = 1_000 if args.small else 10_000
    runs = args.runs or (1 if args.small else 3)

    _rig.quiet_logs()
    _rig.header("client_paging: getOrders paging, MplusClient vs raw zeep", args.small)
    budget = f", fewer once a row's runs reach {args.budget_s:g} s" if args.budget_s > 0 else ""
    print(
        f"# {orders:,} generated orders (3 lines each), syncMarkerLimit {PAGE}; best of {runs} run(s){budget}"
    )
    before = _rig.thread_ids()
    started = time.perf_counter()
    rows: list[Row] = []
    with _rig.temp_dir() as cache_dir:
        rows += bench_wsdl("emulator WSDL", None, orders, runs, args.budget_s, cache_dir)
        official = _rig.official_wsdl()
        if official is None:
            _rig.skipped("official-WSDL rows")
        else:
            rows += bench_wsdl("official WSDL", official, orders, runs, args.budget_s, cache_dir)
    print()
    _rig.print_table(
        ["WSDL", "what", "size", "runs", "best wall s", "orders/s", "http-only share"],
        [row.cells() if row.runs else [row.wsdl, row.what, "", "", "", "", ""] for row in rows],
    )
    print()
    print("http-only share = the 'http only' wall of the same requests / this row's wall: the part spent")
    print("building requests, on HTTP and in the in-process emulator rather than on parsing the answers")
    print()
    print("issue's reference figures (5,000 orders in one page): zeep ~900 orders/s, PHP ~16,000 orders/s")
    print(f"total bench wall time: {time.perf_counter() - started:.1f} s")
    _rig.leftover_threads(before)
    return 0


if __name__ == "__main__":
    sys.exit(main())
