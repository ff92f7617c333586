"""A new customer from inside the order form: pushed modal → likely duplicates → createRelation → back.

Picking "➕ New customer…" in the relation type-ahead pushes the modal (it needs the trigger id, so at
once). On submit the ack checks the fields and looks for likely duplicates in the mirror (fast, local);
if there are any, the modal shows them and asks which customer it is. Then the ack closes the modal and
a lazy listener does the Mplus work and redraws the order form with the customer selected. One
createRelation per modal, whatever Slack redelivers (an idempotency key on the modal's id); audited;
needs ORDERBOT_ALLOW_CREATE.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.mirror import queries
from bot.mirror.customers import likely_duplicates, remember_created
from bot.mplus.errors import MplusError, OutcomeUnknown, Refused
from bot.orders.customers import CustomerDraft, check_customer
from bot.orders.drafts import NEW_CUSTOMER_VALUE, LineDraft, OrderDraft, RelationChoice, relation_label
from bot.orders.permissions import Action
from bot.slack import form_messages as say
from bot.slack import text
from bot.slack.deps import Deps
from bot.slack.i18n import ENGLISH, Said, Translator
from bot.slack.ids import ActionId, CallbackId, InvalidValue, NewCustomerMeta, OrderFormMeta
from bot.slack.messages import for_mplus_error
from bot.slack.views import customer_modal, modals
from handlers.authorise import authorised
from handlers.form_commands import notice, user_of
from handlers.replies import catalogue

log = logging.getLogger(__name__)

DRAFT_MAX = 2200
METADATA_MAX = 3000
"""Slack's limit on private_metadata."""


def _parent(meta: NewCustomerMeta) -> tuple[OrderFormMeta, OrderDraft]:
    form = OrderFormMeta.decode(meta.form)
    draft = None
    if meta.draft:
        try:
            draft = OrderDraft.model_validate_json(meta.draft)
        except ValidationError:
            draft = None
    # Without the captured draft, Slack's kept state of the form's inputs still shows what was typed.
    return form, draft or OrderDraft(lines=tuple(LineDraft(key=k) for k in form.lines))


def _reader(meta: NewCustomerMeta) -> Translator:
    """The order form's language: the modal was pushed over it and speaks as it does."""
    try:
        return modals.reader_of(OrderFormMeta.decode(meta.form))
    except InvalidValue:
        return ENGLISH


def _redraw(
    deps: Deps, client: WebClient, meta: NewCustomerMeta, relation: RelationChoice | None, banner: str
) -> None:
    """The order form again, with ``relation`` selected (a new block id, so Slack shows the new choice)."""
    form, draft = _parent(meta)
    if relation is not None:
        form = form.model_copy(update={"relation_rev": form.relation_rev + 1})
        draft = draft.model_copy(update={"relation": relation, "relation_value": None})
    view = modals.order_form(draft, form, catalogue(deps), banner=banner)
    try:
        client.views_update(view_id=meta.parent_view, view=view)
    except SlackApiError as err:  # the order form was closed meanwhile
        log.info("order form could not be redrawn after the new customer: %s", err.response.get("error"))


