"""Every operation through zeep, built from the emulator's own WSDL and from the official one."""

from __future__ import annotations

from typing import Any

import pytest
import zeep.exceptions
from zeep import Client, Settings

from mplus_emulator.server import EmulatorServer

TEXT_LISTS = {"articlePluNumbers": {}, "articleBarcodes": {}}  # required by the official WSDL


def _create(svc: Any, ext: str, lines: list[tuple[int, int]] | None = None, **fields: Any) -> Any:
    order = {
        "orderId": "",
        "extOrderId": ext,
        "relationNumber": 2,
        "lineList": {
            "line": [
                {"articleNumber": a, "data": {"quantity": q}} for a, q in (lines or [(1002, 1), (2003, 2)])
            ]
        },
        **fields,
    }
    return svc.createOrder(order=order)


def test_order_workflow(zeep_service: Any) -> None:
    svc = zeep_service
    created = _create(
        svc,
        "Z-1",
        deliveryMethod="DHL",
        orderCategoryNumber=1,
        deliveryDate={"day": 1, "mon": 3, "year": 2026},
    )
    assert created.result == "CREATE-ORDER-RESULT-OK"
    order_id = created.info.orderId
    got = svc.getOrder(orderId=order_id)
    assert got.result == "GET-ORDER-RESULT-OK"
    order = got.order
    assert order.orderId == order_id and order.extOrderId == "Z-1"
    assert order.totalInclAmount == 2695 + 2 * 2450
    assert order.entryTimestamp.sec is not None and order.entryTimestamp.isdst is False
    assert order.orderNumber.number > 0 and order.relationName == "Sanne Jansen"
    assert [ln.articleNumber for ln in order.lineList.line] == [1002, 2003]
    assert order.lineList.line[1].data.totalInclAmount == 4900
    assert order.vatGroupList.vatGroup[0].vatCode == 1
    assert order.deliveryDate.mon == 3
    found = svc.findOrder(extOrderId="Z-1")
    assert found.result == "GET-ORDER-RESULT-OK" and found.order.orderId == order_id
    assert svc.findOrder(extOrderId="nope").result == "GET-ORDER-RESULT-NOT-FOUND"

    # round trip: send back what was read, with one change
    order.reference = "via zeep"
    order.lineList.line[0].data.quantity = 2
    updated = svc.updateOrder(order=order)
    assert updated.result == "UPDATE-ORDER-RESULT-OK", updated.errorMessage
    again = svc.updateOrder(order=svc.getOrder(orderId=order_id).order)
    assert again.result == "UPDATE-ORDER-RESULT-NO-CHANGES"
    assert svc.updateOrder(order=order).result == "UPDATE-ORDER-RESULT-ORDER-HAS-CHANGED"

    deposit = svc.payOrder(
        request={
            "orderId": order_id,
            "prepay": True,
            "paymentList": {"payment": [{"method": "IDEAL", "amount": 1000}]},
        }
    )
    assert deposit.result == "PAY-ORDER-RESULT-OK" and deposit.invoiceId is None
    delivered = svc.deliverOrder(request={"orderId": order_id})
    assert delivered.result == "DELIVER-ORDER-RESULT-OK" and delivered.packingSlipId
    assert svc.deliverOrder(request={"orderId": order_id}).result == "DELIVER-ORDER-RESULT-ALREADY-DELIVERED"
    total = svc.getOrder(orderId=order_id).order.totalInclAmount
    short = svc.payOrder(
        request={
            "orderId": order_id,
            "prepay": False,
            "paymentList": {"payment": [{"method": "PIN", "amount": 1}]},
        }
    )
    assert short.result == "PAY-ORDER-RESULT-PAYMENT-INSUFFICIENT" and short.errorMessage
    paid = svc.payOrder(
        request={
            "orderId": order_id,
            "prepay": False,
            "paymentList": {"payment": [{"method": "PIN", "amount": total - 1000}]},
        }
    )
    assert paid.result == "PAY-ORDER-RESULT-OK" and paid.invoiceId
    final = svc.getOrder(orderId=order_id).order
    assert final.fullyPaid is True and final.completeState == "ORDER-COMPLETE-STATE-COMPLETE"
    assert final.invoiceIds.id == [paid.invoiceId]
    assert [p.amount for p in final.paymentList.payment] == [1000, total - 1000]
    cancelled = svc.cancelOrder(orderId=order_id)
    assert cancelled.result == "CANCEL-ORDER-RESULT-FAILED" and cancelled.message

    other = _create(svc, "Z-2").info.orderId
    assert svc.cancelOrder(orderId=other, request={"branchNumber": 1}).result == "CANCEL-ORDER-RESULT-OK"
    assert svc.cancelOrder(orderId=other).result == "CANCEL-ORDER-RESULT-ALREADY-CANCELLED"

    dup = _create(svc, "Z-1")
    assert dup.result == "CREATE-ORDER-RESULT-EXT-ORDER-ID-ALREADY-EXISTS" and dup.errorMessage
    bad = _create(svc, "Z-3", lines=[(5555, 1)])
    assert bad.result == "CREATE-ORDER-RESULT-FAILED" and "5555" in bad.errorMessage


