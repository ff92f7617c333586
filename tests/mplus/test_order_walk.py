"""The compiled order walk reads every ``<order>`` exactly as the Python shaper does.

``bot.mplus._order_walk`` exists for speed only (issue #11: parse at the speed of PHP's SoapClient);
``bot.mplus.order_xml`` is the reference. Hypothesis writes orders the way a real server might —
numbers and booleans padded or misspelt, text with quotes, tabs, accents and CDATA, elements
unknown, repeated, missing or in another namespace, quantities out of range — and both must give
the same ``Order`` or the same ``ProtocolError``.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from bot.mplus import envelope, order_xml
from bot.mplus.errors import ProtocolError

try:
    from bot.mplus import _order_walk
except ImportError:  # pragma: no cover - depends on a C compiler at install time
    _order_walk = None  # type: ignore[assignment]

pytestmark = pytest.mark.skipif(
    _order_walk is None, reason="bot.mplus._order_walk is not built here (no C compiler at install)"
)

M = "urn:mplusqapi"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"

# Texts a server may put where a number or a boolean belongs, valid or not.
NUMBERISH = st.one_of(
    st.integers(-(10**20), 10**20).map(str),
    st.integers(-999, 99_999).map(lambda n: f" \n{n}\t "),
    st.sampled_from(
        ["", " ", "+7", "-0", "12,50", "1_000", "0x10", "٣", "\u00a05", "1e3", "99999999999999999999"]
    ),
)
BOOLISH = st.sampled_from(["true", "false", "1", "0", " true ", "\nfalse\t", "TRUE", "ja", "", "2"])
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
    | st.sampled_from(list("\t\n\"'\\<>&")),
    max_size=12,
)
CODE = (
    st.sampled_from(["ORDER-DELIVERY-STATE-PARTIAL", "ORDER-CANCEL-STATE-COMPLETE", "VAT-METHOD-INCLUSIVE"])
    | TEXT
)


def _leaf(name: str, value: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    return st.tuples(st.just(name), value, st.booleans())  # (name, text, as CDATA)


def _struct(name: str, children: st.SearchStrategy[list[Any]]) -> st.SearchStrategy[Any]:
    return st.tuples(st.just(name), children)


DATE_PART = st.one_of(
    *(_leaf(n, NUMBERISH | st.integers(0, 31).map(str)) for n in ("day", "mon", "hour", "min", "sec")),
    _leaf("year", st.sampled_from(["2026", "0", " 2025 ", "10000"]) | NUMBERISH),
    _leaf("isdst", BOOLISH),
    _leaf("timezone", NUMBERISH),
)
DATE = st.lists(DATE_PART, max_size=8)
ADDRESS = st.lists(
    st.tuples(
        # to_snake of the local name, any namespace: "Name" and "company_name" count too
        st.sampled_from(["name", "contact", "address", "zipcode", "city", "country", "companyName", "Name",
                         "company_name", "extra"]),
        TEXT,
        st.booleans(),
    ),
    max_size=6,
)  # fmt: skip
LINE_DATA = st.lists(
    st.one_of(
        _leaf("quantity", NUMBERISH),
        _leaf("decimalPlaces", st.sampled_from(["0", "2", "6", "7", "-1", " 3 "]) | NUMBERISH),
        *(_leaf(n, NUMBERISH) for n in ("price", "totalInclAmount", "totalExclAmount", "vatPercentage",
                                        "deliveredQuantity", "turnoverGroup")),
    ),
    max_size=8,
)  # fmt: skip
LINE = st.lists(
    st.one_of(
        _leaf("lineId", TEXT),
        _leaf("articleNumber", NUMBERISH),
        _leaf("text", TEXT),
        _struct("data", LINE_DATA),
        _leaf("unknownLineThing", TEXT),
    ),
    max_size=6,
)
PAYMENT = st.lists(
    st.one_of(
        _leaf("paymentId", TEXT),
        _leaf("method", CODE),
        _leaf("description", TEXT),
        _leaf("amount", NUMBERISH),
        _struct("financialDate", DATE),
        _struct("entryTimestamp", DATE),
    ),
    max_size=6,
)
_SCALARS = [(tag.rsplit("}", 1)[1], convert) for tag, (_, convert) in order_xml._ORDER_SCALARS.items()]
_YEAR_NUMBER = st.lists(st.one_of(_leaf("year", NUMBERISH), _leaf("number", NUMBERISH)), max_size=3)
ORDER_CHILD = st.one_of(
    *(_leaf(local, NUMBERISH) for local, convert in _SCALARS if convert is int),
    *(_leaf(local, TEXT) for local, convert in _SCALARS if convert is str),
    *(_leaf(local, CODE) for local, convert in _SCALARS if convert is order_xml._code),
    _leaf("fullyPaid", BOOLISH),
    _struct("invoiceIds", st.lists(_leaf("id", TEXT), max_size=3)),
    _struct("packingSlipIds", st.lists(_leaf("id", TEXT), max_size=3)),
    _struct("entryTimestamp", DATE),
    _struct("financialDate", DATE),
    _struct("deliveryDate", DATE),
    _struct("orderNumber", _YEAR_NUMBER),
    _struct("deliveryAddress", ADDRESS),
    _struct("invoiceAddress", ADDRESS),
    _struct("lineList", st.lists(_struct("line", LINE), max_size=3)),
    _struct("paymentList", st.lists(_struct("payment", PAYMENT), max_size=2)),
    _struct("vatGroupList", st.lists(_leaf("vatGroup", TEXT), max_size=2)),
    _leaf("someFutureElement", TEXT),
)
ORDER = st.tuples(_leaf("orderId", TEXT.filter(bool)), st.lists(ORDER_CHILD, max_size=25), st.booleans())


def _build(parent: etree._Element, node: Any, foreign: bool) -> None:
    name = node[0]
    element = etree.SubElement(parent, f"{{{'urn:elsewhere' if foreign else M}}}{name}")
    if len(node) == 3:
        element.text = etree.CDATA(node[1]) if node[2] and node[1] else node[1]
    else:
        for child in node[1]:
            _build(element, child, False)


def _page(order_id: Any, children: list[Any], foreign_first: bool) -> bytes:
    root = etree.Element(f"{{{SOAP}}}Envelope", nsmap={"soap": SOAP, "m": M})
    body = etree.SubElement(etree.SubElement(root, f"{{{SOAP}}}Body"), f"{{{M}}}GetOrdersResponse")
    order = etree.SubElement(etree.SubElement(body, f"{{{M}}}orderList"), f"{{{M}}}order")
    _build(order, order_id, False)
    for i, child in enumerate(children):
        _build(order, child, foreign_first and i == 0)  # an element of another namespace is not Mplus's
    return etree.tostring(root)


def _read(page: bytes, shape: Any) -> Any:
    original = envelope.shape_order
    envelope.shape_order = shape
    try:
        return [(o, o.model_fields_set, [line.model_fields_set for line in o.lines])
                for o in envelope.read([page], "getOrders").orders]  # fmt: skip
    except ProtocolError as err:
        return ("refused", str(err))
    finally:
        envelope.shape_order = original


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ORDER)
def test_the_compiled_walk_reads_what_the_python_shaper_reads(order: Any) -> None:
    page = _page(*order)
    assert _read(page, _order_walk.order) == _read(page, order_xml.order)


def test_a_regular_order_is_read_by_the_walk_itself_not_by_the_fallback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = _page(
        ("orderId", "abc", False),
        [("totalInclAmount", " 1250 ", False), ("fullyPaid", "true", False),
         ("lineList", [("line", [("articleNumber", "1001", False),
                                 ("data", [("quantity", "530", False), ("decimalPlaces", "3", False)])])])],
        False,
    )  # fmt: skip
    calls = []
    monkeypatch.setattr(order_xml, "order", lambda element: calls.append(element))
    assert envelope.shape_order is _order_walk.order
    [order] = envelope.read([page], "getOrders").orders
    assert calls == []
    assert order.total_incl_amount == 1250 and order.fully_paid is True
    assert order.lines[0].quantity.quantity == 530 and order.lines[0].quantity.decimal_places == 3
