"""The subscription subcommands: subscribe, unsubscribe, subscriptions (per channel).

Changing what a channel follows needs ORDERBOT_ALLOW_SUBSCRIBE; listing is open to everyone in it.
A change is announced in the channel itself, in the channel's language, so its members see who made
the channel louder or quieter; refusals and listings stay ephemeral, in the language of the person who
asked. ``lang nl|en`` (also ``taal``) on subscribe sets the language of everything the channel is
posted (cards, notes, digests), for the whole channel.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pydantic import ValidationError

from bot.mplus.money import MoneyError, parse_cents
from bot.notifier import runner
from bot.orders.permissions import Action
from bot.slack import channel_messages as said
from bot.slack import text
from bot.slack.channel_messages import language_name
from bot.slack.i18n import LANGUAGES, N_, Said, Translator, language_of
from bot.slack.views import notifications
from bot.store.subscriptions import (
    CONFIG_SOURCE,
    ChannelLanguages,
    NotifyEvent,
    SubscriptionFilter,
    SubscriptionStore,
)
from handlers.command_parser import Command, Subcommand, UsageError, no_args, positive_int
from handlers.context import CommandContext
from handlers.order_cards import channel_reader

FILTER_USAGE = (
    "[branch N] [category N] [method CODE] [events new,paid,delivered,cancelled,changed] [min €AMOUNT]"
)
_METHOD = re.compile(r"^[A-Za-z0-9_\-]{1,40}$")
_USER = re.compile(r"^[UW][A-Z0-9]{2,20}$")
_EVENT_ALIASES = {"edited": NotifyEvent.CHANGED, "canceled": NotifyEvent.CANCELLED}
_CURRENCY = {"€", "eur", "euro"}


class SubscribeCommand(Command):
    filter: SubscriptionFilter
    language: str | None = None
    """``lang nl|en``: the channel's posts from now on; None leaves it as it is."""


class UnsubscribeCommand(Command):
    filter: SubscriptionFilter | None = None
    subscription_id: int | None = None
    everything: bool = False
    """``unsubscribe all``: every subscription of this channel."""


class SubscriptionsCommand(Command):
    pass


def _event(word: str) -> NotifyEvent | None:
    word = word.strip().lower()
    if word in _EVENT_ALIASES:
        return _EVENT_ALIASES[word]
    try:
        return NotifyEvent(word)
    except ValueError:
        return None


def _take_events(rest: list[str], subcommand: str) -> frozenset[NotifyEvent]:
    """``events new,paid`` (also ``new, paid`` or ``new paid``): every following word that names events."""
    events: set[NotifyEvent] = set()
    while rest:
        names = [n for n in rest[0].split(",") if n.strip()]
        parsed = [_event(n) for n in names]
        if not names or any(p is None for p in parsed):
            if events:
                break
            bad = next((n for n, p in zip(names, parsed, strict=True) if p is None), rest[0])
            valid = ", ".join(e.value for e in NotifyEvent)
            raise UsageError(Said(said.NOT_AN_EVENT, word=bad[:30], valid=valid), subcommand)
        events.update(p for p in parsed if p is not None)
        rest.pop(0)
    if not events:
        raise UsageError(Said(said.EVENTS_NEED_LIST), subcommand)
    return frozenset(events)


def _take_amount(rest: list[str], subcommand: str) -> int:
    word = rest.pop(0) if rest else ""
    if word.lower() in _CURRENCY and rest:
        word += rest.pop(0)  # "min € 50" arrives as two words
    try:
        return parse_cents(word)
    except MoneyError as err:
        problem = err.args[0] if err.args else str(err)  # a Said: translated with the sentence around it
        raise UsageError(Said(said.MIN_NEEDS_AMOUNT, problem=problem), subcommand) from None


