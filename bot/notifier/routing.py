"""Which channels a change goes to: subscriptions matched against a classified change.

A channel gets a change once, however many of its subscriptions match. A matching *live*
subscription wins over a digest one: the channel gets the card and no digest entry for it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from bot.notifier.changes import Change
from bot.store.subscriptions import Subscription, SubscriptionFilter


def matches(flt: SubscriptionFilter, change: Change) -> bool:
    order = change.order
    if not change.events:
        return False  # a marker bump with nothing staff would notice: cards are refreshed, no one is told
    if flt.events and not (flt.events & change.events):
        return False
    if flt.branch is not None and order.financial_branch_number != flt.branch:
        return False
    if flt.category is not None and order.order_category_number != flt.category:
        return False
    if flt.method is not None and (order.delivery_method or "").upper() != flt.method:
        return False
    return flt.min_cents is None or order.total_incl_amount >= flt.min_cents


class Routes(BaseModel):
    model_config = ConfigDict(frozen=True)

    live: frozenset[str] = frozenset()
    """Channels that get (or update) a card with a note."""
    digests: frozenset[tuple[str, str]] = frozenset()
    """(channel, HH:MM) daily digests the change goes into."""


class Router:
    def __init__(self, subscriptions: Iterable[Subscription]) -> None:
        self._by_channel: dict[str, list[SubscriptionFilter]] = defaultdict(list)
        for sub in subscriptions:
            self._by_channel[sub.channel_id].append(sub.filter)

    @property
    def channels(self) -> frozenset[str]:
        return frozenset(self._by_channel)

    def route(self, change: Change) -> Routes:
        live: set[str] = set()
        digests: set[tuple[str, str]] = set()
        for channel, filters in self._by_channel.items():
            hits = [f for f in filters if matches(f, change)]
            if any(f.live for f in hits):
                live.add(channel)
            else:
                digests.update((channel, f.digest_at) for f in hits if f.digest_at)
        return Routes(live=frozenset(live), digests=frozenset(digests))
