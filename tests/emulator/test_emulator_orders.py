"""createOrder, findOrder, getOrder, updateOrder rules over raw SOAP."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from lxml.builder import ElementMaker

from mplus_emulator import clock

NS = "urn:mplusqapi"
E = ElementMaker(namespace=NS, nsmap={"ns1": NS})
CREATE_FAILED = "CREATE-ORDER-RESULT-FAILED"


def _half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def test_create_computes_everything_server_side(soap: Any) -> None:
    resp = soap.create(
        "EXT-1",
        relation=5,
        lines=[(1004, 530, 3), (2001, 2), (1008, 1, 0, 500)],
        reference="Bel even",
        deliveryMethod="POSTNL",
        orderCategoryNumber=3,
        totalInclAmount=1,
        prepaidAmount=999,
        fullyPaid="true",
        deliveryState="ORDER-DELIVERY-STATE-COMPLETE",
    )
    assert soap.text(resp, "result") == "CREATE-ORDER-RESULT-OK"
    assert soap.text(resp, "errorMessage") == ""
    order_id = soap.text(resp, "info/orderId")
    assert re.fullmatch(r"[0-9a-f]{32}", order_id)
    assert soap.text(resp, "info/orderQueued") == "false"
    o = soap.get(order_id)
    # 0.530 kg × 22.50 = 11.925 → 11.93 (half up); 2 × 12.95; 1 × 5.00 (price given by the client)
    totals = [soap.text(ln, "data/totalInclAmount") for ln in soap.all(o, "lineList/line")]
    assert totals == ["1193", "2590", "500"]
    assert soap.text(o, "totalInclAmount") == str(1193 + 2590 + 500)
    excl = (
        _half_up(Decimal(1193) * 100 / 109)
        + _half_up(Decimal(2590) * 100 / 121)
        + _half_up(Decimal(500) * 100 / 109)
    )
    assert soap.text(o, "totalExclAmount") == str(excl)
    line = soap.all(o, "lineList/line")[0]
    assert soap.text(line, "text") == "Koffiebonen los per kg"
    assert soap.text(line, "data/price") == "2250"
    assert soap.text(line, "data/priceExcl") == str(_half_up(Decimal(2250) * 100 / 109))
    assert soap.text(line, "data/vatPercentage") == "9"
    assert soap.text(o, "relationName") == "Koffiehuis De Gouden Boon B.V."
    assert soap.text(o, "relationVatNumber") == "NL001234567B01"
    assert soap.text(o, "orderCategoryDescription") == "Zakelijk"
    assert soap.text(o, "reference") == "Bel even"
    assert soap.text(o, "deliveryMethod") == "POSTNL"
    # client totals and states are ignored
    assert soap.text(o, "prepaidAmount") == "0"
    assert soap.text(o, "fullyPaid") == "false"
    for state in ("deliveryState", "cancelState", "completeState"):
        assert soap.text(o, state).endswith("-NOTHING")
    assert soap.text(o, "versionNumber") == "1"
    assert soap.text(o, "changeCounter") == "0"
    today = clock.today()
    assert [soap.text(o, f"financialDate/{p}") for p in ("day", "mon", "year")] == [
        str(today.day),
        str(today.month),
        str(today.year),
    ]
    offset = clock.utc_offset_minutes(clock.now())
    assert soap.text(o, "entryTimestamp/timezone") == str(offset)
    assert soap.text(o, "entryTimestamp/isdst") == "false"
    year, number = soap.text(o, "orderNumber/year"), int(soap.text(o, "orderNumber/number"))
    assert soap.text(resp, "info/orderString") == f"{year}{number:06d}"


def test_order_numbers_are_sequential_and_sync_markers_grow(soap: Any) -> None:
    a = soap.get(soap.create_ok("SEQ-1"))
    b = soap.get(soap.create_ok("SEQ-2"))
    assert int(soap.text(b, "orderNumber/number")) == int(soap.text(a, "orderNumber/number")) + 1
    assert int(soap.text(b, "syncMarker")) == int(soap.text(a, "syncMarker")) + 1


def test_financial_date_and_branch_can_be_given(soap: Any) -> None:
    order_id = soap.create_ok(
        "FD-1",
        financialDate=E.financialDate(E.day("3"), E.mon("2"), E.year("2026")),
        financialBranchNumber=2,
        deliveryDate=E.deliveryDate(E.day("9"), E.mon("2"), E.year("2026")),
    )
    o = soap.get(order_id)
    assert [soap.text(o, f"financialDate/{p}") for p in ("day", "mon", "year")] == ["3", "2", "2026"]
    assert soap.text(o, "financialBranchNumber") == "2"
    assert soap.text(o, "entryBranchNumber") == "2"
    assert soap.text(o, "deliveryDate/day") == "9"


def test_lenient_input_any_order_and_no_namespace(soap: Any) -> None:
    raw = (
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        b'<ns:createOrder xmlns:ns="urn:mplusqapi"><ns:order>'
        b"<lineList><line><data><quantity>1</quantity></data><articleNumber>2001</articleNumber></line>"
        b"</lineList><relationNumber>2</relationNumber><extOrderId>LENIENT-1</extOrderId><orderId/>"
        b"<entryTimestamp><timezone>-300</timezone><isdst>true</isdst><year>2020</year></entryTimestamp>"
        b"</ns:order></ns:createOrder></s:Body></s:Envelope>"
    )
    resp = soap.post(raw)
    assert resp.status_code == 200
    assert b"CREATE-ORDER-RESULT-OK" in resp.content


@pytest.mark.parametrize(
    ("ext", "relation", "lines", "fields", "needle"),
    [
        ("", 1, None, {}, "extOrderId"),
        (None, 1, None, {}, "extOrderId"),
        ("F-1", None, None, {}, "relationNumber"),
        ("F-2", 0, None, {}, "relationNumber"),
        ("F-3", 999, None, {}, "999"),
        ("F-4", 1, [], {}, "no lines"),
        ("F-5", 1, [(4242, 1)], {}, "4242"),
        ("F-6", 1, [(1001, 0)], {}, "quantity"),
        ("F-7", 1, [(1001, -2)], {}, "quantity"),
        ("F-8", 1, None, {"deliveryMethod": "TELEPORT"}, "TELEPORT"),
        ("F-9", 1, None, {"deliveryMethod": "DPD"}, "disabled"),
        ("F-10", 1, None, {"orderCategoryNumber": 77}, "77"),
        ("F-11", 1, None, {"financialBranchNumber": 9}, "branch 9"),
        ("F-12", 1, [(1001, 1, 9)], {}, "decimalPlaces"),
    ],
)
def test_create_refusals(
    soap: Any, ext: str | None, relation: int | None, lines: Any, fields: dict[str, Any], needle: str
) -> None:
    before = len(soap.orders())
    resp = soap.create(ext, relation, lines, **fields)
    assert soap.text(resp, "result") == CREATE_FAILED
    assert needle in soap.text(resp, "errorMessage")
    assert soap.text(resp, "info/orderId") == ""
    assert len(soap.orders()) == before


def test_create_without_order_element_fails(soap: Any) -> None:
    resp = soap.call(E.createOrder())
    assert soap.text(resp, "result") == CREATE_FAILED


def test_duplicate_ext_order_id(soap: Any) -> None:
    soap.create_ok("DUP-1")
    resp = soap.create("DUP-1")
    assert soap.text(resp, "result") == "CREATE-ORDER-RESULT-EXT-ORDER-ID-ALREADY-EXISTS"
    assert "DUP-1" in soap.text(resp, "errorMessage") and "already exists" in soap.text(resp, "errorMessage")
    # the seeded ones are taken too
    assert soap.text(soap.create("WS-10001"), "result") == "CREATE-ORDER-RESULT-EXT-ORDER-ID-ALREADY-EXISTS"


def test_find_and_get(soap: Any) -> None:
    order_id = soap.create_ok("FIND-1")
    found = soap.call(E.findOrder(E.extOrderId("FIND-1")))
    assert found.tag == f"{{{NS}}}GetOrderResponse"
    assert soap.text(found, "result") == "GET-ORDER-RESULT-OK"
    assert soap.text(found, "order/orderId") == order_id
    for op in (
        E.findOrder(E.extOrderId("nope")),
        E.getOrder(E.orderId("0" * 32)),
        E.getOrder(E.orderId()),
        E.getOrder(),
        E.findOrder(E.extOrderId()),
    ):
        resp = soap.call(op)
        assert soap.text(resp, "result") == "GET-ORDER-RESULT-NOT-FOUND"
        assert resp.find(f"{{{NS}}}order") is None


# ---------------------------------------------------------------- updateOrder


def _update(
    soap: Any,
    order_id: str,
    ext: str | None = "UPD-1",
    relation: int | None = 1,
    lines: Any = None,
    **fields: Any,
) -> Any:
    return soap.call(E.updateOrder(soap.order_el(ext, relation, lines, order_id=order_id, **fields)))


def test_update_recomputes_and_counts(soap: Any) -> None:
    order_id = soap.create_ok("UPD-1")
    before = soap.get(order_id)
    resp = _update(
        soap, order_id, lines=[(1001, 3), (2005, 1)], reference="changed", changeCounter=0, versionNumber=1
    )
    assert soap.text(resp, "result") == "UPDATE-ORDER-RESULT-OK", soap.text(resp, "errorMessage")
    assert soap.text(resp, "info/orderId") == order_id
    after = soap.get(order_id)
    assert soap.text(after, "totalInclAmount") == str(3 * 2495 + 5995)
    assert soap.text(after, "changeCounter") == "1"
    assert soap.text(after, "versionNumber") == "2"
    assert int(soap.text(after, "syncMarker")) > int(soap.text(before, "syncMarker"))
    assert soap.text(after, "reference") == "changed"
    # the first line kept its id (same article in the same place), the new one got a fresh id
    ids_before = [soap.text(ln, "lineId") for ln in soap.all(before, "lineList/line")]
    ids_after = [soap.text(ln, "lineId") for ln in soap.all(after, "lineList/line")]
    assert ids_after[0] == ids_before[0] and ids_after[1] not in ids_before


def test_update_no_changes(soap: Any) -> None:
    order_id = soap.create_ok("UPD-1", reference="r")
    marker = soap.text(soap.get(order_id), "syncMarker")
    resp = _update(soap, order_id, reference="r")
    assert soap.text(resp, "result") == "UPDATE-ORDER-RESULT-NO-CHANGES"
    assert soap.text(resp, "errorMessage") == "Order not saved because there were no changes in the order."
    assert soap.text(soap.get(order_id), "syncMarker") == marker
    # sending an explicit catalogue price / text equal to the defaults is still "no change"
    resp = soap.call(
        E.updateOrder(
            E.order(
                E.orderId(order_id),
                E.relationNumber("1"),
                E.reference("r"),
                E.lineList(
                    E.line(
                        E.articleNumber("1001"),
                        E.text("Koffiebonen Huismelange 1 kg"),
                        E.data(E.quantity("2"), E.price("2495")),
                    )
                ),
            )
        )
    )
    assert soap.text(resp, "result") == "UPDATE-ORDER-RESULT-NO-CHANGES"


def test_update_stale_lock(soap: Any) -> None:
    order_id = soap.create_ok("UPD-1")
    for fields in ({"changeCounter": 5}, {"versionNumber": 7}, {"changeCounter": 0, "versionNumber": 2}):
        resp = _update(soap, order_id, reference="x", **fields)
        assert soap.text(resp, "result") == "UPDATE-ORDER-RESULT-ORDER-HAS-CHANGED"
        assert "changeCounter" in soap.text(resp, "errorMessage")
    # a deposit is a change too: a copy read before it is stale
    soap.pay(order_id, True, ("CASH", 100))
    resp = _update(soap, order_id, reference="x", changeCounter=0)
    assert soap.text(resp, "result") == "UPDATE-ORDER-RESULT-ORDER-HAS-CHANGED"
    resp = _update(soap, order_id, reference="x", changeCounter=1)
    assert soap.text(resp, "result") == "UPDATE-ORDER-RESULT-OK"


def test_update_refusals(soap: Any) -> None:
    assert soap.text(_update(soap, "f" * 32), "result") == "UPDATE-ORDER-RESULT-NOT-FOUND"
    assert soap.text(_update(soap, ""), "result") == "UPDATE-ORDER-RESULT-NOT-FOUND"
    assert soap.text(soap.call(E.updateOrder()), "result") == "UPDATE-ORDER-RESULT-FAILED"
    order_id = soap.create_ok("UPD-1")
    for kwargs, needle in (
        ({"lines": [(9999, 1)]}, "9999"),
        ({"relation": 4444}, "4444"),
        ({"lines": []}, "no lines"),
        ({"deliveryMethod": "NOPE"}, "NOPE"),
    ):
        resp = _update(soap, order_id, **kwargs)
        assert soap.text(resp, "result") == "UPDATE-ORDER-RESULT-FAILED"
        assert needle in soap.text(resp, "errorMessage")
    cancelled = soap.create_ok("UPD-C")
    soap.cancel(cancelled)
    resp = _update(soap, cancelled, ext="UPD-C", reference="x")
    assert soap.text(resp, "result") == "UPDATE-ORDER-RESULT-FAILED"
    assert "cancelled" in soap.text(resp, "errorMessage")
    invoiced = soap.create_ok("UPD-I")
    soap.pay(invoiced, False, ("PIN", 4990))
    resp = _update(soap, invoiced, ext="UPD-I", reference="x")
    assert soap.text(resp, "result") == "UPDATE-ORDER-RESULT-FAILED"
    assert "invoiced" in soap.text(resp, "errorMessage")


def test_update_ext_order_id(soap: Any) -> None:
    order_id = soap.create_ok("UPD-1")
    soap.create_ok("UPD-2")
    resp = _update(soap, order_id, ext="UPD-2")
    assert soap.text(resp, "result") == "UPDATE-ORDER-RESULT-FAILED"
    assert "UPD-2" in soap.text(resp, "errorMessage")
    # omitting extOrderId keeps it
    assert soap.text(_update(soap, order_id, ext=None, reference="x"), "result") == "UPDATE-ORDER-RESULT-OK"
    assert soap.text(_update(soap, order_id, ext="UPD-NEW"), "result") == "UPDATE-ORDER-RESULT-OK"
    assert soap.text(soap.call(E.findOrder(E.extOrderId("UPD-NEW"))), "order/orderId") == order_id
    # the old id is reserved forever but no longer finds the order
    assert soap.text(soap.call(E.findOrder(E.extOrderId("UPD-1"))), "result") == "GET-ORDER-RESULT-NOT-FOUND"
    assert soap.text(soap.create("UPD-1"), "result") == "CREATE-ORDER-RESULT-EXT-ORDER-ID-ALREADY-EXISTS"


def test_update_below_deposit_is_refused(soap: Any) -> None:
    order_id = soap.create_ok("UPD-1", lines=[(2005, 1)])
    assert soap.text(soap.pay(order_id, True, ("IDEAL", 5000)), "result") == "PAY-ORDER-RESULT-OK"
    resp = _update(soap, order_id, lines=[(1009, 1)])
    assert soap.text(resp, "result") == "UPDATE-ORDER-RESULT-FAILED"
    assert "50.00" in soap.text(resp, "errorMessage")
