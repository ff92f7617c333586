"""One 5,000-order getOrders page: ``MplusClient.get_orders`` vs PHP's SoapClient, same bytes, same run.

The page (3 lines per order) is rendered once by the emulator serving the official WSDL, then
served verbatim by a canned loopback HTTP server in a child process (keep-alive, Content-Length;
never in the bot's own process, where it would compete for the GIL), so both clients
pay for the same HTTP exchange and parse the very same bytes. Timed per client: the whole call,
request to models (PHP: to its stdClass objects, every order's lines touched). ``--runs`` rounds,
interleaved (one bot call, then one PHP process timing its second call), best of each.

Memory: the bot's peak RSS growth during one ``get_orders`` call, measured in a fresh child
process (``/proc/self/clear_refs`` resets the high-water mark after the WSDL is loaded; VmHWM
minus VmRSS before the call) — lxml's C allocations included. PHP's figure is
``memory_get_peak_usage()`` growth during its call (PHP's own allocator).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import _rig

PHP_SCRIPT = _rig.BENCH / "php_get_orders.php"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"


def render_page(wsdl: Path, orders: int) -> bytes:
    """The emulator's getOrders answer for ``orders`` orders, as raw bytes."""
    import requests

    request = (
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_NS}" xmlns:m="urn:mplusqapi"><soapenv:Body>'
        "<m:getOrders><m:request><m:syncMarker>0</m:syncMarker>"
        f"<m:syncMarkerLimit>{orders}</m:syncMarkerLimit><m:articlePluNumbers/><m:articleBarcodes/>"
        "</m:request></m:getOrders></soapenv:Body></soapenv:Envelope>"
    )
    with _rig.emulator(wsdl_path=wsdl) as emulator:
        emulator.generate(orders)
        answer = requests.post(
            emulator.url,
            params={"ident": _rig.IDENT, "secret": _rig.SECRET},
            data=request.encode(),
            headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
            timeout=300,
        )
    answer.raise_for_status()
    return answer.content


def serve_forever(page_file: str) -> None:
    """Child process: serve the page to every POST (HTTP/1.1 keep-alive); print the port, then serve."""
    body = Path(page_file).read_bytes()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(200)
            self.send_header("Content-Type", "text/xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    print(httpd.server_address[1], flush=True)
    httpd.serve_forever()


class CannedPage:
    """The page served by a child process, so serving it never competes with a client for the GIL."""

    def __init__(self, body: bytes, tmp: Path) -> None:
        page_file = tmp / "page.xml"
        page_file.write_bytes(body)
        self._child = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(page_file)], stdout=subprocess.PIPE, text=True
        )
        assert self._child.stdout is not None
        self.url = f"http://127.0.0.1:{int(self._child.stdout.readline())}/"

    def close(self) -> None:
        self._child.terminate()
        self._child.wait(timeout=10)


def bot_client(url: str, wsdl: Path, tmp: Path):
    from bot.mplus.client import MplusClient

    return MplusClient(_rig.mplus_settings(url, tmp / "wsdl.sqlite", wsdl=str(wsdl), max_response_mb=512))


def bot_timer(url: str, wsdl: Path, tmp: Path, limit: int, python_shaper: bool = False):
    """Times ``get_orders``; ``python_shaper`` makes it read orders with ``order_xml`` (the fallback
    used where the compiled walk was not built) instead of ``_order_walk``."""
    from bot.mplus import envelope, order_xml
    from bot.mplus.models import OrderQuery

    client = bot_client(url, wsdl, tmp)
    query = OrderQuery(sync_marker=1, sync_marker_limit=limit)
    installed = envelope.shape_order
    shaper = order_xml.order if python_shaper else installed

    def run() -> tuple[float, int]:
        envelope.shape_order = shaper
        try:
            started = time.perf_counter()
            count = len(client.get_orders(query))
            return time.perf_counter() - started, count
        finally:
            envelope.shape_order = installed

    run()  # warm-up: WSDL, connection, caches
    return run


def shaper_in_use() -> str:
    from bot.mplus import envelope, order_xml

    if envelope.shape_order is order_xml.order:
        return "python shaper (bot.mplus._order_walk is not built: no C compiler at install?)"
    return "compiled walk (bot.mplus._order_walk)"


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(field)


def child_memory(url: str, wsdl: str, limit: int) -> None:
    """In a fresh process: peak RSS growth of one get_orders call, as JSON on stdout."""
    from bot.mplus.models import OrderQuery

    with _rig.temp_dir() as tmp:
        client = bot_client(url, Path(wsdl), tmp)
        client._fields_of("GetOrdersRequest")  # load the WSDL outside the measurement
        Path("/proc/self/clear_refs").write_text("5")
        before = _status("VmRSS")
        orders = client.get_orders(OrderQuery(sync_marker=1, sync_marker_limit=limit))
        peak = _status("VmHWM")
        kept = _status("VmRSS")
        growth = {"orders": len(orders), "peak_growth": peak - before, "after_growth": kept - before}
        print(json.dumps(growth))


