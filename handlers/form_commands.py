"""`/order new` and `/order edit <order>`, and opening the order form (also for the card buttons).

Opening follows Slack's trigger rule: the trigger id is valid once, for 3 s, so a "Loading…" modal
goes up first and views.update fills it in when Mplus has answered. Who may create or edit is
checked here, before any modal opens (and again on submit, in ``order_form``).
"""

from __future__ import annotations

import logging
import re
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.mirror.customers import stream_ready
from bot.mirror.store import RELATIONS
from bot.mplus.errors import MplusError
from bot.mplus.models import Order
from bot.orders.drafts import (
    OrderDraft,
    RelationChoice,
    draft_from_order,
    edit_problem,
    suggest_ext_order_id,
)
from bot.orders.editing import OrderEditor
from bot.orders.permissions import Action
from bot.orders.relation_directory import RelationDirectory
from bot.orders.service import OrderKey
from bot.slack import form_messages as say
from bot.slack import text, views
from bot.slack.deps import Deps
from bot.slack.i18n import ENGLISH, N_, Translator
from bot.slack.ids import CardLocation, OrderFormMeta
from bot.slack.messages import UNEXPECTED, describe_failure, for_mplus_error
from bot.slack.views import modals
from handlers.authorise import authorised
from handlers.command_parser import Command, Subcommand, no_args
from handlers.context import CommandContext
from handlers.read_commands import parse_order_key
from handlers.replies import catalogue

log = logging.getLogger(__name__)

Tell = Callable[[str, list[dict]], object]

_CHANNEL = re.compile(r"[CGD][A-Z0-9]{2,30}")


@dataclass(frozen=True)
class Forms:
    """What the form needs besides Deps; one per app (the relation cache must be shared).

    Holds no reference to Deps, so the registry below lets an app's Forms go with the app.
    """

    editor: OrderEditor
    relations: RelationDirectory


# Keyed by identity, not by value: Deps is a dataclass whose fields need not be hashable.
_FORMS: dict[int, tuple[weakref.ref[Deps], Forms]] = {}
_FORMS_LOCK = threading.Lock()


def warm_relations(deps: Deps) -> None:
    """Load the in-memory relation directory for the type-ahead, only while the mirror cannot answer.

    Once the mirror's first relation sync is done the type-ahead answers from the mirror, and loading
    every relation into memory as well would only cost: with 100,000 relations that is 100 getRelations
    pages parsed in the bot's process for ~25 s (the request threads wait on the GIL and on the
    collector: type-ahead p99 150 ms instead of 30 ms meanwhile) and their memory for good.
    """
    try:
        ready = stream_ready(deps.db, RELATIONS)
    except Exception as err:  # store unreadable: the directory is the safe choice, the form must open
        log.warning("mirror state unreadable (%s): warming the relation directory", type(err).__name__)
        ready = False
    if not ready:
        forms_for(deps).relations.warm()


def forms_for(deps: Deps) -> Forms:
    """The one Forms of this app (commands get only Deps; ``register`` and they must share it)."""
    with _FORMS_LOCK:
        for key in [k for k, (ref, _) in _FORMS.items() if ref() is None]:
            del _FORMS[key]  # apps that are gone (tests build many)
        found = _FORMS.get(id(deps))
        if found is not None and found[0]() is deps:
            return found[1]
        client = deps.orders.client
        editor = OrderEditor(
            client, deps.idempotency, deps.audit, late=deps.confirmed.late, recovery=deps.recovery
        )
        forms = Forms(editor, RelationDirectory(client))
        _FORMS[id(deps)] = (weakref.ref(deps), forms)
        return forms


def ephemeral_teller(respond: Respond) -> Tell:
    def tell(message: str, blocks: list[dict]) -> None:
        respond(text=text.escape(message), blocks=blocks, response_type="ephemeral", replace_original=False)

    return tell


def channel_of(body: dict[str, Any]) -> str:
    container = body.get("container") or {}
    return str(container.get("channel_id") or (body.get("channel") or {}).get("id") or "")


def card_channel(channel_id: str) -> str:
    """Where the card goes after the form; "" (no card, said so) for anything but a channel id."""
    return channel_id if _CHANNEL.fullmatch(channel_id) else ""


def user_of(body: dict[str, Any]) -> str:
    return str((body.get("user") or {}).get("id") or "")


def notice(title: str, message: str, **kwargs: Any) -> dict[str, Any]:
    """A message in the modal; ``tr`` (else the language of ``meta``) says its title and buttons."""
    kwargs.setdefault("tr", modals.reader_of(kwargs.get("meta")))
    return modals.notice_view(title, message, **kwargs)


def form_title(meta: OrderFormMeta) -> str:
    return modals.TITLE_EDIT if meta.editing else modals.TITLE_NEW


# ------------------------------------------------------------------------------ opening


def _open_loading(
    deps: Deps,
    client: WebClient,
    trigger_id: str | None,
    title: str,
    tell: Tell,
    *,
    user: str,
    channel: str,
    tr: Translator,
) -> str | None:
    try:
        opened = client.views_open(trigger_id=trigger_id or "", view=modals.loading_view(title, tr))
    except SlackApiError as err:
        log.warning("views.open for the order form failed: %s", err.response.get("error"))
        said = tr(say.OPEN_FAILED)
        tell(said, views.error_view(said))
        return None
    view_id = str(opened["view"]["id"])
    if deps.form_origins is not None:  # where the result goes, whatever the form later claims
        deps.form_origins.remember(view_id, channel, user)
    return view_id


