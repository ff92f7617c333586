"""Each channel reads its own language (issue #14): `/order subscribe … lang nl|en` over signed slash
commands, then one order followed by a Dutch and an English channel, a deposit pressed on the Dutch card
by an English-reading person, and the notifier's pass — each channel's card, note and notification text
in its own words and money format, the person's own replies in theirs."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from bot.notifier.engine import PassStatus
from bot.notifier.runner import build_notifier
from bot.slack.i18n import translator
from bot.store.subscriptions import ChannelLanguages
from tests.notifier.conftest import Shop
from tests.notifier.test_commands import reply
from tests.slack.conftest import ALICE, CHANNEL, BotRig, wait_for
from tests.slack.test_confirm_flow import last_ephemeral_with, pay_values
from tests.slack.test_read_path import buttons, shown

TEAM = "C0TEAM"
ANNEKE = "U0ANNEKE"  # Slack locale nl-NL
pytestmark = pytest.mark.bot_settings(allow_pay="*", allow_subscribe="*", notify_post_interval_s=0)


def command(rig: BotRig, text: str, channel: str, user: str = ALICE) -> dict[str, Any]:
    return reply(rig, text, user=user, channel=channel)


def card_in(rig: BotRig, channel: str, number: str) -> dict[str, Any] | None:
    found = [m for m in rig.fake.messages(channel) if f"Order {number}" in json.dumps(m.get("blocks"))]
    return found[0] if found else None


def thread_texts(rig: BotRig, channel: str, card: dict[str, Any]) -> list[str]:
    """What Slack's notification shows for each note: the message ``text``."""
    return [m["text"] for m in rig.fake.thread(channel, card["ts"])]


def test_a_dutch_and_an_english_channel_follow_one_order_each_in_its_own_words(rig: BotRig) -> None:
    runtime = rig.runtime
    rig.fake.add_channel("team-lead", TEAM)
    rig.fake.add_user(ANNEKE, "anneke", locale="nl-NL")

    # Subscribing: announced in the channel, in the language it now has.
    said = command(rig, "subscribe lang nl", CHANNEL)
    assert not said.get("is_ephemeral")
    assert said["text"] == (
        "🔔 <@U0ALICE> heeft dit kanaal geabonneerd op orderwijzigingen (`#1`): alle wijzigingen · "
        "live kaarten. Orderberichten zijn hier in het Nederlands."
    )
    said = command(rig, "subscribe taal en", TEAM)
    assert said["text"].endswith("all changes · live cards. Order posts here are in English.")
    assert ChannelLanguages(runtime.deps.db).all() == {CHANNEL: "nl", TEAM: "en"}
    # The listing is the reader's, and names the channel's language.
    assert "posts in Dutch" in shown(command(rig, "subscriptions", CHANNEL))
    listing = shown(command(rig, "subscriptions", CHANNEL, user=ANNEKE))
    assert "heeft 1 abonnement" in listing and "berichten in het Nederlands" in listing
    # Subscribing again to the same filter only says so, to the person, in their language.
    again = command(rig, "subscribe", CHANNEL)
    assert again.get("is_ephemeral") and "This channel already follows `#1`" in shown(again)

    notifier = build_notifier(
        runtime.settings, runtime.mplus, runtime.slack, runtime.deps.db, runtime.deps.audit
    )
    assert notifier.run_pass().status is PassStatus.OK  # follows from now on
    shop = Shop(runtime.mplus)
    oid = shop.create(quantity=2)  # 2 × € 24,95
    order = runtime.mplus.get_order(oid)
    number, customer = order.number, order.relation_name
    notifier.run_pass()

    dutch, english = card_in(rig, CHANNEL, number), card_in(rig, TEAM, number)
    assert dutch and english, "a card in each channel"
    assert "*€ 49,90 open* · nog niets betaald · 📦 niet geleverd" in shown(dutch)
    assert "*€49.90 open* · nothing paid yet · 📦 not delivered" in shown(english)
    assert "💶 Betalen" in shown(dutch) and "💶 Pay" in shown(english)
    # The notification text (what a phone shows) is in the channel's language too.
    assert dutch["text"] == f"🆕 Nieuwe order *{number}* · {customer} — €\u00a049,90 nog open"
    assert english["text"] == f"🆕 New order *{number}* · {customer} — €49.90 still open"

    # An English reader pays a deposit on the Dutch channel's card.
    before = len(rig.fake.calls("views.update"))
    rig.slack.press_button(dutch, action_id="order_pay", user=ALICE, channel=CHANNEL)
    wait_for(lambda: len(rig.fake.calls("views.update")) > before, what="the pay form")
    form = rig.fake.current_view(ALICE)
    assert form is not None and form["title"]["text"] == "Pay order", "the form is the person's"
    assert not (rig.slack.submit_view(form, pay_values("10,00", "deposit"), user=ALICE).json() or {}).get(
        "errors"
    )
    prompt = last_ephemeral_with(rig, "deposit")
    rig.slack.press_button(prompt, action_id="order_confirm", user=ALICE, channel=CHANNEL)
    told = f"<@{ALICE}> took a €10.00 deposit on *{number}* · {customer} — €39.90 still open"
    last_ephemeral_with(rig, told)  # what she is told: English

    # Each channel's card, updated at once, in its own words and money.
    wait_for(lambda: "aanbetaling € 10,00" in shown(card_in(rig, CHANNEL, number) or {}), what="Dutch card")
    wait_for(lambda: "deposit €10.00" in shown(card_in(rig, TEAM, number) or {}), what="English card")
    assert f"Aanbetaling van € 10,00 door <@{ALICE}>" in shown(card_in(rig, CHANNEL, number) or {})
    assert f"Deposit of €10.00 by <@{ALICE}>" in shown(card_in(rig, TEAM, number) or {})
    assert "order_pay" in buttons(card_in(rig, TEAM, number) or {})

    # The note where it was done, at once, in Dutch; the other channel's from the notifier, in English.
    nl_note = f"💶 <@{ALICE}> nam een aanbetaling van €\u00a010,00 aan op *{number}* · {customer} — "
    wait_for(lambda: thread_texts(rig, CHANNEL, dutch), what="the Dutch note")
    assert thread_texts(rig, CHANNEL, dutch) == [f"{nl_note}€\u00a039,90 nog open"]
    notifier.run_pass()
    assert thread_texts(rig, TEAM, english) == [f"💶 {told}"]
    assert thread_texts(rig, CHANNEL, dutch) == [f"{nl_note}€\u00a039,90 nog open"], "not twice"


