"""The `/order` slash command: parse and ack at once, answer from Mplus after the ack."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond

from bot.slack import views
from bot.slack.deps import Deps
from bot.slack.ids import ListPage
from bot.slack.text import escape
from handlers.command_parser import (
    CategoriesCommand,
    Command,
    FindCommand,
    HelpCommand,
    ListCommand,
    MethodsCommand,
    ShowCommand,
    UsageError,
    parse_command,
    usage_text,
)
from handlers.replies import catalogue, message, reply_on_failure


def answer(command: Command, deps: Deps) -> dict[str, Any]:
    """The reply to a parsed command, as message kwargs. Runs after the ack: may call Mplus."""
    if isinstance(command, HelpCommand):
        return message(views.help_view(deps.command), f"How to use {deps.command}")
    if isinstance(command, ListCommand):
        return list_reply(command, deps, offset=0)
    if isinstance(command, FindCommand | ShowCommand):
        order = (
            deps.orders.find(command.ext_order_id)
            if isinstance(command, FindCommand)
            else deps.orders.show(command.key)
        )
        return message(views.order_card(order, catalogue(deps)), views.order_summary_text(order))
    if isinstance(command, MethodsCommand):
        return message(views.delivery_methods_view(deps.orders.delivery_methods()), "Delivery methods")
    if isinstance(command, CategoriesCommand):
        return message(views.categories_view(deps.orders.categories()), "Order categories")
    raise TypeError(f"no answer for {type(command).__name__}")


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


def register(app: App, deps: Deps) -> None:
    def ack_order_command(ack: Ack, command: dict[str, Any]) -> None:
        # Parsing is pure and fast, so bad input is answered in the ack itself.
        try:
            parse_command(command.get("text", ""))
        except UsageError as err:
            text = usage_text(err, deps.command)
            ack(response_type="ephemeral", text=escape(text), blocks=views.error_view(text))
            return
        ack()

    def answer_order_command(command: dict[str, Any], respond: Respond) -> None:
        text = command.get("text", "")
        try:
            parsed = parse_command(text)
        except UsageError:
            return  # already answered in the ack
        with reply_on_failure(respond, f"{deps.command} {text[:80]}"):
            respond(response_type="ephemeral", **answer(parsed, deps))

    app.command(deps.command)(ack=ack_order_command, lazy=[answer_order_command])
