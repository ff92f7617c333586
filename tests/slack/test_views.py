"""What a Slack user sees from the Block Kit views, and that it always fits Slack's limits.

Orders are built the way Mplus sends them (camelCase dicts, ``lineList: {line: [...]}``) so the views
are tested against the real model parsing, not hand-made snake_case objects.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block

from bot.mplus.models import DeliveryMethod, Order, OrderCategory
from bot.slack.i18n import translator
from bot.slack.ids import ActionId, OrderRef
from bot.slack.views import (
    BLOCK_ORDER_ACTIONS,
    BLOCK_ORDER_HEADER,
    BLOCK_ORDER_STATE,
    MAX_MESSAGE_BLOCKS,
    Catalogue,
    HelpEntry,
    available_actions,
    categories_view,
    delivery_methods_view,
    error_view,
    help_view,
    notice_view,
    order_card,
    order_details,
    order_state_badges,
    order_summary_text,
)

HOSTILE = "<!channel> <@U123> <https://evil|x> & <!subteam^S1>"
ESCAPED_HOSTILE = "&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil|x&gt; &amp; &lt;!subteam^S1&gt;"


# ----------------------------------------------------------------------------- builders


def line(
    text: str = "Koffie", *, quantity: int = 2, places: int = 0, price: int = 250, total: int = 500
) -> dict:
    return {
        "articleNumber": 1001,
        "text": text,
        "data": {"quantity": quantity, "decimalPlaces": places, "price": price, "totalInclAmount": total},
    }


def order_dict(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "orderId": "ord-0001",
        "extOrderId": "WEB-1001",
        "orderNumber": {"year": 2026, "number": 42},
        "relationNumber": 7,
        "relationName": "Jansen B.V.",
        "financialDate": {"day": 3, "mon": 2, "year": 2026},
        "deliveryDate": {"day": 5, "mon": 2, "year": 2026},
        "reference": "PO 778",
        "totalInclAmount": 12345,
        "prepaidAmount": 0,
        "fullyPaid": False,
        "deliveryMethod": "PICKUP",
        "orderCategoryNumber": 2,
        "deliveryState": "ORDER-DELIVERY-STATE-NOTHING",
        "cancelState": "ORDER-CANCEL-STATE-NOTHING",
        "completeState": "ORDER-COMPLETE-STATE-NOTHING",
        "lineList": {"line": [line(), line("Thee", quantity=530, places=3, price=1000, total=530)]},
    }
    data.update(overrides)
    return data


def make_order(**overrides: Any) -> Order:
    return Order.model_validate(order_dict(**overrides))


CATALOGUE = Catalogue(
    delivery_methods=[
        DeliveryMethod.model_validate({"deliveryMethod": "PICKUP", "description": "Afhalen in de winkel"}),
        DeliveryMethod.model_validate({"deliveryMethod": "POST", "description": "PostNL"}),
    ],
    categories=[
        OrderCategory.model_validate({"orderCategoryNumber": 2, "orderCategoryDescription": "Webshop"}),
        OrderCategory.model_validate(
            {"orderCategoryNumber": 3, "orderCategoryDescription": "Maatwerk", "allowCancel": False}
        ),
    ],
)

STATES: dict[str, dict[str, Any]] = {
    "open": {},
    "deposit": {"prepaidAmount": 1000},
    "paid": {"prepaidAmount": 12345, "fullyPaid": True},
    "delivered": {"deliveryState": "ORDER-DELIVERY-STATE-COMPLETE"},
    "cancelled": {"cancelState": "ORDER-CANCEL-STATE-COMPLETE"},
    "complete": {
        "deliveryState": "ORDER-DELIVERY-STATE-COMPLETE",
        "fullyPaid": True,
        "prepaidAmount": 12345,
        "completeState": "ORDER-COMPLETE-STATE-COMPLETE",
        "invoiceIds": {"id": ["inv-1"]},
    },
    "invoiced": {"invoiceIds": {"id": ["inv-1"]}},
}


# ------------------------------------------------------------------------------ helpers


def texts(node: Any) -> Iterator[str]:
    """Every string a user can read: all ``text`` values anywhere in the blocks JSON."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                yield value
            else:
                yield from texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from texts(item)


def all_text(blocks: list[dict]) -> str:
    # Amounts carry a non-breaking space (€\u00a0100,00); read them as a person would.
    return "\n".join(texts(blocks)).replace("\u00a0", " ")


