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
    return parser, commands


def main(argv: Sequence[str] | None = None) -> int:
    parser, commands = build_parser()
    args, rest = parser.parse_known_args(list(sys.argv[1:] if argv is None else argv))
    if rest and args.command != "emulator":
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    return commands[args.command](args, rest)


if __name__ == "__main__":
    raise SystemExit(main())
