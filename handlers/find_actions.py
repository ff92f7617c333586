"""Buttons on find results: Show (the order's card, live from Mplus) and New order for this customer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.orders.drafts import RelationChoice, relation_label
from bot.slack import views
from bot.slack.deps import Deps
from bot.slack.ids import ActionId, InvalidValue, OrderRef, RelationRef
from bot.slack.messages import STALE_BUTTON
from handlers.form_commands import channel_of, ephemeral_teller, open_new_form, user_of
from handlers.read_commands import card_reply
from handlers.replies import reply_on_failure
from handlers.surface import view_reply


def _ack(ack: Ack) -> None:
    ack()


def _value(body: dict[str, Any]) -> str:
    return str((body.get("actions") or [{}])[0].get("value") or "")


def _stale(respond: Respond | Callable[..., Any]) -> None:
    respond(
        text=STALE_BUTTON,
        blocks=views.error_view(STALE_BUTTON),
        response_type="ephemeral",
        replace_original=False,
    )


def register(app: App, deps: Deps) -> None:
    def show(body: dict[str, Any], respond: Respond | None, client: WebClient) -> None:
        reply, _dm = view_reply(body, respond, client)  # from the App Home: the card comes in the DM
        try:
            ref = OrderRef.decode(_value(body))
        except InvalidValue:
            _stale(reply)
            return
        with reply_on_failure(reply, f"show {ref.order_id}"):
            # The list stays; the card comes as a new message, read from Mplus now (it offers actions).
            order = deps.orders.get(ref.order_id)
            reply(response_type="ephemeral", replace_original=False, **card_reply(order, deps))

    def new_for_relation(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        try:
            ref = RelationRef.decode(_value(body))
        except InvalidValue:
            _stale(respond)
            return
        open_new_form(
            deps,
            client,
            trigger_id=body.get("trigger_id"),
            user_id=user_of(body),
            channel_id=channel_of(body),
            tell=ephemeral_teller(respond),
            relation=RelationChoice(
                number=ref.relation_number, label=relation_label(ref.name, ref.relation_number)
            ),
        )

    app.action(ActionId.SHOW.value)(ack=_ack, lazy=[show])
    app.action(ActionId.NEW_ORDER_FOR.value)(ack=_ack, lazy=[new_for_relation])
