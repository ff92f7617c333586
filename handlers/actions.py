"""Button presses on order cards and notes: ack at once, then re-render from Mplus.

List buttons (Show, Previous/Next) live with the list in ``handlers.list_command``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.mplus.models import Order
from bot.slack import views
from bot.slack.deps import Deps
from bot.slack.i18n import Translator, translator
from bot.slack.ids import ActionId, InvalidValue, OrderRef, PayFormMeta
from bot.slack.messages import STALE_BUTTON
from bot.slack.views import prompts
from handlers.order_cards import card_reply, channel_reader
from handlers.pay_form_values import pay_values  # the pay form's one reader
from handlers.replies import catalogue, reply_on_failure

log = logging.getLogger(__name__)


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
    Reply = Callable[[Order, dict[str, Any], Translator], dict[str, Any]]

    def on_order(name: str, reply: Reply) -> Callable[..., None]:
        """A card button: read its order from Mplus, answer with ``reply(order, body, reader)``."""

        def listener(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
            try:
                ref = OrderRef.decode(_value(body))
            except InvalidValue:
                _stale(respond)
                return
            with reply_on_failure(respond, f"{name} {ref.order_id}"):
                reader = deps.languages.for_user((body.get("user") or {}).get("id"), client)
                respond(**reply(deps.orders.get(ref.order_id), body, reader))

        return listener

    def refreshed(order: Order, body: dict[str, Any], reader: Translator) -> dict[str, Any]:
        ephemeral = bool((body.get("container") or {}).get("is_ephemeral"))
        # A card in the channel is everyone's: it stays in the channel's language.
        container = body.get("container") or {}
        channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
        tr = reader if ephemeral else channel_reader(deps, channel)
        return {"replace_original": True, **card_reply(order, deps, ephemeral=ephemeral, tr=tr)}

    def shown(order: Order, _body: dict[str, Any], reader: Translator) -> dict[str, Any]:
        """A note's Show button: the card, with its buttons, only to the person who pressed it."""
        return {"response_type": "ephemeral", "replace_original": False, **card_reply(order, deps, tr=reader)}

    def details(order: Order, _body: dict[str, Any], reader: Translator) -> dict[str, Any]:
        """The card's More button: ids and the secondary fields, only to the person who pressed it."""
        return {
            "response_type": "ephemeral",
            "replace_original": False,
            "blocks": views.order_details(order, catalogue(deps), reader),
            "text": views.order_summary_text(order, reader),
        }

    def pay_form_changed(body: dict[str, Any], client: WebClient) -> None:
        """The pay form says what remains after the payment typed so far."""
        view = body.get("view") or {}
        try:
            meta = PayFormMeta.decode(view.get("private_metadata"))
        except InvalidValue:
            return
        values = pay_values(view)
        tr = translator(meta.language)  # the language the form was opened in
        line = prompts.pay_remains_line(meta.outstanding_cents, values["amount"], values["kind"], tr)
        try:  # hash: a newer keystroke's update wins over this one
            updated = prompts.with_pay_remains(view, line)
            client.views_update(view_id=view["id"], hash=view.get("hash"), view=updated)
        except SlackApiError as err:
            log.info("pay form remains line not updated: %s", err.response.get("error"))

    for block_id, action_id in (
        (prompts.BLOCK_PAY_AMOUNT, prompts.ACTION_PAY_AMOUNT),
        (prompts.BLOCK_PAY_KIND, prompts.ACTION_PAY_KIND),
    ):
        app.action({"block_id": block_id, "action_id": action_id})(ack=_ack, lazy=[pay_form_changed])
    app.action(ActionId.REFRESH.value)(ack=_ack, lazy=[on_order("refresh", refreshed)])
    app.action(ActionId.SHOW.value)(ack=_ack, lazy=[on_order("show", shown)])
    app.action(ActionId.MORE.value)(ack=_ack, lazy=[on_order("more", details)])
