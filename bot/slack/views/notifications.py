"""Block Kit for the notifier: channel cards' wording, threaded change notes, digests,
subscription lists and the Mplus outage alert.

Pure functions like the other views. Channel posts show what staff need to act on (number, the
relation's *name*, total, state, lines) and nothing else personal. Every Mplus or user string is
escaped (``text.safe`` / ``safe_line``); every message stays far inside Slack's limits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.mplus.models import MPLUS_TZ, Order
from bot.mplus.money import format_cents
from bot.slack import text
from bot.slack.views._common import HEADER_MAX, finish, money, one_line, pack_rows, plural, safe_line
from bot.slack.views.events import OrderEvent, note_text
from bot.slack.views.order import Catalogue, order_card, order_summary_text
from bot.store.subscriptions import Subscription, SubscriptionFilter

BLOCK_DIGEST_HEADER = "digest_header"
BLOCK_DIGEST_COUNTS = "digest_counts"
BLOCK_DIGEST_ROWS = "digest_rows"
BLOCK_DIGEST_FOOTER = "digest_footer"
BLOCK_SUBSCRIPTIONS = "subscriptions"
BLOCK_ALERT = "notifier_alert"

NUMBER_MAX = 40
RELATION_MAX = 60
ERROR_MAX = 300
SUBSCRIPTION_ROWS_MAX = 40
STATE_ORDER = ("open", "delivered", "paid", "cancelled")
_STATE_EMOJI = {"open": "🚚", "delivered": "📦", "paid": "💶", "cancelled": "🚫"}
_EVENT_LEAD = {"new": "🆕 New", "paid": "💶 Paid", "delivered": "📦 Delivered", "cancelled": "🚫 Cancelled"}

Message = dict[str, Any]


class DigestLine(BaseModel):
    """One order in a digest: the facts a channel may show."""

    model_config = ConfigDict(frozen=True)

    number: str
    relation: str = ""
    total_cents: int = 0
    state: str = "open"


def shop_time(moment: datetime) -> str:
    """``14:05 on 31-12-2026``, in the shop's time zone (Europe/Amsterdam)."""
    local = moment.astimezone(MPLUS_TZ)
    return f"{local:%H:%M} on {local.day:02d}-{local.month:02d}-{local.year:04d}"


def _lead(events: Iterable[str]) -> str:
    events = set(events)
    for event in ("new", "cancelled", "paid", "delivered"):
        if event in events:
            return _EVENT_LEAD[event]
    return "🔄 Changed"


def card_message(
    order: Order, catalogue: Catalogue, events: Iterable[str] = (), event: OrderEvent | None = None
) -> Message:
    """The read-path order card, its top line saying the latest event, with a notification text."""
    lead = note_text(order, event) if event is not None else f"{_lead(events)}: {order_summary_text(order)}"
    return {"text": lead, "blocks": order_card(order, catalogue, with_actions=True, event=event)}


def _digest_row(line: DigestLine) -> str:
    parts = [f"*{safe_line(line.number, NUMBER_MAX)}*"]
    if one_line(line.relation):
        parts.append(safe_line(line.relation, RELATION_MAX))
    parts.append(money(line.total_cents))
    parts.append(text.escape(line.state))
    return " · ".join(parts)


def counts_text(by_state: Mapping[str, int]) -> str:
    known = [s for s in STATE_ORDER if by_state.get(s)]
    others = sorted(s for s in by_state if s not in STATE_ORDER and by_state[s])
    return " · ".join(f"{_STATE_EMOJI.get(s, '•')} {by_state[s]:,} {text.escape(s)}" for s in known + others)


def digest_message(
    *, title: str, total: int, by_state: Mapping[str, int], first: Sequence[DigestLine], footer: str
) -> Message:
    """Counts by state and the first few orders, instead of one card per order."""
    blocks: list[Block] = [
        HeaderBlock(
            block_id=BLOCK_DIGEST_HEADER, text=PlainTextObject(text=safe_line(title, HEADER_MAX), emoji=True)
        ),
        SectionBlock(
            block_id=BLOCK_DIGEST_COUNTS,
            text=MarkdownTextObject(text=f"*{plural(total, 'order')}* · {counts_text(by_state) or '—'}"),
        ),
    ]
    rows = [_digest_row(line) for line in first]
    if rows:
        more = total - len(rows)
        if more > 0:
            rows.append(text.escape(f"… and {plural(more, 'more order')}"))
        blocks.extend(pack_rows(rows, block_id=BLOCK_DIGEST_ROWS, max_rows=len(rows), budget=4000).sections)
    blocks.append(
        ContextBlock(block_id=BLOCK_DIGEST_FOOTER, elements=[MarkdownTextObject(text=text.safe(footer, 300))])
    )
    summary = f"{text.safe(title, 150)}: {plural(total, 'order')} ({counts_text(by_state)})"
    return {"text": summary, "blocks": finish(blocks)}


