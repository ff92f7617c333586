"""The App Home tab: Needs action, Today, Your last actions, Channels.

Rows come from the mirror; buttons reuse the order card's action ids and ``OrderRef`` values, so
Show, Pay and Deliver behave exactly as on a card (Pay and Deliver through the confirmation flow).
A Home tab takes at most 100 blocks; this one stays near 40 by construction.
"""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.mirror.models import MirrorOrder
from bot.mirror.overview_queries import BranchDay, NeedGroup, NeedKind
from bot.mplus.money import format_cents
from bot.overview.home import HomeData
from bot.slack.ids import ActionId, ListRowRef, NeedRef, OrderRef
from bot.slack.views._common import clip_mrkdwn, plural, safe_line
from bot.slack.views.events import slack_date
from bot.slack.views.search import order_row
from bot.store.audit import AuditEntry
from bot.store.subscriptions import Subscription

MAX_HOME_BLOCKS = 100
BLOCK_NEEDS_HEADER = "home_needs"
BLOCK_NEED = "home_need"  # home_need_<kind>, rows home_need_<kind>_<i>, buttons …_<i>_actions
BLOCK_TODAY_HEADER = "home_today"
BLOCK_TODAY = "home_today_rows"
BLOCK_MINE_HEADER = "home_mine"
BLOCK_MINE = "home_mine_rows"
BLOCK_CHANNELS_HEADER = "home_channels"
BLOCK_CHANNELS = "home_channels_rows"
MAX_BRANCHES = 12
MAX_CHANNELS = 15

NEED_TITLES = {
    NeedKind.DELIVERED_UNPAID: "Delivered, not paid",
    NeedKind.DEPOSIT_OVERDUE: "Deposit paid, past the delivery date, not delivered",
    NeedKind.STALE_OPEN: "Open for more than {days} days",
}


LIST_HINTS = {
    NeedKind.DELIVERED_UNPAID: "/order list unpaid",
    NeedKind.DEPOSIT_OVERDUE: "/order list undelivered",
    NeedKind.STALE_OPEN: "/order list open",
}
"""The closest `/order list` for each kind, for when "Show all" has more than a modal holds."""


def need_title(kind: NeedKind, stale_days: int) -> str:
    return NEED_TITLES[kind].format(days=stale_days)


def _show(order: MirrorOrder) -> ButtonElement:
    """The list rows' own Show: the order's card, as Mplus has it now (in the DM, from a view)."""
    return ButtonElement(
        text="Show", action_id=ActionId.LIST_SHOW.value, value=ListRowRef(order_id=order.order_id).encode()
    )


def _order_buttons(order: MirrorOrder, data: HomeData, block_id: str) -> ActionsBlock:
    value = OrderRef(order_id=order.order_id).encode()
    buttons = [_show(order)]
    if data.can_pay and order.outstanding_cents > 0 and not order.is_cancelled:
        buttons.append(ButtonElement(text="Pay", action_id=ActionId.PAY.value, value=value, style="primary"))
    if data.can_deliver and not order.is_delivered and order.is_open:
        buttons.append(ButtonElement(text="Deliver", action_id=ActionId.DELIVER.value, value=value))
    return ActionsBlock(block_id=block_id, elements=buttons)


def _need_blocks(group: NeedGroup, data: HomeData) -> list[Block]:
    kind = group.kind.value
    title = need_title(group.kind, data.stale_days)
    summary = SectionBlock(
        block_id=f"{BLOCK_NEED}_{kind}",
        text=MarkdownTextObject(text=f"*{title}:* {plural(group.count, 'order')}"),
        accessory=ButtonElement(
            text="Show all", action_id=ActionId.HOME_SHOW_ALL.value, value=NeedRef(kind=kind).encode()
        )
        if group.count
        else None,
    )
    blocks: list[Block] = [summary]
    for i, order in enumerate(group.orders):
        row_id = f"{BLOCK_NEED}_{kind}_{i}"
        blocks.append(SectionBlock(block_id=row_id, text=MarkdownTextObject(text=order_row(order))))
        blocks.append(_order_buttons(order, data, f"{row_id}_actions"))
    return blocks


def _branch_line(day: BranchDay) -> str:
    name = f"Branch {day.branch}" if day.branch is not None else "No branch"
    return (
        f"*{name}:* {day.created} created · {day.paid} paid · {day.delivered} delivered · "
        f"{day.cancelled} cancelled · revenue {format_cents(day.revenue_cents)}"
    )


