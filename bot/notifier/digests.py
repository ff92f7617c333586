"""Digests: one message instead of many cards.

- Burst digests: when more than N changes for a channel arrive in one pass (a backlog after an
  outage, a bulk import), the channel gets one digest message, posted once and then updated in place
  page by page, instead of a card per order. It stays open across a crash (the next pass continues
  it) and is closed when a pass catches up. Cards that already exist are still updated.
- Daily digests: a channel that subscribed with ``digest HH:MM`` collects matching changes as entries
  and gets one digest message a day at that shop time (Europe/Amsterdam).

Entries live in the store keyed by (digest bucket, order), so a replayed page never counts twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from bot.mplus.models import MPLUS_TZ
from bot.notifier.changes import Change, order_state
from bot.notifier.delivery import Delivery
from bot.overview.digest_chart import DigestChart
from bot.slack import channel_messages as said
from bot.slack.i18n import ENGLISH, Translator
from bot.slack.views.notifications import DigestLine, digest_message
from bot.store.cards import Digest, DigestEntry, DigestStore, DigestSummary
from bot.store.subscriptions import Subscription, SubscriptionFilter

log = logging.getLogger(__name__)

Readers = Callable[[str], Translator]
"""channel → the Translator of its language (``bot.slack.channel_language.ChannelReaders``)."""

BURST = "burst"
DAILY = "daily"


def entry_of(change: Change) -> DigestEntry:
    order = change.order
    line = DigestLine(
        number=order.number,
        relation=order.relation_name,
        total_cents=order.total_incl_amount,
        state=order_state(order),
    )
    return DigestEntry(
        order_id=order.order_id, sync_marker=change.marker, state=line.state, data=line.model_dump()
    )


def _lines(summary: DigestSummary) -> list[DigestLine]:
    lines = []
    for entry in summary.first:
        try:
            lines.append(DigestLine.model_validate(entry.data))
        except ValueError:
            continue  # an entry from an older layout; the counts still include it
    return lines


class BurstDigests:
    def __init__(
        self,
        store: DigestStore,
        threshold: int,
        start_marker: int,
        first: int = 5,
        readers: Readers = lambda _channel: ENGLISH,
    ) -> None:
        self._store = store
        self._readers = readers
        self._threshold = threshold
        self._start = start_marker
        self._first = first
        # Digests a crashed or failed pass left open go on: the backlog they describe is the same one.
        self._open: dict[str, Digest] = {d.channel_id: d for d in store.open_digests(BURST)}

    def open(self, channel: str) -> None:
        """Start (or keep) this pass's digest for ``channel``."""
        if channel not in self._open:
            key = f"{BURST}:{channel}:{self._start}"
            self._open[channel] = self._store.open(key, channel, BURST, key)
            log.info(
                "burst in %s: more than %d changes this pass, posting a digest", channel, self._threshold
            )

    def active(self, channel: str) -> bool:
        return channel in self._open

    def bucket(self, channel: str) -> str:
        return self._open[channel].bucket

    def flush(self, delivery: Delivery, channels: Iterable[str]) -> None:
        for channel in sorted(set(channels)):
            digest = self._open[channel]
            summary = self._store.summary(digest.bucket, self._first)
            if summary.total:
                self._open[channel] = delivery.publish_digest(
                    digest, self._message(summary, self._readers(channel))
                )

    def close_all(self, delivery: Delivery) -> None:
        """The pass caught up: bring every open digest up to date, then close it."""
        self.flush(delivery, self._open)
        for channel, digest in list(self._open.items()):
            self._store.delete_entries(digest.bucket)  # first: a crash in between leaves an empty open digest
            self._store.close(digest.key)
            del self._open[channel]

    def _message(self, summary: DigestSummary, tr: Translator) -> dict:
        return digest_message(
            title=tr(said.BURST_TITLE),
            total=summary.total,
            by_state=summary.by_state,
            first=_lines(summary),
            footer=tr(said.BURST_FOOTER, threshold=tr.number(self._threshold)),
            tr=tr,
        )


def daily_bucket(channel: str, at: str) -> str:
    return f"{DAILY}:{channel}:{at}"


class DailyDigests:
    def __init__(
        self,
        store: DigestStore,
        first: int = 5,
        chart: DigestChart | None = None,
        readers: Readers = lambda _channel: ENGLISH,
    ) -> None:
        self._store = store
        self._readers = readers
        self._first = first
        self._chart = chart
        """Shares the filter's 7-day chart after the digest (best effort: never blocks the digest)."""

    def run(self, subscriptions: Sequence[Subscription], delivery: Delivery, now: datetime) -> int:
        """Post every daily digest that is due and not yet posted today; returns how many were posted."""
        local = now.astimezone(MPLUS_TZ)
        since: dict[tuple[str, str], datetime] = {}
        filters: dict[tuple[str, str], set[SubscriptionFilter]] = {}
        for sub in subscriptions:
            if sub.filter.digest_at:
                key = (sub.channel_id, sub.filter.digest_at)
                since[key] = min(since.get(key, sub.created_at), sub.created_at)
                # The chart follows what the digest follows; events and time do not change its orders.
                filters.setdefault(key, set()).add(
                    sub.filter.model_copy(update={"events": frozenset(), "digest_at": None})
                )
        posted = 0
        for (channel, at), created in sorted(since.items()):
            hour, minute = (int(part) for part in at.split(":"))
            due = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
            if local < due or created > due:
                continue  # not yet today, or subscribed after today's digest time: first one tomorrow
            if self._publish(channel, at, due, delivery):
                posted += 1
                wanted = filters[(channel, at)]
                self._send_chart(channel, next(iter(wanted)) if len(wanted) == 1 else None, due)
        return posted

    def _send_chart(self, channel: str, flt: SubscriptionFilter | None, due: datetime) -> None:
        if self._chart is None:
            return
        try:
            self._chart(channel, flt, due.date(), self._readers(channel))
        except Exception:  # the digest itself is out; a missing picture must not repeat it
            log.exception("could not share the digest chart in %s", channel)

    def _publish(self, channel: str, at: str, due: datetime, delivery: Delivery) -> bool:
        key = f"{daily_bucket(channel, at)}:{due.date().isoformat()}"
        digest = self._store.get(key)
        if digest is not None and digest.closed:
            return False
        bucket = daily_bucket(channel, at)
        digest = digest or self._store.open(key, channel, DAILY, bucket)
        started = digest.ts is not None or digest.pending_nonce is not None
        summary = self._store.summary(bucket, self._first, digest.upto_entry_id if started else None)
        if summary.total == 0 and not started:
            self._store.close(key)  # a quiet day: nothing to say, and no message saying so
            return False
        tr = self._readers(channel)
        message = digest_message(
            title=tr(said.DAILY_TITLE, date=tr.date(due.date())),
            total=summary.total,
            by_state=summary.by_state,
            first=_lines(summary),
            footer=tr(said.DAILY_FOOTER, command="/order"),
            tr=tr,
        )
        digest = delivery.publish_digest(digest, message, upto_entry_id=summary.upto_entry_id)
        self._store.delete_entries(bucket, digest.upto_entry_id)
        self._store.close(key)
        return True
