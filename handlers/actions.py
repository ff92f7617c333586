"""Button presses on order cards: ack at once, then re-render from Mplus (lists: ``list_command``)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond

from bot.slack import views
from bot.slack.deps import Deps
from bot.slack.ids import ActionId, InvalidValue, OrderRef
from bot.slack.messages import STALE_BUTTON
from handlers.read_commands import card_reply
from handlers.replies import reply_on_failure


def _ack(ack: Ack) -> None:
    ack()


def _value(body: dict[str, Any]) -> str:
    return str((body.get("actions") or [{}])[0].get("value") or "")


def _stale(respond: Respond) -> None:
    respond(
        text=STALE_BUTTON,
        blocks=views.error_view(STALE_BUTTON),
        response_type="ephemeral",
        replace_original=False,
    )


def register(app: App, deps: Deps) -> None:
    def refresh_card(body: dict[str, Any], respond: Respond) -> None:
        try:
            ref = OrderRef.decode(_value(body))
        except InvalidValue:
            _stale(respond)
            return
        with reply_on_failure(respond, f"refresh {ref.order_id}"):
            order = deps.orders.get(ref.order_id)
            respond(replace_original=True, **card_reply(order, deps))

    app.action(ActionId.REFRESH.value)(ack=_ack, lazy=[refresh_card])
