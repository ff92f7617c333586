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
from bot.slack import channel_messages as said
from bot.slack import text
from bot.slack.channel_messages import counted, language_name
from bot.slack.i18n import ENGLISH, Translator
from bot.slack.views._common import HEADER_MAX, finish, one_line, pack_rows, safe_line
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

Message = dict[str, Any]


class DigestLine(BaseModel):
    """One order in a digest: the facts a channel may show."""

    model_config = ConfigDict(frozen=True)

    number: str
    relation: str = ""
    total_cents: int = 0
    state: str = "open"


def shop_time(moment: datetime, tr: Translator = ENGLISH) -> str:
    """``14:05 on 1 Dec 2026`` (``14:05 op 1 dec. 2026``), in the shop's time zone (Europe/Amsterdam)."""
    local = moment.astimezone(MPLUS_TZ)
    return tr(said.SHOP_TIME, time=f"{local:%H:%M}", date=tr.date(local.date()))


def _lead(events: Iterable[str]) -> str:
    events = set(events)
    for event in ("new", "cancelled", "paid", "delivered"):
        if event in events:
            return event
    return "changed"


def card_message(
    order: Order,
    catalogue: Catalogue,
    events: Iterable[str] = (),
    event: OrderEvent | None = None,
    tr: Translator = ENGLISH,
) -> Message:
    """The read-path order card, its top line saying the latest event, with a notification text;
    everything in ``tr``'s language (the channel's)."""
    if event is not None:
        lead = note_text(order, event, tr)
    else:
        lead = tr(said.CARD_LEAD[_lead(events)], summary=order_summary_text(order, tr))
    return {"text": lead, "blocks": order_card(order, catalogue, with_actions=True, event=event, tr=tr)}


def _state(state: str, tr: Translator) -> str:
    return tr(said.STATE_WORDS[state]) if state in said.STATE_WORDS else state


def _digest_row(line: DigestLine, tr: Translator = ENGLISH) -> str:
    parts = [f"*{safe_line(line.number, NUMBER_MAX)}*"]
    if one_line(line.relation):
        parts.append(safe_line(line.relation, RELATION_MAX))
    parts.append(tr.money(line.total_cents))
    parts.append(text.escape(_state(line.state, tr)))
    return " · ".join(parts)


def counts_text(by_state: Mapping[str, int], tr: Translator = ENGLISH) -> str:
    known = [s for s in STATE_ORDER if by_state.get(s)]
    others = sorted(s for s in by_state if s not in STATE_ORDER and by_state[s])
    return " · ".join(
        f"{_STATE_EMOJI.get(s, '•')} {tr.number(by_state[s])} {text.escape(_state(s, tr))}"
        for s in known + others
    )


def digest_message(
    *,
    title: str,
    total: int,
    by_state: Mapping[str, int],
    first: Sequence[DigestLine],
    footer: str,
    tr: Translator = ENGLISH,
) -> Message:
    """Counts by state and the first few orders, instead of one card per order (``title`` and
    ``footer`` come translated already)."""
    orders = counted(tr, said.ORDERS_ONE, said.ORDERS_MANY, total)
    counts = counts_text(by_state, tr)
    blocks: list[Block] = [
        HeaderBlock(
            block_id=BLOCK_DIGEST_HEADER, text=PlainTextObject(text=safe_line(title, HEADER_MAX), emoji=True)
        ),
        SectionBlock(
            block_id=BLOCK_DIGEST_COUNTS, text=MarkdownTextObject(text=f"*{orders}* · {counts or '—'}")
        ),
    ]
    rows = [_digest_row(line, tr) for line in first]
    if rows:
        more = total - len(rows)
        if more > 0:
            rows.append(text.escape(counted(tr, said.MORE_ORDERS_ONE, said.MORE_ORDERS_MANY, more)))
        blocks.extend(pack_rows(rows, block_id=BLOCK_DIGEST_ROWS, max_rows=len(rows), budget=4000).sections)
    blocks.append(
        ContextBlock(block_id=BLOCK_DIGEST_FOOTER, elements=[MarkdownTextObject(text=text.safe(footer, 300))])
    )
    summary = tr(said.DIGEST_SUMMARY, title=text.safe(title, 150), orders=orders, counts=counts)
    return {"text": summary, "blocks": finish(blocks)}


