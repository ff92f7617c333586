"""``python -m slack_sandbox.web``: a FakeSlack plus the sandbox page, pointed at a bot already running.

    python -m slack_sandbox.web --bot-url http://127.0.0.1:3000/slack/events --signing-secret s3cret

Start the bot with ``SLACK_API_URL`` set to the printed api_url so its Web API calls land in the fake.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from urllib.parse import urlsplit

from slack_sandbox.fake_slack import FakeSlack
from slack_sandbox.signed_client import SignedSlackClient
from slack_sandbox.web.app import LOOPBACK, SandboxWeb


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m slack_sandbox.web",
        description="Use a Slack bot from a browser, without Slack (development and evaluation only).",
    )
    parser.add_argument(
        "--bot-url", required=True, help="the bot's request URL, e.g. http://127.0.0.1:3000/slack/events"
    )
    parser.add_argument(
        "--signing-secret",
        default=os.environ.get("SLACK_SIGNING_SECRET"),
        help="the bot's signing secret (default: $SLACK_SIGNING_SECRET)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="loopback address for both servers")
    parser.add_argument(
        "--port", type=int, default=3002, help="port of the sandbox page (0 picks a free one)"
    )
    parser.add_argument("--fake-port", type=int, default=3001, help="port of the fake Slack Web API")
    parser.add_argument("--bot-token", default="xoxb-test", help="the only bot token the fake accepts")
    parser.add_argument("--user", default="U0ALICE", help="who is using the page")
    parser.add_argument("--command", default="/order", help="the bot's slash command")
    parser.add_argument("--app-name", default="Orderbot", help="shown in the page's banner")
    parser.add_argument(
        "--channel",
        action="append",
        dest="channels",
        help="a channel to show (repeatable; default: orders, notifications, ops)",
    )
    parser.add_argument(
        "--events", action="store_true", help="also send message/app_mention events for plain messages"
    )
    return parser


def main(argv: list[str] | None = None, stop: threading.Event | None = None) -> int:
    """Serve until Ctrl-C (or until ``stop`` is set, for embedding and tests)."""
    args = build_parser().parse_args(argv)
    if not args.signing_secret:
        print("error: give --signing-secret or set SLACK_SIGNING_SECRET", file=sys.stderr)
        return 2
    if urlsplit(args.bot_url).hostname not in (*LOOPBACK, "[::1]"):
        print("error: --bot-url must point at this machine (127.0.0.1/localhost)", file=sys.stderr)
        return 2
    try:
        fake = FakeSlack(host=args.host, port=args.fake_port, bot_token=args.bot_token)
        fake.start()
    except (ValueError, OSError) as exc:
        print(f"error: cannot start the fake Slack API: {exc}", file=sys.stderr)
        return 1
    client = SignedSlackClient(
        args.bot_url,
        args.signing_secret,
        fake=fake,
        team_id=fake.config.team_id,
        api_app_id=fake.config.app_id,
        bot_user_id=fake.config.bot_user_id,
        default_user=args.user,
    )
    web = SandboxWeb(
        fake=fake,
        client=client,
        host=args.host,
        port=args.port,
        channels=args.channels or ["orders", "notifications", "ops"],
        user_id=args.user,
        command=args.command,
        app_name=args.app_name,
        deliver_events=args.events,
    )
    try:
        web.start()
    except OSError as exc:
        fake.stop()
        print(f"error: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    # The first two lines are machine readable.
    print(f"FakeSlack api_url={fake.api_url}", flush=True)
    print(f"Sandbox url={web.url}", flush=True)
    print(
        f"{args.app_name} sandbox — not Slack; for development and evaluation only. Ctrl-C to stop.",
        flush=True,
    )
    waiter = stop or threading.Event()
    try:
        while not waiter.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        web.stop()
        fake.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