def bot_memory(url: str, wsdl: Path, limit: int) -> dict[str, int]:
    out = subprocess.run(
        [sys.executable, __file__, "--child-memory", url, str(wsdl), str(limit)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def time_php(url: str, wsdl: Path, limit: int, runs: int) -> dict[str, object] | str:
    php = shutil.which("php")
    if php is None:
        return "php is not installed (apt-get install php-cli php-soap)"
    modules = subprocess.run([php, "-m"], capture_output=True, text=True, check=False).stdout.split()
    if "soap" not in modules:
        return "PHP's soap extension is missing (apt-get install php-soap)"
    out = subprocess.run(
        [php, str(PHP_SCRIPT), str(wsdl), url, str(limit), str(runs + 1)],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    if out.returncode != 0:
        return f"PHP failed: {out.stderr.strip()[:300]}"
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["best_s"] = min(result["times"][1:] or result["times"])  # first run warms the WSDL cache
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child-memory", nargs=3, metavar=("URL", "WSDL", "LIMIT"))
    parser.add_argument("--serve", metavar="PAGE_FILE")
    args = parser.parse_args()
    if args.serve:
        serve_forever(args.serve)
        return
    if args.child_memory:
        _rig.quiet_logs()
        child_memory(args.child_memory[0], args.child_memory[1], int(args.child_memory[2]))
        return
    orders = 500 if args.small else 5000
    _rig.quiet_logs()
    _rig.header(f"client_vs_php: one {orders:,}-order getOrders page (3 lines each)", args.small)
    wsdl = _rig.official_wsdl()
    if wsdl is None:
        _rig.skipped("the whole bench: it compares clients of the official WSDL")
        return
    threads = _rig.thread_ids()
    started = time.perf_counter()
    page = render_page(wsdl, orders)
    print(f"# page: {len(page) / 1e6:.1f} MB, rendered in {time.perf_counter() - started:.1f} s")
    with _rig.temp_dir() as tmp:
        server = CannedPage(page, tmp)
        try:
            # Interleaved rounds (bot call, then one PHP process: warm-up call + timed call), so both
            # clients see the same machine load; a shared 2-core machine swings ±50 % in minutes.
            run_bot = bot_timer(server.url, wsdl, tmp, orders)
            run_python = bot_timer(server.url, wsdl, tmp, orders, python_shaper=True)
            bot_times: list[float] = []
            python_times: list[float] = []
            php_runs: list[dict[str, object]] = []
            php: dict[str, object] | str = ""
            for _ in range(args.runs):
                seconds, bot_count = run_bot()
                bot_times.append(seconds)
                python_times.append(run_python()[0])
                php = time_php(server.url, wsdl, orders, 1)
                if isinstance(php, str):
                    continue
                php_runs.append(php)
            bot_s = min(bot_times)
            if php_runs:
                php = min(php_runs, key=lambda r: float(r["best_s"]))  # type: ignore[arg-type]
                php["rounds"] = [round(float(r["best_s"]), 3) for r in php_runs]  # type: ignore[arg-type]
            memory = bot_memory(server.url, wsdl, orders)
        finally:
            server.close()
    print(f"# bot reads orders with the {shaper_in_use()}")
    print(f"# bot rounds (s): {[round(t, 3) for t in bot_times]}")
    print(f"# bot with the python shaper, rounds (s): {[round(t, 3) for t in python_times]}")
    if not isinstance(php, str):
        print(f"# PHP rounds (s): {php['rounds']}")
    rows: list[list[object]] = [
        [
            "bot MplusClient.get_orders",
            bot_count,
            f"{bot_s:.3f} s",
            f"{bot_count / bot_s:,.0f}",
            f"{memory['peak_growth'] / 1e6:.1f} MB RSS ({memory['peak_growth'] / len(page):.2f}x page)",
        ],
        [
            "bot, python shaper (fallback)",
            bot_count,
            f"{min(python_times):.3f} s",
            f"{bot_count / min(python_times):,.0f}",
            "",
        ],
    ]
    if isinstance(php, str):
        print(f"skipped: PHP SoapClient ({php})")
    else:
        php_s = float(php["best_s"])  # type: ignore[arg-type]
        rows.append(
            [
                f"PHP {php['php']} SoapClient",
                php["orders"],
                f"{php_s:.3f} s",
                f"{int(php['orders']) / php_s:,.0f}",  # type: ignore[call-overload]
                f"{int(php['peak_bytes']) / 1e6:.1f} MB PHP heap",  # type: ignore[call-overload]
            ]
        )
        rows.append(["ratio bot / PHP (orders/s)", "", "", f"{php_s / bot_s:.2f}x", ""])
        rows.append(["ratio python shaper / PHP", "", "", f"{php_s / min(python_times):.2f}x", ""])
    _rig.print_table(["client", "orders", "best wall", "orders/s", "peak memory for the page"], rows)
    _rig.leftover_threads(threads)


if __name__ == "__main__":
    main()