def parse_filter(args: list[str], subcommand: str, *, digest: bool) -> SubscriptionFilter:
    values: dict[str, Any] = {}
    rest = list(args)
    while rest:
        word = rest.pop(0).lower()
        if (
            word in values
            or (word == "min" and "min_cents" in values)
            or (word == "digest" and "digest_at" in values)
        ):
            raise UsageError(Said(said.GIVEN_TWICE, word=word[:40]), subcommand)
        if word in ("branch", "category"):
            values[word] = positive_int(rest.pop(0) if rest else None, word, subcommand)
        elif word == "method":
            code = rest.pop(0) if rest else ""
            if not _METHOD.match(code):
                raise UsageError(Said(said.METHOD_NEEDS_CODE), subcommand)
            values["method"] = code
        elif word == "events":
            values["events"] = _take_events(rest, subcommand)
        elif word == "min":
            values["min_cents"] = _take_amount(rest, subcommand)
        elif word == "digest" and digest:
            values["digest_at"] = rest.pop(0) if rest else ""
        else:
            raise UsageError(Said(said.NOT_A_FILTER, word=word[:40]), subcommand)
    try:
        return SubscriptionFilter(**values)
    except ValidationError as err:
        cause = err.errors()[0].get("ctx", {}).get("error")
        problem = cause.args[0] if isinstance(cause, ValueError) and cause.args else err.errors()[0]["msg"]
        raise UsageError(problem, subcommand) from None


_LANGUAGE_WORDS = ("lang", "taal", "language")


def _take_language(args: list[str]) -> tuple[list[str], str | None]:
    """``lang nl`` / ``taal en`` anywhere among the filters: (the other words, the language)."""
    rest: list[str] = []
    language: str | None = None
    words = list(args)
    while words:
        word = words.pop(0)
        if word.lower() not in _LANGUAGE_WORDS:
            rest.append(word)
            continue
        if language is not None:
            raise UsageError(Said(said.GIVEN_TWICE, word=word.lower()[:40]), "subscribe")
        language = language_of(words.pop(0) if words else None)
        if language is None:
            problem = Said(said.LANG_NEEDS, word=word.lower()[:40], choices=", ".join(LANGUAGES))
            raise UsageError(problem, "subscribe")
    return rest, language


def parse_subscribe(args: list[str], _today: date | None) -> Command:
    rest, language = _take_language(args)
    return SubscribeCommand(filter=parse_filter(rest, "subscribe", digest=True), language=language)


def parse_unsubscribe(args: list[str], _today: date | None) -> Command:
    if not args:  # never read as "the all-changes subscription": removing it must be asked for
        raise UsageError(
            Said(said.UNSUBSCRIBE_WHICH),
            "unsubscribe",
        )
    if len(args) == 1 and args[0].lower() == "all":
        return UnsubscribeCommand(everything=True)
    if len(args) == 1 and args[0].lstrip("#").isdigit():
        return UnsubscribeCommand(subscription_id=positive_int(args[0].lstrip("#"), "#ID", "unsubscribe"))
    return UnsubscribeCommand(filter=parse_filter(args, "unsubscribe", digest=True))


# ------------------------------------------------------------------------------- answers


def _store(ctx: CommandContext) -> SubscriptionStore:
    return SubscriptionStore(ctx.deps.db)


def _who(user_id: str) -> str:
    return f"<@{user_id}>" if _USER.match(user_id) else text.escape(user_id)


def _refused(
    ctx: CommandContext, action: str, params: dict[str, Any], tr: Translator
) -> dict[str, Any] | None:
    if ctx.deps.permissions.allows(ctx.user_id, Action.SUBSCRIBE):
        return None
    ctx.deps.audit.record(
        user_id=ctx.user_id, action=action, result="refused", channel_id=ctx.channel_id, params=params
    )
    return notifications.notice(
        tr(said.SUBSCRIBE_REFUSED, setting=Action.SUBSCRIBE.setting, command=text.escape(ctx.deps.command))
    )


def _announce(ctx: CommandContext, message: str) -> None:
    ctx.respond(response_type="in_channel", replace_original=False, **notifications.notice(message))


