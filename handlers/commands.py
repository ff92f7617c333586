"""The `/order` slash command: parse and ack at once, answer from Mplus after the ack."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.slack import views
from bot.slack.deps import Deps
from bot.slack.text import escape
from handlers import (
    form_commands,
    language_command,
    read_commands,
    stats_command,
    subscription_commands,
    write_commands,
)
from handlers.command_parser import Subcommands, UsageError
from handlers.context import CommandContext
from handlers.replies import reply_on_failure

SUBCOMMANDS = Subcommands(
    [
        *read_commands.SUBCOMMANDS,
        *form_commands.SUBCOMMANDS,
        *write_commands.SUBCOMMANDS,
        *subscription_commands.SUBCOMMANDS,
        *stats_command.SUBCOMMANDS,
        *language_command.SUBCOMMANDS,
    ]
)


def register(app: App, deps: Deps) -> None:
    def ack_order_command(ack: Ack, command: dict[str, Any]) -> None:
        # Parsing is pure and fast, so bad input is answered in the ack itself, in the language known
        # for this person from memory (no store, no users.info on the ack path).
        try:
            SUBCOMMANDS.parse(command.get("text", ""))
        except UsageError as err:
            tr = deps.languages.cached(command.get("user_id"))
            text = SUBCOMMANDS.usage_text(err, deps.command, tr)
            ack(response_type="ephemeral", text=escape(text), blocks=views.error_view(text))
            return
        ack()

    def answer_order_command(command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        text = command.get("text", "")
        try:
            row, parsed = SUBCOMMANDS.parse(text)
        except UsageError:
            # Already answered in the ack; learn the person's language now, so the next ack speaks it.
            deps.languages.language_of_user(command.get("user_id"), client)
            return
        ctx = CommandContext(
            deps=deps,
            subcommands=SUBCOMMANDS,
            user_id=command.get("user_id", ""),
            channel_id=command.get("channel_id", ""),
            trigger_id=command.get("trigger_id"),
            respond=respond,
            client=client,
        )
        with reply_on_failure(respond, f"{deps.command} {text[:80]}", ctx.reader):
            reply = row.answer(parsed, ctx)
            if reply is not None:
                respond(response_type="ephemeral", **reply)

    app.command(deps.command)(ack=ack_order_command, lazy=[answer_order_command])