def block(blocks: list[dict], block_id: str) -> dict:
    return next(b for b in blocks if b.get("block_id") == block_id)


def buttons(blocks: list[dict]) -> list[dict]:
    return [el for b in blocks if b["type"] == "actions" for el in b["elements"]]


def assert_fits_slack(blocks: list[dict]) -> None:
    """The limits Slack enforces, including those slack_sdk's ``to_dict`` does not check."""
    assert 0 < len(blocks) <= MAX_MESSAGE_BLOCKS
    for b in blocks:
        Block.parse(b).to_dict()  # round trip through slack_sdk's validators
        assert len(b.get("block_id", "")) <= 255
        if b["type"] == "header":
            assert 0 < len(b["text"]["text"]) <= 150
        if b["type"] == "section":
            assert "text" in b or "fields" in b
            if "text" in b:
                assert 0 < len(b["text"]["text"]) <= 3000
            assert len(b.get("fields", [])) <= 10
            for field in b.get("fields", []):
                assert 0 < len(field["text"]) <= 2000
        if b["type"] == "context":
            assert len(b["elements"]) <= 10
        if b["type"] == "actions":
            assert len(b["elements"]) <= 25
            for el in b["elements"]:
                assert len(el["text"]["text"]) <= 75
                assert len(el.get("value", "")) <= 2000
                if "confirm" in el:
                    assert len(el["confirm"]["text"]["text"]) <= 300
    assert sum(len(t) for t in texts(blocks)) < 12_000
    assert len(json.dumps(blocks)) < 40_000


def assert_escaped(blocks: list[dict]) -> None:
    for t in texts(blocks):
        assert "<" not in t and ">" not in t, t
        # Every & starts one of the three entities: nothing was left raw or double-unescaped.
        assert t.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "").count("&") == 0, t


# -------------------------------------------------------------------------- order card


def test_card_shows_what_staff_need() -> None:
    blocks = order_card(make_order(orderString="WEB-ORDER-9"), CATALOGUE)
    assert_fits_slack(blocks)
    header = block(blocks, BLOCK_ORDER_HEADER)["text"]["text"]
    assert header == "Order 2026-42 · Jansen B.V."
    # Money and state come right after number and customer, in words.
    state = block(blocks, BLOCK_ORDER_STATE)["text"]["text"]
    assert state == "*€123.45 open* · nothing paid yet · 📦 not delivered"
    shown = all_text(blocks)
    for expected in (
        "relation #7",
        "WEB-1001",
        "WEB-ORDER-9",
        "3 Feb 2026",
        "5 Feb 2026",
        "PO 778",
        "2 × Koffie · €2.50 = *€5.00*",
        "0.53 × Thee · €10.00 = *€5.30*",
    ):
        assert expected in shown
    # Ids and the rest of the details are behind More, not on the card.
    assert "ord-0001" not in shown
    assert "ord-0001" in all_text(order_details(make_order(), CATALOGUE))


def test_amounts_never_wrap_between_euro_sign_and_number() -> None:
    # Dutch writes a space after €: always the non-breaking kind; English writes none.
    dutch = order_card(make_order(prepaidAmount=1000), CATALOGUE, tr=translator("nl"))
    assert "€ " not in "\n".join(texts(dutch)).replace("€ ", "")
    assert "€\u00a0113,45" in block(dutch, BLOCK_ORDER_STATE)["text"]["text"]
    english = order_card(make_order(prepaidAmount=1000), CATALOGUE)
    assert "€113.45 open" in block(english, BLOCK_ORDER_STATE)["text"]["text"]


def test_every_button_says_what_it_does_to_which_order() -> None:
    for b in buttons(order_card(make_order(), CATALOGUE)):
        assert "2026-42" in b["accessibility_label"], b


def test_card_shows_descriptions_not_codes() -> None:
    shown = all_text(order_card(make_order(), CATALOGUE))
    assert "Afhalen in de winkel" in shown and "Webshop" in shown
    assert "PICKUP" not in shown and "#2" not in shown


def test_card_falls_back_to_code_and_number() -> None:
    shown = all_text(order_card(make_order(deliveryMethod="BIKE", orderCategoryNumber=9), CATALOGUE))
    assert "BIKE" in shown and "#9" in shown
    # The order's own category description beats the bare number when the catalogue lacks it.
    order = make_order(orderCategoryNumber=9, orderCategoryDescription="Kassa")
    assert "Kassa" in all_text(order_card(order, Catalogue()))


