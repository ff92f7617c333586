"""Cancel / pay / deliver from Slack: button or command → (pay modal →) prompt → Confirm → result.

Every listener acks at once; Mplus, the store and the Web API are used only in lazy listeners.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.mplus.errors import MplusError
from bot.mplus.models import Order
from bot.mplus.money import MoneyError, format_cents, parse_cents
from bot.orders.confirmed_actions import ConfirmResult, Outcome, why_not
from bot.orders.permissions import Action
from bot.slack import views
from bot.slack.deps import Deps
from bot.slack.ids import ActionId, CallbackId, CardLocation, ConfirmRef, InvalidValue, OrderRef, PayFormMeta
from bot.slack.messages import STALE_BUTTON, for_mplus_error
from bot.slack.views import prompts
from bot.store.db import utcnow
from handlers.authorise import authorised
from handlers.replies import catalogue, reply_on_failure
from handlers.surface import view_reply

log = logging.getLogger(__name__)

_ACTION_OF_BUTTON = {
    ActionId.PAY: Action.PAY,
    ActionId.DELIVER: Action.DELIVER,
    ActionId.CANCEL: Action.CANCEL,
}

OUTCOME_TEXT = {
    Outcome.EXPIRED: "This confirmation has expired; nothing was changed. Start again from the order.",
    Outcome.WITHDRAWN: "You went back on this one; nothing was changed.",
    Outcome.NOT_FOUND: STALE_BUTTON,
    Outcome.ALREADY_DONE: "This was already confirmed once; Orderbot did not do it a second time.",
    Outcome.IN_PROGRESS: "This is already being carried out; Orderbot will not do it a second time.",
    Outcome.STALE: "The order changed in Mplus since you were asked, so nothing was done. "
    "Here is the order as it is now; confirm again if it still makes sense.",
}


def _ephemeral(
    respond: Respond | Callable[..., Any],
    text: str,
    *,
    replace: bool = False,
    blocks: list[dict] | None = None,
) -> None:
    respond(
        text=text,
        blocks=blocks if blocks is not None else views.notice_view(text),
        response_type="ephemeral",
        replace_original=replace,
    )


def card_location(body: dict[str, Any]) -> CardLocation:
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id") or ""
    return CardLocation(
        channel=channel,
        ts=container.get("message_ts"),
        ephemeral=bool(container.get("is_ephemeral")),
        response_url=body.get("response_url"),
    )


class ConfirmFlow:
    """The flow, shared by buttons and commands; one instance per app."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def start(
        self,
        action: Action,
        order_id: str,
        *,
        user_id: str,
        card: CardLocation,
        trigger_id: str | None,
        respond: Respond | Callable[..., Any],
        client: WebClient,
    ) -> None:
        deps = self.deps

        def tell(text: str, blocks: list[dict]) -> None:
            _ephemeral(respond, text, blocks=blocks)

        if not authorised(deps, user_id, action, tell, order_id=order_id, channel_id=card.channel):
            return
        view_id = None
        if action == Action.PAY and trigger_id:
            # trigger_id dies 3 s after the click: open the modal before any Mplus call.
            view_id = client.views_open(trigger_id=trigger_id, view=prompts.loading_modal("Pay order"))[
                "view"
            ]["id"]
        order = deps.orders.get(order_id)
        reason = why_not(action, order, deps.orders.categories())
        if reason:
            if view_id:
                client.views_update(view_id=view_id, view=prompts.notice_modal("Pay order", reason))
            else:
                _ephemeral(respond, reason)
            return
        if action == Action.PAY:
            meta = PayFormMeta(order_id=order.order_id, outstanding_cents=order.outstanding_cents, card=card)
            form = prompts.pay_modal(order, deps.orders.payment_methods(), meta)
            if view_id:
                client.views_update(view_id=view_id, view=form)
            else:
                _ephemeral(respond, "Could not open the payment form; press Pay on the order card again.")
            return
        self.prompt(action, order, user_id=user_id, card=card, params={}, client=client)

    def prompt(
        self,
        action: Action,
        order: Order,
        *,
        user_id: str,
        card: CardLocation,
        params: dict[str, Any],
        client: WebClient,
    ) -> None:
        stored = {**params, "card": card.model_dump(by_alias=True)}
        confirmation = self.deps.confirmed.propose(
            action, order, user_id=user_id, channel_id=card.channel, params=stored
        )
        minutes = max(int(self.deps.confirm_ttl.total_seconds() // 60), 1)
        client.chat_postEphemeral(
            channel=card.channel,
            user=user_id,
            text=prompts.prompt_fallback_text(action, order),
            blocks=prompts.confirmation_prompt(action, order, params, confirmation.token, minutes),
        )

    def confirm(self, token: str, *, user_id: str, respond: Respond, client: WebClient) -> None:
        deps = self.deps
        pending = deps.confirmations.get(token)
        if pending is None:
            _ephemeral(respond, STALE_BUTTON)
            return
        action = Action(pending.action)

        def tell(text: str, blocks: list[dict]) -> None:
            _ephemeral(respond, text, blocks=blocks)

        if not authorised(
            deps, user_id, action, tell, order_id=pending.order_id, channel_id=pending.channel_id
        ):
            return
        result = deps.confirmed.confirm(token, user_id)
        self._report(action, result, user_id=user_id, respond=respond, client=client)

    def _report(
        self, action: Action, result: ConfirmResult, *, user_id: str, respond: Respond, client: WebClient
    ) -> None:
        outcome = result.outcome
        if outcome in (Outcome.ALREADY_DONE, Outcome.IN_PROGRESS):
            # Never overwrite what the first press is showing; just say nothing was repeated.
            _ephemeral(respond, OUTCOME_TEXT[outcome])
            return
        if outcome in (Outcome.EXPIRED, Outcome.WITHDRAWN, Outcome.NOT_FOUND):
            _ephemeral(respond, OUTCOME_TEXT[outcome], replace=True)
            return
        assert result.confirmation is not None
        card = CardLocation.model_validate(result.confirmation.params.get("card") or {"c": ""})
        if outcome == Outcome.STALE and result.order is not None:
            _ephemeral(
                respond,
                OUTCOME_TEXT[outcome],
                replace=True,
                blocks=[*views.notice_view(OUTCOME_TEXT[outcome]), *self._card(result.order)],
            )
            if not why_not(action, result.order, self.deps.orders.categories()):
                params = {k: v for k, v in result.confirmation.params.items() if k != "card"}
                self.prompt(action, result.order, user_id=user_id, card=card, params=params, client=client)
            return
        if outcome != Outcome.DONE:
            text = for_mplus_error(result.error) if isinstance(result.error, MplusError) else result.message
            if outcome == Outcome.NOT_APPLIED:
                text = f"{text} Nothing was changed; you can start again."
            _ephemeral(respond, text, replace=True)
            return
        assert result.order is not None
        details = {**result.confirmation.params, **result.details}
        note = prompts.audit_note(action.value, user_id, utcnow(), details)
        _ephemeral(respond, note, replace=True, blocks=[*prompts.note_view(note), *self._card(result.order)])
        self._update_card(card, result.order, note, client)

    def _card(self, order: Order) -> list[dict]:
        return views.order_card(order, catalogue(self.deps))

    def _update_card(self, card: CardLocation, order: Order, note: str, client: WebClient) -> None:
        """The card the person acted on shows the new state; the audit note goes in its thread."""
        blocks, text = self._card(order), views.order_summary_text(order)
        try:
            if card.ts and not card.ephemeral:
                client.chat_update(channel=card.channel, ts=card.ts, blocks=blocks, text=text)
                client.chat_postMessage(channel=card.channel, thread_ts=card.ts, text=note)
                return
            if card.response_url:
                WebhookClient(card.response_url).send(replace_original=True, blocks=blocks, text=text)
            if card.channel:
                client.chat_postMessage(channel=card.channel, text=note)
        except Exception:  # the action itself succeeded; a stale card must not hide that
            log.exception("could not update the order card for %s", order.order_id)


def _pay_values(view: dict[str, Any]) -> dict[str, Any]:
    state = (view.get("state") or {}).get("values") or {}
    amount = (state.get(prompts.BLOCK_PAY_AMOUNT) or {}).get(prompts.ACTION_PAY_AMOUNT) or {}
    method = (state.get(prompts.BLOCK_PAY_METHOD) or {}).get(prompts.ACTION_PAY_METHOD) or {}
    kind = (state.get(prompts.BLOCK_PAY_KIND) or {}).get(prompts.ACTION_PAY_KIND) or {}
    return {
        "amount": amount.get("value") or "",
        "method": (method.get("selected_option") or {}).get("value"),
        "method_description": ((method.get("selected_option") or {}).get("text") or {}).get("text"),
        "kind": (kind.get("selected_option") or {}).get("value"),
    }


def pay_form_errors(values: dict[str, Any], outstanding_cents: int) -> dict[str, str]:
    """Field errors for the pay modal, keyed by block id; empty when the form is fine."""
    errors: dict[str, str] = {}
    try:
        cents = parse_cents(values["amount"])
        if cents <= 0:
            errors[prompts.BLOCK_PAY_AMOUNT] = "The amount must be more than € 0,00."
        elif values["kind"] == prompts.KIND_DEPOSIT and cents > outstanding_cents:
            errors[prompts.BLOCK_PAY_AMOUNT] = (
                f"A deposit cannot be more than the outstanding {format_cents(outstanding_cents)}."
            )
        elif values["kind"] == prompts.KIND_FULL and cents < outstanding_cents:
            errors[prompts.BLOCK_PAY_AMOUNT] = (
                f"A full payment must cover the outstanding {format_cents(outstanding_cents)}; "
                "choose Deposit only for less."
            )
    except MoneyError as err:
        errors[prompts.BLOCK_PAY_AMOUNT] = str(err)
    if not values["method"]:
        errors[prompts.BLOCK_PAY_METHOD] = "Choose how the customer paid."
    if values["kind"] not in prompts.KIND_LABELS:
        errors[prompts.BLOCK_PAY_KIND] = "Choose deposit or full payment."
    return errors


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
            _ephemeral(reply, STALE_BUTTON)
            return
        with reply_on_failure(reply, f"{action_id.value} {ref.order_id}"):
            flow.start(
                _ACTION_OF_BUTTON[action_id],
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
            _ephemeral(respond, STALE_BUTTON)
            return
        with reply_on_failure(respond, "confirm"):
            flow.confirm(ref.token, user_id=body["user"]["id"], respond=respond, client=client)

    def back_pressed(body: dict[str, Any], respond: Respond) -> None:
        try:
            ref = ConfirmRef.decode(body["actions"][0].get("value"))
        except InvalidValue:
            _ephemeral(respond, STALE_BUTTON)
            return
        with reply_on_failure(respond, "back"):
            withdrawn = deps.confirmed.withdraw(ref.token)
            _ephemeral(respond, OUTCOME_TEXT[Outcome.WITHDRAWN] if withdrawn else STALE_BUTTON, replace=True)

    def ack_pay_form(ack: Ack, view: dict[str, Any]) -> None:
        try:
            meta = PayFormMeta.decode(view.get("private_metadata"))
        except InvalidValue:
            ack(response_action="errors", errors={prompts.BLOCK_PAY_AMOUNT: STALE_BUTTON})
            return
        errors = pay_form_errors(_pay_values(view), meta.outstanding_cents)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()

    def pay_form_submitted(body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        meta = PayFormMeta.decode(view.get("private_metadata"))
        values = _pay_values(view)
        if pay_form_errors(values, meta.outstanding_cents):
            return  # answered in the ack
        user_id = body["user"]["id"]

        def tell(text: str, blocks: list[dict]) -> None:
            client.chat_postEphemeral(channel=meta.card.channel, user=user_id, text=text, blocks=blocks)

        with reply_on_failure(
            lambda **reply: tell(reply["text"], reply["blocks"]), f"pay form {meta.order_id}"
        ):
            if not authorised(
                deps, user_id, Action.PAY, tell, order_id=meta.order_id, channel_id=meta.card.channel
            ):
                return
            order = deps.orders.get(meta.order_id)
            reason = why_not(Action.PAY, order, deps.orders.categories())
            if reason:
                tell(reason, views.notice_view(reason))
                return
            params = {
                "amount_cents": parse_cents(values["amount"]),
                "method": values["method"],
                "method_description": values["method_description"],
                "prepay": values["kind"] == prompts.KIND_DEPOSIT,
            }
            flow.prompt(Action.PAY, order, user_id=user_id, card=meta.card, params=params, client=client)

    for button in _ACTION_OF_BUTTON:
        app.action(button.value)(ack=ack, lazy=[start_from_button])
    app.action(ActionId.CONFIRM.value)(ack=ack, lazy=[confirm_pressed])
    app.action(ActionId.BACK.value)(ack=ack, lazy=[back_pressed])
    app.view(CallbackId.PAY_FORM.value)(ack=ack_pay_form, lazy=[pay_form_submitted])
