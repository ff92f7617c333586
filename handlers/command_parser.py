"""`/order …` text → (subcommand, typed command), or a UsageError that says what is wrong.

Subcommands live in feature modules (``read_commands``, ``write_commands``, …), each a table of
``Subcommand`` rows; ``commands.py`` puts them together. Help is generated from the same rows, so a
command cannot exist without its usage line.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

from bot.orders.chars import CONTROL_CHAR_TEXT, has_control_chars, strip_bidi
from bot.slack import help_messages
from bot.slack.i18n import ENGLISH, N_, Said, Translator
from bot.slack.text import ZERO_WIDTH_SPACE
from bot.slack.views import HelpEntry


class UsageError(ValueError):
    """``problem`` is a marked sentence (a ``Said`` with its values, or a plain marked msgid): the
    ack says it in the reader's language."""

    def __init__(self, problem: str, subcommand: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.subcommand = subcommand
        """The subcommand whose usage to show: the one typed, or the one meant by a typo."""


USAGE_LINE = N_("Usage: {usage}")


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)


Parse = Callable[[list[str], date | None], Command]
Answer = Callable[[Any, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class Subcommand:
    name: str
    usage: str
    """Arguments after the name, as shown in help: ``<…>`` required, ``[…]`` optional."""
    description: str
    parse: Parse
    answer: Answer
    """(command, CommandContext) → message kwargs to reply with, or None when it replied itself."""


ALIASES: dict[str, str] = {
    "zoek": "find",
    "toon": "show",
    "lijst": "list",
    "nieuw": "new",
    "betaal": "pay",
    "lever": "deliver",
    "annuleer": "cancel",
    "taal": "language",
}
"""Dutch command words (issue #14): the English words stay the stable ones, these work as well."""


class Subcommands:
    def __init__(self, rows: Iterable[Subcommand]) -> None:
        self._rows: dict[str, Subcommand] = {}
        for row in rows:
            if row.name in self._rows:
                raise ValueError(f"subcommand {row.name} registered twice")
            self._rows[row.name] = row

    def help_entries(self) -> list[HelpEntry]:
        return [HelpEntry(f"{row.name} {row.usage}".strip(), row.description) for row in self._rows.values()]

    def get(self, name: str) -> Subcommand | None:
        name = name.lower()
        return self._rows.get(ALIASES.get(name, name))

    def aliases(self) -> dict[str, str]:
        """The Dutch words of the subcommands that exist here."""
        return {alias: name for alias, name in ALIASES.items() if name in self._rows}

    def unknown(self, word: str) -> UsageError:
        """``word`` is no subcommand: name the closest one (a typo like ``shwo``), if any is close."""
        word = word[:40]
        close = difflib.get_close_matches(word.lower(), list(self._rows), n=1, cutoff=0.6)
        if close:
            return UsageError(Said(help_messages.DID_YOU_MEAN, word=word, suggestion=close[0]), close[0])
        return UsageError(Said(help_messages.NOT_A_COMMAND, word=word, names=", ".join(self._rows)))

    def parse(self, text: str, today: date | None = None) -> tuple[Subcommand, Command]:
        if has_control_chars(text):
            raise UsageError(CONTROL_CHAR_TEXT)
        # Zero-width spaces come from text copied off a card (see bot.slack.text); bidi overrides hide.
        words = strip_bidi(text.replace(ZERO_WIDTH_SPACE, "")).split()
        name, args = (words[0].lower(), words[1:]) if words else ("help", [])
        row = self.get(name)
        if row is None:
            raise self.unknown(name)
        return row, row.parse(args, today)

    def usage_text(self, err: UsageError, command: str, tr: Translator = ENGLISH) -> str:
        """The problem, then the right way to write the command meant, in the reader's language."""
        problem = tr.said(err.problem)
        problem = problem if problem.endswith((".", "?", "!")) else f"{problem}."
        row = self._rows.get(err.subcommand or "")
        if row is not None:
            usage = f"{command} {row.name} {row.usage}".rstrip()
            return f"{problem}\n{tr(USAGE_LINE, usage=usage)}"
        return f"{problem}\n{tr(help_messages.HELP_ONE, command=command)}"


def no_args(name: str, factory: Callable[[], Command]) -> Parse:
    def parse(args: list[str], _today: date | None) -> Command:
        if args:
            raise UsageError(Said(N_("`{name}` takes no arguments"), name=name), name)
        return factory()

    return parse


def positive_int(value: str | None, what: str, subcommand: str) -> int:
    if value is None or not value.isdigit() or int(value) <= 0 or len(value) > 12:
        raise UsageError(Said(N_("`{what}` needs a positive number, e.g. `{what} 2`"), what=what), subcommand)
    return int(value)


def one_arg(args: Sequence[str], subcommand: str, what: str) -> str:
    if len(args) != 1:
        problem = Said(N_("`{subcommand}` needs exactly one {what}"), subcommand=subcommand, what=what)
        raise UsageError(problem, subcommand)
    return args[0]
