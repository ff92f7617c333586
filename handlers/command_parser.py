"""`/order …` text → a typed command, or a UsageError that says what is wrong and how to write it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from pydantic import BaseModel, ConfigDict

from bot.orders.periods import Period, PeriodError, looks_like_period, parse_period
from bot.orders.service import OrderKey, OrderKeyError

USAGE: dict[str, str] = {
    "help": "help",
    "list": "list [today|yesterday|week|YYYY-MM-DD|YYYY-MM-DD..YYYY-MM-DD] [branch N] [relation N]",
    "find": "find <extOrderId>",
    "show": "show <orderId | order number like 2026-42>",
    "methods": "methods",
    "categories": "categories",
}
DEFAULT_PERIOD = "week"
MAX_EXT_ID = 100


class UsageError(ValueError):
    def __init__(self, problem: str, subcommand: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.subcommand = subcommand


class Command(BaseModel):
    model_config = ConfigDict(frozen=True)


class HelpCommand(Command):
    pass


class ListCommand(Command):
    period: Period
    branch: int | None = None
    relation: int | None = None
    period_text: str = DEFAULT_PERIOD


class FindCommand(Command):
    ext_order_id: str


class ShowCommand(Command):
    key: OrderKey


class MethodsCommand(Command):
    pass


class CategoriesCommand(Command):
    pass


def _no_args(name: str, factory: Callable[[], Command]) -> Callable[[list[str], date | None], Command]:
    def parse(args: list[str], _today: date | None) -> Command:
        if args:
            raise UsageError(f"`{name}` takes no arguments", name)
        return factory()

    return parse


def _positive_int(value: str | None, what: str) -> int:
    if value is None or not value.isdigit() or int(value) <= 0 or len(value) > 12:
        raise UsageError(f"`{what}` needs a positive number, e.g. `{what} 2`", "list")
    return int(value)


def _parse_list(args: list[str], today: date | None) -> Command:
    period_text = DEFAULT_PERIOD
    branch: int | None = None
    relation: int | None = None
    rest = list(args)
    if rest and looks_like_period(rest[0]):
        period_text = rest.pop(0)
    while rest:
        word = rest.pop(0).lower()
        if word == "branch":
            branch = _positive_int(rest.pop(0) if rest else None, "branch")
        elif word == "relation":
            relation = _positive_int(rest.pop(0) if rest else None, "relation")
        else:
            raise UsageError(f"`{word[:40]}` is not a list filter", "list")
    try:
        period = parse_period(period_text, today)
    except PeriodError as err:
        raise UsageError(str(err), "list") from None
    return ListCommand(period=period, branch=branch, relation=relation, period_text=period_text)


def _parse_find(args: list[str], _today: date | None) -> Command:
    if len(args) != 1:
        raise UsageError("`find` needs exactly one external order id", "find")
    if len(args[0]) > MAX_EXT_ID:
        raise UsageError(f"that external id is longer than {MAX_EXT_ID} characters", "find")
    return FindCommand(ext_order_id=args[0])


def _parse_show(args: list[str], _today: date | None) -> Command:
    if len(args) != 1:
        raise UsageError("`show` needs one order number or id", "show")
    try:
        return ShowCommand(key=OrderKey.parse(args[0]))
    except OrderKeyError as err:
        raise UsageError(str(err), "show") from None


PARSERS: dict[str, Callable[[list[str], date | None], Command]] = {
    "help": _no_args("help", HelpCommand),
    "list": _parse_list,
    "find": _parse_find,
    "show": _parse_show,
    "methods": _no_args("methods", MethodsCommand),
    "categories": _no_args("categories", CategoriesCommand),
}


def parse_command(text: str, today: date | None = None) -> Command:
    words = text.split()
    if not words:
        return HelpCommand()
    name, args = words[0].lower(), words[1:]
    parser = PARSERS.get(name)
    if parser is None:
        raise UsageError(f"`{name[:40]}` is not an order command")
    return parser(args, today)


def usage_text(err: UsageError, command: str) -> str:
    """The problem, then the right way to write it (or every subcommand when the name is wrong)."""
    if err.subcommand and err.subcommand in USAGE:
        return f"{err.problem}.\nUsage: {command} {USAGE[err.subcommand]}"
    lines = "\n".join(f"• {command} {usage}" for usage in USAGE.values())
    return f"{err.problem}. Try one of:\n{lines}"