def test_get_orders_and_markers(zeep_service: Any) -> None:
    svc = zeep_service
    markers = svc.getCurrentSyncMarkers()
    first = _create(svc, "ZS-1").info.orderId
    second = _create(svc, "ZS-2").info.orderId
    page = svc.getOrders(
        request={"syncMarker": markers.orderSyncMarker + 1, "syncMarkerLimit": 1, **TEXT_LISTS}
    )
    assert [o.orderId for o in page] == [first]
    page = svc.getOrders(
        request={"syncMarker": page[0].syncMarker + 1, "includeLineList": False, **TEXT_LISTS}
    )
    assert [o.orderId for o in page] == [second] and page[0].lineList is None
    assert svc.getOrders(request={"syncMarker": page[0].syncMarker + 1, **TEXT_LISTS}) is None
    by_number = svc.getOrders(
        request={
            "orderNumbers": [{"year": page[0].orderNumber.year, "number": page[0].orderNumber.number}],
            "branchNumbers": [1, 2, 3],
            **TEXT_LISTS,
        }
    )
    assert [o.orderId for o in by_number] == [second]
    assert svc.getCurrentSyncMarkers().orderSyncMarker == markers.orderSyncMarker + 2


def test_lookups_and_version(zeep_service: Any) -> None:
    svc = zeep_service
    version = svc.getApiVersion()
    assert (version.majorNumber, version.minorNumber, version.revisionNumber) == (1, 0, 0)
    assert version.inDebugMode is False and version.serviceVersionDisplayString
    methods = svc.getDeliveryMethods()
    # zeep unwraps the single list wrapper: a plain list comes back
    assert {"PICKUP", "POSTNL", "DHL", "COURIER"} <= {m.deliveryMethod for m in methods}
    categories = svc.getOrderCategories()
    assert isinstance(categories, list)
    assert {c.orderCategoryNumber: c.allowCancel for c in categories}[4] is False
    payments = svc.getPaymentMethods()
    assert {"CASH", "PIN", "IDEAL", "BANK", "CREDITCARD"} <= {p.method for p in payments}


def test_relations(zeep_service: Any) -> None:
    svc = zeep_service
    found = svc.findRelation(relation={"name": "gouden boon"})
    assert found.result == "FIND-RELATION-RESULT-OK" and found.relation.relationNumber == 5
    assert found.relation.createTimestamp.year > 2000
    assert svc.findRelation(relation={"email": "nobody@nowhere"}).result == "FIND-RELATION-RESULT-NOT-FOUND"
    got = svc.getRelation(relationNumber=1)
    assert got.result == "GET-RELATION-RESULT-OK" and got.relation.name == "Jan de Vries"
    missing = svc.getRelation(relationNumber=9999)
    assert missing.result == "GET-RELATION-RESULT-NOT-FOUND" and missing.relation is None
    created = svc.createRelation(relation={"name": "Zeep Tester", "email": "z@example.nl", "city": "Delft"})
    assert created.result == "CREATE-RELATION-RESULT-OK" and created.relationNumber == 151
    assert created.syncMarker == 151 and created.changeTimestamp.year > 2000
    listed = svc.getRelations(request={"relationNumbers": [1, 151]})
    assert [r.relationNumber for r in listed] == [1, 151]
    page = svc.getRelations(request={"syncMarker": 150, "syncMarkerLimit": 10})
    assert [r.relationNumber for r in page] == [150, 151]
    taken = svc.createRelation(relation={"name": "X", "relationNumber": 1})
    assert taken.result == "CREATE-RELATION-RESULT-FAILED-RELATION-NUMBER-ALREADY-TAKEN"
    assert taken.relationNumber == 0 and taken.errorMessage


def test_faults_through_zeep(srv: EmulatorServer, zeep_service: Any, own_zeep_client: Client) -> None:
    bad = own_zeep_client.create_service("{urn:mplusqapi}MplusQapi", srv.url + "?ident=demo&secret=nope")
    with pytest.raises(zeep.exceptions.Fault) as exc:
        bad.getApiVersion()
    assert exc.value.code == "SOAP-ENV:Client.Authentication"
    srv.add_fault("getOrder", "soap_fault", times=1)
    with pytest.raises(zeep.exceptions.Fault) as exc:
        zeep_service.getOrder(orderId="x")
    assert exc.value.code == "SOAP-ENV:Server"
    assert zeep_service.getOrder(orderId="x").result == "GET-ORDER-RESULT-NOT-FOUND"


def test_own_wsdl_covers_every_emitted_field_in_strict_mode(srv: EmulatorServer) -> None:
    """zeep in strict mode rejects unknown elements: proves the subset WSDL declares all that is emitted."""
    client = Client(srv.url + "?wsdl", settings=Settings(strict=True))
    svc = client.create_service("{urn:mplusqapi}MplusQapi", srv.url + "?ident=demo&secret=demo")
    orders = svc.getOrders(request={"syncMarker": 0})
    assert len(orders) == 50
    assert any(o.paymentList and o.paymentList.payment for o in orders)
    assert any(o.invoiceIds and o.invoiceIds.id for o in orders)
    assert svc.getRelations(request={})[0].name
    svc.getApiVersion()
    svc.getCurrentSyncMarkers()
    svc.getPaymentMethods()
    svc.getDeliveryMethods()
    svc.getOrderCategories()
    svc.findRelation(relation={"name": "e"})
    svc.createRelation(relation={"name": "Strict"})


def test_serving_the_official_wsdl(
    make_server: Any, official_wsdl: Any, stub_encoding_transport: Any
) -> None:
    """--wsdl PATH: contract tests load the official WSDL from the emulator's own URL."""
    s = make_server(seed="demo", wsdl_path=official_wsdl)
    client = Client(s.url + "?wsdl", transport=stub_encoding_transport, settings=Settings(strict=False))
    svc = client.create_service("{urn:mplusqapi}MplusQapi", s.url + "?ident=demo&secret=demo")
    assert svc.getApiVersion().majorNumber == 1
    assert len(svc.getOrders(request={"syncMarker": 0, **TEXT_LISTS})) == 50
