"""Small messages: help, errors and notices."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.slack import help_messages, messages, text
from bot.slack.i18n import ENGLISH, N_, SOURCE_LANGUAGE, Translator
from bot.slack.ids import ActionId
from bot.slack.views._common import EMPTY, SECTION_TEXT_MAX, TOTAL_TEXT_BUDGET, finish, pack_rows, safe_line

BLOCK_HELP = "help"
BLOCK_HELP_ACTIONS = "help_actions"
BLOCK_ERROR = "error"
BLOCK_ERROR_ID = "error_id"
BLOCK_NOTICE = "notice"

ERROR_MESSAGE_MAX = 2500
ERROR_ID_MAX = 64
COMMAND_MAX = 40


class HelpEntry(NamedTuple):
    usage: str
    """Arguments after the command, raw (escaped when shown): ``<…>`` is required, ``[…]`` optional."""
    description: str


def help_view(
    command: str,
    entries: Sequence[HelpEntry],
    tr: Translator = ENGLISH,
    aliases: dict[str, str] | None = None,
) -> list[dict]:
    """Usage of every sub-command of ``command`` (e.g. ``/order``), one row per entry; in Dutch, the
    Dutch command words (``aliases``: word → subcommand) as a last row."""
    shown = safe_line(command, COMMAND_MAX)
    rows = [
        f"`{shown} {text.escape(entry.usage)}` — {text.escape(tr(entry.description))}" for entry in entries
    ]
    if aliases and tr.language != SOURCE_LANGUAGE:
        words = ", ".join(f"`{text.escape(word)}` = `{text.escape(name)}`" for word, name in aliases.items())
        rows.append(tr(help_messages.HELP_ALIASES, words=words))
    title = tr(help_messages.HELP_HEADER)
    blocks: list[Block] = [
        HeaderBlock(block_id=f"{BLOCK_HELP}_header", text=PlainTextObject(text=title, emoji=True)),
        # Packed like any list so a longer table still splits into valid sections.
        *pack_rows(rows, block_id=BLOCK_HELP, max_rows=len(rows), budget=TOTAL_TEXT_BUDGET // 2).sections,
    ]
    if any(entry.usage.split(maxsplit=1)[:1] == ["new"] for entry in entries):
        # Only offered where `new` exists: the button opens the same form as the command.
        new_order = ButtonElement(
            text=tr(help_messages.NEW_ORDER_BUTTON), action_id=ActionId.NEW_ORDER.value, value="new"
        )
        blocks.append(ActionsBlock(block_id=BLOCK_HELP_ACTIONS, elements=[new_order]))
    return finish(blocks)


def help_topic_view(command: str, name: str, entry: HelpEntry, tr: Translator = ENGLISH) -> list[dict]:
    """``/order help pay``: one command's usage, what it does, and examples."""
    shown = safe_line(command, COMMAND_MAX)
    body = f"`{shown} {text.escape(entry.usage)}`\n{text.escape(tr(entry.description))}"
    if details := help_messages.HELP_DETAILS.get(name):
        body += f"\n\n{text.escape(tr(details))}"
    examples = [e.format(command=command) for e in help_messages.HELP_EXAMPLES.get(name, ())]
    if examples:
        rows = "\n".join(f"• `{text.escape(e)}`" for e in examples)
        body += f"\n\n*{tr(help_messages.HELP_EXAMPLES_TITLE)}*\n{rows}"
    title = tr(help_messages.HELP_TITLE, name=name)
    blocks: list[Block] = [
        HeaderBlock(block_id=f"{BLOCK_HELP}_header", text=PlainTextObject(text=title[:150], emoji=True)),
        SectionBlock(block_id=BLOCK_HELP, text=MarkdownTextObject(text=body[:SECTION_TEXT_MAX])),
    ]
    return finish(blocks)


ERROR_ID_LINE = N_("error id: {error_id} — give this to on-call")


def error_view(message: str, error_id: str | None = None, tr: Translator | None = None) -> list[dict]:
    """A user-facing error; ``error_id`` (for the logs) shown small so on-call can find the details."""
    blocks: list[Block] = [
        SectionBlock(
            block_id=BLOCK_ERROR,
            text=MarkdownTextObject(
                text=f"⚠️ {text.safe(message, ERROR_MESSAGE_MAX) or (tr or ENGLISH)(messages.SOMETHING_WRONG)}"
            ),
        )
    ]
    if error_id:
        blocks.append(
            ContextBlock(
                block_id=BLOCK_ERROR_ID,
                elements=[
                    MarkdownTextObject(
                        text=(tr or ENGLISH)(ERROR_ID_LINE, error_id=safe_line(error_id, ERROR_ID_MAX))
                    )
                ],
            )
        )
    return finish(blocks)


def notice_view(message: str) -> list[dict]:
    """A plain one-section message."""
    body = text.safe(message, SECTION_TEXT_MAX) or EMPTY
    return finish([SectionBlock(block_id=BLOCK_NOTICE, text=MarkdownTextObject(text=body))])