def register(app: App, deps: Deps) -> None:
    def ack(ack: Ack) -> None:
        ack()

    def relation_picked(body: dict[str, Any], client: WebClient) -> None:
        action = (body.get("actions") or [{}])[0]
        value = str((action.get("selected_option") or {}).get("value") or "")
        if not value.startswith(NEW_CUSTOMER_VALUE):
            return  # an existing relation: nothing to do until the form is submitted
        view = body.get("view") or {}
        try:
            form = OrderFormMeta.decode(view.get("private_metadata"))
        except InvalidValue:
            return
        trigger = body.get("trigger_id")

        tr = modals.reader_of(form)

        def tell(message: str, _blocks: list[dict]) -> None:
            refused = notice(customer_modal.TITLE, f"🚫 {text.escape(message)}", tr=tr)
            client.views_push(trigger_id=trigger, view=refused)

        if not authorised(deps, user_of(body), Action.CREATE, tell, channel_id=form.channel or None):
            return
        typed = modals.draft_from_state((view.get("state") or {}).get("values") or {}, form)
        draft_json = typed.model_dump_json(exclude_defaults=True)
        meta = NewCustomerMeta(parent_view=str(view.get("id") or "?"), form=form.encode())
        with_draft = meta.model_copy(update={"draft": draft_json})
        if len(draft_json) <= DRAFT_MAX and len(with_draft.encode()) <= METADATA_MAX:
            meta = with_draft  # else Slack's kept state of the form's inputs has to do
        start = CustomerDraft.from_typed(value[len(NEW_CUSTOMER_VALUE):])
        client.views_push(trigger_id=trigger, view=customer_modal.new_customer_modal(meta, start, tr=tr))

    def ack_customer(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        try:
            meta = NewCustomerMeta.decode(view.get("private_metadata"))
        except InvalidValue:
            tr = deps.languages.cached(user_of(body))
            ack(response_action="update", view=notice(customer_modal.TITLE, text.escape(tr(STALE)), tr=tr))
            return
        tr = _reader(meta)
        refusal: list[str] = []
        if not authorised(deps, user_of(body), Action.CREATE, lambda m, _b: refusal.append(m)):
            said = f"🚫 {text.escape(refusal[0])}"
            ack(response_action="update", view=notice(customer_modal.TITLE, said, tr=tr))
            return
        typed, choice = customer_modal.read_customer((view.get("state") or {}).get("values") or {})
        if customer_modal.chosen_relation(choice) is not None:
            ack()  # back to the order form; the lazy listener selects the chosen customer
            return
        relation, errors = check_customer(typed)
        if errors:
            ack(response_action="errors", errors=customer_modal.field_errors(errors, tr))
            return
        assert relation is not None
        if not meta.checked:
            found = likely_duplicates(deps.db, name=relation.name, email=relation.email,
                                      phone=relation.mobile or relation.telephone, zipcode=relation.zipcode)
            if found:
                checked = meta.model_copy(update={"checked": True})
                ack(response_action="update",
                    view=customer_modal.new_customer_modal(checked, typed, duplicates=found, tr=tr))
                return
        ack()

    def process_customer(body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        try:
            meta = NewCustomerMeta.decode(view.get("private_metadata"))
        except InvalidValue:
            return
        user = user_of(body)
        if not deps.permissions.allows(user, Action.CREATE):
            return
        typed, choice = customer_modal.read_customer((view.get("state") or {}).get("values") or {})
        chosen = customer_modal.chosen_relation(choice)
        if chosen is not None:
            existing = queries.get_relation(deps.db, chosen)
            label = relation_label(existing.name if existing else "", chosen)
            _redraw(deps, client, meta, RelationChoice(number=chosen, label=label),
                    Said(say.CUSTOMER_USING, customer=label))
            return
        relation, errors = check_customer(typed)
        if relation is None or errors:
            return  # answered in the ack
        if not meta.checked and likely_duplicates(
            deps.db, name=relation.name, email=relation.email, phone=relation.mobile or relation.telephone,
            zipcode=relation.zipcode,
        ):
            return  # the ack showed the duplicates instead
        if not deps.idempotency.claim(f"relation:{view.get('id')}"):
            return  # the same modal submitted twice: the first submission creates and reports
        try:
            number = deps.orders.client.create_relation(relation)
        except OutcomeUnknown:
            _record(deps, user, "unknown", None, "no answer from Mplus")
            _redraw(deps, client, meta, None, UNKNOWN)
            return
        except Refused as err:
            _record(deps, user, "refused", None, err.message or err.result)
            said = err.message or err.result
            _redraw(deps, client, meta, None, Said(say.CUSTOMER_REFUSED, message=said))
            return
        except MplusError as err:
            _record(deps, user, "failed", None, str(err))
            error = for_mplus_error(err, _reader(meta))
            _redraw(deps, client, meta, None, Said(say.CUSTOMER_FAILED, error=error))
            return
        _record(deps, user, "ok", number, None)
        try:
            remember_created(deps.db, number, relation)
        except Exception:  # it exists in Mplus all the same; the next mirror pass brings it
            log.exception("the new customer could not be written to the mirror at once")
        label = relation_label(relation.name, number)
        _redraw(deps, client, meta, RelationChoice(number=number, label=label),
                Said(say.CUSTOMER_CREATED, customer=label))

    # Every pick in the relation field comes here (dispatch_action); only "New customer" does anything.
    app.action(ActionId.FORM_RELATION.value)(ack=ack, lazy=[relation_picked])
    app.view(CallbackId.NEW_CUSTOMER.value)(ack=ack_customer, lazy=[process_customer])


STALE = say.CUSTOMER_STALE
UNKNOWN = say.CUSTOMER_UNKNOWN


def _record(deps: Deps, user: str, result: str, number: int | None, error: str | None) -> None:
    # Only the relation number: the customer's name and contact details stay out of the audit log.
    deps.audit.record(
        user_id=user, action="create_relation", result=result, error=error,
        params={"relation_number": number} if number is not None else {},
    )
