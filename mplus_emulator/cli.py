"""`python -m mplus_emulator` / `orderbot emulator`: run the emulator until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from .seed import SEEDS
from .server import EmulatorServer


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mplus_emulator", description="Emulator of the Mplus Q-line order API.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8088, help="port, 0 = any free port (default 8088)")
    p.add_argument("--seed", choices=SEEDS, default="demo", help="initial data (default demo)")
    p.add_argument("--ident", default="demo", help="expected ident query parameter (default demo)")
    p.add_argument("--secret", default="demo", help="expected secret query parameter (default demo)")
    p.add_argument("--latency-ms", type=int, default=0, help="extra delay added to every SOAP call")
    p.add_argument("--state", default=None, metavar="PATH", help="JSON file to load and persist state")
    p.add_argument("--wsdl", default=None, metavar="PATH", help="serve this WSDL instead of the built-in one")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.latency_ms < 0:
        print("--latency-ms must not be negative", file=sys.stderr)
        return 2
    try:
        srv = EmulatorServer(host=args.host, port=args.port, seed=args.seed, ident=args.ident,
                             secret=args.secret, latency_ms=args.latency_ms, state_path=args.state,
                             wsdl_path=args.wsdl)
        srv.start()
    except (OSError, ValueError) as exc:
        print(f"mplus emulator: cannot start: {exc}", file=sys.stderr)
        return 1
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, on_signal)
    print(f"Mplus emulator listening on {srv.url} (WSDL: {srv.url}?wsdl, seed {args.seed})", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        srv.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


if __name__ == "__main__":
    sys.exit(main())