def answer_subscribe(command: SubscribeCommand, ctx: CommandContext) -> dict[str, Any] | None:
    tr = ctx.reader()
    params: dict[str, Any] = {"filter": command.filter.key()}
    if command.language:
        params["language"] = command.language
    if refusal := _refused(ctx, "subscribe", params, tr):
        return refusal
    sub, created = _store(ctx).add(ctx.channel_id, command.filter, ctx.user_id)
    switched = bool(command.language) and ChannelLanguages(ctx.deps.db).choose(
        ctx.channel_id, str(command.language), ctx.user_id
    )
    here = channel_reader(ctx.deps, ctx.channel_id)  # the channel's language, as just chosen
    if created or switched:
        ctx.deps.audit.record(
            user_id=ctx.user_id,
            action="subscribe",
            result="ok",
            channel_id=ctx.channel_id,
            params={"subscription_id": sub.id, **params},
        )
    language = text.escape(language_name(here, here.language))
    if not created:
        if switched:  # the same filter with another language: only the language changed
            _announce(ctx, here(said.LANGUAGE_SET, who=_who(ctx.user_id), language=language))
            return None
        described = text.escape(notifications.describe_filter(command.filter, tr))
        return notifications.notice(tr(said.ALREADY_FOLLOWS, id=sub.id, filter=described))
    runner.subscriptions_changed()
    described = text.escape(notifications.describe_filter(command.filter, here))
    said_here = here(said.SUBSCRIBED, who=_who(ctx.user_id), id=sub.id, filter=described)
    _announce(ctx, f"{said_here} {here(said.POSTS_IN, language=language)}")
    return None


def answer_unsubscribe(command: UnsubscribeCommand, ctx: CommandContext) -> dict[str, Any] | None:
    params = {"id": command.subscription_id, "all": command.everything}
    if command.filter is not None:
        params["filter"] = command.filter.key()
    tr = ctx.reader()
    if refusal := _refused(ctx, "unsubscribe", params, tr):
        return refusal
    store = _store(ctx)
    here = channel_reader(ctx.deps, ctx.channel_id)
    if command.everything:
        removed = store.remove_all(ctx.channel_id)
        what = (
            here(said.ALL_SUBSCRIPTIONS_ONE)
            if removed == 1
            else here(said.ALL_SUBSCRIPTIONS_MANY, count=here.number(removed))
        )
    elif command.subscription_id is not None:
        row = next((s for s in store.for_channel(ctx.channel_id) if s.id == command.subscription_id), None)
        if row is not None and row.source == CONFIG_SOURCE:
            return notifications.notice(tr(said.FROM_SETTING, id=row.id))
        removed = int(store.remove_id(ctx.channel_id, command.subscription_id))
        what = f"`#{command.subscription_id}`"
    else:
        assert command.filter is not None
        removed = int(store.remove(ctx.channel_id, command.filter))
        what = text.escape(notifications.describe_filter(command.filter, here))
    if not removed:
        return notifications.notice(tr(said.NOTHING_TO_UNSUBSCRIBE, command=text.escape(ctx.deps.command)))
    ctx.deps.audit.record(
        user_id=ctx.user_id, action="unsubscribe", result="ok", channel_id=ctx.channel_id, params=params
    )
    _announce(ctx, here(said.UNSUBSCRIBED, who=_who(ctx.user_id), what=what))
    return None


def answer_subscriptions(_command: SubscriptionsCommand, ctx: CommandContext) -> dict[str, Any]:
    return notifications.subscriptions_message(
        ctx.channel_id,
        _store(ctx).for_channel(ctx.channel_id),
        ctx.deps.command,
        ctx.reader(),
        language=language_of(ChannelLanguages(ctx.deps.db).get(ctx.channel_id)),
        default_language=ctx.deps.languages.default,
    )


SUBCOMMANDS = (
    Subcommand(
        "subscribe",
        f"{FILTER_USAGE} [digest HH:MM] [lang nl|en]",
        N_("Post order changes in this channel as live cards (or one daily digest at HH:MM shop time)."),
        parse_subscribe,
        answer_subscribe,
    ),
    Subcommand(
        "unsubscribe",
        f"<#ID | all | {FILTER_USAGE} [digest HH:MM]>",
        N_("Stop one of this channel's subscriptions (by id or by the same filters), or all of them."),
        parse_unsubscribe,
        answer_unsubscribe,
    ),
    Subcommand(
        "subscriptions",
        "",
        N_("List the order changes this channel follows."),
        no_args("subscriptions", SubscriptionsCommand),
        answer_subscriptions,
    ),
)