def describe_filter(flt: SubscriptionFilter) -> str:
    """Plain words for a subscription, e.g. "branch 1 · paid, delivered · from € 50,00"."""
    parts: list[str] = []
    if flt.branch is not None:
        parts.append(f"branch {flt.branch}")
    if flt.category is not None:
        parts.append(f"category {flt.category}")
    if flt.method:
        parts.append(f"method {flt.method}")
    parts.append(", ".join(sorted(flt.events)) if flt.events else "all changes")
    if flt.min_cents is not None:
        parts.append(f"from {format_cents(flt.min_cents)}")
    parts.append(f"daily digest at {flt.digest_at}" if flt.digest_at else "live cards")
    return " · ".join(parts)


def subscriptions_message(channel_id: str, subscriptions: Sequence[Subscription], command: str) -> Message:
    """What this channel follows, one row per subscription with the id to unsubscribe by."""
    channel = f"<#{safe_line(channel_id, 32)}>"
    if not subscriptions:
        body = (
            f"{channel} follows no order changes. "
            f"Start with `{text.escape(command)} subscribe` (everything) or add filters, "
            f"e.g. `{text.escape(command)} subscribe branch 1 events new,paid`."
        )
        return {"text": text.escape("This channel follows no order changes."), "blocks": _section(body)}
    rows = []
    for sub in subscriptions[:SUBSCRIPTION_ROWS_MAX]:
        origin = " _(ORDERBOT_NOTIFY_CHANNEL)_" if sub.source == "config" else ""
        rows.append(f"`#{sub.id}` {text.escape(describe_filter(sub.filter))}{origin}")
    if len(subscriptions) > SUBSCRIPTION_ROWS_MAX:
        rows.append(f"… and {len(subscriptions) - SUBSCRIPTION_ROWS_MAX} more")
    head = f"{channel} follows {plural(len(subscriptions), 'subscription')}:"
    blocks: list[Block] = [
        SectionBlock(block_id=f"{BLOCK_SUBSCRIPTIONS}_head", text=MarkdownTextObject(text=head))
    ]
    blocks.extend(pack_rows(rows, block_id=BLOCK_SUBSCRIPTIONS, max_rows=len(rows), budget=6000).sections)
    blocks.append(
        ContextBlock(
            block_id=f"{BLOCK_SUBSCRIPTIONS}_hint",
            elements=[MarkdownTextObject(text=f"Remove one with `{text.escape(command)} unsubscribe #ID`.")],
        )
    )
    return {
        "text": f"This channel follows {plural(len(subscriptions), 'subscription')}.",
        "blocks": finish(blocks),
    }


def notice(message: str) -> Message:
    """A one-section message from our own words plus already-escaped parts."""
    return {"text": message, "blocks": _section(message)}


def _section(mrkdwn: str) -> list[dict[str, Any]]:
    return finish([SectionBlock(block_id=BLOCK_SUBSCRIPTIONS, text=MarkdownTextObject(text=mrkdwn[:2900]))])


def outage_message(since: datetime, error: str) -> Message:
    line = (
        f"⚠️ Mplus unreachable since {shop_time(since)}. Order notifications are paused; nothing is lost, "
        f"they resume from where they stopped. Last error: {text.safe(one_line(error), ERROR_MAX)}"
    )
    return {"text": f"Mplus unreachable since {shop_time(since)}", "blocks": _alert(line)}


def recovery_message(since: datetime, until: datetime) -> Message:
    minutes = max(int((until - since).total_seconds() // 60), 0)
    line = (
        f"✅ Mplus reachable again at {shop_time(until)} (down since {shop_time(since)}, about "
        f"{plural(minutes, 'minute')}). Order notifications resume."
    )
    return {"text": f"Mplus reachable again at {shop_time(until)}", "blocks": _alert(line)}


def _alert(line: str) -> list[dict[str, Any]]:
    return finish([SectionBlock(block_id=BLOCK_ALERT, text=MarkdownTextObject(text=line))])
