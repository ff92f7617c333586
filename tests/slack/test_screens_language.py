"""Issue #14, the screens one person sees: a Dutch (Slack locale nl-NL) and an English shop worker side
by side, through signed requests against the real bot — find results and lists (headers, rows, Show,
Next/Previous), the order form and its field errors (the money parser's own explanation included),
the App Home, and a usage error said in the ack itself. Expectations about data come from Mplus (the
emulator); the words are the catalogue's."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from bot.mirror.sync import MirrorConfig, MirrorSync
from bot.mplus.client import MplusClient
from bot.mplus.models import NewOrder, NewOrderLine, NewRelation, Order
from bot.mplus.money import Quantity
from bot.slack.ids import ActionId
from tests.overview.test_app_home import open_home
from tests.slack.conftest import ALICE, CHANNEL, BotRig, wait_for
from tests.slack.test_order_form import line, submit, values, wait_form
from tests.slack.test_read_path import shown

ANNEKE = "U0ANNEKE"  # Slack locale nl-NL: reads Dutch without choosing anything
SMALL_PAGES = pytest.mark.bot_settings(list_page_size=5, allow_create="*", allow_pay="*", allow_deliver="*")


@pytest.fixture
def anneke(rig: BotRig) -> str:
    rig.fake.add_user(ANNEKE, "anneke", locale="nl-NL")
    return ANNEKE


def sync(rig: BotRig) -> None:
    report = MirrorSync(MirrorConfig(), rig.runtime.mplus, rig.runtime.deps.db).run_until_level()
    assert report.error is None, report.error


def order_for(mplus: MplusClient, relation: int, price_cents: int = 1250) -> Order:
    article = mplus.get_orders()[0].lines[0].article_number
    created = mplus.create_order(
        NewOrder(
            ext_order_id=f"T-{uuid.uuid4().hex[:8]}",
            relation_number=relation,
            lines=(
                NewOrderLine(article_number=article, quantity=Quantity(quantity=1), price_cents=price_cents),
            ),
        )
    )
    return mplus.get_order(created.order_id)


def header(message: dict[str, Any]) -> str:
    return next((b["text"]["text"] for b in message["blocks"] if b.get("type") == "header"), "")


def button_texts(message: dict[str, Any], action_id: str) -> list[str]:
    found = []
    for block in message.get("blocks") or []:
        candidates = [block.get("accessory")] if block.get("accessory") else block.get("elements", [])
        found += [e["text"]["text"] for e in candidates if e and e.get("action_id") == action_id]
    return found


def press_and_replace(rig: BotRig, message: dict[str, Any], action_id: str, user: str) -> dict[str, Any]:
    index = next(i for i, e in enumerate(rig.ephemerals(user)) if e.get("ts") == message.get("ts"))
    before = rig.ephemerals(user)[index].get("replaced", 0)
    rig.slack.press_button(message, action_id=action_id, user=user, channel=CHANNEL)
    return wait_for(
        lambda: (e := rig.ephemerals(user)[index]).get("replaced", 0) > before and e, what="the next page"
    )


@pytest.fixture
def quintijn(rig: BotRig) -> list[Order]:
    """A customer with seven orders of € 1.234,50 each (more than one page of five)."""
    mplus = rig.runtime.mplus
    number = mplus.create_relation(NewRelation(name="Zoë Quintijn-Berghuis", zipcode="9413 QX"))
    orders = [order_for(mplus, number, 123450) for _ in range(7)]
    sync(rig)
    return orders


@SMALL_PAGES
def test_find_results_and_lists_in_each_readers_language(
    rig: BotRig, anneke: str, quintijn: list[Order]
) -> None:
    # find: several orders → a list with a Show per row, in each person's words and number format.
    dutch, english = rig.run("zoek zoe quintijn", user=anneke), rig.run("find zoe quintijn", user=ALICE)
    assert header(dutch) == "Orders voor “zoe quintijn”" and header(english) == "Orders for “zoe quintijn”"
    assert "7 orders" in shown(dutch) and "€ 1.234,50" in shown(dutch) and "open" in shown(dutch)
    assert "€1,234.50" in shown(english)
    assert set(button_texts(dutch, ActionId.LIST_SHOW.value)) == {"Toon"}
    assert set(button_texts(english, ActionId.LIST_SHOW.value)) == {"Show"}

    # list: a Dutch title with its filters, Dutch rows, and Volgende / Vorige that stay Dutch.
    listed = rig.run("lijst open customer quintijn", user=anneke)
    assert header(listed) == "Orders (alle data) · open · klant “quintijn”", header(listed)
    said = shown(listed)
    assert "Uit Orderbots kopie van Mplus" in said and "nog € 1.234,50 te betalen" in said
    assert "niet geleverd" in said and "Betalen…" in said and "Leveren…" in said
    assert button_texts(listed, ActionId.LIST_SHOW.value) == ["Toon"] * 5
    assert button_texts(listed, ActionId.LIST_NEXT.value) == ["Volgende"]
    second = press_and_replace(rig, listed, ActionId.LIST_NEXT.value, anneke)
    assert button_texts(second, ActionId.LIST_PREVIOUS.value) == ["Vorige"]
    assert header(second) == header(listed)
    days = {o.financial_date for o in quintijn if o.financial_date}
    assert any(f"{day.day} " in shown(second) for day in days)

    english_list = rig.run("list open customer quintijn", user=ALICE)
    assert header(english_list) == "Orders (any date) · open · customer “quintijn”"
    assert "€1,234.50 to pay" in shown(english_list) and "Pay…" in shown(english_list)
    assert button_texts(english_list, ActionId.LIST_NEXT.value) == ["Next"]

    # Customers without orders, and nothing at all: said in Dutch, with what was searched.
    rig.runtime.mplus.create_relation(NewRelation(name="Çelik Ĳsselmonde-Quast"))
    sync(rig)
    customers = rig.run("zoek celik ijsselmonde", user=anneke)
    assert header(customers) == "Klanten voor “celik ijsselmonde”"
    assert "1 klant gevonden, maar zonder orders" in shown(customers)
    assert button_texts(customers, ActionId.NEW_ORDER_FOR.value) == ["Nieuwe order voor deze klant"]
    nothing = shown(rig.run("zoek xyzzy", user=anneke))
    assert "Niets gevonden voor “xyzzy”. Gezocht in: extern order-id; klanten (naam, bedrijf" in nothing
    english = shown(rig.run("find xyzzy"))
    assert "Nothing found for “xyzzy”. Searched: external order id; customers (name, company" in english


@SMALL_PAGES
def test_the_order_form_and_its_field_errors_in_each_readers_language(rig: BotRig, anneke: str) -> None:
    rig.slack.command("/order", "nieuw", user=anneke, channel=CHANNEL)
    form = wait_form(rig, anneke)
    assert form["title"]["text"] == "Nieuwe order" and form["submit"]["text"] == "Order aanmaken"
    labels = [b["label"]["text"] for b in form["blocks"] if b.get("type") == "input"]
    assert {"Relatie", "Artikel", "Aantal", "Stukprijs (€, incl. btw)"} <= set(labels)
    options = rig.slack.block_suggestion(form, ActionId.FORM_RELATION.value, "Niemand Bekend")
    assert options[-1]["text"]["text"] == "➕ Nieuwe klant “Niemand Bekend”…"

    # Field errors come back in the ack, in the form's language; the money parser's own explanation too.
    answer = submit(rig, form, values(rig, form, line(0, "abc", "-1", "12,505")))
    errors = answer["errors"]
    assert errors["form_line_0_article"] == (
        '"abc" is geen artikelnummer — gebruik het nummer uit Mplus, bijvoorbeeld 1001.'
    )
    assert errors["form_line_0_quantity"] == '"-1" kan niet — het aantal moet meer dan 0 zijn'
    assert errors["form_line_0_price"].startswith('"12,505" is dubbelzinnig — duizendtalscheiding of 3')
    answer = submit(rig, form, values(rig, form, line(0, "1001", "1", "1,234,5")))
    assert "is geen geldig bedrag" in answer["errors"]["form_line_0_price"]

    rig.slack.command("/order", "new", user=ALICE, channel=CHANNEL)
    english = wait_form(rig, ALICE)
    assert english["title"]["text"] == "New order" and english["submit"]["text"] == "Create order"
    errors = submit(rig, english, values(rig, english, line(0, "abc", "-1", "12,505")))["errors"]
    assert errors["form_line_0_quantity"] == '"-1" is not allowed — quantity must be more than 0'
    assert errors["form_line_0_price"].startswith('"12,505" is ambiguous')


@SMALL_PAGES
def test_the_app_home_in_each_readers_language(rig: BotRig, anneke: str, quintijn: list[Order]) -> None:
    home = open_home(rig, anneke)
    dutch = shown(home)
    for title in ("Actie nodig", "Vandaag", "Jouw laatste acties", "Jouw kanalen"):
        assert title in dutch, dutch
    assert "Geleverd, niet betaald" in dutch and "Stand van" in dutch
    english = shown(open_home(rig, ALICE))
    assert "Needs action" in english and "Actie nodig" not in english


@SMALL_PAGES
def test_stats_methods_and_history_in_each_readers_language(
    rig: BotRig, anneke: str, quintijn: list[Order]
) -> None:
    stats = rig.run("stats week", user=anneke)
    assert header(stats) == "Orders en omzet, de afgelopen 7 dagen"
    assert " orders, omzet €\u00a0" in stats["text"] and "in de afgelopen 7 dagen (" in stats["text"]
    assert "Drukste dag: " in stats["text"]
    assert header(rig.run("stats week")) == "Orders and revenue, the last 7 days"
    methods = rig.run("methods", user=anneke)
    assert header(methods) == "Verzendmethoden" and "— code " in shown(methods)
    assert header(rig.run("categories", user=anneke)) == "Ordercategorieën"
    number = quintijn[0].number
    history = rig.run(f"audit {number}", user=anneke)
    assert header(history) == f"Geschiedenis van order {number}"
    assert "Orderbot heeft voor deze order nog niets vastgelegd." in shown(history)


def test_a_usage_error_is_said_in_the_ack_in_the_persons_language(rig: BotRig, anneke: str) -> None:
    # The ack does not wait for users.info: a person never seen before reads the default (English)…
    first = rig.slack.command("/order", "lijst vanmorgen", user=anneke, channel=CHANNEL)
    assert first.status == 200 and first.within_deadline
    assert "`vanmorgen` is not a list filter" in first.json()["text"]
    # …and is known from then on: the next refusal in the ack is Dutch, with the Dutch usage line.
    wait_for(lambda: rig.runtime.deps.languages.cached(anneke).language == "nl", what="Anneke's language")
    again = rig.slack.command("/order", "lijst 2026-13-45", user=anneke, channel=CHANNEL)
    said = again.json()["text"]
    assert "`2026-13-45` is geen datum — schrijf JJJJ-MM-DD of DD-MM-JJJJ" in said
    assert "Gebruik: /order list" in said
    typo = rig.slack.command("/order", "shwo 42", user=anneke, channel=CHANNEL).json()["text"]
    assert "`shwo` is geen orderopdracht. Bedoel je `show`?" in typo and "Gebruik: /order show" in typo
    english = rig.slack.command("/order", "list 2026-13-45", user=ALICE, channel=CHANNEL).json()["text"]
    assert "is not a date — use YYYY-MM-DD or DD-MM-YYYY" in english and "Usage: /order list" in english


def test_subscribe_usage_errors_in_the_persons_language(rig: BotRig, anneke: str) -> None:
    rig.slack.command("/order", "help", user=anneke, channel=CHANNEL)  # Anneke becomes known
    wait_for(lambda: rig.runtime.deps.languages.cached(anneke).language == "nl", what="Anneke's language")

    def said(words: str, user: str) -> str:
        return rig.slack.command("/order", words, user=user, channel=CHANNEL).json()["text"]

    assert "`kleur` is geen filter voor een abonnement" in said("subscribe kleur", anneke)
    assert "`min` heeft een bedrag nodig, bijv. `min €50`:" in said("subscribe min veel", anneke)
    assert "`events` heeft een lijst nodig" in said("subscribe events", anneke)
    assert "`taal` heeft een van en, nl nodig, bijv. `taal nl`" in said("subscribe taal fr", anneke)
    assert "`25:99` is geen tijd zoals 08:00" in said("subscribe digest 25:99", anneke)
    assert "zeg welk abonnement weg moet" in said("unsubscribe", anneke)
    assert "`kleur` is not a subscription filter" in said("subscribe kleur", ALICE)
    assert "`25:99` is not a time like 08:00" in said("subscribe digest 25:99", ALICE)
