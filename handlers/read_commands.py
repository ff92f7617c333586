"""The read subcommands: help, list, find, show, methods, categories."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.mirror.find import FindKind, find
from bot.mirror.sync import today_in_mplus
from bot.orders.service import OrderKey, OrderKeyError
from bot.slack import help_messages, text, views
from bot.slack import screen_messages as say
from bot.slack.i18n import N_, Said
from bot.slack.views import search as search_views
from handlers import list_command
from handlers.command_parser import Command, Subcommand, UsageError, no_args, one_arg
from handlers.context import CommandContext
from handlers.order_cards import card_reply
from handlers.replies import message

MAX_FIND_TEXT = 200


class HelpCommand(Command):
    topic: str | None = None
    """``/order help pay``: explain one command."""


class FindCommand(Command):
    text: str


class ShowCommand(Command):
    key: OrderKey


class MethodsCommand(Command):
    pass


class CategoriesCommand(Command):
    pass


def parse_find(args: list[str], _today: date | None) -> Command:
    query = " ".join(args)
    if not query:
        raise UsageError(
            N_("`find` needs something to look for: a name, phone, postcode or order number"), "find"
        )
    if len(query) > MAX_FIND_TEXT:
        raise UsageError(Said(N_("that search is longer than {n} characters"), n=MAX_FIND_TEXT), "find")
    return FindCommand(text=query)


def parse_order_key(args: list[str], subcommand: str) -> OrderKey:
    try:
        return OrderKey.parse(one_arg(args, subcommand, Said(N_("order number or id"))))
    except OrderKeyError as err:
        raise UsageError(err.args[0], subcommand) from None


def parse_show(args: list[str], _today: date | None) -> Command:
    return ShowCommand(key=parse_order_key(args, "show"))


def parse_help(args: list[str], _today: date | None) -> Command:
    if len(args) > 1:
        raise UsageError(N_("`help` takes at most one command name, e.g. `help pay`"), "help")
    return HelpCommand(topic=args[0].lower() if args else None)


def answer_help(command: HelpCommand, ctx: CommandContext) -> dict[str, Any]:
    tr = ctx.reader()
    subcommands = ctx.subcommands
    if command.topic is None:
        blocks = views.help_view(ctx.deps.command, subcommands.help_entries(), tr, subcommands.aliases())
        return message(blocks, tr(help_messages.HELP_HEADER))
    row = subcommands.get(command.topic)
    if row is None:
        said = subcommands.usage_text(subcommands.unknown(command.topic), ctx.deps.command, tr)
        return message(views.error_view(said), text.escape(said))  # the topic is what was typed
    entry = views.HelpEntry(f"{row.name} {row.usage}".strip(), row.description)
    title = tr(help_messages.HELP_TITLE, name=row.name)
    return message(views.help_topic_view(ctx.deps.command, row.name, entry, tr), title)


def answer_find(command: FindCommand, ctx: CommandContext) -> dict[str, Any]:
    deps, tr = ctx.deps, ctx.reader()
    found = find(deps.db, deps.orders.client, command.text, today_in_mplus())
    if found.kind is FindKind.ORDER and found.order is not None:
        return card_reply(found.order, deps, tr=tr)
    incomplete = found.mirror_incomplete
    query = text.safe(found.query, 80)
    if found.kind is FindKind.ORDERS:
        blocks = search_views.order_results(
            found.orders, found.query, more=found.more, incomplete=incomplete, tr=tr
        )
        count = search_views.order_count(len(found.orders), tr)
        return message(blocks, tr(say.FIND_ORDERS_TEXT, count=count, query=query))
    if found.kind is FindKind.CUSTOMERS:
        blocks = search_views.customer_results(
            found.relations, found.query, more=found.more, incomplete=incomplete, tr=tr
        )
        return message(blocks, tr(say.FIND_CUSTOMERS_TEXT, query=query))
    blocks = search_views.nothing_found(found.query, found.searched, incomplete=incomplete, tr=tr)
    return message(blocks, search_views.nothing_found_text(found.query, tr))


def answer_show(command: ShowCommand, ctx: CommandContext) -> dict[str, Any]:
    return card_reply(ctx.deps.orders.show(command.key), ctx.deps, tr=ctx.reader())


def answer_methods(_command: MethodsCommand, ctx: CommandContext) -> dict[str, Any]:
    tr = ctx.reader()
    return message(views.delivery_methods_view(ctx.deps.orders.delivery_methods(), tr), tr(say.METHODS_TITLE))


def answer_categories(_command: CategoriesCommand, ctx: CommandContext) -> dict[str, Any]:
    tr = ctx.reader()
    return message(views.categories_view(ctx.deps.orders.categories(), tr), tr(say.CATEGORIES_TITLE))


SUBCOMMANDS = (
    Subcommand("help", "[command]", N_("Show this help, or explain one command."), parse_help, answer_help),
    Subcommand(
        "list",
        list_command.USAGE,
        list_command.DESCRIPTION,
        list_command.parse_list,
        list_command.answer_list,
    ),
    Subcommand(
        "find",
        "<name | phone | postcode | e-mail | order number | ext id>",
        N_(
            "Find orders by who and what: a customer's name, phone, postcode or e-mail, a reference, "
            "an order number (42 = this year's) or an external id."
        ),
        parse_find,
        answer_find,
    ),
    Subcommand(
        "show",
        "<order number like 2026-42 or 42 | orderId>",
        N_("Show one order with its lines and buttons (42 means this year's order 42)."),
        parse_show,
        answer_show,
    ),
    Subcommand(
        "methods",
        "",
        N_("List the delivery methods set up in Mplus."),
        no_args("methods", MethodsCommand),
        answer_methods,
    ),
    Subcommand(
        "categories",
        "",
        N_("List the order categories set up in Mplus."),
        no_args("categories", CategoriesCommand),
        answer_categories,
    ),
)