def test_card_without_number_uses_order_id_and_handles_empty_order() -> None:
    order = Order.model_validate({"orderId": "abc-1"})
    blocks = order_card(order, Catalogue())
    assert_fits_slack(blocks)
    assert block(blocks, BLOCK_ORDER_HEADER)["text"]["text"] == "Order abc-1"
    assert "Nothing to pay" in all_text(blocks)
    assert "No lines" in all_text(blocks)


def test_card_has_no_personal_data_beyond_relation_name() -> None:
    address = {"name": "Piet", "address": "Dorpsstraat 1", "zipcode": "1234 AB", "city": "Urk"}
    order = make_order(deliveryAddress=address, invoiceAddress=address)
    dumped = json.dumps(order_card(order, CATALOGUE))
    for private in ("Dorpsstraat", "1234 AB", "Urk", "Piet"):
        assert private not in dumped


def test_summary_text() -> None:
    assert order_summary_text(make_order()) == "Order 2026-42 · Jansen B.V. · €123.45 · open, unpaid"


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("open", "🚚 open · 💶 unpaid"),
        ("deposit", "🚚 open · 💶 deposit €10.00"),
        ("paid", "🚚 open · 💶 paid"),
        ("delivered", "📦 delivered · 💶 unpaid"),
        ("cancelled", "🚫 cancelled"),
        ("complete", "📦 delivered · 💶 paid · 🧾 invoiced · ✅ complete"),
        ("invoiced", "🚚 open · 💶 unpaid · 🧾 invoiced"),
    ],
)
def test_state_badges(state: str, expected: str) -> None:
    assert order_state_badges(make_order(**STATES[state])) == expected


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("open", "*€123.45 open* · nothing paid yet · 📦 not delivered"),
        ("deposit", "*€113.45 open* of €123.45 · deposit €10.00 · 📦 not delivered"),
        ("paid", "*Paid* €123.45 · 📦 not delivered"),
        ("delivered", "*€123.45 open* · nothing paid yet · 📦 delivered"),
        ("cancelled", "🚫 *Cancelled* · total €123.45"),
        ("complete", "*Paid* €123.45 · 📦 delivered · 🧾 invoice inv-1"),
    ],
)
def test_card_leads_with_money_and_state_in_words(state: str, expected: str) -> None:
    line = block(order_card(make_order(**STATES[state]), CATALOGUE), BLOCK_ORDER_STATE)["text"]["text"]
    assert line.replace("\u00a0", " ").startswith(expected)
    assert "Prepaid" not in line


def test_card_shows_the_packing_slip_and_invoice_numbers_once_they_exist() -> None:
    order = make_order(**STATES["complete"], packingSlipIds={"id": ["ps-7", "ps-8"]})
    line = block(order_card(order, CATALOGUE), BLOCK_ORDER_STATE)["text"]["text"].replace("\u00a0", " ")
    assert "📦 delivered (packing slip ps-7, ps-8) · 🧾 invoice inv-1" in line
    before = block(order_card(make_order(**STATES["paid"]), CATALOGUE), BLOCK_ORDER_STATE)["text"]["text"]
    assert "packing slip" not in before and "invoice" not in before


def test_cancelled_order_keeps_its_deposit_visible() -> None:
    order = make_order(cancelState="ORDER-CANCEL-STATE-COMPLETE", prepaidAmount=500)
    assert order_state_badges(order) == "🚫 cancelled · 💶 deposit €5.00"
    assert order_state_badges(order, short=True) == "cancelled · deposit €5.00"


P, D, C, E, R = ActionId.PAY, ActionId.DELIVER, ActionId.CANCEL, ActionId.EDIT, ActionId.REFRESH


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("open", [P, D, C, E, R]),
        ("deposit", [P, D, C, E, R]),
        ("paid", [D, C, E, R]),
        ("delivered", [P, E, R]),
        ("cancelled", [R]),
        ("complete", [R]),
        ("invoiced", [D, R]),
    ],
)
def test_buttons_per_state(state: str, expected: list[ActionId]) -> None:
    order = make_order(**STATES[state])
    assert available_actions(order, CATALOGUE) == expected
    shown = buttons(order_card(order, CATALOGUE))
    assert [b["action_id"] for b in shown] == [a.value for a in expected] + [ActionId.MORE.value]
    for b in shown:
        assert OrderRef.decode(b["value"]).order_id == "ord-0001"