def failure_notice(title: str, err: Exception, context: str, tr: Translator) -> dict[str, Any]:
    """What went wrong, in the modal, with the error id to give on-call."""
    _english, error_id = describe_failure(err, context)
    message = for_mplus_error(err, tr) if isinstance(err, MplusError) else tr(UNEXPECTED)
    return notice(title, f"⚠️ {text.escape(message)}\n_{tr(say.ERROR_ID, error_id=error_id)}_", tr=tr)


def fill_view(
    client: WebClient, view_id: str, title: str, build: Callable[[], dict[str, Any]], tr: Translator
) -> None:
    """Replace the loading view with ``build()``, or with a clear failure if that goes wrong."""
    try:
        view = build()
    except Exception as err:  # the person is looking at "Loading…": they must hear what happened
        view = failure_notice(title, err, "opening the order form", tr)
    try:
        client.views_update(view_id=view_id, view=view)
    except SlackApiError as err:  # e.g. the person closed the loading modal meanwhile
        log.info("order form could not be shown: %s", err.response.get("error"))


def open_new_form(
    deps: Deps,
    client: WebClient,
    *,
    trigger_id: str | None,
    user_id: str,
    channel_id: str,
    tell: Tell,
    relation: RelationChoice | None = None,
) -> None:
    """The new-order form; ``relation`` already chosen (e.g. "New order for this customer")."""
    if not authorised(deps, user_id, Action.CREATE, tell, channel_id=channel_id):
        return
    tr = deps.languages.for_user(user_id, client)
    view_id = _open_loading(
        deps, client, trigger_id, modals.TITLE_NEW, tell, user=user_id, channel=channel_id, tr=tr
    )
    if view_id is None:
        return
    warm_relations(deps)
    meta = OrderFormMeta(channel=card_channel(channel_id), language=tr.language)
    draft = OrderDraft(ext_order_id=suggest_ext_order_id(), relation=relation)
    fill_view(client, view_id, modals.TITLE_NEW, lambda: modals.order_form(draft, meta, catalogue(deps)), tr)


def edit_form_view(
    deps: Deps, order: Order, channel_id: str, card: CardLocation | None = None, tr: Translator = ENGLISH
) -> dict[str, Any]:
    """The form filled with ``order`` (in the reader's language), or why it cannot be edited."""
    if problem := edit_problem(order):
        said = f"🚫 {text.escape(tr.said(problem))}"
        return notice(modals.TITLE_EDIT, said, order=order, catalogue=catalogue(deps), tr=tr)
    draft = draft_from_order(order)
    ext = order.ext_order_id if len(order.ext_order_id) <= 100 else None  # too long: sent empty = kept
    meta = OrderFormMeta(
        channel=card_channel(channel_id),
        order_id=order.order_id,
        number=order.number[:40],
        ext_order_id=ext or None,
        change_counter=order.change_counter,
        version_number=order.version_number,
        sync_marker=order.sync_marker,
        lines=tuple(line.key for line in draft.lines),
        next_line=len(draft.lines),
        card=card,
        language=tr.language,
    )
    return modals.order_form(draft, meta, catalogue(deps))


def open_edit_form(
    deps: Deps,
    client: WebClient,
    *,
    fetch: Callable[[], Order],
    order_id: str | None = None,
    order_number: str | None = None,
    trigger_id: str | None,
    user_id: str,
    channel_id: str,
    tell: Tell,
    card: CardLocation | None = None,
) -> None:
    """``fetch`` reads the order once the modal is up; the id or number name it in the audit."""
    allowed = authorised(
        deps, user_id, Action.EDIT, tell, order_id=order_id, order_number=order_number, channel_id=channel_id
    )
    if not allowed:
        return
    tr = deps.languages.for_user(user_id, client)
    view_id = _open_loading(
        deps, client, trigger_id, modals.TITLE_EDIT, tell, user=user_id, channel=channel_id, tr=tr
    )
    if view_id is None:
        return
    warm_relations(deps)
    build = lambda: edit_form_view(deps, fetch(), channel_id, card, tr)  # noqa: E731
    fill_view(client, view_id, modals.TITLE_EDIT, build, tr)


# ------------------------------------------------------------------------------ commands


class NewCommand(Command):
    pass


class EditCommand(Command):
    key: OrderKey


def parse_edit(args: list[str], _today: date | None) -> Command:
    return EditCommand(key=parse_order_key(args, "edit"))


def answer_new(_command: NewCommand, ctx: CommandContext) -> None:
    open_new_form(
        ctx.deps,
        ctx.client,
        trigger_id=ctx.trigger_id,
        user_id=ctx.user_id,
        channel_id=ctx.channel_id,
        tell=ephemeral_teller(ctx.respond),
    )


def answer_edit(command: EditCommand, ctx: CommandContext) -> None:
    open_edit_form(
        ctx.deps,
        ctx.client,
        fetch=lambda: ctx.deps.orders.show(command.key),
        order_id=command.key.order_id,
        order_number=str(command.key.number) if command.key.number else None,
        trigger_id=ctx.trigger_id,
        user_id=ctx.user_id,
        channel_id=ctx.channel_id,
        tell=ephemeral_teller(ctx.respond),
    )


SUBCOMMANDS = (
    Subcommand(
        "new", "", N_("Open a form to create an order in Mplus."), no_args("new", NewCommand), answer_new
    ),
    Subcommand(
        "edit",
        "<orderId | order number like 2026-42>",
        N_("Open an order in a form to change its lines and details."),
        parse_edit,
        answer_edit,
    ),
)
