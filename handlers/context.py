"""What a subcommand's answer gets: who asked, where, and the means to reply."""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.slack.deps import Deps
from bot.slack.i18n import Translator
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

    def reader(self) -> Translator:
        """The language of the person who typed the command (lazy work: may ask users.info once)."""
        return self.deps.languages.for_user(self.user_id, self.client)
