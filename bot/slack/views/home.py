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
from bot.overview.home import HomeData
from bot.slack import screen_messages as say
from bot.slack.i18n import ENGLISH, Translator
from bot.slack.ids import ActionId, ListRowRef, NeedRef, OrderRef
from bot.slack.views._common import clip_mrkdwn, safe_line
from bot.slack.views.events import slack_date
from bot.slack.views.search import order_count, order_row
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

LIST_HINTS = {
    NeedKind.DELIVERED_UNPAID: "/order list unpaid",
    NeedKind.DEPOSIT_OVERDUE: "/order list undelivered",
    NeedKind.STALE_OPEN: "/order list open",
}
"""The closest `/order list` for each kind, for when "Show all" has more than a modal holds."""


def need_title(kind: NeedKind, stale_days: int, tr: Translator = ENGLISH) -> str:
    return tr(say.HOME_NEED_TITLES[kind.value], days=stale_days)


def _show(order: MirrorOrder, tr: Translator) -> ButtonElement:
    """The list rows' own Show: the order's card, as Mplus has it now (in the DM, from a view)."""
    return ButtonElement(
        text=tr(say.SHOW),
        action_id=ActionId.LIST_SHOW.value,
        value=ListRowRef(order_id=order.order_id).encode(),
    )


def _order_buttons(order: MirrorOrder, data: HomeData, block_id: str, tr: Translator) -> ActionsBlock:
    value = OrderRef(order_id=order.order_id).encode()
    buttons = [_show(order, tr)]
    if data.can_pay and order.outstanding_cents > 0 and not order.is_cancelled:
        pay = ButtonElement(text=tr(say.HOME_PAY), action_id=ActionId.PAY.value, value=value, style="primary")
        buttons.append(pay)
    if data.can_deliver and not order.is_delivered and order.is_open:
        deliver = ButtonElement(text=tr(say.HOME_DELIVER), action_id=ActionId.DELIVER.value, value=value)
        buttons.append(deliver)
    return ActionsBlock(block_id=block_id, elements=buttons)


def _need_blocks(group: NeedGroup, data: HomeData, tr: Translator) -> list[Block]:
    kind = group.kind.value
    title = need_title(group.kind, data.stale_days, tr)
    summary = SectionBlock(
        block_id=f"{BLOCK_NEED}_{kind}",
        text=MarkdownTextObject(text=f"*{title}:* {order_count(group.count, tr)}"),
        accessory=ButtonElement(
            text=tr(say.HOME_SHOW_ALL),
            action_id=ActionId.HOME_SHOW_ALL.value,
            value=NeedRef(kind=kind).encode(),
        )
        if group.count
        else None,
    )
    blocks: list[Block] = [summary]
    for i, order in enumerate(group.orders):
        row_id = f"{BLOCK_NEED}_{kind}_{i}"
        blocks.append(SectionBlock(block_id=row_id, text=MarkdownTextObject(text=order_row(order, tr))))
        blocks.append(_order_buttons(order, data, f"{row_id}_actions", tr))
    return blocks


def _branch_line(day: BranchDay, tr: Translator) -> str:
    name = tr(say.HOME_BRANCH, n=day.branch) if day.branch is not None else tr(say.HOME_NO_BRANCH)
    return tr(
        say.HOME_BRANCH_LINE,
        name=name,
        created=tr.number(day.created),
        paid=tr.number(day.paid),
        delivered=tr.number(day.delivered),
        cancelled=tr.number(day.cancelled),
        revenue=tr.money(day.revenue_cents),
    )


def _today_blocks(data: HomeData, tr: Translator) -> list[Block]:
    when = slack_date(data.as_of, "{time}")
    as_of = ContextBlock(elements=[MarkdownTextObject(text=tr(say.HOME_AS_OF, when=when))])
    if data.today:
        lines = [_branch_line(day, tr) for day in data.today[:MAX_BRANCHES]]
        if len(data.today) > MAX_BRANCHES:
            lines.append(tr(say.HOME_MORE_BRANCHES, n=len(data.today) - MAX_BRANCHES))
        body = "\n".join(lines)
    else:
        body = tr(say.HOME_NOTHING_TODAY)
    return [
        HeaderBlock(block_id=BLOCK_TODAY_HEADER, text=tr(say.HOME_TODAY)),
        as_of,
        SectionBlock(block_id=BLOCK_TODAY, text=MarkdownTextObject(text=body)),
    ]


