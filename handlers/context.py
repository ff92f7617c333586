"""What a subcommand's answer gets: who asked, where, and the means to reply."""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.slack.deps import Deps
from handlers.command_parser import Subcommands


@dataclass(frozen=True)
class CommandContext:
    deps: Deps
    subcommands: Subcommands
    user_id: str
    channel_id: str
    trigger_id: str | None
    respond: Respond
    client: WebClient
