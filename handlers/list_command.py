"""`/order list` from the mirror: state, customer and article filters, keyset pages, Show and row menus."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.mirror import queries
from bot.mirror.models import OrderCursor, OrderFilters
from bot.orders.periods import PERIOD_WORDS, Period, PeriodError, parse_period
from bot.orders.permissions import Action
from bot.slack import messages, views
from bot.slack import screen_messages as say
from bot.slack.deps import Deps
from bot.slack.i18n import ENGLISH, N_, Said, Translator
from bot.slack.ids import ActionId, InvalidValue, ListRowRef, OrderListQuery
from bot.slack.text import escape
from handlers.command_parser import Command, UsageError, positive_int
from handlers.confirm_flow import ConfirmFlow, card_location
from handlers.context import CommandContext
from handlers.replies import catalogue, message, reply_on_failure
from handlers.surface import view_reply

DEFAULT_PERIOD = "week"
ANY_DATE = "all"
STATES = ("open", "unpaid", "undelivered", "cancelled")
TEXT_FILTERS = ("customer", "article")
NUMBER_FILTERS = ("branch", "relation")
KEYWORDS = frozenset((*STATES, *TEXT_FILTERS, *NUMBER_FILTERS))
MAX_FILTER_TEXT = 100
USAGE = (
    "[today|yesterday|week|all|DATE|DATE..DATE] [open|unpaid|undelivered|cancelled] "
    "[customer <text>] [article <text>] [branch N] [relation N]"
)
DESCRIPTION = N_(
    "List orders from the local mirror, newest first (default: the last 7 days; with a state, customer "
    "or article filter: any date). Dates as YYYY-MM-DD or DD-MM-YYYY."
)


class ListCommand(Command):
    query: OrderListQuery


def _period(word: str, today: date | None) -> Period | None:
    """The period ``word`` names, or None when it is not a period at all."""
    if word.lower() == ANY_DATE:
        return None
    return parse_period(word, today)


def _is_period(word: str, today: date | None) -> bool:
    if word.lower() == ANY_DATE:
        return True
    try:
        parse_period(word, today)
    except PeriodError:
        return False
    return True


def _text_after(name: str, rest: list[str], today: date | None) -> str:
    """The words after ``customer``/``article`` up to the next filter word or period."""
    words: list[str] = []
    while rest and rest[0].lower() not in KEYWORDS and not _is_period(rest[0], today):
        words.append(rest.pop(0))
    value = " ".join(words).strip("\"'“”").strip()
    if not value:
        example = "zoe berg" if name == "customer" else "koffiemolen"
        problem = Said(N_("`{name}` needs some text, e.g. `{name} {example}`"), name=name, example=example)
        raise UsageError(problem, "list")
    if len(value) > MAX_FILTER_TEXT:
        raise UsageError(
            Said(N_("the `{name}` text is longer than {n} characters"), name=name, n=MAX_FILTER_TEXT), "list"
        )
    return value


def parse_list(args: list[str], today: date | None) -> Command:
    fields: dict[str, Any] = {}
    period_word: str | None = None
    rest = list(args)
    while rest:
        raw = rest.pop(0)
        word = raw.lower()
        if word in STATES:
            fields[word] = True
        elif word in TEXT_FILTERS:
            fields[word] = _text_after(word, rest, today)
        elif word in NUMBER_FILTERS:
            fields[word] = positive_int(rest.pop(0) if rest else None, word, "list")
        elif period_word is None and (word == ANY_DATE or word in PERIOD_WORDS or word[:1].isdigit()):
            period_word = raw
        else:
            raise UsageError(Said(N_("`{word}` is not a list filter"), word=raw[:40]), "list")
    narrowed = any(fields.get(name) for name in (*STATES, *TEXT_FILTERS))
    # With a state, customer or article filter and no period, look at any date: the caller's open
    # order from last month is exactly what such a list is for.
    period_word = period_word or (ANY_DATE if narrowed else DEFAULT_PERIOD)
    try:
        period = _period(period_word, today)
    except PeriodError as err:
        raise UsageError(err.args[0], "list") from None
    if period is not None:
        fields.update(start=period.start, end=period.end, label=period.label)
    else:
        fields["label"] = say.ANY_DATE
    return ListCommand(query=OrderListQuery(**fields))


def title_of(query: OrderListQuery, tr: Translator = ENGLISH) -> str:
    """``Orders the last 7 days · open · customer “bakker”``; a period word (a marked label) in the
    reader's language, a date range as typed."""
    if query.label == say.ANY_DATE:
        parts = [tr(say.LIST_TITLE_ANY_DATE)]
    else:
        parts = [tr(say.LIST_TITLE, period=tr.said(query.label))]
    parts.extend(tr(say.LIST_FILTER_WORDS[name]) for name in STATES if getattr(query, name))
    if query.customer:
        parts.append(tr(say.LIST_CUSTOMER, text=query.customer))
    if query.article:
        parts.append(tr(say.LIST_ARTICLE, text=query.article))
    if query.branch:
        parts.append(tr(say.LIST_BRANCH, n=query.branch))
    if query.relation:
        parts.append(tr(say.LIST_RELATION, n=query.relation))
    return " · ".join(parts)


