"""Exactly-once Slack posts for cards, threaded notes and digests.

Protocol for every post that must not repeat (see ``bot.store.cards``):

1. write a pending row with a fresh nonce (a claim: a unique INSERT or a conditional UPDATE);
2. post, with the nonce in the message metadata;
3. store the ts and clear the pending fields.

Finding a pending nonce at step 1 means an earlier attempt died after 1: the message is looked up
by its nonce, adopted if it is there, posted again only if it is not. ``chat.update`` is idempotent
and needs none of this. ``guard`` (the lease check) runs before every Slack write.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from bot.notifier.slack_port import MessageGone, SlackFailure, SlackPort
from bot.store.cards import Card, CardStore, Digest, DigestStore
from bot.store.db import utcnow

log = logging.getLogger(__name__)

Message = dict[str, Any]


def nonce() -> str:
    return uuid.uuid4().hex


class Delivery:
    def __init__(
        self, slack: SlackPort, cards: CardStore, digests: DigestStore, guard: Callable[[], None]
    ) -> None:
        self.slack = slack
        self.cards = cards
        self.digests = digests
        self.guard = guard
        self.posts = 0
        self.updates = 0

    # ----------------------------------------------------------------------- cards

    def resolve(self, card: Card) -> Card | None:
        """Settle a pending post left by an earlier attempt; None if the card does not exist (any more)."""
        if not card.pending_nonce or card.pending_marker is None:
            return card
        since = card.pending_at or utcnow()
        try:
            if card.pending_kind == "card":
                ts = self.slack.find_nonce(card.channel_id, card.pending_nonce, since=since)
                if ts is None:
                    self.cards.forget(card.order_id, card.channel_id)
                    return None
                log.info("adopted card %s in %s found by nonce", card.order_id, card.channel_id)
                self.cards.card_posted(card.order_id, card.channel_id, ts, card.pending_marker)
            else:
                assert card.ts is not None
                found = self.slack.find_nonce(
                    card.channel_id, card.pending_nonce, since=since, thread_ts=card.ts
                )
                if found is not None:
                    self.cards.shown(card.order_id, card.channel_id, card.pending_marker)
                else:
                    self.cards.clear_pending(card.order_id, card.channel_id)
        except MessageGone:
            self.cards.forget(card.order_id, card.channel_id)
            return None
        return self.cards.get(card.order_id, card.channel_id)

    def new_card(self, order_id: str, channel: str, marker: int, message: Message) -> bool:
        """Post the first card of an order in a channel; False if one exists already (caller refreshes)."""
        key = nonce()
        if not self.cards.begin_card(order_id, channel, marker, key):
            return False
        self.guard()
        try:
            ts = self.slack.post(channel, message["text"], message["blocks"], nonce=key)
        except SlackFailure as err:
            if not err.transient:
                self.cards.forget(order_id, channel)  # Slack refused it outright: it was not posted
            raise
        self.posts += 1
        self.cards.card_posted(order_id, channel, ts, marker)
        return True

    def refresh(self, card: Card, marker: int, message: Message, note: Message | None) -> None:
        """Update the card in place to ``marker``, then thread ``note`` under it (each at most once)."""
        if card.ts is None or (card.shown_marker is not None and card.shown_marker >= marker):
            return
        self.guard()
        try:
            self.slack.update(card.channel_id, card.ts, message["text"], message["blocks"])
        except MessageGone:
            log.info(
                "card %s in %s was deleted in Slack; no longer kept current", card.order_id, card.channel_id
            )
            self.cards.forget(card.order_id, card.channel_id)
            return
        self.updates += 1
        if note is None:
            self.cards.shown(card.order_id, card.channel_id, marker)
            return
        key = nonce()
        if not self.cards.begin_note(card.order_id, card.channel_id, marker, key):
            return  # another attempt owns this note (or it is done)
        self.guard()
        try:
            self.slack.post(card.channel_id, note["text"], note["blocks"], nonce=key, thread_ts=card.ts)
        except MessageGone:
            self.cards.forget(card.order_id, card.channel_id)
            return
        except SlackFailure as err:
            if not err.transient:
                self.cards.shown(card.order_id, card.channel_id, marker)  # refused: skip the note, keep going
            raise
        self.posts += 1
        self.cards.shown(card.order_id, card.channel_id, marker)

    # --------------------------------------------------------------------- digests

    def publish_digest(self, digest: Digest, message: Message, upto_entry_id: int | None = None) -> Digest:
        """Post the digest message once, or update it in place if it is already posted."""
        if digest.ts is None and digest.pending_nonce:
            found = self.slack.find_nonce(
                digest.channel_id, digest.pending_nonce, since=digest.pending_at or utcnow()
            )
            if found is not None:
                self.digests.posted(digest.key, found)
            else:
                self.digests.clear_pending(digest.key)
            digest = self.digests.get(digest.key) or digest
        if digest.ts is not None:
            self.guard()
            try:
                self.slack.update(digest.channel_id, digest.ts, message["text"], message["blocks"])
                self.updates += 1
                return digest
            except MessageGone:
                self.digests.message_gone(digest.key)  # deleted: post a fresh one below
                digest = digest.model_copy(update={"ts": None})
        key = nonce()
        if not self.digests.begin_post(digest.key, key, upto_entry_id):
            return self.digests.get(digest.key) or digest
        self.guard()
        try:
            ts = self.slack.post(digest.channel_id, message["text"], message["blocks"], nonce=key)
        except SlackFailure as err:
            if not err.transient:
                self.digests.clear_pending(digest.key)
            raise
        self.posts += 1
        self.digests.posted(digest.key, ts)
        return self.digests.get(digest.key) or digest
