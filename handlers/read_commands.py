"""The read subcommands: help, list, find, show, methods, categories."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.orders.service import OrderKey, OrderKeyError
from bot.slack import views
from bot.slack.deps import Deps
from handlers import list_command
from handlers.command_parser import Command, Subcommand, UsageError, no_args, one_arg
from handlers.context import CommandContext
from handlers.replies import catalogue, message

MAX_EXT_ID = 100


class HelpCommand(Command):
    pass


class FindCommand(Command):
    ext_order_id: str


class ShowCommand(Command):
    key: OrderKey


class MethodsCommand(Command):
    pass


class CategoriesCommand(Command):
    pass


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


def card_reply(order: Any, deps: Deps) -> dict[str, Any]:
    return message(views.order_card(order, catalogue(deps)), views.order_summary_text(order))


def answer_help(_command: HelpCommand, ctx: CommandContext) -> dict[str, Any]:
    return message(views.help_view(ctx.deps.command, ctx.subcommands.help_entries()), "Orderbot help")


def answer_find(command: FindCommand, ctx: CommandContext) -> dict[str, Any]:
    return card_reply(ctx.deps.orders.find(command.ext_order_id), ctx.deps)


def answer_show(command: ShowCommand, ctx: CommandContext) -> dict[str, Any]:
    return card_reply(ctx.deps.orders.show(command.key), ctx.deps)


def answer_methods(_command: MethodsCommand, ctx: CommandContext) -> dict[str, Any]:
    return message(views.delivery_methods_view(ctx.deps.orders.delivery_methods()), "Delivery methods")


def answer_categories(_command: CategoriesCommand, ctx: CommandContext) -> dict[str, Any]:
    return message(views.categories_view(ctx.deps.orders.categories()), "Order categories")


SUBCOMMANDS = (
    Subcommand("help", "", "Show this help.", no_args("help", HelpCommand), answer_help),
    Subcommand("list", list_command.USAGE, list_command.DESCRIPTION, list_command.parse_list,
               list_command.answer_list),
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
