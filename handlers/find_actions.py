"""The New order for this customer button on find results (Show is the list rows' own button)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.orders.drafts import RelationChoice, relation_label
from bot.slack import views
from bot.slack.deps import Deps
from bot.slack.ids import ActionId, InvalidValue, RelationRef
from bot.slack.messages import STALE_BUTTON
from handlers.form_commands import channel_of, ephemeral_teller, open_new_form, user_of


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

    app.action(ActionId.NEW_ORDER_FOR.value)(ack=_ack, lazy=[new_for_relation])
