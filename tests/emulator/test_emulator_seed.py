"""Seeds, catalogue and money arithmetic (in-process)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mplus_emulator import clock
from mplus_emulator.model import CANCEL_COMPLETE, COMPLETE_COMPLETE, DELIVERY_COMPLETE, Order
from mplus_emulator.pricing import excl_vat, line_total
from mplus_emulator.seed import fresh_state

NOW = datetime(2026, 3, 29, 14, 30, tzinfo=clock.AMSTERDAM)  # the day summer time starts


def _fate(o: Order) -> str:
    if o.cancelled:
        return "cancelled"
    if o.complete_state == COMPLETE_COMPLETE:
        return "complete"
    if o.delivery_state == DELIVERY_COMPLETE:
        return "delivered"
    if o.prepaid_amount:
        return "deposit"
    return "open"


def test_demo_seed_is_deterministic_and_mixed() -> None:
    a, b = fresh_state("demo", NOW), fresh_state("demo", NOW)
    assert a.model_dump() == b.model_dump()
    orders = list(a.orders.values())
    assert len(orders) == 50
    fates = Counter(_fate(o) for o in orders)
    assert set(fates) == {"open", "deposit", "delivered", "cancelled", "complete"}
    assert any(o.invoiced for o in orders) and any(o.cancel_state == CANCEL_COMPLETE for o in orders)
    # paid directly (one payment, no deposit) and via deposit + delivery both occur
    assert any(o.invoiced and len(o.payments) == 1 for o in orders)
    assert any(o.invoiced and len(o.payments) == 2 for o in orders)
    assert any(ln.decimal_places == 3 for o in orders for ln in o.lines)
    for o in orders:
        assert NOW - timedelta(days=29) <= o.entry_timestamp <= NOW
        assert o.total_incl == sum(ln.total_incl for ln in o.lines)
    markers = sorted(o.sync_marker for o in orders)
    assert len(set(markers)) == 50 and markers[-1] == a.order_seq
    # the sync marker follows the simulated wall clock
    by_marker = sorted(orders, key=lambda o: o.sync_marker)
    created = [o for o in by_marker if o.change_counter == 0]
    assert [o.entry_timestamp for o in created] == sorted(o.entry_timestamp for o in created)
    numbers = sorted(o.order_number for o in orders)
    assert numbers == list(range(1, 51))


def test_empty_seed_has_catalogue_and_relations_only() -> None:
    s = fresh_state("empty", NOW)
    assert s.orders == {} and s.order_seq == 0
    assert len(s.relations) == 15 and s.relation_seq == 15
    assert len(s.catalogue.articles) == 20
    assert [b.name for b in s.catalogue.branches] == ["Amsterdam", "Utrecht", "Webshop"]
    assert {a.vat_percentage for a in s.catalogue.articles} == {9, 21}
    assert {d.code for d in s.catalogue.delivery_methods} >= {"PICKUP", "POSTNL", "DHL", "COURIER"}
    assert [c.allow_cancel for c in s.catalogue.order_categories] == [True, True, True, False]
    assert {p.method for p in s.catalogue.payment_methods} >= {"CASH", "PIN", "IDEAL", "BANK", "CREDITCARD"}
    with pytest.raises(ValueError):
        fresh_state("galaxy", NOW)


def test_state_round_trips_through_json() -> None:
    s = fresh_state("demo", NOW)
    again = type(s).model_validate_json(s.model_dump_json())
    assert again == s


def test_amsterdam_offsets() -> None:
    assert clock.utc_offset_minutes(datetime(2026, 1, 15, 12, tzinfo=clock.AMSTERDAM)) == 60
    assert clock.utc_offset_minutes(datetime(2026, 7, 15, 12, tzinfo=clock.AMSTERDAM)) == 120


def test_rounding_examples() -> None:
    assert line_total(530, 3, 2250) == 1193  # 11.925 → 11.93
    assert line_total(1, 1, 5) == 1  # 0.5 cent → 1
    assert line_total(3, 0, 333) == 999
    assert excl_vat(121, 21) == 100
    assert excl_vat(109, 9) == 100
    assert excl_vat(1, 21) == 1  # 0.826 → 1


@given(st.integers(1, 10**7), st.integers(0, 6), st.integers(0, 10**6))
def test_line_total_is_half_up(quantity: int, decimal_places: int, price: int) -> None:
    exact = Decimal(quantity) * price / Decimal(10) ** decimal_places
    assert line_total(quantity, decimal_places, price) == int(exact.quantize(Decimal(1), ROUND_HALF_UP))


@given(st.integers(0, 10**9), st.sampled_from([9, 21]))
def test_excl_is_never_above_incl(amount: int, vat: int) -> None:
    excl = excl_vat(amount, vat)
    assert 0 <= excl <= amount
    assert abs(excl * (100 + vat) - amount * 100) <= (100 + vat) / 2
