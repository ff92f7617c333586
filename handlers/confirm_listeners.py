"""The Bolt listeners of the confirm flow: Pay / Deliver / Cancel buttons, Confirm, Back, the pay form.

Each acks at once (the pay form's ack checks its fields, in the language the form was opened in);
the work runs in lazy listeners through ``handlers.confirm_flow.ConfirmFlow``.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.mplus.money import parse_cents
from bot.orders.confirmed_actions import Outcome, why_not_applicable
from bot.orders.permissions import Action
from bot.slack import messages, views
from bot.slack.deps import Deps
from bot.slack.i18n import translator
from bot.slack.ids import ActionId, CallbackId, CardLocation, ConfirmRef, InvalidValue, OrderRef, PayFormMeta
from bot.slack.messages import FORM_ORIGIN_UNKNOWN, NOT_YOUR_PROMPT, STALE_BUTTON
from bot.slack.text import escape
from bot.slack.views import prompts
from handlers.authorise import authorised
from handlers.confirm_flow import (
    ACTION_OF_BUTTON,
    OUTCOME_TEXT,
    ConfirmFlow,
    card_location,
    ephemeral,
    reason_text,
)
from handlers.form_state import FORGED_FORM, state_values
from handlers.pay_form_values import pay_form_errors, pay_values
from handlers.replies import reply_on_failure
from handlers.surface import view_reply


def register(app: App, deps: Deps) -> None:
    flow = ConfirmFlow(deps)

    def ack(ack: Ack) -> None:
        ack()

    def start_from_button(body: dict[str, Any], respond: Respond | None, client: WebClient) -> None:
        action_id = ActionId(body["actions"][0]["action_id"])
        # From the App Home there is no card: prompts and notes go to the person's DM with the bot.
        reply, dm = view_reply(body, respond, client)
        try:
            ref = OrderRef.decode(body["actions"][0].get("value"))
        except InvalidValue:
            ephemeral(reply, STALE_BUTTON)
            return
        with reply_on_failure(reply, f"{action_id.value} {ref.order_id}"):
            flow.start(
                ACTION_OF_BUTTON[action_id],
                ref.order_id,
                user_id=body["user"]["id"],
                card=CardLocation(channel=dm) if dm else card_location(body),
                trigger_id=body.get("trigger_id"),
                respond=reply,
                client=client,
            )

    def confirm_pressed(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        try:
            ref = ConfirmRef.decode(body["actions"][0].get("value"))
        except InvalidValue:
            ephemeral(respond, STALE_BUTTON)
            return
        with reply_on_failure(respond, "confirm"):
            flow.confirm(ref.token, user_id=body["user"]["id"], respond=respond, client=client)

    def back_pressed(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        tr = flow.reader(body["user"]["id"], client)
        try:
            ref = ConfirmRef.decode(body["actions"][0].get("value"))
        except InvalidValue:
            ephemeral(respond, tr(STALE_BUTTON))
            return
        with reply_on_failure(respond, "back"):
            pending = deps.confirmations.get(ref.token)
            if pending is not None and pending.user_id != body["user"]["id"]:
                ephemeral(respond, tr(NOT_YOUR_PROMPT))
                return
            withdrawn = deps.confirmed.withdraw(ref.token)
            said = OUTCOME_TEXT[Outcome.WITHDRAWN] if withdrawn else STALE_BUTTON
            ephemeral(respond, tr(said), replace=True)

    def ack_pay_form(ack: Ack, view: dict[str, Any]) -> None:
        try:
            meta = PayFormMeta.decode(view.get("private_metadata"))
        except InvalidValue:
            ack(response_action="errors", errors={prompts.BLOCK_PAY_AMOUNT: STALE_BUTTON})
            return
        # The ack path: no users.info here; the form carries the language it was opened in.
        tr = translator(meta.language)
        if deps.form_origins is not None and deps.form_origins.get(view.get("id")) is None:
            ack(response_action="errors", errors={prompts.BLOCK_PAY_AMOUNT: tr(FORM_ORIGIN_UNKNOWN)})
            return
        if state_values(view) is None:
            ack(response_action="errors", errors={prompts.BLOCK_PAY_AMOUNT: tr(FORGED_FORM)})
            return
        errors = pay_form_errors(pay_values(view), meta.outstanding_cents, tr)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()

    def pay_form_submitted(body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        meta = PayFormMeta.decode(view.get("private_metadata"))
        if state_values(view) is None:
            return  # refused in the ack
        values = pay_values(view)
        origin = deps.form_origins.get(view.get("id")) if deps.form_origins is not None else None
        if pay_form_errors(values, meta.outstanding_cents, translator(meta.language)) or (
            deps.form_origins and origin is None
        ):
            return  # answered in the ack
        if origin is not None and origin.channel_id != meta.card.channel:
            # The form says another channel than it was opened in: believe the server, not the form.
            meta = meta.model_copy(update={"card": CardLocation(c=origin.channel_id)})
        user_id = body["user"]["id"]
        tr = flow.reader(user_id, client)

        def tell(text: str, blocks: list[dict]) -> None:
            channel = meta.card.channel
            client.chat_postEphemeral(channel=channel, user=user_id, text=escape(text), blocks=blocks)

        with reply_on_failure(
            lambda **reply: tell(reply["text"], reply["blocks"]), f"pay form {meta.order_id}"
        ):
            if not authorised(
                deps, user_id, Action.PAY, tell, order_id=meta.order_id, channel_id=meta.card.channel
            ):
                return
            order = deps.orders.get(meta.order_id)
            not_applicable = why_not_applicable(Action.PAY, order, deps.orders.categories())
            reason = reason_text(not_applicable, tr) if not_applicable else None
            if not reason and order.is_delivered and values["kind"] == prompts.KIND_DEPOSIT:
                reason = tr(messages.PAY_DEPOSIT_ON_DELIVERED)  # the form was opened before delivery
            if reason:
                tell(reason, views.notice_view(reason))
                return
            cents = parse_cents(values["amount"])
            params = {
                "amount_cents": cents,
                "method": values["method"],
                "method_description": values["method_description"],
                "prepay": values["kind"] == prompts.KIND_DEPOSIT,
                "overpayment_cents": max(cents - order.outstanding_cents, 0),
            }
            flow.prompt(Action.PAY, order, user_id=user_id, card=meta.card, params=params, client=client)

    for button in ACTION_OF_BUTTON:
        app.action(button.value)(ack=ack, lazy=[start_from_button])
    app.action(ActionId.CONFIRM.value)(ack=ack, lazy=[confirm_pressed])
    app.action(ActionId.BACK.value)(ack=ack, lazy=[back_pressed])
    app.view(CallbackId.PAY_FORM.value)(ack=ack_pay_form, lazy=[pay_form_submitted])
