"""`/order language nl|en` (or `/order taal nl|en`): the language Orderbot speaks to this person."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.slack import help_messages, views
from bot.slack.i18n import LANGUAGES, N_, Said, language_of, translator
from bot.slack.text import escape
from handlers.command_parser import Command, Subcommand, UsageError
from handlers.context import CommandContext
from handlers.replies import message


class LanguageCommand(Command):
    language: str | None = None
    """None: say which language is in use and how to choose."""


def parse_language(args: list[str], _today: date | None) -> Command:
    if len(args) > 1:
        raise UsageError(N_("`language` takes one language: nl or en"), "language")
    if not args:
        return LanguageCommand()
    chosen = language_of(args[0])
    if chosen is None:
        # Said in the ack, before any lookup of the person's language: English, the msgid itself.
        raise UsageError(Said(help_messages.LANGUAGE_UNKNOWN, word=args[0][:20]), "language")
    return LanguageCommand(language=chosen)


def answer_language(command: LanguageCommand, ctx: CommandContext) -> dict[str, Any]:
    if command.language is None:
        tr = ctx.reader()
        said = tr(help_messages.LANGUAGE_IS, command=ctx.deps.command)
    else:
        ctx.deps.languages.choose(ctx.user_id, command.language)
        said = translator(command.language)(help_messages.LANGUAGE_NOW, command=ctx.deps.command)
    return message(views.notice_view(said), escape(said))


SUBCOMMANDS = (
    Subcommand(
        "language",
        f"[{' | '.join(LANGUAGES)}]",
        N_("Choose the language Orderbot speaks to you: nl (Nederlands) or en (English)."),
        parse_language,
        answer_language,
    ),
)