def _audit_line(entry: AuditEntry) -> str:
    what = safe_line(entry.action, 30)
    order = safe_line(entry.order_number or entry.order_id or "", 40)
    result = safe_line(entry.result, 40)
    return f"{slack_date(entry.at)} · *{what}* {order} · {result}"


def _mine_blocks(data: HomeData, tr: Translator) -> list[Block]:
    body = "\n".join(_audit_line(entry) for entry in data.mine) if data.mine else tr(say.HOME_NOTHING_MINE)
    return [
        HeaderBlock(block_id=BLOCK_MINE_HEADER, text=tr(say.HOME_MINE)),
        SectionBlock(block_id=BLOCK_MINE, text=MarkdownTextObject(text=body)),
    ]


def subscription_text(sub: Subscription, tr: Translator = ENGLISH) -> str:
    f = sub.filter
    parts = [tr(say.HOME_SUB_DIGEST, time=f.digest_at) if f.digest_at else tr(say.HOME_SUB_LIVE)]
    if f.branch:
        parts.append(tr(say.HOME_SUB_BRANCH, n=f.branch))
    if f.category:
        parts.append(tr(say.HOME_SUB_CATEGORY, n=f.category))
    if f.method:
        parts.append(tr(say.HOME_SUB_METHOD, code=safe_line(f.method, 40)))
    if f.events:
        parts.append(tr(say.HOME_SUB_EVENTS, events=",".join(sorted(f.events))))  # the command's own words
    if f.min_cents is not None:
        parts.append(tr(say.HOME_SUB_MIN, amount=tr.money(f.min_cents)))
    if len(parts) == 1:
        parts.append(tr(say.HOME_SUB_EVERY))
    return " · ".join(parts)


def _channel_blocks(data: HomeData, tr: Translator) -> list[Block]:
    lines = []
    for channel, subs in list(data.channels.items())[:MAX_CHANNELS]:
        follows = "; ".join(subscription_text(sub, tr) for sub in subs[:5])
        lines.append(f"<#{channel}> — {follows}")
    body = "\n".join(lines) if lines else tr(say.HOME_NO_CHANNELS)
    return [
        HeaderBlock(block_id=BLOCK_CHANNELS_HEADER, text=tr(say.HOME_CHANNELS)),
        SectionBlock(block_id=BLOCK_CHANNELS, text=MarkdownTextObject(text=clip_mrkdwn(body, 2900))),
    ]


def home_view(data: HomeData, tr: Translator = ENGLISH) -> dict:
    """The ``views.publish`` view for one person, in their language."""
    blocks: list[Block] = [HeaderBlock(block_id=BLOCK_NEEDS_HEADER, text=tr(say.HOME_NEEDS_ACTION))]
    counts = " · ".join(
        f"{need_title(g.kind, data.stale_days, tr)}: *{tr.number(g.count)}*" for g in data.needs
    )
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=counts)]))
    for group in data.needs:
        blocks += _need_blocks(group, data, tr)
    if not (data.can_pay or data.can_deliver):
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=tr(say.HOME_LOOK_ONLY))]))
    for section in (_today_blocks, _mine_blocks, _channel_blocks):
        blocks.append(DividerBlock())
        blocks += section(data, tr)
    if len(blocks) > MAX_HOME_BLOCKS:
        raise ValueError(f"{len(blocks)} blocks exceed Slack's {MAX_HOME_BLOCKS} per Home tab")
    return {"type": "home", "blocks": [block.to_dict() for block in blocks]}


def need_modal(group: NeedGroup, stale_days: int, more: int, tr: Translator = ENGLISH) -> dict:
    """ "Show all": the orders of one kind, oldest first, each with Show."""
    title = need_title(group.kind, stale_days, tr)
    summary = tr(say.HOME_ALL_OLDEST_FIRST, title=title, count=order_count(group.count, tr))
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=summary))]
    for i, order in enumerate(group.orders):
        blocks.append(
            SectionBlock(
                block_id=f"{BLOCK_NEED}_all_{i}",
                text=MarkdownTextObject(text=order_row(order, tr)),
                accessory=_show(order, tr),
            )
        )
    if more > 0:
        hint = tr(say.HOME_ALL_MORE, n=tr.number(more), command=LIST_HINTS[group.kind])
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=hint)]))
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": tr(say.HOME_NEEDS_ACTION)[:24]},
        "close": {"type": "plain_text", "text": tr(say.HOME_CLOSE)},
        "blocks": [block.to_dict() for block in blocks],
    }