def test_a_channel_without_its_own_language_reads_orderbot_language_and_can_switch(rig: BotRig) -> None:
    said = command(rig, "subscribe branch 1", CHANNEL)
    assert said["text"].endswith("Order posts here are in English."), "ORDERBOT_LANGUAGE (en)"
    assert "posts in English (ORDERBOT_LANGUAGE)" in shown(command(rig, "subscriptions", CHANNEL))

    # The same filter with `lang nl`: no second subscription, only the channel's language changes.
    switched = command(rig, "subscribe branch 1 lang nl", CHANNEL)
    assert switched["text"] == (
        "🌐 <@U0ALICE> heeft de taal van de orderberichten in dit kanaal op Nederlands gezet."
    )
    listing = shown(command(rig, "subscriptions", CHANNEL))
    assert "follows 1 subscription:" in listing
    assert "branch 1 · all changes · live cards · posts in Dutch" in listing

    gone = command(rig, "unsubscribe all", CHANNEL)
    assert gone["text"] == "🔕 <@U0ALICE> heeft het abonnement van dit kanaal opgezegd."


def test_lang_needs_a_language_orderbot_speaks(rig: BotRig) -> None:
    said = shown(command(rig, "subscribe lang de", CHANNEL))
    assert "`lang` needs one of en, nl, e.g. `lang nl`" in said
    assert ChannelLanguages(rig.runtime.deps.db).all() == {}


def test_dates_are_written_the_readers_way() -> None:
    nl, en = translator("nl"), translator("en")
    # Dutch shortens months with CLDR's traditional full stop; May (mei) is not shortened, so has none.
    assert [nl.date(date(2026, month, 1)) for month in range(1, 13)] == [
        "1 jan. 2026", "1 feb. 2026", "1 mrt. 2026", "1 apr. 2026", "1 mei 2026", "1 jun. 2026",
        "1 jul. 2026", "1 aug. 2026", "1 sep. 2026", "1 okt. 2026", "1 nov. 2026", "1 dec. 2026",
    ]  # fmt: skip
    assert nl.date(date(2026, 12, 31)) == "31 dec. 2026"
    assert en.date(date(2026, 12, 1)) == "1 Dec 2026" and en.date(date(2026, 3, 9)) == "9 Mar 2026"
