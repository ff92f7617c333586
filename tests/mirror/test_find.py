"""`/order find` and `/order show 42` end to end: signed requests → the real bot → mirror + emulator."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from bot.mirror.sync import MirrorConfig, MirrorSync
from bot.mplus.client import MplusClient
from bot.mplus.models import NewOrder, NewOrderLine, NewRelation, Order
from bot.mplus.money import Quantity
from bot.slack.ids import ActionId
from tests.slack.conftest import ALICE, CHANNEL, BotRig, wait_for
from tests.slack.test_read_path import shown

ALLOW = pytest.mark.bot_settings(allow_create="*")


def sync(rig: BotRig) -> None:
    """What the bot's sync thread does every ORDERBOT_MIRROR_INTERVAL_S, run once now."""
    report = MirrorSync(MirrorConfig(), rig.runtime.mplus, rig.runtime.deps.db).run_until_level()
    assert report.error is None


def customer(mplus: MplusClient, name: str, **fields: Any) -> int:
    return mplus.create_relation(NewRelation(name=name, **fields))


def order_for(mplus: MplusClient, relation: int, reference: str = "") -> Order:
    article = mplus.get_orders()[0].lines[0].article_number
    created = mplus.create_order(
        NewOrder(
            ext_order_id=f"F-{uuid.uuid4().hex[:8]}",
            relation_number=relation,
            reference=reference,
            lines=(NewOrderLine(article_number=article, quantity=Quantity(quantity=1), price_cents=1250),),
        )
    )
    return mplus.get_order(created.order_id)


def header(message: dict[str, Any]) -> str:
    return next((b["text"]["text"] for b in message["blocks"] if b.get("type") == "header"), "")


def row_buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [b["accessory"] for b in message["blocks"] if b.get("accessory", {}).get("type") == "button"]


@pytest.fixture
def zoe(rig: BotRig) -> tuple[int, Order]:
    mplus = rig.runtime.mplus
    number = customer(
        mplus, "Zoë Quintijn-Berghuis", telephone="+31 6 4071 9283", zipcode="9413 QX", city="Utrecht"
    )
    order = order_for(mplus, number, reference="Bruidstaart")
    sync(rig)
    return number, order


def test_find_by_name_without_accents_shows_the_one_order_as_its_card(
    rig: BotRig, zoe: tuple[int, Order]
) -> None:
    _, order = zoe
    card = rig.run("find zoe quintijn")
    assert f"Order {order.number}" in header(card), shown(card)
    assert "order_refresh" in shown(card) or any(
        e.get("action_id") == "order_refresh" for b in card["blocks"] for e in b.get("elements", [])
    )


@pytest.mark.parametrize("typed", ["0640719283", "06-4071 9283", "0031640719283", "+31 6 40 71 92 83"])
def test_find_by_phone_in_another_format(rig: BotRig, zoe: tuple[int, Order], typed: str) -> None:
    assert f"Order {zoe[1].number}" in header(rig.run(f"find {typed}"))


@pytest.mark.parametrize("typed", ["9413qx", "9413 QX", "bruidstaart 9413qx"])
def test_find_by_postcode_with_or_without_the_space(rig: BotRig, zoe: tuple[int, Order], typed: str) -> None:
    # The last: a word of the order's reference and the customer's postcode, together.
    assert f"Order {zoe[1].number}" in header(rig.run(f"find {typed}"))


def test_find_and_show_by_number_only_mean_this_years_order(rig: BotRig, zoe: tuple[int, Order]) -> None:
    order = zoe[1]
    assert order.order_number is not None
    short = str(order.order_number.number)
    assert f"Order {order.number}" in header(rig.run(f"find {short}"))
    assert f"Order {order.number}" in header(rig.run(f"show {short}"))
    assert f"Order {order.number}" in header(rig.run(f"find {order.number}"))


