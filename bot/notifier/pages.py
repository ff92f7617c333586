"""The work of one pass, page by page: classify, route, hold, and advance the marker.

Anything that would *notify* a channel (a new card, or a card update with a threaded note) is held
until the pass has read every page, so the burst decision is exact: a channel with more than N held
changes gets one digest instead (its held changes become digest entries), the others get their cards
and notes at the end of the pass. Silent work (updating an existing card nobody is told about, burst
digest entries, daily digest entries) happens page by page.

The marker never passes a held or failed change; a held order's snapshot is saved only once its
notification is out, so a crash replays it with the same verdict.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from bot.mplus.models import Order
from bot.notifier.changes import Change, OrderSnapshot, classify, event_of_change
from bot.notifier.delivery import Delivery
from bot.notifier.digests import BurstDigests, daily_bucket, entry_of
from bot.notifier.routing import Router
from bot.notifier.slack_port import SlackFailure
from bot.slack.i18n import ENGLISH, Translator
from bot.slack.views.events import OrderEvent, note_message
from bot.slack.views.notifications import card_message
from bot.slack.views.order import Catalogue
from bot.store.audit import AuditEntry
from bot.store.cards import Card, CardStore, DigestEntry, DigestStore, SnapshotStore
from bot.store.db import utcnow
from bot.store.lease_keeper import LeaseLost
from bot.store.sync_state import SyncState, SyncStateStore

log = logging.getLogger(__name__)


@dataclass
class Held:
    channel: str
    change: Change
    card: Card | None
    """None: post a new card. Else: update this card and thread a note (if ``note``)."""
    note: bool


@dataclass
class Stores:
    sync: SyncStateStore
    cards: CardStore
    snapshots: SnapshotStore
    digests: DigestStore


class PassWork:
    def __init__(
        self,
        state: SyncState,
        stores: Stores,
        router: Router,
        bursts: BurstDigests,
        delivery: Delivery,
        catalogue: Callable[[], Catalogue],
        bot_entry: Callable[[Change], AuditEntry | None],
        burst: int,
        readers: Callable[[str], Translator] = lambda _channel: ENGLISH,
    ) -> None:
        self.state = state
        self.stores = stores
        self.router = router
        self.bursts = bursts
        self.delivery = delivery
        self.catalogue = catalogue
        self.bot_entry = bot_entry
        self.burst = burst
        self.readers = readers
        """Each channel's language, for its cards and notes."""
        self.marker = state.next_marker
        """The stored marker: lowest change not yet fully handled."""
        self.read_to = state.next_marker
        """One past the highest marker read in this pass."""
        self.changes = 0
        self.held: dict[str, dict[str, Held]] = defaultdict(dict)
        self._events: dict[tuple[str, int], OrderEvent] = {}

    # ---------------------------------------------------------------------- a page

    def page(self, orders: Sequence[Order]) -> None:
        ids = [order.order_id for order in orders]
        previous = self._snapshots(ids)
        cards: dict[str, list[Card]] = defaultdict(list)
        for (order_id, _channel), card in self.stores.cards.for_orders(ids).items():
            cards[order_id].append(card)
        entries: dict[str, list[DigestEntry]] = defaultdict(list)
        processed: list[Change] = []
        failure: SlackFailure | None = None
        stopped_at: int | None = None
        for order in orders:
            change = classify(order, previous.get(order.order_id), self.state.baseline_at)
            try:
                self._route(change, cards.get(change.order_id, []), entries)
            except SlackFailure as err:  # transient only: stop here, the marker stays on this order
                failure, stopped_at = err, change.marker
                break
            processed.append(change)
            self.read_to = max(self.read_to, change.marker + 1)
        converted = self._convert_bursts(entries)
        latest = {c.order_id: c for c in [*converted, *processed] if not self._is_held(c.order_id)}
        done = sorted(latest.values(), key=lambda c: c.marker)
        for bucket, items in entries.items():
            self.stores.digests.add_entries(bucket, items)
        self.bursts.flush(self.delivery, [b.split(":")[1] for b in entries if b.startswith("burst:")])
        self._commit(done, stopped_at)
        if failure is not None:
            raise failure

    def _route(self, change: Change, cards: list[Card], entries: dict[str, list[DigestEntry]]) -> None:
        route = self.router.route(change)
        by_channel = {card.channel_id: card for card in cards}
        for channel in sorted(set(by_channel) | route.live):
            card = by_channel.get(channel)
            if card is not None and card.pending_nonce:
                card = self.delivery.resolve(card)  # an earlier attempt died mid-post
            held = self.held[channel].get(change.order_id)
            if channel in route.live and self.bursts.active(channel):
                entries[self.bursts.bucket(channel)].append(entry_of(change))
                self._silently(change, card)
            elif channel in route.live or held is not None:
                # Held until the pass ends; a later version of a held order replaces it (its events,
                # judged against the same stored snapshot, include the earlier ones).
                # Changes made through the bot get their note here too: every channel following the
                # order hears of it; the channel where it was made is claimed first by the bot.
                note = card is not None
                self.held[channel][change.order_id] = Held(
                    channel, change, card, note or bool(held and held.note)
                )
            else:
                self._silently(change, card)  # keep the card current; this change is not for this channel
        for channel, at in route.digests:
            entries[daily_bucket(channel, at)].append(entry_of(change))

    def _silently(self, change: Change, card: Card | None) -> None:
        if card is not None and (card.shown_marker is None or card.shown_marker < change.marker):
            self._guarded(
                change,
                card.channel_id,
                lambda: self.delivery.refresh(card, change.marker, self._card(change, card.channel_id), None),
            )

    def _convert_bursts(self, entries: dict[str, list[DigestEntry]]) -> list[Change]:
        """Channels with more than N held changes this pass get a digest instead of cards and notes."""
        converted: list[Change] = []
        for channel, held in list(self.held.items()):
            if len(held) <= self.burst or self.bursts.active(channel):
                continue
            self.bursts.open(channel)
            bucket = self.bursts.bucket(channel)
            for item in sorted(held.values(), key=lambda h: h.change.marker):
                entries[bucket].append(entry_of(item.change))
                self._silently(item.change, item.card)
                converted.append(item.change)
            del self.held[channel]
        return converted

    # ------------------------------------------------------------------ the end

    def finish(self) -> None:
        """Post everything held, oldest change first; each order's snapshot once all its posts are out."""
        by_order: dict[str, list[Held]] = defaultdict(list)
        for channel_held in self.held.values():
            for order_id, item in channel_held.items():
                by_order[order_id].append(item)
        done: list[Change] = []
        stopped_at: int | None = None
        failure: SlackFailure | None = None
        for items in sorted(by_order.values(), key=lambda its: its[0].change.marker):
            change = items[0].change
            try:
                for item in items:
                    self._post(item)
                    del self.held[item.channel][change.order_id]
            except SlackFailure as err:
                failure, stopped_at = err, change.marker
                break
            done.append(change)
        self.held = defaultdict(dict, {c: h for c, h in self.held.items() if h})
        self._commit(done, stopped_at)
        if failure is not None:
            raise failure

    def _post(self, item: Held) -> None:
        change, channel = item.change, item.channel
        if item.card is None:
            self._guarded(
                change,
                channel,
                lambda: self.delivery.new_card(
                    change.order_id, channel, change.marker, self._card(change, channel)
                ),
            )
            return
        card = item.card
        tr = self.readers(card.channel_id)
        note = note_message(change.order, self._event(change), tr=tr) if item.note else None
        self._guarded(
            change,
            card.channel_id,
            lambda: self.delivery.refresh(card, change.marker, self._card(change, card.channel_id), note),
        )

    def _guarded(self, change: Change, channel: str, action: Callable[[], object]) -> bool:
        """Run a Slack action; a permanent refusal is logged and skipped, a transient one stops the pass."""
        try:
            action()
        except SlackFailure as err:
            if err.transient:
                raise
            log.warning(
                "order %s not shown in %s: Slack refused (%s); skipped",
                change.order.number,
                channel,
                err.error,
            )
            return False
        return True

    # ---------------------------------------------------------------- bookkeeping

    def _card(self, change: Change, channel: str) -> dict:
        """The card in ``channel``'s language."""
        tr = self.readers(channel)
        return card_message(change.order, self.catalogue(), sorted(change.events), self._event(change), tr)

    def _event(self, change: Change) -> OrderEvent:
        cached = self._events.get((change.order_id, change.marker))
        if cached is None:
            # One audit lookup per change: who made it, when it was made through the bot.
            cached = event_of_change(change, utcnow(), self.bot_entry(change))
            self._events[(change.order_id, change.marker)] = cached
        return cached

    def _is_held(self, order_id: str) -> bool:
        return any(order_id in held for held in self.held.values())

    def _held_min(self) -> int | None:
        markers = [item.change.marker for held in self.held.values() for item in held.values()]
        return min(markers) if markers else None

    def _commit(self, done: list[Change], stopped_at: int | None) -> None:
        """Save finished orders' snapshots, then move the marker up to the first unfinished change."""
        self.stores.snapshots.save([(c.order_id, c.marker, c.snapshot.model_dump()) for c in done])
        limits = [m for m in (stopped_at, self._held_min(), self.read_to) if m is not None]
        new_marker = max(self.marker, min(limits))
        if new_marker != self.marker or done:
            if not self.stores.sync.advance(self.marker, new_marker, handled=len(done)):
                raise LeaseLost("the stored marker moved under this pass")
            self.marker = new_marker
        self.changes += len(done)

    def _snapshots(self, ids: list[str]) -> dict[str, OrderSnapshot]:
        found: dict[str, OrderSnapshot] = {}
        for order_id, data in self.stores.snapshots.for_orders(ids).items():
            try:
                found[order_id] = OrderSnapshot.model_validate(data)
            except ValidationError:
                continue  # an older layout: judge the order as never seen
        return found