def test_button_styles_and_cancel_confirmation() -> None:
    by_action = {b["action_id"]: b for b in buttons(order_card(make_order(), CATALOGUE))}
    assert by_action[ActionId.PAY.value]["style"] == "primary"
    assert by_action[ActionId.CANCEL.value]["style"] == "danger"
    assert "2026-42" in by_action[ActionId.CANCEL.value]["confirm"]["text"]["text"]
    assert "style" not in by_action[ActionId.REFRESH.value]


def test_category_that_forbids_cancel_has_no_cancel_button() -> None:
    order = make_order(orderCategoryNumber=3)
    assert ActionId.CANCEL not in available_actions(order, CATALOGUE)
    assert ActionId.CANCEL.value not in [b["action_id"] for b in buttons(order_card(order, CATALOGUE))]


def test_fully_prepaid_order_has_no_pay_button() -> None:
    assert ActionId.PAY not in available_actions(make_order(prepaidAmount=12345), CATALOGUE)


def test_card_without_actions() -> None:
    blocks = order_card(make_order(), CATALOGUE, with_actions=False)
    assert not buttons(blocks)
    assert all(b.get("block_id") != BLOCK_ORDER_ACTIONS for b in blocks)


def test_order_id_a_button_cannot_carry_gives_card_without_buttons() -> None:
    blocks = order_card(make_order(orderId="x" * 200), CATALOGUE)
    assert_fits_slack(blocks)
    assert not buttons(blocks)


def test_card_escapes_everything() -> None:
    hostile_catalogue = Catalogue(
        delivery_methods=[DeliveryMethod(delivery_method="PICKUP", description=HOSTILE)],
        categories=[OrderCategory(order_category_number=2, order_category_description=HOSTILE)],
    )
    order = make_order(
        orderId=HOSTILE[:60],
        orderNumber=None,
        extOrderId=HOSTILE,
        reference=HOSTILE,
        relationName=HOSTILE,
        orderString=HOSTILE,
        lineList={"line": [line(HOSTILE)]},
    )
    blocks = order_card(order, hostile_catalogue)
    assert_fits_slack(blocks)
    assert_escaped(blocks)
    shown = all_text(blocks)
    assert ESCAPED_HOSTILE in shown
    summary = order_summary_text(order)
    assert "<" not in summary and "&lt;!channel&gt;" in summary


def test_card_with_200_lines_stays_small() -> None:
    lines = [line(f"Artikel {i} " + "lang " * 40, price=1999, total=3998) for i in range(200)]
    blocks = order_card(make_order(lineList={"line": lines}), CATALOGUE)
    assert_fits_slack(blocks)
    shown = all_text(blocks)
    assert "Artikel 0 " in shown
    assert "… and 160 more lines" in shown
    assert "Artikel 199" not in shown


def test_card_line_text_is_cut_with_ellipsis() -> None:
    blocks = order_card(make_order(lineList={"line": [line("x" * 500)]}), CATALOGUE)
    assert "x" * 79 + "…" in all_text(blocks)
    assert "x" * 81 not in all_text(blocks)


def test_newlines_in_names_do_not_make_fake_rows() -> None:
    order = make_order(relationName="Jansen\n*2026-99* · fake", lineList={"line": [line("a\nb")]})
    shown = all_text(order_card(order, CATALOGUE))
    assert "Jansen *2026-99* · fake" in shown.replace("\u200b", "") and "a b" in shown


def test_delivery_methods_view() -> None:
    methods = [
        *CATALOGUE.delivery_methods,
        DeliveryMethod(delivery_method="OLD", description=HOSTILE, enabled=False),
    ]
    blocks = delivery_methods_view(methods)
    assert_fits_slack(blocks)
    assert_escaped(blocks)
    shown = all_text(blocks)
    assert "*Afhalen in de winkel* — code PICKUP" in shown
    assert "_(disabled)_" in shown
    assert "No delivery methods" in all_text(delivery_methods_view([]))


def test_categories_view() -> None:
    blocks = categories_view(CATALOGUE.categories)
    assert_fits_slack(blocks)
    shown = all_text(blocks)
    assert "*Webshop* — number 2" in shown
    assert "*Maatwerk* — number 3 _(no cancel)_" in shown
    assert "No order categories" in all_text(categories_view([]))


def test_many_catalogue_entries_are_cut() -> None:
    methods = [DeliveryMethod(delivery_method=f"M{i}", description="x" * 300) for i in range(1000)]
    blocks = delivery_methods_view(methods)
    assert_fits_slack(blocks)
    assert "more" in all_text(blocks).splitlines()[-1]


