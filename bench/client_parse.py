"""Parsing one getOrders page: the client's XML path vs zeep's deserializer, same bytes.

The issue's goal ("at least 10× raw zeep") is about the deserializer, measured on one 5,000-order
page with the official WSDL. End-to-end paging (client_paging.py) also contains the HTTP round trip
and the in-process emulator's rendering, which no client can make faster; this bench takes them out
by fetching the page once and then timing only what each side does with the same response.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import _rig
import requests

from bot.mplus import envelope, wire
from bot.mplus.client import MplusClient
from bot.mplus.models import OrderQuery


def measure(label: str, wsdl: Path | None, orders: int, runs: int) -> list[object]:
    with _rig.temp_dir() as tmp, _rig.emulator(wsdl_path=wsdl) as emulator:
        emulator.generate(orders)
        client = MplusClient(_rig.mplus_settings(emulator.url, tmp / "wsdl.sqlite"))
        client.get_api_version()
        request = wire.order_query_request(
            OrderQuery(sync_marker=0, sync_marker_limit=orders), client._fields_of("GetOrdersRequest")
        )
        zeep_client, service = client._zeep, client._service
        assert zeep_client is not None
        with zeep_client.settings(raw_response=True):
            raw = service.getOrders(request=request)
        # The client streams answers (transport.RawAnswer); zeep's deserializer wants a Response.
        response = requests.Response()
        response._content = b"".join(raw.chunks())
        response.status_code = 200
        response.headers["Content-Type"] = "text/xml; charset=utf-8"
    binding = service._binding
    operation = binding.get("getOrders")

    def ours() -> int:
        return len(envelope.read([response.content], "getOrders").orders)

    def zeeps() -> int:
        return len(binding.process_reply(zeep_client, operation, response) or [])

    client_best = min(_timed(ours) for _ in range(runs))
    zeep_best = min(_timed(zeeps) for _ in range(max(1, runs - 1)))
    return [
        label,
        f"{len(response.content) / 1e6:.1f} MB",
        f"{client_best:.2f} s",
        f"{orders / client_best:,.0f}",
        f"{zeep_best:.2f} s",
        f"{orders / zeep_best:,.0f}",
        f"{zeep_best / client_best:.1f}x",
    ]


def _timed(fn: object) -> float:
    started = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    orders = 500 if args.small else 5000
    _rig.quiet_logs()
    _rig.header(f"client_parse: one {orders:,}-order getOrders page, parse only", args.small)
    rows = [measure("emulator's WSDL", None, orders, args.runs)]
    official = _rig.official_wsdl()
    if official is None:
        _rig.skipped("official WSDL rows: ../shared/mplusqapi.wsdl is absent")
    else:
        rows.append(measure("official WSDL", official, orders, args.runs))
    _rig.print_table(
        ["WSDL", "page", "client", "client orders/s", "zeep", "zeep orders/s", "client speed-up"], rows
    )


if __name__ == "__main__":
    main()
