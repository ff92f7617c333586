"""New-customer checks and typed-vs-catalogue prices: the pure core behind the order form."""

from __future__ import annotations

import pytest

from bot.mplus.models import NewOrderLine
from bot.mplus.money import Quantity
from bot.orders.customers import BAD_EMAIL, BAD_PHONE, NO_NAME, CustomerDraft, CustomerField, check_customer
from bot.orders.drafts import ValidOrder
from bot.orders.price_check import CatalogueEntry, price_differences


@pytest.mark.parametrize(
    ("typed", "field"),
    [
        ("zoe@example.nl", "email"),
        ("+31 6 1234 5678", "phone"),
        ("06-12345678", "phone"),
        ("Zoë van den Berg", "name"),
        ("1016", "name"),
    ],
)
def test_what_was_typed_lands_in_its_field(typed: str, field: str) -> None:
    assert getattr(CustomerDraft.from_typed(typed), field) == typed


def test_a_good_customer_becomes_a_relation() -> None:
    relation, errors = check_customer(
        CustomerDraft(
            name="  Emre   Çelik ",
            email="emre@example.com",
            phone="+31 6 1122 3344",
            zipcode="3526km",
            city="Utrecht",
            company="Çelik Koffie",
            contact="Emre",
        )
    )
    assert errors == {}
    assert relation is not None
    assert (relation.name, relation.mobile, relation.telephone, relation.zipcode, relation.country) == (
        "Emre Çelik",
        "+31 6 1122 3344",
        None,
        "3526KM",
        "NL",
    )
    landline, _ = check_customer(CustomerDraft(name="Café Crème", phone="023-5319876", country=""))
    assert landline is not None and landline.telephone == "023-5319876" and landline.mobile is None
    assert landline.country == "NL"


def test_every_bad_field_gets_its_own_message() -> None:
    relation, errors = check_customer(
        CustomerDraft(name=" ", email="not-an-address", phone="12", city="x" * 61)
    )
    assert relation is None
    assert errors == {
        CustomerField.NAME: NO_NAME,
        CustomerField.EMAIL: BAD_EMAIL,
        CustomerField.PHONE: BAD_PHONE,
        CustomerField.CITY: "At most 60 characters.",
    }


def _order(*lines: tuple[int, int | None]) -> ValidOrder:
    return ValidOrder(
        relation_number=1,
        ext_order_id="X-1",
        line_keys=tuple(range(len(lines))),
        lines=tuple(
            NewOrderLine(article_number=a, quantity=Quantity(quantity=1), price_cents=p) for a, p in lines
        ),
    )


def test_typed_prices_off_the_catalogue_are_named_with_both_amounts() -> None:
    catalogue = {
        2005: CatalogueEntry(description="Koffiemolen handmatig", price_cents=5995),
        1001: CatalogueEntry(description="Koffiebonen", price_cents=2495),
    }
    notes = price_differences(_order((2005, 1250), (1001, None), (1001, 2495), (9999, 100)), catalogue)
    assert [str(n) for n in notes] == ["Line 1 (Koffiemolen handmatig): € 12,50 instead of € 59,95"]
    assert price_differences(_order((2005, 5995)), catalogue) == []
