"""The read subcommands: help, list, find, show, methods, categories."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.mplus.models import Order
from bot.orders.periods import Period, PeriodError, looks_like_period, parse_period
from bot.orders.service import OrderKey, OrderKeyError
from bot.slack import views
from bot.slack.deps import Deps
from bot.slack.ids import ListPage
from bot.store.db import utcnow
from handlers.command_parser import Command, Subcommand, UsageError, no_args, one_arg, positive_int
from handlers.context import CommandContext
from handlers.replies import catalogue, message

DEFAULT_PERIOD = "week"
MAX_EXT_ID = 100


class HelpCommand(Command):
    topic: str | None = None
    """``/order help pay``: explain one command."""


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


def parse_list(args: list[str], today: date | None) -> Command:
    period_text = DEFAULT_PERIOD
    branch: int | None = None
    relation: int | None = None
    rest = list(args)
    if rest and looks_like_period(rest[0]):
        period_text = rest.pop(0)
    while rest:
        word = rest.pop(0).lower()
        if word == "branch":
            branch = positive_int(rest.pop(0) if rest else None, "branch", "list")
        elif word == "relation":
            relation = positive_int(rest.pop(0) if rest else None, "relation", "list")
        else:
            raise UsageError(f"`{word[:40]}` is not a list filter", "list")
    try:
        period = parse_period(period_text, today)
    except PeriodError as err:
        raise UsageError(str(err), "list") from None
    return ListCommand(period=period, branch=branch, relation=relation, period_text=period_text)


def parse_find(args: list[str], _today: date | None) -> Command:
    ext = one_arg(args, "find", "external order id")
    if len(ext) > MAX_EXT_ID:
        raise UsageError(f"that external id is longer than {MAX_EXT_ID} characters", "find")
    return FindCommand(ext_order_id=ext)


def parse_order_key(args: list[str], subcommand: str) -> OrderKey:
    try:
        return OrderKey.parse(one_arg(args, subcommand, "order number or id"))
    except OrderKeyError as err:
        raise UsageError(str(err), subcommand) from None


def parse_show(args: list[str], _today: date | None) -> Command:
    return ShowCommand(key=parse_order_key(args, "show"))


def list_reply(command: ListCommand, deps: Deps, offset: int) -> dict[str, Any]:
    orders = deps.orders.list_orders(command.period, command.branch, command.relation)
    filters = "".join(
        f" · {name} {value}"
        for name, value in (("branch", command.branch), ("relation", command.relation))
        if value
    )
    page = ListPage(
        period=command.period_text, branch=command.branch, relation=command.relation, offset=offset
    )
    title = f"Orders {command.period.label}{filters}"
    blocks = views.order_list(orders, page, title=title, page_size=deps.list_page_size)
    return message(blocks, f"{title}: {len(orders)} orders")


def latest_event(order: Order, deps: Deps) -> views.OrderEvent | None:
    """The change through Orderbot that left the order as it is now, for the card's top line."""
    entry = deps.audit.entry_after(order.order_id, order.sync_marker) if order.sync_marker else None
    return views.event_of_action(entry.action, entry.user_id, entry.at, entry.params) if entry else None


def card_reply(order: Order, deps: Deps, *, ephemeral: bool = True) -> dict[str, Any]:
    """The card as a reply; an ephemeral copy says "as of" since nobody can update it later."""
    blocks = views.order_card(
        order, catalogue(deps), event=latest_event(order, deps), as_of=utcnow() if ephemeral else None
    )
    return message(blocks, views.order_summary_text(order))


def parse_help(args: list[str], _today: date | None) -> Command:
    if len(args) > 1:
        raise UsageError("`help` takes at most one command name, e.g. `help pay`", "help")
    return HelpCommand(topic=args[0].lower() if args else None)


def answer_help(command: HelpCommand, ctx: CommandContext) -> dict[str, Any]:
    if command.topic is None:
        return message(views.help_view(ctx.deps.command, ctx.subcommands.help_entries()), "Orderbot help")
    row = ctx.subcommands.get(command.topic)
    if row is None:
        said = ctx.subcommands.usage_text(ctx.subcommands.unknown(command.topic), ctx.deps.command)
        return message(views.error_view(said), said)
    entry = views.HelpEntry(f"{row.name} {row.usage}".strip(), row.description)
    return message(views.help_topic_view(ctx.deps.command, row.name, entry), f"Orderbot help: {row.name}")


def answer_list(command: ListCommand, ctx: CommandContext) -> dict[str, Any]:
    return list_reply(command, ctx.deps, offset=0)


def answer_find(command: FindCommand, ctx: CommandContext) -> dict[str, Any]:
    return card_reply(ctx.deps.orders.find(command.ext_order_id), ctx.deps)


def answer_show(command: ShowCommand, ctx: CommandContext) -> dict[str, Any]:
    return card_reply(ctx.deps.orders.show(command.key), ctx.deps)


def answer_methods(_command: MethodsCommand, ctx: CommandContext) -> dict[str, Any]:
    return message(views.delivery_methods_view(ctx.deps.orders.delivery_methods()), "Delivery methods")


def answer_categories(_command: CategoriesCommand, ctx: CommandContext) -> dict[str, Any]:
    return message(views.categories_view(ctx.deps.orders.categories()), "Order categories")


SUBCOMMANDS = (
    Subcommand("help", "[command]", "Show this help, or explain one command.", parse_help, answer_help),
    Subcommand(
        "list",
        "[today|yesterday|week|YYYY-MM-DD|YYYY-MM-DD..YYYY-MM-DD] [branch N] [relation N]",
        "List orders by financial date (default: the last 7 days), optionally for one branch or relation.",
        parse_list,
        answer_list,
    ),
    Subcommand("find", "<extOrderId>", "Find an order by its external order id.", parse_find, answer_find),
    Subcommand(
        "show",
        "<orderId | order number like 2026-42>",
        "Show one order with its lines and buttons.",
        parse_show,
        answer_show,
    ),
    Subcommand(
        "methods",
        "",
        "List the delivery methods set up in Mplus.",
        no_args("methods", MethodsCommand),
        answer_methods,
    ),
    Subcommand(
        "categories",
        "",
        "List the order categories set up in Mplus.",
        no_args("categories", CategoriesCommand),
        answer_categories,
    ),
)
