"""Reads against canned answers generated from the official WSDL: every field, every variant.

Each answer carries every element the WSDL declares (optional ones included); the client's models
must hold exactly the values written. Then the same answers arrive as a real server may send
them: whitespace around booleans and numbers, comments and processing instructions, unknown
elements, nil elements, other namespace prefixes.

Every test here runs twice: with the compiled order walk (``bot.mplus._order_walk``) and with the
pure-Python shaper it falls back to (``bot.mplus.order_xml``), which must read every answer alike.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from lxml import etree

from bot.mplus import envelope as envelope_module
from bot.mplus import order_xml
from bot.mplus.client import MplusClient
from bot.mplus.errors import NotFound, ProtocolError
from bot.mplus.models import MPLUS_TZ, Address, Order, OrderQuery, Relation, YearNumber
from tests.mplus.canned_server import CannedServer, Reply
from tests.mplus.wsdl_answers import MPLUS_NS, XSI_NS, AnswerFactory, envelope, mutate


@pytest.fixture(autouse=True, params=["compiled walk", "python shaper"])
def shaper(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "python shaper":
        monkeypatch.setattr(envelope_module, "shape_order", order_xml.order)
    elif envelope_module.shape_order is order_xml.order:
        pytest.skip("bot.mplus._order_walk is not built here (no C compiler at install): python shaper only")
    return request.param


# Quantities are read as Quantity (at most 6 decimal places): keep the generated ones in range.
ORDER_OVERRIDES = {"decimalPlaces": "2"}
WHEN = datetime(2026, 4, 3, 5, 6, 7, tzinfo=MPLUS_TZ)
DAY = date(2026, 4, 3)

_INTS = [
    "sync_marker",
    "entry_branch_number",
    "employee_number",
    "relation_number",
    "financial_branch_number",
    "total_incl_amount",
    "total_excl_amount",
    "change_counter",
    "version_number",
    "prepaid_amount",
    "order_category_number",
]
_STRS = [
    "order_id",
    "ext_order_id",
    "order_type",
    "relation_name",
    "reference",
    "vat_method",
    "delivery_method",
    "payment_method",
    "delivery_state",
    "cancel_state",
    "complete_state",
    "order_category_description",
]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def expected_order(sent: dict[str, Any]) -> dict[str, Any]:
    """The ``Order`` field values the client must read from one generated ``<order>``."""
    want: dict[str, Any] = {f: int(sent[_camel(f)]) for f in _INTS}
    want |= {f: sent[_camel(f)] for f in _STRS}
    want["fully_paid"] = True
    want["invoice_ids"] = sent["invoiceIds"]["id"]
    want["packing_slip_ids"] = sent["packingSlipIds"]["id"]
    want["entry_timestamp"] = WHEN
    want["financial_date"] = want["delivery_date"] = DAY
    want["order_number"] = YearNumber(
        year=int(sent["orderNumber"]["year"]), number=int(sent["orderNumber"]["number"])
    )
    for kind in ("delivery_address", "invoice_address"):
        want[kind] = Address(**{f: sent[_camel(kind)][_camel(f)] for f in Address.model_fields})
    want["lines"] = [
        {
            "line_id": line["lineId"],
            "article_number": int(line["articleNumber"]),
            "text": line["text"],
            "quantity": {"quantity": int(line["data"]["quantity"]), "decimal_places": 2},
            "price": int(line["data"]["price"]),
            "total_incl_amount": int(line["data"]["totalInclAmount"]),
            "total_excl_amount": int(line["data"]["totalExclAmount"]),
            "vat_percentage": int(line["data"]["vatPercentage"]),
        }
        for line in sent["lineList"]["line"]
    ]
    want["payments"] = [
        {
            "payment_id": p["paymentId"],
            "financial_date": DAY,
            "entry_timestamp": WHEN,
            "method": p["method"],
            "description": p["description"],
            "amount": int(p["amount"]),
        }
        for p in sent["paymentList"]["payment"]
    ]
    return want


def assert_order(order: Order, sent: dict[str, Any]) -> None:
    want = expected_order(sent)
    # Every field of the model is checked, except order_string (not an Order element in Mplus).
    assert set(want) == set(Order.model_fields) - {"order_string"}
    got = order.model_dump()
    for name, value in want.items():
        if name in ("lines", "payments"):
            assert got[name] == value, name
        else:
            assert getattr(order, name) == value, name


def assert_page(canned: CannedServer, client: MplusClient, body: bytes, sent: list[dict[str, Any]]) -> None:
    """Serve ``body`` as the getOrders answer; every order read must match what was sent."""
    canned.replies["getOrders"] = Reply(body)
    orders = client.get_orders()
    assert len(orders) == len(sent)
    for order, sent_order in zip(orders, sent, strict=True):
        assert_order(order, sent_order)


def expected_relation(sent: dict[str, Any]) -> dict[str, Any]:
    want = {f: sent[_camel(f)] for f in Relation.model_fields}
    want["relation_number"] = int(want["relation_number"])
    want["sync_marker"] = int(want["sync_marker"])
    want["active"] = True
    return want


@pytest.fixture
def orders_page(answers: AnswerFactory) -> tuple[etree._Element, list[dict[str, Any]]]:
    node, filled = answers.response(
        "GetOrdersResponse", repeat={"order": 3, "line": 3, "payment": 2}, overrides=ORDER_OVERRIDES
    )
    return node, filled["orderList"]["order"]


def test_get_orders_reads_every_field_of_a_full_page(
    canned: CannedServer, canned_client: MplusClient, orders_page
) -> None:
    node, sent = orders_page
    canned.replies["getOrders"] = Reply(envelope(node))
    orders = canned_client.get_orders(OrderQuery(sync_marker=1, sync_marker_limit=3))
    assert len(orders) == 3
    for order, sent_order in zip(orders, sent, strict=True):
        assert_order(order, sent_order)


@pytest.mark.parametrize("operation", ["getOrder", "findOrder"])
def test_get_and_find_order_read_every_field(
    canned: CannedServer, canned_client: MplusClient, answers: AnswerFactory, operation: str
) -> None:
    # findOrder answers with a GetOrderResponse too (official WSDL).
    node, filled = answers.response(
        "GetOrderResponse",
        repeat={"line": 3, "payment": 2},
        overrides={**ORDER_OVERRIDES, "result": "GET-ORDER-RESULT-OK"},
    )
    canned.replies[operation] = Reply(envelope(node))
    order = canned_client.get_order("x") if operation == "getOrder" else canned_client.find_order("x")
    assert_order(order, filled["order"])


def test_relations_read_every_field(
    canned: CannedServer, canned_client: MplusClient, answers: AnswerFactory
) -> None:
    page, sent = answers.response("GetRelationsResponse", repeat={"relation": 3})
    one, sent_one = answers.response("GetRelationResponse", overrides={"result": "GET-RELATION-RESULT-OK"})
    found, sent_found = answers.response(
        "FindRelationResponse", overrides={"result": "FIND-RELATION-RESULT-OK"}
    )
    canned.replies |= {
        "getRelations": Reply(envelope(page)),
        "getRelation": Reply(envelope(one)),
        "findRelation": Reply(envelope(found)),
    }
    relations = canned_client.get_relations()
    assert [r.model_dump() for r in relations] == [
        expected_relation(s) for s in sent["relationList"]["relation"]
    ]
    assert canned_client.get_relation(1).model_dump() == expected_relation(sent_one["relation"])
    from bot.mplus.models import RelationQuery

    assert canned_client.find_relation(RelationQuery(name="x")).model_dump() == expected_relation(
        sent_found["relation"]
    )


def test_catalogue_and_version_read_every_field(
    canned: CannedServer, canned_client: MplusClient, answers: AnswerFactory
) -> None:
    methods, sent_methods = answers.response("GetDeliveryMethodsResponse")
    categories, sent_categories = answers.response("GetOrderCategoriesResponse")
    payments, sent_payments = answers.response("GetPaymentMethodsResponse")
    version, sent_version = answers.response("getApiVersionResponse")
    markers, sent_markers = answers.response("getCurrentSyncMarkersResponse")
    canned.replies |= {
        "getDeliveryMethods": Reply(envelope(methods)),
        "getOrderCategories": Reply(envelope(categories)),
        "getPaymentMethods": Reply(envelope(payments)),
        "getApiVersion": Reply(envelope(version)),
        "getCurrentSyncMarkers": Reply(envelope(markers)),
    }
    got_methods = canned_client.get_delivery_methods()
    assert [(m.code, m.description, m.button_text, m.enabled) for m in got_methods] == [
        (m["deliveryMethod"], m["description"], m["buttonText"], True)
        for m in sent_methods["deliveryMethodList"]["deliveryMethod"]
    ]
    got_categories = canned_client.get_order_categories()
    assert [(c.number, c.description, c.allow_cancel, c.allow_process) for c in got_categories] == [
        (int(c["orderCategoryNumber"]), c["orderCategoryDescription"], True, True)
        for c in sent_categories["orderCategory"]
    ]
    got_payments = canned_client.get_payment_methods()
    assert [
        (p.method, p.description, p.button_text, p.allow_negative_amount, p.active, p.type)
        for p in got_payments
    ] == [
        (p["method"], p["description"], p["buttonText"], True, True, p["type"])
        for p in sent_payments["paymentMethodList"]["paymentMethod"]
    ]
    got_version = canned_client.get_api_version()
    assert (got_version.major_number, got_version.minor_number, got_version.revision_number) == tuple(
        int(sent_version[k]) for k in ("majorNumber", "minorNumber", "revisionNumber")
    )
    assert got_version.in_debug_mode is True
    assert got_version.service_version_display_string == sent_version["serviceVersionDisplayString"]
    got_markers = canned_client.get_current_sync_markers()
    for field in type(got_markers).model_fields:
        assert getattr(got_markers, field) == int(sent_markers[_camel(field)]), field


# --- values as the schema allows them ---------------------------------------------------------


def test_whitespace_around_booleans_and_numbers(
    canned: CannedServer, canned_client: MplusClient, orders_page
) -> None:
    node, sent = orders_page

    def pad(element: etree._Element) -> None:
        element.text = f" \n {element.text}\t "

    for path in ("orderList/order/fullyPaid", "orderList/order/totalInclAmount", "orderList/order/syncMarker",
                 "orderList/order/lineList/line/data/quantity", "orderList/order/orderNumber/year",
                 "orderList/order/financialDate/day"):  # fmt: skip
        mutate(node, path, pad)
    assert_page(canned, canned_client, envelope(node), sent)


@pytest.mark.parametrize(
    ("text", "value"), [(" false ", False), ("0", False), ("\ttrue\n", True), ("1", True)]
)
def test_relation_boolean_forms(
    canned: CannedServer, canned_client: MplusClient, answers: AnswerFactory, text: str, value: bool
) -> None:
    page, _ = answers.response("GetRelationsResponse", repeat={"relation": 1}, overrides={"active": text})
    canned.replies["getRelations"] = Reply(envelope(page))
    assert canned_client.get_relations()[0].active is value


def test_invalid_values_are_protocol_errors_naming_the_element(
    canned: CannedServer, canned_client: MplusClient, answers: AnswerFactory, orders_page
) -> None:
    page, _ = answers.response("GetRelationsResponse", repeat={"relation": 1}, overrides={"active": "yes"})
    canned.replies["getRelations"] = Reply(envelope(page))
    with pytest.raises(ProtocolError, match=r"getRelations.*<active>.*'yes'"):
        canned_client.get_relations()

    node, _ = orders_page
    mutate(node, "orderList/order/totalInclAmount", lambda e: setattr(e, "text", "12,50"))
    canned.replies["getOrders"] = Reply(envelope(node))
    with pytest.raises(ProtocolError, match=r"getOrders.*<totalInclAmount>.*'12,50'"):
        canned_client.get_orders()

    bad_flag, _ = answers.response(
        "GetOrdersResponse", repeat={"order": 1}, overrides={**ORDER_OVERRIDES, "fullyPaid": "ja"}
    )
    canned.replies["getOrders"] = Reply(envelope(bad_flag))
    with pytest.raises(ProtocolError, match=r"<fullyPaid>.*'ja'"):
        canned_client.get_orders()


def test_comments_and_processing_instructions_are_ignored(
    canned: CannedServer, canned_client: MplusClient, answers: AnswerFactory
) -> None:
    node, filled = answers.response(
        "GetOrderResponse",
        overrides={**ORDER_OVERRIDES, "result": "GET-ORDER-RESULT-OK", "reference": "PO4711"},
    )

    def split(element: etree._Element) -> None:
        element.text = "PO"
        comment = etree.Comment(" x ")
        comment.tail = "47"
        pi = etree.ProcessingInstruction("mplus", "note")
        pi.tail = "11"
        element.extend([comment, pi])

    mutate(node, "order/reference", split)
    node.insert(0, etree.Comment(" a comment before the result "))
    body = b"<!-- first in the Body --><?pi first?>" + etree.tostring(node)
    canned.replies["getOrder"] = Reply(envelope(body))
    order = canned_client.get_order("x")
    assert order.reference == "PO4711"
    assert_order(order, filled["order"])

    page, sent = answers.response("GetOrdersResponse", repeat={"order": 2}, overrides=ORDER_OVERRIDES)
    canned.replies["getOrders"] = Reply(envelope(b"<!-- c --> " + etree.tostring(page)))
    assert [o.order_id for o in canned_client.get_orders()] == [
        o["orderId"] for o in sent["orderList"]["order"]
    ]


def test_unknown_and_reordered_elements_change_nothing(
    canned: CannedServer, canned_client: MplusClient, orders_page
) -> None:
    node, sent = orders_page

    def surround(element: etree._Element) -> None:
        element.insert(0, etree.Element(f"{{{MPLUS_NS}}}newFieldFirst"))
        element.insert(
            5,
            etree.fromstring(
                f'<x:newNested xmlns:x="{MPLUS_NS}"><x:orderId>NOT-IT</x:orderId></x:newNested>'
            ),
        )
        element.append(etree.Element("{urn:other}extension"))
        element[:] = list(reversed(element))  # order does not matter either

    mutate(node, "orderList/order", surround)
    assert_page(canned, canned_client, envelope(node), sent)


def test_nil_elements_read_as_absent(
    canned: CannedServer, canned_client: MplusClient, answers: AnswerFactory
) -> None:
    node, _ = answers.response(
        "GetOrderResponse", overrides={**ORDER_OVERRIDES, "result": "GET-ORDER-RESULT-OK"}
    )

    def nil(element: etree._Element) -> None:
        element[:] = []
        element.text = None
        element.set(f"{{{XSI_NS}}}nil", "true")

    for path in ("order/reference", "order/vatPercentage", "order/deliveryDate", "order/paymentList",
                 "order/fullyPaid", "order/lineList/line/data/price"):  # fmt: skip
        mutate(node, path, nil)
    canned.replies["getOrder"] = Reply(envelope(node))
    order = canned_client.get_order("x")
    assert order.reference == "" and order.delivery_date is None and order.payments == []
    assert order.fully_paid is False and all(line.price == 0 for line in order.lines)


@pytest.mark.parametrize(("soap_prefix", "mplus_prefix"), [("S", "ns1"), ("SOAP-ENV", "m"), ("env", None)])
def test_other_namespace_prefixes(
    canned: CannedServer, canned_client: MplusClient, orders_page, soap_prefix: str, mplus_prefix: str | None
) -> None:
    node, sent = orders_page
    assert_page(
        canned, canned_client, envelope(node, soap_prefix=soap_prefix, mplus_prefix=mplus_prefix), sent
    )


def test_not_found_and_empty_answers(
    canned: CannedServer, canned_client: MplusClient, answers: AnswerFactory
) -> None:
    node, _ = answers.response(
        "GetOrderResponse", overrides={"result": "GET-ORDER-RESULT-NOT-FOUND", "order": None}
    )
    canned.replies["getOrder"] = Reply(envelope(node))
    with pytest.raises(NotFound):
        canned_client.get_order("x")
    empty, _ = answers.response("GetOrdersResponse", repeat={"order": 0})
    canned.replies["getOrders"] = Reply(envelope(empty))
    assert canned_client.get_orders() == []