def _filters(query: OrderListQuery) -> OrderFilters:
    return OrderFilters(
        open=query.open, unpaid=query.unpaid, undelivered=query.undelivered, cancelled=query.cancelled,
        customer=query.customer, article=query.article, start=query.start, end=query.end,
        branch=query.branch, relation=query.relation,
    )


def _cursor(query: OrderListQuery) -> OrderCursor | None:
    if query.cursor_year is None or query.cursor_number is None or query.cursor_id is None:
        return None
    return OrderCursor(year=query.cursor_year, number=query.cursor_number, id=query.cursor_id,
                       before=query.before)


def _mirror_state(deps: Deps, tr: Translator) -> tuple[bool, str]:
    """(ready, what to tell people): lists need the mirror's first order sync to be complete."""
    streams = {s.stream: s for s in queries.status(deps.db)}
    orders = streams.get("orders")
    if orders is None:
        return False, tr(say.MIRROR_NOT_STARTED)
    if not orders.initial_done:
        return False, say.mirror_loading(orders.next_marker, orders.top_marker, tr)
    behind = orders.behind or 0
    return True, say.mirror_as_of(orders.last_pass_at, behind, tr)


def list_reply(query: OrderListQuery, deps: Deps, user_id: str, tr: Translator = ENGLISH) -> dict[str, Any]:
    ready, note = _mirror_state(deps, tr)
    title = title_of(query, tr)
    if not ready:
        return message(views.notice_view(note), escape(note))
    page = queries.list_orders(
        deps.db, _filters(query), _cursor(query), limit=min(deps.list_page_size, views.MAX_PAGE_SIZE)
    )
    base = query.model_copy(update={"cursor_year": None, "cursor_number": None, "cursor_id": None,
                                    "before": False})
    blocks = views.mirror_order_list(
        page, base, title=title, as_of=note,
        may_pay=deps.permissions.allows(user_id, Action.PAY),
        may_deliver=deps.permissions.allows(user_id, Action.DELIVER),
        tr=tr,
    )
    count = len(page.orders)
    said = tr(say.LIST_TEXT_ONE, title=title) if count == 1 else tr(say.LIST_TEXT_MANY, title=title, n=count)
    # The title carries what was typed after `customer`/`article`: escaped in `text` as in the blocks.
    return message(blocks, escape(said))


def answer_list(command: ListCommand, ctx: CommandContext) -> dict[str, Any]:
    return list_reply(command.query, ctx.deps, ctx.user_id, ctx.reader())


def _stale(respond: Respond | Callable[..., Any], tr: Translator = ENGLISH) -> None:
    text = tr(messages.STALE_BUTTON)
    respond(text=text, blocks=views.error_view(text), response_type="ephemeral", replace_original=False)


def _action(body: dict[str, Any]) -> dict[str, Any]:
    return (body.get("actions") or [{}])[0]


def register(app: App, deps: Deps) -> None:
    flow = ConfirmFlow(deps)

    def ack(ack: Ack) -> None:
        ack()

    def page_pressed(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        user = body["user"]["id"]
        tr = deps.languages.for_user(user, client)
        try:
            query = OrderListQuery.decode(_action(body).get("value"))
        except InvalidValue:
            _stale(respond, tr)
            return
        with reply_on_failure(respond, "list page", lambda: tr):
            respond(replace_original=True, **list_reply(query, deps, user, tr))

    def show_pressed(body: dict[str, Any], respond: Respond | None, client: WebClient) -> None:
        respond, _dm = view_reply(body, respond, client)  # from the App Home: the card comes in the DM
        tr = deps.languages.for_user((body.get("user") or {}).get("id"), client)
        try:
            ref = ListRowRef.decode(_action(body).get("value"))
        except InvalidValue:
            _stale(respond, tr)
            return
        with reply_on_failure(respond, f"show {ref.order_id}", lambda: tr):
            # The card is the order as Mplus has it now; the list stays where it was.
            order = deps.orders.get(ref.order_id)
            blocks = views.order_card(order, catalogue(deps), tr=tr)
            card = message(blocks, views.order_summary_text(order, tr))
            respond(replace_original=False, response_type="ephemeral", **card)

    def menu_chosen(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        try:
            ref = ListRowRef.decode((_action(body).get("selected_option") or {}).get("value"))
        except InvalidValue:
            _stale(respond, deps.languages.for_user((body.get("user") or {}).get("id"), client))
            return
        if ref.action == "show":
            show_pressed({**body, "actions": [{"value": ref.encode()}]}, respond, client)
            return
        # The result goes to a new ephemeral message: the list is not replaced by a card.
        where = card_location(body).model_copy(update={"ts": None, "response_url": None, "ephemeral": True})
        with reply_on_failure(respond, f"{ref.action} {ref.order_id}"):
            flow.start(
                Action(ref.action), ref.order_id, user_id=body["user"]["id"], card=where,
                trigger_id=body.get("trigger_id"), respond=respond, client=client,
            )

    app.action(ActionId.LIST_NEXT.value)(ack=ack, lazy=[page_pressed])
    app.action(ActionId.LIST_PREVIOUS.value)(ack=ack, lazy=[page_pressed])
    app.action(ActionId.LIST_SHOW.value)(ack=ack, lazy=[show_pressed])
    app.action(ActionId.LIST_ROW_MENU.value)(ack=ack, lazy=[menu_chosen])
