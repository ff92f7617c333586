"""Cancel / pay / deliver from Slack: button or command → (pay modal →) prompt → Confirm → result.

The flow itself; its Bolt listeners are in ``handlers.confirm_listeners``. Every listener acks at
once; Mplus, the store and the Web API are used only in lazy listeners.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.mplus.errors import MplusError
from bot.mplus.models import Order
from bot.orders.confirmed_actions import ConfirmResult, NotApplicable, Outcome, why_not_applicable
from bot.orders.permissions import Action
from bot.orders.recovery import SettledClaim
from bot.slack import confirm_messages as said_to
from bot.slack import messages, views
from bot.slack.deps import Deps
from bot.slack.i18n import ENGLISH, Translator
from bot.slack.ids import ActionId, CardLocation, PayFormMeta
from bot.slack.messages import (
    NOT_YOUR_PROMPT,
    STALE_BUTTON,
    already_confirmed,
    checking_text,
    describe_failure,
    done_but_not_shown,
    for_mplus_error,
    outcome_unknown_not_shown,
    settled_text,
    unrecorded_note,
)
from bot.slack.text import escape
from bot.slack.views import prompts
from bot.store.confirmations import Confirmation
from bot.store.db import utcnow
from handlers.authorise import authorised
from handlers.order_cards import channel_reader, latest_event, live_cards
from handlers.replies import catalogue

log = logging.getLogger(__name__)

ACTION_OF_BUTTON = {
    ActionId.PAY: Action.PAY,
    ActionId.DELIVER: Action.DELIVER,
    ActionId.CANCEL: Action.CANCEL,
}

OUTCOME_TEXT = {  # msgids: say them with the reader's translator
    Outcome.EXPIRED: said_to.EXPIRED,
    Outcome.WITHDRAWN: messages.CANCELLED_NOTHING_CHANGED,
    Outcome.NOT_FOUND: STALE_BUTTON,
    Outcome.ALREADY_DONE: messages.ALREADY_ONCE,
    Outcome.IN_PROGRESS: said_to.IN_PROGRESS,
    Outcome.STALE: said_to.STALE,
}


def ephemeral(
    respond: Respond | Callable[..., Any],
    message: str,
    *,
    replace: bool = False,
    blocks: list[dict] | None = None,
) -> None:
    """``message`` is plain text (escaped here, in ``text`` too) unless ``blocks`` are given, in
    which case it is mrkdwn whose untrusted parts the caller has escaped."""
    respond(
        text=message if blocks is not None else escape(message),
        blocks=blocks if blocks is not None else views.notice_view(message),
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

    def reader(self, user_id: str, client: WebClient | None) -> Translator:
        """The language of the person the flow talks to (lazy work only: may ask users.info)."""
        return self.deps.languages.for_user(user_id, client)

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
            ephemeral(respond, escape(text), blocks=blocks)

        if not authorised(deps, user_id, action, tell, order_id=order_id, channel_id=card.channel):
            return
        view_id = None
        if action == Action.PAY and trigger_id:
            # trigger_id dies 3 s after the click: open the modal before any Mplus call (and before
            # users.info: the loading modal speaks the language already known).
            known = deps.languages.cached(user_id)
            loading = prompts.loading_modal(known(said_to.PAY_TITLE), known)
            view_id = client.views_open(trigger_id=trigger_id, view=loading)["view"]["id"]
            if deps.form_origins is not None:
                deps.form_origins.remember(str(view_id), card.channel, user_id)
        tr = self.reader(user_id, client)
        order = deps.orders.get(order_id)
        reason = why_not_applicable(action, order, deps.orders.categories())
        if reason:
            # An out-of-date button: say why, audit the refused press, and fix the card on the spot.
            self.refused(action, order, str(reason), user_id=user_id, card=card, client=client)
            said = tr(messages.REFUSED_OLD_BUTTON, reason=reason_text(reason, tr))
            if view_id:
                notice = prompts.notice_modal(tr(said_to.PAY_TITLE), said, tr)
                client.views_update(view_id=view_id, view=notice)
            else:
                shown = [*views.notice_view(said), *self._card(order, ephemeral=True, tr=tr)]
                ephemeral(respond, said, blocks=shown)
            return
        if action == Action.PAY:
            meta = PayFormMeta(
                order_id=order.order_id,
                outstanding_cents=order.outstanding_cents,
                card=card,
                language=tr.language,
            )
            form = prompts.pay_modal(order, deps.orders.payment_methods(), meta, tr)
            if view_id:
                client.views_update(view_id=view_id, view=form)
            else:
                ephemeral(respond, tr(said_to.PAY_FORM_NOT_OPENED))
            return
        self.prompt(action, order, user_id=user_id, card=card, params={}, client=client)

    def refused(
        self,
        action: Action,
        order: Order,
        reason: str,
        *,
        user_id: str,
        card: CardLocation,
        client: WebClient,
    ) -> None:
        self.deps.audit.record(
            user_id=user_id,
            action=action.value,
            result="refused",
            order_id=order.order_id,
            order_number=order.number,
            channel_id=card.channel or None,
            params={"reason": reason},
            error=reason,
        )
        try:
            reader = self.reader(user_id, client)
            live_cards(self.deps, client, reader).refresh(order, card, latest_event(order, self.deps))
        except Exception:  # the refusal is said either way
            log.exception("could not refresh the card of %s", order.order_id)

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
        tr = self.reader(user_id, client)
        client.chat_postEphemeral(
            channel=card.channel,
            user=user_id,
            text=prompts.prompt_fallback_text(action, order, tr),
            blocks=prompts.confirmation_prompt(action, order, params, confirmation.token, minutes, tr),
        )

    def confirm(self, token: str, *, user_id: str, respond: Respond, client: WebClient) -> None:
        deps = self.deps
        tr = self.reader(user_id, client)
        pending = deps.confirmations.get(token)
        if pending is None:
            ephemeral(respond, tr(STALE_BUTTON))
            return
        action = Action(pending.action)
        if pending.user_id != user_id:  # a prompt belongs to the person who asked for it
            ephemeral(respond, tr(NOT_YOUR_PROMPT))
            return

        def tell(text: str, blocks: list[dict]) -> None:
            ephemeral(respond, escape(text), blocks=blocks)

        if not authorised(
            deps, user_id, action, tell, order_id=pending.order_id, channel_id=pending.channel_id
        ):
            return
        result = deps.confirmed.confirm(token, user_id)
        try:
            self._report(action, result, user_id=user_id, respond=respond, client=client, tr=tr)
        except Exception as err:
            if result.outcome not in (Outcome.DONE, Outcome.UNKNOWN, Outcome.CHECKING):
                raise  # nothing was sent to Mplus, or it said no: the generic message is true
            # Mplus did it (or may have): the generic "nothing was changed" would be false.
            _, error_id = describe_failure(err, f"reporting {action.value} {pending.order_id}")
            text = (
                done_but_not_shown(action.value, error_id, tr)
                if result.outcome == Outcome.DONE
                else outcome_unknown_not_shown(error_id, tr)
            )
            ephemeral(respond, text)

    def _report(
        self,
        action: Action,
        result: ConfirmResult,
        *,
        user_id: str,
        respond: Respond,
        client: WebClient,
        tr: Translator = ENGLISH,
    ) -> None:
        outcome = result.outcome
        if outcome == Outcome.IN_PROGRESS and result.confirmation is not None:
            settled = self._settle_if_abandoned(result.confirmation)
            if settled is not None:
                announce_settled(self.deps, client, settled)
                ephemeral(respond, _settled_text(settled, tr))
                return
        if outcome == Outcome.ALREADY_DONE:
            # Never overwrite what the first press is showing; say what happened then.
            first = result.confirmation.result if result.confirmation else None
            ephemeral(respond, already_confirmed(first, tr))
            return
        if outcome == Outcome.IN_PROGRESS:
            ephemeral(respond, tr(OUTCOME_TEXT[outcome]))
            return
        if outcome in (Outcome.EXPIRED, Outcome.WITHDRAWN, Outcome.NOT_FOUND):
            if result.confirmation is not None:  # an old Confirm button, pressed: on the record
                self.deps.audit.record(
                    user_id=user_id,
                    action=action.value,
                    result="refused",
                    order_id=result.confirmation.order_id,
                    channel_id=result.confirmation.channel_id or None,
                    params={"reason": outcome.value},
                    error=OUTCOME_TEXT[outcome],
                )
            ephemeral(respond, tr(OUTCOME_TEXT[outcome]), replace=True)
            return
        assert result.confirmation is not None
        card = CardLocation.model_validate(result.confirmation.params.get("card") or {"c": ""})
        if outcome == Outcome.STALE and result.order is not None:
            reason = why_not_applicable(action, result.order, self.deps.orders.categories())
            said = (
                tr(messages.STALE_NOTHING_LEFT, reason=reason_text(reason, tr))
                if reason
                else tr(OUTCOME_TEXT[outcome])
            )
            ephemeral(
                respond,
                said,
                replace=True,
                blocks=[*views.notice_view(said), *self._card(result.order, ephemeral=True, tr=tr)],
            )
            if reason:
                self.refused(action, result.order, str(reason), user_id=user_id, card=card, client=client)
            else:
                params = {k: v for k, v in result.confirmation.params.items() if k != "card"}
                self.prompt(action, result.order, user_id=user_id, card=card, params=params, client=client)
            return
        if outcome == Outcome.CHECKING:
            said = _error_text(result, tr)
            settle_after = self.deps.recovery.settle_after.total_seconds() if self.deps.recovery else 60.0
            ephemeral(respond, checking_text(said, settle_after, tr), replace=True)
            return
        if outcome != Outcome.DONE:
            text = _error_text(result, tr)
            if outcome == Outcome.NOT_APPLIED:
                text = tr(said_to.NOT_APPLIED, error=text)
            if result.unrecorded_error_id:
                text = f"{text} {unrecorded_note(result.unrecorded_error_id, tr)}"
            ephemeral(respond, text, replace=True)
            return
        assert result.order is not None
        details = {**result.confirmation.params, **result.details}
        event = views.event_of_action(action.value, user_id, utcnow(), details)
        told = views.note_message(result.order, event, tr=tr)  # the person's; each channel gets its own
        blocks = [*told["blocks"], *self._card(result.order, ephemeral=True, event=event, tr=tr)]
        shown = told["text"]
        if result.unrecorded_error_id:
            extra = unrecorded_note(result.unrecorded_error_id, tr)
            shown = f"{shown}\n{escape(extra)}"
            blocks = [*views.notice_view(extra), *blocks]
        ephemeral(respond, shown, replace=True, blocks=blocks)
        self._update_card(card, result.order, "", client, event=event, reader=tr)

    def _settle_if_abandoned(self, confirmation: Confirmation) -> SettledClaim | None:
        """A claim running far longer than any live attempt takes was cut off: settle it now."""
        recovery = self.deps.recovery
        if recovery is None or not recovery.is_stale(confirmation.claimed_at):
            return None
        current = self.deps.confirmations.get(confirmation.token)
        return recovery.settle_claim(current) if current is not None else None

    def _update_card(
        self,
        card: CardLocation,
        order: Order,
        note: str,
        client: WebClient,
        *,
        event: views.OrderEvent | None = None,
        reader: Translator | None = None,
    ) -> None:
        """Every card of the order shows the new state: the one acted on, and those in other channels.

        With an ``event`` the note is built from it (and threaded once per channel); without one,
        ``note`` (escaped mrkdwn) is threaded under the acted-on card, or posted in its channel.
        """
        live = live_cards(self.deps, client, reader)
        try:
            if event is not None:
                live.changed(order, event, card)
                return
            live.refresh(order, card)
            if card.channel:
                thread = card.ts if card.ts and not card.ephemeral else None
                client.chat_postMessage(channel=card.channel, thread_ts=thread, text=note)
        except Exception:  # the action itself succeeded; a stale card must not hide that
            log.exception("could not update the cards of %s", order.order_id)

    def _card(
        self,
        order: Order,
        *,
        ephemeral: bool = False,
        event: views.OrderEvent | None = None,
        tr: Translator = ENGLISH,
    ) -> list[dict]:
        as_of = utcnow() if ephemeral else None
        return views.order_card(order, catalogue(self.deps), event=event, as_of=as_of, tr=tr)


def reason_text(reason: NotApplicable, tr: Translator) -> str:
    """Why an action no longer applies, in the reader's words (the order number and Mplus's category
    name as they are)."""
    return tr(reason.template, **reason.values)


def _error_text(result: ConfirmResult, tr: Translator) -> str:
    return for_mplus_error(result.error, tr) if isinstance(result.error, MplusError) else result.message


def _settled_text(settled: SettledClaim, tr: Translator = ENGLISH) -> str:
    number = settled.order.number if settled.order is not None else None
    return settled_text(settled.confirmation.action, number, settled.landed, tr)


def announce_settled(deps: Deps, client: WebClient, settled: SettledClaim) -> None:
    """Tell the person who confirmed how work cut off mid-way ended, and bring the card up to date."""
    confirmation = settled.confirmation
    card = CardLocation.model_validate(confirmation.params.get("card") or {"c": confirmation.channel_id})
    text = _settled_text(settled, deps.languages.for_user(confirmation.user_id, client))
    channel = card.channel or confirmation.channel_id
    try:
        client.chat_postEphemeral(
            channel=channel, user=confirmation.user_id, text=escape(text), blocks=views.notice_view(text)
        )
    except Exception:  # the settlement is recorded and audited; the message is a courtesy
        log.exception("could not tell %s about a settled %s", confirmation.user_id, confirmation.action)
    if settled.landed and settled.order is not None:
        # The card's note is the channel's, in the channel's language, not the person's.
        note = _settled_text(settled, channel_reader(deps, channel))
        ConfirmFlow(deps)._update_card(card, settled.order, escape(note), client)