def describe_filter(flt: SubscriptionFilter, tr: Translator = ENGLISH) -> str:
    """Plain words for a subscription, e.g. "branch 1 · paid, delivered · from €50.00"."""
    parts: list[str] = []
    if flt.branch is not None:
        parts.append(tr(said.FILTER_BRANCH, number=flt.branch))
    if flt.category is not None:
        parts.append(tr(said.FILTER_CATEGORY, number=flt.category))
    if flt.method:
        parts.append(tr(said.FILTER_METHOD, code=flt.method))
    # The event names stay the command words (`events new,paid`): they are what one types to change it.
    parts.append(", ".join(sorted(flt.events)) if flt.events else tr(said.FILTER_ALL_CHANGES))
    if flt.min_cents is not None:
        parts.append(tr(said.FILTER_FROM, amount=tr.money(flt.min_cents)))
    parts.append(tr(said.FILTER_DAILY, time=flt.digest_at) if flt.digest_at else tr(said.FILTER_LIVE))
    return " · ".join(parts)


def posts_language(language: str | None, default: str, tr: Translator = ENGLISH) -> str:
    """"posts in Dutch", or "posts in English (ORDERBOT_LANGUAGE)" where the channel chose none."""
    if language:
        return tr(said.SUBSCRIPTION_LANGUAGE, language=language_name(tr, language))
    return tr(said.SUBSCRIPTION_LANGUAGE_DEFAULT, language=language_name(tr, default))


def subscriptions_message(
    channel_id: str,
    subscriptions: Sequence[Subscription],
    command: str,
    tr: Translator = ENGLISH,
    *,
    language: str | None = None,
    default_language: str = "en",
) -> Message:
    """What this channel follows, one row per subscription with the id to unsubscribe by and the
    language its posts are in (``language``: the channel's own setting, None for the default)."""
    channel = f"<#{safe_line(channel_id, 32)}>"
    cmd = text.escape(command)
    if not subscriptions:
        body = tr(said.FOLLOWS_NOTHING, channel=channel, command=cmd)
        return {"text": text.escape(tr(said.FOLLOWS_NOTHING_TEXT)), "blocks": _section(body)}
    in_language = text.escape(posts_language(language, default_language, tr))
    rows = []
    for sub in subscriptions[:SUBSCRIPTION_ROWS_MAX]:
        origin = " _(ORDERBOT_NOTIFY_CHANNEL)_" if sub.source == "config" else ""
        rows.append(f"`#{sub.id}` {text.escape(describe_filter(sub.filter, tr))} · {in_language}{origin}")
    if len(subscriptions) > SUBSCRIPTION_ROWS_MAX:
        rows.append(text.escape(tr(said.FOLLOWS_MORE, count=len(subscriptions) - SUBSCRIPTION_ROWS_MAX)))
    head = counted(tr, said.FOLLOWS_ONE, said.FOLLOWS_MANY, len(subscriptions), channel=channel)
    blocks: list[Block] = [
        SectionBlock(block_id=f"{BLOCK_SUBSCRIPTIONS}_head", text=MarkdownTextObject(text=head))
    ]
    blocks.extend(pack_rows(rows, block_id=BLOCK_SUBSCRIPTIONS, max_rows=len(rows), budget=6000).sections)
    blocks.append(
        ContextBlock(
            block_id=f"{BLOCK_SUBSCRIPTIONS}_hint",
            elements=[MarkdownTextObject(text=tr(said.FOLLOWS_HINT, command=cmd))],
        )
    )
    return {
        "text": counted(tr, said.FOLLOWS_ONE_TEXT, said.FOLLOWS_MANY_TEXT, len(subscriptions)),
        "blocks": finish(blocks),
    }


def notice(message: str) -> Message:
    """A one-section message from our own words plus already-escaped parts."""
    return {"text": message, "blocks": _section(message)}


def _section(mrkdwn: str) -> list[dict[str, Any]]:
    return finish([SectionBlock(block_id=BLOCK_SUBSCRIPTIONS, text=MarkdownTextObject(text=mrkdwn[:2900]))])


def outage_message(since: datetime, error: str, tr: Translator = ENGLISH) -> Message:
    when = shop_time(since, tr)
    line = tr(said.OUTAGE, since=when, error=text.safe(one_line(error), ERROR_MAX))
    return {"text": tr(said.OUTAGE_TEXT, since=when), "blocks": _alert(line)}


def recovery_message(since: datetime, until: datetime, tr: Translator = ENGLISH) -> Message:
    minutes = max(int((until - since).total_seconds() // 60), 0)
    line = tr(
        said.RECOVERY,
        until=shop_time(until, tr),
        since=shop_time(since, tr),
        minutes=counted(tr, said.MINUTES_ONE, said.MINUTES_MANY, minutes),
    )
    return {"text": tr(said.RECOVERY_TEXT, until=shop_time(until, tr)), "blocks": _alert(line)}


def _alert(line: str) -> list[dict[str, Any]]:
    return finish([SectionBlock(block_id=BLOCK_ALERT, text=MarkdownTextObject(text=line))])
