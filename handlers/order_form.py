"""The order form (new and edit): open, type-ahead, add/remove lines, submit.

Slack's 3 s rules decide the shape. Opening: a "Loading…" modal goes up at once with the trigger id
(valid once, for 3 s), then views.update fills it in. Submitting: the ack parses and checks the form
(pure, fast) and answers field errors with ``response_action: errors``; if the form is fine it
answers ``update`` to a "Creating order…" view, and a lazy listener does the Mplus work (findOrder,
createOrder / getOrder, updateOrder) and views.updates the modal with the outcome. Errors found
then (external id in use, Mplus refusing a line) go back into the form as notes under the fields,
since Slack only takes ``errors`` in the ack. Who may do it is checked on opening and on submit.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.mirror import queries
from bot.notifier.live import LiveCards
from bot.orders.drafts import FieldRef, FormField, OrderDraft, RelationChoice, relation_label, validate
from bot.orders.editing import Outcome, Result
from bot.orders.permissions import Action
from bot.orders.price_check import CatalogueEntry, PriceNote, price_differences
from bot.slack import form_messages as say
from bot.slack import text, views
from bot.slack.deps import Deps
from bot.slack.i18n import ENGLISH, Said, Translator
from bot.slack.ids import (
    ActionId,
    CallbackId,
    CardLocation,
    FormLineRef,
    InvalidValue,
    OrderFormMeta,
    OrderRef,
    RelationRef,
)
from bot.slack.messages import (
    FORM_ORIGIN_UNKNOWN,
    STALE_BUTTON,
    describe_failure,
    not_allowed,
    unrecorded_note,
)
from bot.slack.views import modals
from bot.store.db import utcnow
from handlers.authorise import authorised
from handlers.confirm_flow import card_location
from handlers.form_commands import (
    card_channel,
    channel_of,
    edit_form_view,
    ephemeral_teller,
    failure_notice,
    fill_view,
    form_title,
    forms_for,
    notice,
    open_edit_form,
    open_new_form,
    user_of,
)
from handlers.form_state import FORGED_FORM, state_values
from handlers.order_cards import live_cards
from handlers.replies import catalogue

log = logging.getLogger(__name__)

# The ack's "Creating…" view and our views.update after it race; Slack shows whichever lands last.
# Keeping the progress view up this long lets the ack land first (and avoids a flicker).
MIN_PROGRESS_S = 0.4


# ------------------------------------------------------------------------------ outcome


def _live(deps: Deps, client: WebClient) -> LiveCards:
    return live_cards(deps, client)


def _done_text(headline: str, posted: bool, channel: str, result: Result, tr: Translator) -> str:
    where = tr(say.CARD_POSTED, channel=f"<#{channel}>") if posted else tr(say.CARD_NOT_POSTED)
    late = f"\n{unrecorded_note(result.unrecorded_error_id, tr)}" if result.unrecorded_error_id else ""
    return f"{headline}\n{where}{late}"


def outcome_line(result: Result, error_id: str, tr: Translator = ENGLISH) -> str:
    """The plain outcome, for when the full outcome view could not be built."""
    said = {
        Outcome.CREATED: tr(say.CREATED_ID, id=text.escape(result.order_id or "?")),
        Outcome.UPDATED: tr(say.SAVED),
        Outcome.UNKNOWN: tr(say.SENT_UNKNOWN),
    }.get(result.outcome) or tr(say.MPLUS_ANSWERED, outcome=result.outcome.value.replace("_", " "))
    late = f"\n{unrecorded_note(result.unrecorded_error_id, tr)}" if result.unrecorded_error_id else ""
    return f"{said}\n{tr(say.DETAILS_NOT_SHOWN, error_id=error_id)}{late}"


def price_notes(deps: Deps, draft: OrderDraft, meta: OrderFormMeta) -> list[PriceNote]:
    """"Line 1 (Koffiemolen): € 12,50 instead of € 24,95" for typed prices off the catalogue (mirror)."""
    checked = validate(draft, require_ext_id=not meta.editing).order
    if checked is None:
        return []
    entries: dict[int, CatalogueEntry] = {}
    for line in checked.lines:
        if line.price_cents is None or line.article_number in entries:
            continue
        article = queries.get_article(deps.db, line.article_number)
        if article is not None and article.price_cents is not None:
            entries[line.article_number] = CatalogueEntry(
                description=article.description, price_cents=article.price_cents
            )
    return price_differences(checked, entries)


def _with_prices(headline: str, notes: list[PriceNote], tr: Translator) -> str:
    if not notes:
        return headline
    listed = "\n".join(f"• {views.price_note_text(n, tr)}" for n in notes)
    return f"{headline}\n{tr(say.PRICES_OFF)}\n{listed}"


def _created_view(
    deps: Deps, client: WebClient, meta: OrderFormMeta, result: Result, user: str, notes: list[PriceNote]
) -> dict:
    order, tr = result.order, modals.reader_of(meta)
    if order is None:  # created, but Mplus did not show it to us just now
        ref = text.escape(result.order_id or "?")
        return notice(modals.TITLE_NEW, tr(say.CREATED_ID, id=ref), tr=tr)
    number = text.escape(order.number)
    headline = tr(say.CREATED, number=number)
    if result.recovered:
        headline += " " + tr(say.CREATED_RECOVERED)
    event = views.event_of_action("create", user, utcnow(), {"price_notes": notes})
    posted = bool(meta.channel) and _live(deps, client).post_card(order, event, meta.channel)
    return notice(
        modals.TITLE_NEW,
        _with_prices(_done_text(headline, posted, meta.channel, result, tr), notes, tr),
        order=order,
        catalogue=catalogue(deps),
        tr=tr,
    )


def _updated_view(
    deps: Deps, client: WebClient, meta: OrderFormMeta, result: Result, user: str, notes: list[PriceNote]
) -> dict:
    order, tr = result.order, modals.reader_of(meta)
    if order is None:
        return notice(modals.TITLE_EDIT, tr(say.SAVED), tr=tr)
    headline = tr(say.SAVED_ORDER, number=text.escape(order.number))
    details = {"old_total_cents": result.old_total_cents, "price_notes": notes}
    event = views.event_of_action("edit", user, utcnow(), details)
    live = _live(deps, client)
    # The card the edit came from (and every other card of the order) is updated, not posted again.
    posted = live.changed(order, event, meta.card or CardLocation(channel=meta.channel), announce=False)
    if not posted and meta.channel:
        posted = live.post_card(order, event, meta.channel)
    return notice(
        modals.TITLE_EDIT,
        _with_prices(_done_text(headline, posted, meta.channel, result, tr), notes, tr),
        order=order,
        catalogue=catalogue(deps),
        tr=tr,
    )


def _back_to_form(
    deps: Deps,
    draft: OrderDraft,
    meta: OrderFormMeta,
    *,
    notes: dict | None = None,
    banner: str | None = None,
) -> dict[str, Any]:
    return modals.order_form(draft, meta, catalogue(deps), notes=notes, banner=banner)


def outcome_view(
    deps: Deps, client: WebClient, meta: OrderFormMeta, draft: OrderDraft, result: Result, user: str
) -> dict[str, Any] | None:
    """What the modal shows after the Mplus work; None leaves it alone (a duplicate submission)."""
    title, order, tr = form_title(meta), result.order, modals.reader_of(meta)
    number = text.escape(order.number if order else meta.number or "")
    shown = {"order": order, "catalogue": catalogue(deps) if order else None, "meta": meta}
    ext = FieldRef(FormField.EXT_ORDER_ID)
    match result.outcome:
        case Outcome.DUPLICATE:
            return None
        case Outcome.CREATED:
            return _created_view(deps, client, meta, result, user, price_notes(deps, draft, meta))
        case Outcome.UPDATED:
            return _updated_view(deps, client, meta, result, user, price_notes(deps, draft, meta))
        case Outcome.NO_CHANGES:
            return notice(title, tr(say.NO_CHANGES, number=number), **shown)
        case Outcome.CHANGED_MEANWHILE:
            return notice(title, tr(say.CHANGED_MEANWHILE, number=number), edit_again=True, **shown)
        case Outcome.BLOCKED:
            return notice(title, f"🚫 {text.escape(tr.said(result.message))}", **shown)
        case Outcome.NOT_FOUND:
            return notice(title, tr(say.GONE, number=number), meta=meta)
        case Outcome.UNKNOWN:
            command = f"{text.escape(deps.command)} find {text.escape(draft.ext_order_id)}"
            hint = " " + tr(say.CHECK_WITH_FIND, command=command) if not meta.editing else ""
            return notice(title, f"⚠️ {text.escape(tr.said(result.message))}{hint}", meta=meta)
        case Outcome.EXT_ID_USED:
            message = Said(say.EXT_ID_USED_BY, number=number) if order else say.EXT_ID_USED
            return _back_to_form(deps, draft, meta, notes={ext: message})
        case Outcome.BUSY:
            if meta.editing:
                return _back_to_form(deps, draft, meta, banner=say.EDIT_BUSY)
            return _back_to_form(deps, draft, meta, notes={ext: say.EXT_ID_BUSY})
        case Outcome.REFUSED:
            if result.fields:
                banner = say.REFUSED_SEE_FIELDS
            elif result.message:  # Mplus's own words, as Mplus gives them
                said = say.NOT_SAVED_SAYS if meta.editing else say.NOT_CREATED_SAYS
                banner = Said(said, message=result.message)
            else:
                banner = say.NOT_SAVED if meta.editing else say.NOT_CREATED
            return _back_to_form(deps, draft, meta, notes=result.fields, banner=banner)
        case Outcome.WITHDRAWN:
            return _back_to_form(deps, draft, meta, banner=say.WITHDRAWN)
        case _:  # Outcome.NOT_DONE
            return _back_to_form(deps, draft, meta, banner=say.NOT_REACHED)


# ------------------------------------------------------------------------------ listeners


def posted_where_opened(deps: Deps, meta: OrderFormMeta, view: dict[str, Any]) -> OrderFormMeta:
    """The card goes to the channel the form was opened in, as noted server-side."""
    origin = deps.form_origins.get(view.get("id")) if deps.form_origins is not None else None
    if origin is None:
        return meta
    return meta.model_copy(update={"channel": card_channel(origin.channel_id)})


def _refusal_view(deps: Deps, meta: OrderFormMeta, action: Action) -> dict[str, Any]:
    tr = modals.reader_of(meta)
    message = not_allowed(action.value, action.setting, deps.permissions.configured(action), tr)
    return notice(form_title(meta), f"🚫 {text.escape(message)}", tr=tr)


def register(app: App, deps: Deps) -> None:
    forms = forms_for(deps)

    def ack(ack: Ack) -> None:
        ack()

    def ack_submission(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        try:
            meta = OrderFormMeta.decode(view.get("private_metadata"))
        except InvalidValue:
            tr = deps.languages.cached(user_of(body))
            ack(response_action="update", view=notice(modals.TITLE_NEW, text.escape(tr(STALE_BUTTON)), tr=tr))
            return
        tr = modals.reader_of(meta)
        # A primary-key read of the form's origin: WAL readers never wait on a writer.
        if deps.form_origins is not None and deps.form_origins.get(view.get("id")) is None:
            said = text.escape(tr(FORM_ORIGIN_UNKNOWN))
            ack(response_action="update", view=notice(form_title(meta), said, tr=tr))
            return
        meta = posted_where_opened(deps, meta, view)
        state = state_values(view)
        if state is None:
            said = text.escape(tr(FORGED_FORM))
            ack(response_action="update", view=notice(form_title(meta), said, tr=tr))
            return
        action = Action.EDIT if meta.editing else Action.CREATE
        # From memory only: nothing on the ack path waits on Slack's Web API or a store write. The refusal
        # is audited (and a user a cold group cache let through is refused) after the ack.
        if deps.permissions.allows_now(user_of(body), action) is False:
            ack(response_action="update", view=_refusal_view(deps, meta, action))
            return
        draft = modals.draft_from_state(state, meta)
        checked = validate(draft, require_ext_id=not meta.editing)
        if checked.errors:
            errors = modals.error_map(checked.errors, view.get("blocks") or [], meta)
            if errors:
                ack(response_action="errors", errors=errors)
            else:  # an error for a field this view does not have: show it in the form instead
                form = modals.order_form(draft, meta, views.Catalogue(), notes=checked.errors)
                ack(response_action="update", view=form)
            return
        progress = tr(say.SAVING if meta.editing else say.CREATING)
        ack(response_action="update", view=notice(form_title(meta), progress, meta=meta))

    def process_submission(body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        started = time.monotonic()
        try:
            meta = OrderFormMeta.decode(view.get("private_metadata"))
        except InvalidValue:
            return  # answered in the ack
        user, view_id = user_of(body), str(view.get("id") or "")
        if deps.form_origins is not None and deps.form_origins.get(view_id) is None:
            return  # answered in the ack
        meta = posted_where_opened(deps, meta, view)
        state = state_values(view)
        if state is None:
            return  # refused in the ack
        action = Action.EDIT if meta.editing else Action.CREATE
        if not authorised(
            deps, user, action, lambda *_: None, order_id=meta.order_id, channel_id=meta.channel or None
        ):
            try:  # the same view the ack showed, unless the ack could not tell yet
                client.views_update(view_id=view_id, view=_refusal_view(deps, meta, action))
            except SlackApiError as err:
                log.info("order form refusal could not be shown: %s", err.response.get("error"))
            return
        draft = modals.draft_from_state(state, meta)
        checked = validate(draft, require_ext_id=not meta.editing)
        if checked.order is None:
            return  # answered with field errors in the ack
        try:
            if meta.editing:
                assert meta.order_id is not None
                result = forms.editor.update(
                    checked.order,
                    order_id=meta.order_id,
                    sync_marker=meta.sync_marker,
                    change_counter=meta.change_counter,
                    version_number=meta.version_number,
                    user_id=user,
                    channel_id=meta.channel,
                    view_id=view_id,
                )
            else:
                result = forms.editor.create(
                    checked.order, user_id=user, channel_id=meta.channel, view_id=view_id
                )
        except Exception as err:  # whatever it is, the modal must not stay on "Creating…"
            shown = failure_notice(form_title(meta), err, "order form submission", modals.reader_of(meta))
        else:
            try:
                shown = outcome_view(deps, client, meta, draft, result, user)
            except Exception as err:  # Mplus's answer is known: tell it, never "nothing changed"
                _, error_id = describe_failure(err, "showing the order form outcome")
                tr = modals.reader_of(meta)
                shown = notice(form_title(meta), outcome_line(result, error_id, tr), tr=tr)
        if shown is None:
            return
        time.sleep(max(0.0, MIN_PROGRESS_S - (time.monotonic() - started)))
        try:
            client.views_update(view_id=view_id, view=shown)
        except SlackApiError as err:  # closed meanwhile: the card in the channel still tells the story
            log.info("order form outcome could not be shown: %s", err.response.get("error"))

    def change_lines(body: dict[str, Any], client: WebClient) -> None:
        view = body.get("view") or {}
        try:
            meta = OrderFormMeta.decode(view.get("private_metadata"))
            state = state_values(view)
            if state is None:
                return  # not a form as Slack sends it
            draft = modals.draft_from_state(state, meta)
            action = (body.get("actions") or [{}])[0]
            if action.get("action_id") == ActionId.FORM_ADD_LINE.value:
                draft, meta = modals.add_line(draft, meta)
            else:
                draft, meta = modals.remove_line(draft, meta, FormLineRef.decode(action.get("value")).key)
        except InvalidValue:
            return  # not a form this bot wrote
        try:
            # hash: if the view changed since this press (another press), the newer state wins.
            client.views_update(
                view_id=view["id"],
                hash=view.get("hash"),
                view=modals.order_form(draft, meta, catalogue(deps)),
            )
        except SlackApiError as err:
            log.info("order form line change not applied: %s", err.response.get("error"))

    def edit_current(body: dict[str, Any], client: WebClient) -> None:
        view = body.get("view") or {}
        user = user_of(body)
        try:
            meta = OrderFormMeta.decode(view.get("private_metadata"))
            ref = OrderRef.decode((body.get("actions") or [{}])[0].get("value"))
        except InvalidValue:
            return

        tr = deps.languages.for_user(user, client)

        def tell(message: str, _blocks: list[dict]) -> None:
            client.views_update(
                view_id=view["id"], view=notice(modals.TITLE_EDIT, f"🚫 {text.escape(message)}", tr=tr)
            )

        if authorised(deps, user, Action.EDIT, tell, order_id=ref.order_id, channel_id=meta.channel or None):
            fetch = lambda: edit_form_view(  # noqa: E731
                deps, deps.orders.get(ref.order_id), meta.channel, meta.card, tr
            )
            fill_view(client, view["id"], modals.TITLE_EDIT, fetch, tr)

    def new_from_button(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        relation = None
        action = (body.get("actions") or [{}])[0]
        if action.get("action_id") == ActionId.NEW_ORDER_FOR.value:
            # "New order for this customer" (find results): the form opens with them chosen.
            try:
                ref = RelationRef.decode(action.get("value"))
            except InvalidValue:
                said = deps.languages.for_user(user_of(body), client)(STALE_BUTTON)
                stale = views.error_view(said)
                respond(text=said, blocks=stale, response_type="ephemeral", replace_original=False)
                return
            relation = RelationChoice(
                number=ref.relation_number, label=relation_label(ref.name, ref.relation_number)
            )
        open_new_form(
            deps,
            client,
            trigger_id=body.get("trigger_id"),
            user_id=user_of(body),
            channel_id=channel_of(body),
            tell=ephemeral_teller(respond),
            relation=relation,
        )

    def edit_from_button(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        try:
            ref = OrderRef.decode((body.get("actions") or [{}])[0].get("value"))
        except InvalidValue:
            said = deps.languages.for_user(user_of(body), client)(STALE_BUTTON)
            stale = views.error_view(said)
            respond(text=said, blocks=stale, response_type="ephemeral", replace_original=False)
            return
        open_edit_form(
            deps,
            client,
            fetch=lambda: deps.orders.get(ref.order_id),
            order_id=ref.order_id,
            trigger_id=body.get("trigger_id"),
            user_id=user_of(body),
            channel_id=channel_of(body),
            tell=ephemeral_teller(respond),
            card=card_location(body),
        )

    app.view(CallbackId.ORDER_FORM.value)(ack=ack_submission, lazy=[process_submission])
    app.action(ActionId.FORM_ADD_LINE.value)(ack=ack, lazy=[change_lines])
    app.action(ActionId.FORM_REMOVE_LINE.value)(ack=ack, lazy=[change_lines])
    app.action(ActionId.FORM_EDIT_CURRENT.value)(ack=ack, lazy=[edit_current])
    app.action(ActionId.NEW_ORDER.value)(ack=ack, lazy=[new_from_button])
    app.action(ActionId.NEW_ORDER_FOR.value)(ack=ack, lazy=[new_from_button])
    app.action(ActionId.EDIT.value)(ack=ack, lazy=[edit_from_button])


__all__ = ["outcome_view", "register"]
