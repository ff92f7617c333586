"""Every card of an order tells the truth, right after a change made through the bot.

The notifier keeps channel cards current when it sees a change; a person who just pressed Confirm
(or saved an edit) should not wait for its next pass, and the card they acted on may be one the
notifier does not know (an ephemeral ``/order show`` copy, a card posted before cards were
tracked). So after a change the bot itself:

- updates every tracked card of the order, in every channel (``chat.update`` is idempotent, so
  the notifier doing it again later is harmless);
- threads the note under the card in the channel where the change was made, claimed with the
  same pending-nonce row as the notifier's notes, so that channel gets it once; other channels
  get their note from the notifier, according to what they follow;
- updates the card the person acted on: in place when it is public (and adopts it as the
  channel's card when the channel has none), through its response URL when only they can see it,
  marked "as of" because it cannot be kept current after that;
- where the channel has no card at all, posts the note on its own with a Show button.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.mplus.models import Order
from bot.notifier.delivery import Delivery
from bot.notifier.slack_port import MessageGone, SlackFailure, WebClientSlack
from bot.slack.channel_language import ChannelReaders
from bot.slack.i18n import Translator
from bot.slack.ids import CardLocation
from bot.slack.views.events import OrderEvent, note_message
from bot.slack.views.notifications import card_message
from bot.slack.views.order import Catalogue, order_card, order_summary_text
from bot.store.cards import Card, CardStore, DigestStore
from bot.store.db import Database, utcnow

log = logging.getLogger(__name__)


class LiveCards:
    def __init__(
        self,
        db: Database,
        client: WebClient,
        catalogue: Callable[[], Catalogue],
        language: str = "en",
        reader: Translator | None = None,
    ) -> None:
        """``language``: ORDERBOT_LANGUAGE, for channels without their own; ``reader``: the person who
        made the change, for the ephemeral copy of the card only they see."""
        self.readers = ChannelReaders(db, language)
        self.reader = reader
        self.cards = CardStore(db)
        self.slack = WebClientSlack(client, post_interval_s=0)
        self.delivery = Delivery(self.slack, self.cards, DigestStore(db), lambda: None)
        self.catalogue = catalogue

    # -------------------------------------------------------------------- after a change

    def changed(
        self, order: Order, event: OrderEvent, origin: CardLocation | None, *, announce: bool = True
    ) -> bool:
        """Bring every card of ``order`` up to date; True if ``origin``'s channel now shows a card.

        ``announce``: where that channel has no card, post the note on its own (with Show); off when
        the caller posts a card there instead.
        """
        catalogue = self.catalogue()
        marker = order.sync_marker or 0
        channel = origin.channel if origin else ""
        tracked = self._tracked(order.order_id)
        for card in tracked:
            tr = self.readers(card.channel_id)  # each channel its own language
            public = card_message(order, catalogue, event=event, tr=tr)
            if card.channel_id == channel:
                note = note_message(order, event, tr=tr)
                self._guard(lambda c=card, p=public, n=note: self.delivery.refresh(c, marker, p, n))
            else:
                self._update(card, public)
        if origin is None or not channel:
            return False
        tr = self.readers(channel)
        public = card_message(order, catalogue, event=event, tr=tr)
        note = note_message(order, event, tr=tr)
        here = next((c for c in tracked if c.channel_id == channel), None)
        ts = origin.ts
        if ts and not origin.ephemeral:
            if here is None or here.ts != ts:
                self._guard(lambda: self.slack.update(channel, ts, public["text"], public["blocks"]))
            if here is None:  # the channel's card from now on, with the note in its thread
                self._adopt(order.order_id, channel, ts, marker)
                self._guard(lambda: self.slack.post(channel, note["text"], note["blocks"], thread_ts=ts))
            return True
        self.replace_ephemeral(order, origin, event)
        if here is None:
            if announce:
                alone = note_message(order, event, with_show=True, tr=tr)
                self._guard(lambda: self.slack.post(channel, alone["text"], alone["blocks"]))
            return False
        return True

    def post_card(self, order: Order, event: OrderEvent, channel: str) -> bool:
        """The order's card in ``channel`` (posted once, tracked), with the note in its thread."""
        marker = order.sync_marker or 0
        tr = self.readers(channel)
        public = card_message(order, self.catalogue(), event=event, tr=tr)
        note = note_message(order, event, tr=tr)
        key = uuid.uuid4().hex
        if not self.cards.begin_card(order.order_id, channel, marker, key):
            # The notifier (or an earlier attempt) has a card here already: bring that one up to date.
            return self.changed(order, event, CardLocation(channel=channel))
        try:
            ts = self.slack.post(channel, public["text"], public["blocks"], nonce=key)
        except SlackFailure as err:
            log.warning("order card could not be posted in %s: %s", channel, err.error)
            if not err.transient:
                self.cards.forget(order.order_id, channel)
            return False
        self.cards.card_posted(order.order_id, channel, ts, marker)
        self._guard(lambda: self.slack.post(channel, note["text"], note["blocks"], thread_ts=ts))
        return True

    # ----------------------------------------------------------- a refused, stale press

    def refresh(self, order: Order, origin: CardLocation | None, event: OrderEvent | None = None) -> None:
        """The card whose button was out of date shows the order as it is now (and so do the others);
        ``event``, if known, is the change that left it so (for the top line)."""
        catalogue = self.catalogue()
        for card in self._tracked(order.order_id):
            self._update(card, card_message(order, catalogue, event=event, tr=self.readers(card.channel_id)))
        if origin is None:
            return
        if origin.ts and not origin.ephemeral and origin.channel:
            public = card_message(order, catalogue, event=event, tr=self.readers(origin.channel))
            self._guard(
                lambda: self.slack.update(origin.channel, origin.ts or "", public["text"], public["blocks"])
            )
        else:
            self.replace_ephemeral(order, origin, event)

    def replace_ephemeral(self, order: Order, origin: CardLocation, event: OrderEvent | None) -> None:
        if not origin.response_url:
            return
        # Only the person sees this copy: their language, else the channel's.
        tr = self.reader or self.readers(origin.channel)
        blocks = order_card(order, self.catalogue(), event=event, as_of=utcnow(), tr=tr)
        try:
            WebhookClient(origin.response_url).send(
                replace_original=True, blocks=blocks, text=order_summary_text(order, tr)
            )
        except Exception:  # the change itself is done; an old copy must not hide that
            log.exception("could not replace the ephemeral card of %s", order.order_id)

    # ------------------------------------------------------------------------ plumbing

    def _tracked(self, order_id: str) -> list[Card]:
        return [c for c in self.cards.for_orders([order_id]).values() if c.ts is not None]

    def _update(self, card: Card, message: dict[str, Any]) -> None:
        assert card.ts is not None
        try:
            self.slack.update(card.channel_id, card.ts, message["text"], message["blocks"])
        except MessageGone:
            self.cards.forget(card.order_id, card.channel_id)
        except SlackFailure as err:
            log.warning("card of %s in %s not updated: %s", card.order_id, card.channel_id, err.error)

    def _adopt(self, order_id: str, channel: str, ts: str, marker: int) -> None:
        """A public card the bot posted before cards were tracked becomes the channel's card."""
        if self.cards.begin_card(order_id, channel, marker, uuid.uuid4().hex):
            self.cards.card_posted(order_id, channel, ts, marker)

    @staticmethod
    def _guard(action: Callable[[], object]) -> None:
        try:
            action()
        except SlackFailure as err:  # the change is done; one card that cannot be updated is logged
            log.warning("card update skipped: Slack %s", err.error)
