"""Element order against the official WSDL.

Every response the raw-SOAP and zeep fixtures receive is checked by conftest.SequenceChecker already; these
tests make the check explicit for each operation (success and failure paths), prove the checker catches a
wrong order, and compare the emulator's hand-written WSDL with the official one, type by type."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests
from lxml import etree
from lxml.builder import ElementMaker

from mplus_emulator.operations import OPERATIONS
from mplus_emulator.server import SUBSET_WSDL, EmulatorServer

NS = "urn:mplusqapi"
XSD = "http://www.w3.org/2001/XMLSchema"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
E = ElementMaker(namespace=NS, nsmap={"ns1": NS})


def _requests(soap: Any, order_id: str, invoiced_id: str) -> list[etree._Element]:
    pay = E.payOrder(
        E.request(
            E.orderId(order_id), E.prepay("true"), E.paymentList(E.payment(E.method("CASH"), E.amount("100")))
        )
    )
    return [
        E.getApiVersion(),
        E.getCurrentSyncMarkers(),
        E.getDeliveryMethods(),
        E.getOrderCategories(),
        E.getPaymentMethods(),
        E.getOrders(E.request(E.syncMarker("0"))),
        E.getOrders(E.request(E.includeLineList("false"))),
        E.createOrder(soap.order_el("ORD-X", 1, [(1004, 1250, 3)])),
        E.createOrder(soap.order_el("ORD-1")),
        E.createOrder(soap.order_el("ORD-Y", 1, [(999, 1)])),
        E.findOrder(E.extOrderId("ORD-1")),
        E.findOrder(E.extOrderId("none")),
        E.getOrder(E.orderId(order_id)),
        E.getOrder(E.orderId("none")),
        E.getOrder(E.orderId(invoiced_id)),
        E.updateOrder(soap.order_el("ORD-1", 1, [(2002, 4)], order_id=order_id)),
        E.updateOrder(soap.order_el("ORD-1", 1, [(2002, 4)], order_id=order_id)),
        E.updateOrder(soap.order_el("ORD-1", 1, order_id="none")),
        pay,
        E.payOrder(E.request(E.orderId("none"), E.prepay("false"), E.paymentList())),
        E.deliverOrder(E.request(E.orderId(order_id))),
        E.deliverOrder(E.request(E.orderId(order_id))),
        E.cancelOrder(E.orderId(order_id)),
        E.cancelOrder(E.orderId("none")),
        E.findRelation(E.relation(E.city("utrecht"))),
        E.findRelation(E.relation(E.name("zzz"))),
        E.getRelation(E.relationNumber("3")),
        E.getRelation(E.relationNumber("333")),
        E.getRelations(E.request(E.syncMarker("1"), E.syncMarkerLimit("5"))),
        E.getRelations(),
        E.createRelation(
            E.relation(E.name("Order Check B.V."), E.birthDate(E.day("1"), E.mon("2"), E.year("1990")))
        ),
        E.createRelation(E.relation(E.email("no-name@example.nl"))),
        E.getProducts(E.request(E.pluNumbers())),
        E.getProducts(E.request(E.articleNumbers("4001"), E.pluNumbers(), E.syncMarker("1"))),
    ]


def test_every_operation_answers_in_official_sequence_order(
    srv: EmulatorServer, soap: Any, checker: Any, official_wsdl: Path
) -> None:
    soap.checker = None  # check explicitly below instead of inside call()
    order_id = soap.create_ok("ORD-0")
    invoiced = soap.create_ok("ORD-I")
    soap.pay(invoiced, False, ("PIN", 4990))
    seen: set[str] = set()
    for op in _requests(soap, order_id, invoiced):
        resp = soap.post(soap.envelope(op))
        assert resp.status_code == 200, resp.text
        env = etree.fromstring(resp.content)
        problems = checker.problems(env)
        assert not problems, f"{etree.QName(op).localname}: {problems}"
        seen.add(etree.QName(op).localname)
    assert seen == set(OPERATIONS)


def test_checker_catches_wrong_order_unknown_and_missing(checker: Any, official_wsdl: Path) -> None:
    def env(*children: etree._Element) -> etree._Element:
        e = etree.Element(f"{{{SOAP_ENV}}}Envelope")
        etree.SubElement(e, f"{{{SOAP_ENV}}}Body").append(E.GetOrderResponse(*children))
        return e

    good = env(E.result("GET-ORDER-RESULT-OK"), E.order(E.orderId("a"), E.syncMarker("1")))
    assert checker.problems(good) == []
    swapped = env(E.result("GET-ORDER-RESULT-OK"), E.order(E.syncMarker("1"), E.orderId("a")))
    assert any("out of sequence" in p for p in checker.problems(swapped))
    unknown = env(E.result("GET-ORDER-RESULT-OK"), E.order(E.orderId("a"), E.priceIncl("1")))
    assert any("priceIncl" in p for p in checker.problems(unknown))
    missing = env(E.order(E.orderId("a")))
    assert any("result" in p for p in checker.problems(missing))
    dt = env(
        E.result("GET-ORDER-RESULT-OK"), E.order(E.orderId("a"), E.entryTimestamp(E.year("2026"), E.sec("1")))
    )
    assert checker.problems(dt)


def _schema(path: Path) -> tuple[dict[str, etree._Element], dict[str, etree._Element]]:
    schema = etree.parse(str(path)).find(f".//{{{XSD}}}schema")
    assert schema is not None
    types, elements = {}, {}
    for node in schema:
        if isinstance(node.tag, str):
            kind = etree.QName(node).localname
            (elements if kind == "element" else types)[node.get("name")] = node
    return types, elements


def _fields(node: etree._Element) -> list[tuple[str, str, str]]:
    seq = node.find(f"{{{XSD}}}sequence")
    if seq is None:
        return []
    return [
        (d.get("name"), (d.get("type") or "inline").split(":")[-1], d.get("maxOccurs", "1"))
        for d in seq.findall(f"{{{XSD}}}element")
    ]


def test_subset_wsdl_is_a_subsequence_of_the_official(official_wsdl: Path) -> None:
    own_types, own_elements = _schema(SUBSET_WSDL)
    off_types, off_elements = _schema(official_wsdl)
    assert len(own_types) > 50 and len(own_elements) == 2 * len(OPERATIONS) - 1  # GetOrderResponse is shared
    for name, node in own_types.items():
        assert name in off_types, f"type {name} is not in the official WSDL"
        if etree.QName(node).localname == "simpleType":
            own_values = [v.get("value") for v in node.iter(f"{{{XSD}}}enumeration")]
            off_values = [v.get("value") for v in off_types[name].iter(f"{{{XSD}}}enumeration")]
            assert own_values == off_values, name
            continue
        official = _fields(off_types[name])
        positions = {f[0]: i for i, f in enumerate(official)}
        last = -1
        for field in _fields(node):
            assert field[0] in positions, f"{name}.{field[0]} is not an official field"
            assert official[positions[field[0]]] == field, f"{name}.{field[0]}: type/maxOccurs differ"
            assert positions[field[0]] > last, f"{name}.{field[0]} is out of the official order"
            last = positions[field[0]]
    for name, node in own_elements.items():
        assert name in off_elements, name
        assert node.get("type") == off_elements[name].get("type")
        inline = node.find(f"{{{XSD}}}complexType")
        if inline is not None:
            assert _fields(inline) == _fields(off_elements[name].find(f"{{{XSD}}}complexType")), name


def test_subset_wsdl_names_match_the_official_service(official_wsdl: Path, srv: EmulatorServer) -> None:
    wsdl_ns = "http://schemas.xmlsoap.org/wsdl/"
    own = etree.fromstring(requests.get(srv.url + "?wsdl", timeout=5).content)
    official = etree.parse(str(official_wsdl)).getroot()
    for doc in (own, official):
        assert doc.find(f"{{{wsdl_ns}}}binding").get("name") == "MplusQapi"
        assert doc.find(f"{{{wsdl_ns}}}service").get("name") == "MplusQapi"
    official_ops = {
        o.get("name"): (
            o.find(f"{{{wsdl_ns}}}input").get("message"),
            o.find(f"{{{wsdl_ns}}}output").get("message"),
        )
        for o in official.find(f"{{{wsdl_ns}}}portType")
    }
    for op in own.find(f"{{{wsdl_ns}}}portType"):
        messages = (
            op.find(f"{{{wsdl_ns}}}input").get("message"),
            op.find(f"{{{wsdl_ns}}}output").get("message"),
        )
        assert official_ops[op.get("name")] == messages
    assert b"soap/encoding" not in SUBSET_WSDL.read_bytes()


def test_demo_orders_parse_with_the_official_wsdl(official_zeep: Any) -> None:
    request = {"syncMarker": 0, "articlePluNumbers": {}, "articleBarcodes": {}}
    orders = official_zeep.getOrders(request=request)
    assert len(orders) == 50
    assert all(o.orderId and o.orderNumber.number for o in orders)
