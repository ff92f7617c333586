"""`/order cancel|pay|deliver <order>` (always via a confirmation) and `/order audit <order>`."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.orders.permissions import Action
from bot.orders.service import OrderKey
from bot.slack.i18n import N_
from bot.slack.ids import CardLocation
from bot.slack.text import escape
from bot.slack.views import prompts
from handlers.command_parser import Command, Subcommand
from handlers.confirm_flow import ConfirmFlow
from handlers.context import CommandContext
from handlers.read_commands import parse_order_key
from handlers.replies import message


class ConfirmedCommand(Command):
    action: Action
    key: OrderKey


class AuditCommand(Command):
    key: OrderKey


def _parse_confirmed(action: Action) -> Any:
    def parse(args: list[str], _today: date | None) -> Command:
        return ConfirmedCommand(action=action, key=parse_order_key(args, action.value))

    return parse


def parse_audit(args: list[str], _today: date | None) -> Command:
    return AuditCommand(key=parse_order_key(args, "audit"))


def answer_confirmed(command: ConfirmedCommand, ctx: CommandContext) -> None:
    order = ctx.deps.orders.show(command.key)
    ConfirmFlow(ctx.deps).start(
        command.action,
        order.order_id,
        user_id=ctx.user_id,
        card=CardLocation(channel=ctx.channel_id),
        trigger_id=ctx.trigger_id,
        respond=ctx.respond,
        client=ctx.client,
    )


def answer_audit(command: AuditCommand, ctx: CommandContext) -> dict[str, Any]:
    order = ctx.deps.orders.show(command.key)
    entries = ctx.deps.audit.for_order(order.order_id)
    tr = ctx.reader()
    said = tr(prompts.AUDIT_TITLE, number=escape(order.number))
    return message(prompts.audit_history(order, entries, tr), said)


ORDER = "<orderId | order number like 2026-42>"
SUBCOMMANDS = (
    Subcommand(
        "pay",
        ORDER,
        N_("Record a deposit or full payment (asks how much and how, then for confirmation)."),
        _parse_confirmed(Action.PAY),
        answer_confirmed,
    ),
    Subcommand(
        "deliver",
        ORDER,
        N_("Mark an order delivered and create a packing slip (after confirmation)."),
        _parse_confirmed(Action.DELIVER),
        answer_confirmed,
    ),
    Subcommand(
        "cancel",
        ORDER,
        N_("Cancel an order (after confirmation)."),
        _parse_confirmed(Action.CANCEL),
        answer_confirmed,
    ),
    Subcommand(
        "audit",
        ORDER,
        N_("Show what was done to an order through Orderbot, by whom and when."),
        parse_audit,
        answer_audit,
    ),
)