ENTRIES = (
    HelpEntry("help", "Show this help."),
    HelpEntry("find <extOrderId>", "Find an order by its external order id."),
    HelpEntry("list [today|week] [branch N]", "List orders."),
)


def test_help_lists_the_given_entries_escaped() -> None:
    blocks = help_view("/order", ENTRIES)
    assert_fits_slack(blocks)
    assert_escaped(blocks)
    shown = all_text(blocks)
    for command in ("help", "find", "list"):
        assert f"`/order {command}" in shown
    assert "`/order find &lt;extOrderId&gt;`" in shown
    assert "[today|week] [branch N]" in shown
    assert "Find an order by its external order id." in shown


def test_error_view() -> None:
    blocks = error_view(f"Mplus refused: {HOSTILE}", error_id="abc123")
    assert_fits_slack(blocks)
    assert_escaped(blocks)
    shown = all_text(blocks)
    assert "Mplus refused: " + ESCAPED_HOSTILE in shown
    assert "error id: abc123 — give this to on-call" in shown
    assert len(error_view("x")) == 1
    assert_fits_slack(error_view("x" * 10_000, error_id="y" * 1000))


def test_notice_view() -> None:
    blocks = notice_view(f"Done & dusted {HOSTILE}")
    assert len(blocks) == 1
    assert_escaped(blocks)
    assert_fits_slack(notice_view("x" * 10_000))
    assert_fits_slack(notice_view(""))


# -------------------------------------------------------------------------------- fuzzing

ANY_TEXT = st.text(max_size=400)
LONG = st.integers(min_value=-(2**63), max_value=2**63 - 1)


@st.composite
def fuzzed_orders(draw: st.DrawFn) -> Order:
    lines = draw(
        st.lists(
            st.builds(
                lambda text, quantity, places, price, total: line(
                    text, quantity=quantity, places=places, price=price, total=total
                ),
                ANY_TEXT,
                LONG,
                st.integers(0, 6),
                LONG,
                LONG,
            ),
            max_size=60,
        )
    )
    return make_order(
        orderId=draw(st.text(max_size=80)),
        orderNumber=draw(st.none() | st.just({"year": 2026, "number": 42})),
        extOrderId=draw(ANY_TEXT),
        relationName=draw(ANY_TEXT),
        reference=draw(ANY_TEXT),
        orderString=draw(st.none() | ANY_TEXT),
        orderCategoryDescription=draw(st.none() | ANY_TEXT),
        deliveryMethod=draw(st.none() | ANY_TEXT),
        totalInclAmount=draw(LONG),
        prepaidAmount=draw(LONG),
        fullyPaid=draw(st.booleans()),
        deliveryState=draw(
            st.sampled_from(["ORDER-DELIVERY-STATE-NOTHING", "ORDER-DELIVERY-STATE-COMPLETE"])
        ),
        cancelState=draw(st.sampled_from(["ORDER-CANCEL-STATE-NOTHING", "ORDER-CANCEL-STATE-COMPLETE"])),
        lineList={"line": lines},
    )


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(order=fuzzed_orders(), method_description=ANY_TEXT, category_description=ANY_TEXT)
def test_fuzzed_card_always_fits_and_is_escaped(
    order: Order, method_description: str, category_description: str
) -> None:
    catalogue = Catalogue(
        delivery_methods=[
            DeliveryMethod(delivery_method=order.delivery_method or "X", description=method_description)
        ],
        categories=[OrderCategory(order_category_number=2, order_category_description=category_description)],
    )
    blocks = order_card(order, catalogue)
    assert_fits_slack(blocks)
    assert_escaped(blocks)
    summary = order_summary_text(order)
    assert "<" not in summary and ">" not in summary


@FUZZ
@given(message=ANY_TEXT, error_id=st.none() | ANY_TEXT, command=ANY_TEXT)
def test_fuzzed_messages_fit_and_are_escaped(message: str, error_id: str | None, command: str) -> None:
    for blocks in (error_view(message, error_id), notice_view(message), help_view(command, ENTRIES)):
        assert_fits_slack(blocks)
        assert_escaped(blocks)


def test_an_invoice_on_account_is_not_called_paid() -> None:
    line = block(order_card(make_order(**STATES["invoiced"]), CATALOGUE), BLOCK_ORDER_STATE)["text"]["text"]
    assert line.replace("\u00a0", " ").startswith("*€123.45 open*") and "🧾 invoice inv-1" in line
    assert "Paid" not in line
