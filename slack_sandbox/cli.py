"""``python -m slack_sandbox``: run FakeSlack until interrupted."""

from __future__ import annotations

import argparse
import sys
import threading

from slack_sandbox.fake_slack import FakeSlack


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m slack_sandbox", description="Run a local fake of Slack.")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on")
    parser.add_argument("--port", type=int, default=3001, help="port (0 picks a free one)")
    parser.add_argument("--bot-token", default="xoxb-test", help="the only token the fake accepts")
    parser.add_argument("--team-id", default="T0001")
    return parser


def main(argv: list[str] | None = None, stop: threading.Event | None = None) -> int:
    """Serve until Ctrl-C (or until ``stop`` is set, for embedding and tests)."""
    args = build_parser().parse_args(argv)
    try:
        fake = FakeSlack(host=args.host, port=args.port, bot_token=args.bot_token, team_id=args.team_id)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        fake.start()
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    # The first line is machine-readable so a parent process can find the port.
    print(f"FakeSlack api_url={fake.api_url}", flush=True)
    print(f"control routes at {fake.base_url}/_fake/ ; Ctrl-C to stop", flush=True)
    waiter = stop or threading.Event()
    try:
        while not waiter.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
    return 0
