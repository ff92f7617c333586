"""Order form values → NewOrder / OrderChange: parsing, specific messages, prefill and Mplus refusals."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.mplus.models import CancelState, Order, OrderLine, YearNumber
from bot.mplus.money import Quantity
from bot.orders.drafts import (
    BAD_BRANCH,
    BAD_RELATION,
    EXT_ID_SPACES,
    LINE_TEXT_MAX,
    NO_ARTICLE,
    NO_EXT_ID,
    NO_LINES,
    NO_QUANTITY,
    NO_RELATION,
    FieldRef,
    FormField,
    LineDraft,
    OrderDraft,
    RelationChoice,
    draft_from_order,
    edit_problem,
    price_text,
    refusal_fields,
    suggest_ext_order_id,
    validate,
)

JAN = RelationChoice(number=1, label="Jan de Vries (#1)")


def draft(*lines: LineDraft, **fields: object) -> OrderDraft:
    values: dict[str, object] = {"relation": JAN, "ext_order_id": "SLACK-20260101-AB12"}
    values.update(fields)
    return OrderDraft(lines=lines or (LineDraft(key=0, article="1001", quantity="2"),), **values)


def errors_of(d: OrderDraft, **kwargs: bool) -> dict[FieldRef, str]:
    checked = validate(d, **kwargs)
    assert checked.order is None
    return checked.errors


def test_a_good_draft_becomes_a_new_order() -> None:
    d = draft(
        LineDraft(key=0, article="1001", quantity="2", price="12,50", text="  gift wrap "),
        LineDraft(key=3, article="1004", quantity="0,530"),
        delivery_method="POSTNL",
        category="2",
        delivery_date="2026-03-01",
        reference=" PO 17 ",
        branch="2",
    )
    checked = validate(d)
    assert checked.errors == {}
    assert checked.order is not None
    new = checked.order.new_order()
    assert new.ext_order_id == "SLACK-20260101-AB12"
    assert new.relation_number == 1
    assert [line.article_number for line in new.lines] == [1001, 1004]
    assert new.lines[0].price_cents == 1250
    assert new.lines[0].text == "gift wrap"
    assert new.lines[1].quantity == Quantity(quantity=53, decimal_places=2)
    assert new.lines[1].price_cents is None  # empty: Mplus's catalogue price
    assert new.lines[1].text is None
    assert (new.delivery_method, new.order_category_number, new.branch_number) == ("POSTNL", 2, 2)
    assert new.delivery_date == date(2026, 3, 1)
    assert new.reference == "PO 17"
    assert checked.order.line_keys == (0, 3)


@pytest.mark.parametrize(
    ("price", "expected"),
    [
        ("abc", "is not an amount"),
        ("-5", "negative"),
        ("0,505", "too many decimals"),
        ("1.234", "ambiguous"),
    ],
)
def test_bad_prices_get_the_money_message_on_the_price_field(price: str, expected: str) -> None:
    errors = errors_of(draft(LineDraft(key=4, article="1001", quantity="1", price=price)))
    assert list(errors) == [FieldRef(FormField.PRICE, 4)]
    assert expected in errors[FieldRef(FormField.PRICE, 4)]


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [("abc", "is not a quantity"), ("-1", "more than 0"), ("0", "more than 0"), ("1.000,5", "not a valid")],
)
def test_bad_quantities_are_refused_with_their_reason(quantity: str, expected: str) -> None:
    errors = errors_of(draft(LineDraft(key=0, article="1001", quantity=quantity)))
    assert expected in errors[FieldRef(FormField.QUANTITY, 0)]


def test_decimal_quantities_and_dutch_prices_are_fine() -> None:
    checked = validate(draft(LineDraft(key=0, article="1004", quantity="1,25", price="1.234,56")))
    assert checked.order is not None
    line = checked.order.lines[0]
    assert line.quantity == Quantity(quantity=125, decimal_places=2)
    assert line.price_cents == 123456


def test_missing_relation_ext_id_and_lines_each_say_what_to_do() -> None:
    errors = errors_of(draft(LineDraft(key=7), relation=None, ext_order_id="  "))
    assert errors == {
        FieldRef(FormField.RELATION): NO_RELATION,
        FieldRef(FormField.EXT_ORDER_ID): NO_EXT_ID,
        FieldRef(FormField.ARTICLE, 7): NO_LINES,
    }


def test_a_forged_relation_value_is_named_as_such() -> None:
    errors = errors_of(draft(relation=None, relation_value="<!channel>"))
    assert errors[FieldRef(FormField.RELATION)] == BAD_RELATION


def test_half_filled_lines_point_at_the_missing_part() -> None:
    errors = errors_of(draft(LineDraft(key=0, quantity="2"), LineDraft(key=1, article="1001")))
    assert errors == {
        FieldRef(FormField.ARTICLE, 0): NO_ARTICLE,
        FieldRef(FormField.QUANTITY, 1): NO_QUANTITY,
    }


@pytest.mark.parametrize("article", ["abc", "10.01", "0", "١٠٠١", "1" * 16])
def test_article_numbers_are_plain_digits(article: str) -> None:
    errors = errors_of(draft(LineDraft(key=0, article=article, quantity="1")))
    assert "is not an article number" in errors[FieldRef(FormField.ARTICLE, 0)]


def test_blank_lines_are_ignored_when_others_are_filled() -> None:
    checked = validate(draft(LineDraft(key=0, article="1001", quantity="1"), LineDraft(key=1)))
    assert checked.order is not None and len(checked.order.lines) == 1


def test_other_fields_are_checked() -> None:
    errors = errors_of(
        draft(
            LineDraft(key=0, article="1001", quantity="1", text="t" * (LINE_TEXT_MAX + 1)),
            ext_order_id="has space",
            branch="0",
            delivery_date="31-12-2026",
            reference="x" * 201,
        )
    )
    assert errors[FieldRef(FormField.EXT_ORDER_ID)] == EXT_ID_SPACES
    assert errors[FieldRef(FormField.BRANCH)] == BAD_BRANCH
    assert FieldRef(FormField.DELIVERY_DATE) in errors
    assert FieldRef(FormField.REFERENCE) in errors
    assert FieldRef(FormField.TEXT, 0) in errors


def test_an_edit_needs_no_external_id() -> None:
    checked = validate(draft(ext_order_id=""), require_ext_id=False)
    assert checked.order is not None
    change = checked.order.change("abc123", change_counter=3, version_number=2)
    assert (change.order_id, change.change_counter, change.version_number) == ("abc123", 3, 2)
    assert change.ext_order_id == ""


def test_suggested_external_ids_look_right_and_differ() -> None:
    ids = {suggest_ext_order_id(date(2026, 1, 31)) for _ in range(20)}
    assert all(re.fullmatch(r"SLACK-20260131-[A-Z0-9]{4}", i) for i in ids)
    assert len(ids) > 15


def order_line(article: int, quantity: int, places: int = 0, price: int = 0, text: str = "") -> OrderLine:
    return OrderLine(
        article_number=article,
        quantity=Quantity(quantity=quantity, decimal_places=places),
        price=price,
        text=text,
    )


def order(**fields: object) -> Order:
    values: dict[str, object] = {
        "order_id": "a" * 32,
        "ext_order_id": "WEB-1",
        "relation_number": 3,
        "relation_name": "Pieter Bakker",
        "order_number": YearNumber(year=2026, number=42),
        "delivery_method": "DHL",
        "order_category_number": 2,
        "delivery_date": date(2026, 5, 4),
        "reference": "ref",
        "financial_branch_number": 1,
        "lines": [order_line(1004, 530, 3, 2250, "Koffie los"), order_line(2001, 2, 0, 129500, "Mok")],
    }
    values.update(fields)
    return Order(**values)  # type: ignore[arg-type]


def test_an_order_prefills_the_form_and_round_trips_unchanged() -> None:
    source = order()
    d = draft_from_order(source)
    assert d.relation == RelationChoice(number=3, label="Pieter Bakker (#3)")
    assert [(line.article, line.quantity, line.price) for line in d.lines] == [
        ("1004", "0,53", "22,50"),
        ("2001", "2", "1295,00"),
    ]
    assert (d.delivery_method, d.category, d.delivery_date, d.branch) == ("DHL", "2", "2026-05-04", "1")
    checked = validate(d, require_ext_id=False)
    assert checked.order is not None
    lines = checked.order.lines
    assert [(ln.article_number, ln.quantity.as_decimal(), ln.price_cents) for ln in lines] == [
        (1004, source.lines[0].quantity.as_decimal(), 2250),
        (2001, 2, 129500),
    ]
    assert price_text(5) == "0,05"


def test_cancelled_invoiced_and_odd_orders_cannot_be_edited() -> None:
    assert edit_problem(order()) is None
    assert "cancelled" in (edit_problem(order(cancel_state=CancelState.COMPLETE)) or "")
    assert "invoiced" in (edit_problem(order(invoice_ids=["inv-1"])) or "")
    assert "at most 10" in (edit_problem(order(lines=[order_line(1001, 1)] * 11)) or "")
    assert "cannot show" in (edit_problem(order(lines=[order_line(1001, -1)])) or "")
    assert "cannot show" in (edit_problem(order(lines=[order_line(1001, 1, price=-500)])) or "")


def test_mplus_refusals_land_on_the_line_they_name() -> None:
    checked = validate(
        draft(LineDraft(key=2, article="1001", quantity="1"), LineDraft(key=5, article="9999", quantity="1"))
    )
    assert checked.order is not None
    valid = checked.order
    message = "Unknown article number 9999 (line 2)."
    assert refusal_fields(message, valid) == {FieldRef(FormField.ARTICLE, 5): message}
    message = "Line 1 (article 1001) has quantity 0; it must be positive."
    assert refusal_fields(message, valid) == {FieldRef(FormField.QUANTITY, 2): message}
    assert refusal_fields("Relation 77 not found.", valid) == {
        FieldRef(FormField.RELATION): "Relation 77 not found."
    }
    assert refusal_fields("Delivery method 'DPD' is disabled.", valid) == {
        FieldRef(FormField.DELIVERY_METHOD): "Delivery method 'DPD' is disabled."
    }
    assert refusal_fields("Something else went wrong.", valid) == {}
    assert refusal_fields("", valid) == {}
