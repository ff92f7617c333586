"""An order card as a reply, with its latest event on top: shared by commands and buttons."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.mplus.models import Order
from bot.notifier.live import LiveCards
from bot.slack import views
from bot.slack.channel_language import ChannelReaders
from bot.slack.deps import Deps
from bot.slack.i18n import ENGLISH, Translator
from bot.store.db import utcnow
from handlers.replies import catalogue, message


def latest_event(order: Order, deps: Deps) -> views.OrderEvent | None:
    """The change through Orderbot that left the order as it is now, for the card's top line."""
    entry = deps.audit.entry_after(order.order_id, order.sync_marker) if order.sync_marker else None
    return views.event_of_action(entry.action, entry.user_id, entry.at, entry.params) if entry else None


def card_reply(
    order: Order, deps: Deps, *, ephemeral: bool = True, tr: Translator = ENGLISH
) -> dict[str, Any]:
    """The card as a reply; an ephemeral copy says "as of" since nobody can update it later."""
    as_of = utcnow() if ephemeral else None
    blocks = views.order_card(order, catalogue(deps), event=latest_event(order, deps), as_of=as_of, tr=tr)
    return message(blocks, views.order_summary_text(order, tr))


def channel_reader(deps: Deps, channel_id: str | None) -> Translator:
    """A post in ``channel_id`` is everyone's there: the channel's language, else ORDERBOT_LANGUAGE."""
    return ChannelReaders(deps.db, deps.languages.default)(channel_id)


def live_cards(deps: Deps, client: WebClient, reader: Translator | None = None) -> LiveCards:
    """Every card of an order, each in its channel's language; ``reader``: the person who acted, for
    the copy only they see."""
    return LiveCards(deps.db, client, lambda: catalogue(deps), deps.languages.default, reader)