def _today_blocks(data: HomeData) -> list[Block]:
    when = slack_date(data.as_of, "{time}")
    as_of = ContextBlock(elements=[MarkdownTextObject(text=f"As of {when} · from the local mirror of Mplus")])
    if data.today:
        lines = [_branch_line(day) for day in data.today[:MAX_BRANCHES]]
        if len(data.today) > MAX_BRANCHES:
            lines.append(f"… and {len(data.today) - MAX_BRANCHES} more branches")
        body = "\n".join(lines)
    else:
        body = "No orders created, paid, delivered or cancelled today yet."
    return [
        HeaderBlock(block_id=BLOCK_TODAY_HEADER, text="Today"),
        as_of,
        SectionBlock(block_id=BLOCK_TODAY, text=MarkdownTextObject(text=body)),
    ]


def _audit_line(entry: AuditEntry) -> str:
    what = safe_line(entry.action, 30)
    order = safe_line(entry.order_number or entry.order_id or "", 40)
    result = safe_line(entry.result, 40)
    return f"{slack_date(entry.at)} · *{what}* {order} · {result}"


def _mine_blocks(data: HomeData) -> list[Block]:
    body = (
        "\n".join(_audit_line(entry) for entry in data.mine)
        if data.mine
        else "Nothing done through Orderbot yet."
    )
    return [
        HeaderBlock(block_id=BLOCK_MINE_HEADER, text="Your last actions"),
        SectionBlock(block_id=BLOCK_MINE, text=MarkdownTextObject(text=body)),
    ]


def subscription_text(sub: Subscription) -> str:
    f = sub.filter
    parts = [f"digest at {f.digest_at}" if f.digest_at else "live cards"]
    if f.branch:
        parts.append(f"branch {f.branch}")
    if f.category:
        parts.append(f"category {f.category}")
    if f.method:
        parts.append(f"method {safe_line(f.method, 40)}")
    if f.events:
        parts.append("events " + ",".join(sorted(f.events)))
    if f.min_cents is not None:
        parts.append(f"min {format_cents(f.min_cents)}")
    if len(parts) == 1:
        parts.append("every order")
    return " · ".join(parts)


def _channel_blocks(data: HomeData) -> list[Block]:
    lines = []
    for channel, subs in list(data.channels.items())[:MAX_CHANNELS]:
        follows = "; ".join(subscription_text(sub) for sub in subs[:5])
        lines.append(f"<#{channel}> — {follows}")
    body = (
        "\n".join(lines)
        if lines
        else "None of your channels follow orders. `/order subscribe` in one to start."
    )
    return [
        HeaderBlock(block_id=BLOCK_CHANNELS_HEADER, text="Your channels"),
        SectionBlock(block_id=BLOCK_CHANNELS, text=MarkdownTextObject(text=clip_mrkdwn(body, 2900))),
    ]


def home_view(data: HomeData) -> dict:
    """The ``views.publish`` view for one person."""
    blocks: list[Block] = [HeaderBlock(block_id=BLOCK_NEEDS_HEADER, text="Needs action")]
    counts = " · ".join(
        f"{need_title(g.kind, data.stale_days)}: *{f'{g.count:,}'.replace(',', '.')}*" for g in data.needs
    )
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=counts)]))
    for group in data.needs:
        blocks += _need_blocks(group, data)
    if not (data.can_pay or data.can_deliver):
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="You may look, not pay or deliver (ORDERBOT_ALLOW_PAY / ORDERBOT_ALLOW_DELIVER)."
                    )
                ]
            )
        )
    for section in (_today_blocks, _mine_blocks, _channel_blocks):
        blocks.append(DividerBlock())
        blocks += section(data)
    if len(blocks) > MAX_HOME_BLOCKS:
        raise ValueError(f"{len(blocks)} blocks exceed Slack's {MAX_HOME_BLOCKS} per Home tab")
    return {"type": "home", "blocks": [block.to_dict() for block in blocks]}


def need_modal(group: NeedGroup, stale_days: int, more: int) -> dict:
    """ "Show all": the orders of one kind, oldest first, each with Show."""
    title = need_title(group.kind, stale_days)
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f"*{title}:* {plural(group.count, 'order')}, oldest first"))
    ]
    for i, order in enumerate(group.orders):
        blocks.append(
            SectionBlock(
                block_id=f"{BLOCK_NEED}_all_{i}",
                text=MarkdownTextObject(text=order_row(order)),
                accessory=_show(order),
            )
        )
    if more > 0:
        hint = (
            f"… and {more:,} more.".replace(",", ".")
            + f" `{LIST_HINTS[group.kind]}` pages through a wider list."
        )
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=hint)]))
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Needs action"},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [block.to_dict() for block in blocks],
    }
