"""`orderbot` command line: parse arguments, call into the product. Nothing else lives here."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

Command = Callable[[argparse.Namespace, list[str]], int]


def _emulator(_args: argparse.Namespace, rest: list[str]) -> int:
    # The emulator stands apart from the bot; the CLI only hands its arguments over.
    from mplus_emulator.cli import main as emulator_main

    return emulator_main(rest)


def _run(args: argparse.Namespace, _rest: list[str]) -> int:
    from bot.config import ConfigError, load_settings
    from bot.logs import configure_logging

    overrides = {"port": args.port} if args.port is not None else {}
    try:
        settings = load_settings(**overrides)
    except ConfigError as err:
        print(err, file=sys.stderr)
        return 2
    configure_logging(settings.bot.log_level)
    from bot.server import build_runtime, serve_http, serve_socket_mode
    from bot.store.schema import SchemaError

    try:
        runtime = build_runtime(settings)
    except SchemaError as err:
        print(f"orderbot run: {err}", file=sys.stderr)
        return 2
    if settings.bot.socket_mode:
        serve_socket_mode(runtime)
    else:
        serve_http(runtime, settings.bot.host, settings.bot.port)
    return 0


def _demo(args: argparse.Namespace, _rest: list[str]) -> int:
    from bot.logs import configure_logging

    configure_logging("WARNING")
    from bot.demo import run_demo
    from bot.store.schema import SchemaError

    try:
        return run_demo(args.host, args.port)
    except SchemaError as err:
        print(f"orderbot demo: {err}", file=sys.stderr)
        return 2


def _notify(args: argparse.Namespace, _rest: list[str]) -> int:
    from bot.config import ConfigError, load_settings
    from bot.logs import configure_logging

    try:
        settings = load_settings()
    except ConfigError as err:
        print(err, file=sys.stderr)
        return 2
    configure_logging(settings.bot.log_level)
    from bot.notifier.cli import notify_forever, notify_once
    from bot.store.schema import SchemaError

    try:
        if args.once:
            return notify_once(settings, backfill=args.backfill)
        return notify_forever(settings, backfill=args.backfill)
    except SchemaError as err:
        print(f"orderbot notify: {err}", file=sys.stderr)
        return 2


def _db(args: argparse.Namespace, _rest: list[str]) -> int:
    from bot.ops.dbcmd import run_db_command

    return run_db_command(args.db_command)


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Command]]:
    parser = argparse.ArgumentParser(prog="orderbot", description="Slack chat-ops for MplusKASSA orders")
    sub = parser.add_subparsers(dest="command", required=True)
    commands: dict[str, Command] = {}

    sub.add_parser(
        "emulator",
        help="run the Mplus order-API emulator (see `orderbot emulator --help`)",
        add_help=False,
    )
    commands["emulator"] = _emulator

    run = sub.add_parser("run", help="run the bot (Socket Mode if SLACK_APP_TOKEN is set, else HTTP)")
    run.add_argument("--port", type=int, default=None, help="HTTP port (default: PORT or 3000)")
    commands["run"] = _run

    notify = sub.add_parser("notify", help="post Mplus order changes to Slack channels (the notifier alone)")
    notify.add_argument(
        "--once", action="store_true", help="one pass, then exit (for cron); exit 1 if it failed"
    )
    notify.add_argument(
        "--backfill", action="store_true", help="on the very first start, begin at marker 0 instead of now"
    )
    commands["notify"] = _notify

    demo = sub.add_parser(
        "demo", help="everything offline: emulator, bot, notifier and a browser Slack sandbox"
    )
    demo.add_argument("--host", default="127.0.0.1", help="sandbox address (default 127.0.0.1)")
    demo.add_argument("--port", type=int, default=8080, help="sandbox port (default 8080)")
    commands["demo"] = _demo

    db = sub.add_parser("db", help="the store's schema: `db upgrade` applies migrations, `db current` shows")
    db.add_argument("db_command", choices=["upgrade", "current"])
    commands["db"] = _db
    return parser, commands


def main(argv: Sequence[str] | None = None) -> int:
    parser, commands = build_parser()
    args, rest = parser.parse_known_args(list(sys.argv[1:] if argv is None else argv))
    if rest and args.command != "emulator":
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    return commands[args.command](args, rest)


if __name__ == "__main__":
    raise SystemExit(main())
