"""What the notifier posts follows each channel's language (issue #14): daily digests with their chart,
the Mplus outage notice in the ops channel, and ORDERBOT_LANGUAGE for channels without their own."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from bot.mplus.models import MPLUS_TZ
from bot.notifier.engine import PassStatus
from bot.slack.i18n import translator
from bot.slack.views.notifications import DigestLine, digest_message
from bot.store.subscriptions import ChannelLanguages
from tests.notifier.conftest import GENERAL, OPS, NotifierRig, all_text, notify_rig  # noqa: F401
from tests.slack.conftest import ALICE

OTHER = "C0OTHER"
# Dutch shortened months with CLDR's traditional full stop; "mei" is not shortened.
DUTCH_MONTHS = ("jan.", "feb.", "mrt.", "apr.", "mei", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec.")
ENGLISH_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec")


def title_of(digest: dict[str, Any]) -> str:
    return next(b["text"]["text"] for b in digest["blocks"] if b.get("block_id") == "digest_header")


def test_a_daily_digest_and_its_chart_in_each_channels_language(notify_rig: NotifierRig) -> None:  # noqa: F811
    rig = notify_rig
    rig.fake.add_channel("other", OTHER)
    for channel in (GENERAL, OTHER):
        rig.subscribe(channel, digest_at="08:00", branch=1)
    ChannelLanguages(rig.db).choose(GENERAL, "nl", ALICE)
    ChannelLanguages(rig.db).choose(OTHER, "en", ALICE)
    rig.run()
    number = rig.shop.number(rig.shop.create(quantity=2))  # 2 × € 24,95
    rig.run()

    tomorrow = (rig.clock() + timedelta(days=1)).astimezone(MPLUS_TZ)
    rig.clock.fixed = tomorrow.replace(hour=8, minute=1)
    assert rig.run().status is PassStatus.OK
    day = tomorrow.date()

    (dutch,) = rig.digests(GENERAL)
    dutch_day = f"{day.day} {DUTCH_MONTHS[day.month - 1]} {day.year}"
    assert title_of(dutch) == f"🗓️ Dagelijks orderoverzicht · {dutch_day}"
    shown = all_text(dutch)
    assert "*1 order* · 🚚 1 open" in shown
    assert re.search(rf"\*{re.escape(number)}\* · .+ · € 49,90 · open", shown), shown
    assert "Orderwijzigingen die dit kanaal volgt sinds het vorige overzicht" in shown
    assert dutch["text"].startswith("🗓️ Dagelijks orderoverzicht · ") and dutch["text"].endswith(
        ": 1 order (🚚 1 open)"
    )
    (english,) = rig.digests(OTHER)
    assert title_of(english) == f"🗓️ Daily order digest · {day.day} {ENGLISH_MONTHS[day.month - 1]} {day.year}"
    assert re.search(rf"\*{re.escape(number)}\* · .+ · €49\.90 · open", all_text(english))

    # The chart after each digest: its title, axes' story and summary in the channel's language.
    (shared_nl,) = [m for m in rig.fake.messages(GENERAL) if m.get("files")]
    nl_months = "|".join(re.escape(m) for m in DUTCH_MONTHS)
    assert re.fullmatch(
        r"\d+ orders, omzet €\u00a0[\d.]+,\d\d in de laatste 7 dagen, filiaal 1 \(.+\)\. "
        rf"Drukste dag: \d{{1,2}} ({nl_months}) \d{{4}} met \d+ orders, €\u00a0[\d.]+,\d\d\.",
        shared_nl["text"],
    ), shared_nl["text"]
    (shared_en,) = [m for m in rig.fake.messages(OTHER) if m.get("files")]
    assert re.fullmatch(
        r"\d+ orders, revenue €[\d,]+\.\d\d in the last 7 days, branch 1 \(.+\)\. "
        r"Busiest day: \d{1,2} [A-Z][a-z]+ \d{4} with \d+ orders, €[\d,]+\.\d\d\.",
        shared_en["text"],
    ), shared_en["text"]
    titles = {f["channels"][0]: f["title"] for f in rig.fake.files()}
    assert titles == {
        GENERAL: "Orders en omzet, de laatste 7 dagen, filiaal 1",
        OTHER: "Orders and revenue, the last 7 days, branch 1",
    }


def test_the_outage_notice_reads_the_ops_channels_language(notify_rig: NotifierRig) -> None:  # noqa: F811
    rig = notify_rig
    rig.overrides.update(ops_channel=OPS)
    ChannelLanguages(rig.db).choose(OPS, "nl", ALICE)
    rig.run()
    rig.emulator.add_fault("getOrders", "http_500", times=None)
    assert rig.run().status is PassStatus.MPLUS_DOWN
    (alert,) = rig.fake.messages(OPS)
    assert alert["text"].startswith("Mplus onbereikbaar sinds ")
    assert "Ordermeldingen liggen stil; er gaat niets verloren" in all_text(alert)
    rig.emulator.clear_faults()
    assert rig.run().status is PassStatus.OK
    _, recovery = rig.fake.messages(OPS)
    assert recovery["text"].startswith("Mplus weer bereikbaar om ")
    since = r"onbereikbaar sinds \d\d:\d\d op \d{1,2} \w+\.? \d{4}, ongeveer \d+ minu"
    assert re.search(since, all_text(recovery)), all_text(recovery)


def test_orderbot_language_is_what_a_channel_without_its_own_reads(notify_rig: NotifierRig) -> None:  # noqa: F811
    rig = notify_rig
    rig.overrides.update(language="nl")
    rig.fake.add_channel("other", OTHER)
    rig.subscribe(GENERAL)
    rig.subscribe(OTHER)
    ChannelLanguages(rig.db).choose(OTHER, "en", ALICE)
    rig.run()
    number = rig.shop.number(rig.shop.create())
    rig.run()
    dutch, english = rig.card_of(GENERAL, number), rig.card_of(OTHER, number)
    assert dutch is not None and english is not None
    assert "*€ 24,95 open* · nog niets betaald · 📦 niet geleverd" in all_text(dutch)
    assert "*€24.95 open* · nothing paid yet · 📦 not delivered" in all_text(english)
    assert dutch["text"].startswith("🆕 Nieuwe order") and english["text"].startswith("🆕 New order")


def test_a_digest_counts_and_states_the_readers_way() -> None:
    line = {"relation": "Zoë", "total_cents": 123456, "state": "paid"}
    lines = [DigestLine(number=f"2026-{n}", **line) for n in range(5)]
    dutch = digest_message(
        title="t", total=12_345, by_state={"open": 12_000, "paid": 345}, first=lines, footer="f",
        tr=translator("nl"),
    )  # fmt: skip
    said = all_text(dutch)
    assert "*12.345 orders* · 🚚 12.000 open · 💶 345 betaald" in said
    assert "*2026-0* · Zoë · € 1.234,56 · betaald" in said and "… en nog 12.340 orders" in said
    english = all_text(digest_message(title="t", total=6, by_state={"paid": 6}, first=lines, footer="f"))
    assert "*6 orders* · 💶 6 paid" in english and "€1,234.56 · paid" in english
    assert "… and 1 more order" in english and "more orders" not in english