def test_several_orders_list_open_first_then_newest_each_with_show(
    rig: BotRig, zoe: tuple[int, Order]
) -> None:
    number, first = zoe
    mplus = rig.runtime.mplus
    second = order_for(mplus, number)
    third = order_for(mplus, number)
    mplus.cancel_order(third.order_id)
    sync(rig)
    listed = rig.run("find Zoë Quintijn")
    assert "Orders for" in header(listed)
    rows = [b["text"]["text"] for b in listed["blocks"] if b.get("block_id", "").startswith("find_row")]
    assert [first.number in rows[2], second.number in rows[0], third.number in rows[2]] == [False, True, True]
    assert rows[2].startswith("~"), "the cancelled one comes last, struck through"
    show = row_buttons(listed)
    assert [b["action_id"] for b in show] == [ActionId.LIST_SHOW.value] * 3
    before = len(rig.ephemerals())
    rig.slack.press_button(
        listed, action_id=ActionId.LIST_SHOW.value, value=show[1]["value"], user=ALICE, channel=CHANNEL
    )
    card = wait_for(lambda: rig.ephemerals()[before:] and rig.ephemerals()[-1], what="the card")
    assert f"Order {first.number}" in header(card)


@ALLOW
def test_customers_without_orders_offer_a_new_order_for_them(rig: BotRig) -> None:
    number = customer(rig.runtime.mplus, "Çelik Ĳsselmonde-Quast", email="celik@example.nl")
    sync(rig)
    found = rig.run("find celik ijsselmonde quast")
    assert "Customers for" in header(found) and "no orders" in shown(found)
    (button,) = row_buttons(found)
    assert button["action_id"] == ActionId.NEW_ORDER_FOR.value
    rig.slack.press_button(found, action_id=ActionId.NEW_ORDER_FOR.value, user=ALICE, channel=CHANNEL)
    form = wait_for(
        lambda: (v := rig.fake.current_view(ALICE)) and v.get("callback_id") == "order_form" and v,
        what="the order form",
    )
    relation = next(b for b in form["blocks"] if b.get("block_id") == "form_relation")
    assert relation["element"]["initial_option"]["value"] == str(number)
    assert "Çelik Ĳsselmonde-Quast" in relation["element"]["initial_option"]["text"]["text"]


def test_nothing_found_says_what_was_searched(rig: BotRig) -> None:
    sync(rig)
    answer = shown(rig.run("find xyzzy <b>"))
    assert "Nothing found for “xyzzy &lt;b&gt;”" in answer
    assert "customers (name, company, contact, e-mail, phone, postcode, city)" in answer
    assert "<b>" not in answer


def test_find_without_text_explains_itself(rig: BotRig) -> None:
    answer = shown(rig.run("find"))
    assert "needs something to look for" in answer


def test_every_command_taking_an_order_reads_a_bare_number_as_this_years() -> None:
    from datetime import date

    from bot.mplus.models import YearNumber
    from bot.orders.service import OrderKey

    assert OrderKey.parse("42", date(2026, 5, 1)).number == YearNumber(year=2026, number=42)
    assert OrderKey.parse("2025-7").number == YearNumber(year=2025, number=7)
    assert OrderKey.parse("a" * 32).order_id == "a" * 32


def test_find_by_the_32_character_order_id_shows_that_orders_card(
    rig: BotRig, zoe: tuple[int, Order]
) -> None:
    _, order = zoe
    other = order_for(rig.runtime.mplus, zoe[0], reference="Verjaardag")  # same customer, another order
    assert len(order.order_id) == 32 and other.order_id != order.order_id
    for typed in (order.order_id, order.order_id.upper()):
        card = rig.run(f"find {typed}")
        assert f"Order {order.number}" in header(card), shown(card)
        assert "Zoë Quintijn-Berghuis" in shown(card) and "Bruidstaart" in shown(card)
        assert other.number not in shown(card)
    missing = "0" * 32
    answer = shown(rig.run(f"find {missing}"))
    assert f"Nothing found for “{missing}”. Searched: order id" in answer
