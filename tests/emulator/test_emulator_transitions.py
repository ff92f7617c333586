"""payOrder, deliverOrder, cancelOrder rules over raw SOAP."""

from __future__ import annotations

import re
from typing import Any

from lxml.builder import ElementMaker

NS = "urn:mplusqapi"
E = ElementMaker(namespace=NS, nsmap={"ns1": NS})
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
TOTAL = 2 * 2495  # the default test line: 2 × article 1001


def _marker(soap: Any, order_id: str) -> int:
    return int(soap.text(soap.get(order_id), "syncMarker"))


# ---------------------------------------------------------------- payOrder


def test_deposit_then_final_payment(soap: Any) -> None:
    order_id = soap.create_ok("PAY-1")
    m0 = _marker(soap, order_id)
    resp = soap.pay(order_id, True, ("IDEAL", 1000), ("CASH", 500))
    assert soap.text(resp, "result") == "PAY-ORDER-RESULT-OK"
    assert resp.find(f"{{{NS}}}invoiceId") is None
    o = soap.get(order_id)
    assert soap.text(o, "prepaidAmount") == "1500"
    assert soap.text(o, "fullyPaid") == "false"
    assert int(soap.text(o, "syncMarker")) > m0
    payments = soap.all(o, "paymentList/payment")
    assert [soap.text(p, "method") for p in payments] == ["IDEAL", "CASH"]
    assert all(re.fullmatch(r"[0-9a-f]{32}", soap.text(p, "paymentId")) for p in payments)
    assert soap.text(payments[0], "financialDate/year") and soap.text(payments[0], "entryTimestamp/sec")
    assert soap.text(o, "deliveryState") == "ORDER-DELIVERY-STATE-NOTHING"

    short = soap.pay(order_id, False, ("PIN", TOTAL - 1500 - 1))
    assert soap.text(short, "result") == "PAY-ORDER-RESULT-PAYMENT-INSUFFICIENT"
    message = soap.text(short, "errorMessage")
    assert "34.89" in message and "34.90" in message

    resp = soap.pay(order_id, False, ("PIN", TOTAL - 1500))
    assert soap.text(resp, "result") == "PAY-ORDER-RESULT-OK"
    invoice = soap.text(resp, "invoiceId")
    assert re.fullmatch(UUID, invoice)
    o = soap.get(order_id)
    assert soap.text(o, "fullyPaid") == "true"
    assert soap.text(o, "prepaidAmount") == str(TOTAL)
    assert [x.text for x in soap.all(o, "invoiceIds/id")] == [invoice]
    assert len(soap.all(o, "packingSlipIds/id")) == 1
    assert soap.text(o, "deliveryState") == "ORDER-DELIVERY-STATE-COMPLETE"
    assert soap.text(o, "completeState") == "ORDER-COMPLETE-STATE-COMPLETE"
    assert soap.text(o, "lineList/line/data/deliveredQuantity") == "2"
    assert len(soap.all(o, "paymentList/payment")) == 3

    again = soap.pay(order_id, False, ("PIN", 100))
    assert soap.text(again, "result") == "PAY-ORDER-RESULT-ORDER-ALREADY-INVOICED"
    deposit = soap.pay(order_id, True, ("PIN", 100))
    assert soap.text(deposit, "result") == "PAY-ORDER-RESULT-ORDER-ALREADY-INVOICED"


def test_deposit_refusals(soap: Any) -> None:
    order_id = soap.create_ok("PAY-2")
    too_much = soap.pay(order_id, True, ("IDEAL", TOTAL + 1))
    assert soap.text(too_much, "result") == "PAY-ORDER-RESULT-FAILED"
    assert "exceeds" in soap.text(too_much, "errorMessage")
    for payments, needle in (
        ((("BITCOIN", 100),), "BITCOIN"),
        ((("GIFTCARD", 100),), "not active"),
        ((("CASH", 0),), "positive"),
        ((), "at least one"),
    ):
        resp = soap.pay(order_id, True, *payments)
        assert soap.text(resp, "result") == "PAY-ORDER-RESULT-FAILED"
        assert needle in soap.text(resp, "errorMessage")
    assert soap.text(soap.get(order_id), "prepaidAmount") == "0"


def test_full_deposit_then_pay_with_nothing_outstanding(soap: Any) -> None:
    order_id = soap.create_ok("PAY-3")
    assert soap.text(soap.pay(order_id, True, ("IDEAL", TOTAL)), "result") == "PAY-ORDER-RESULT-OK"
    assert soap.text(soap.get(order_id), "fullyPaid") == "false"
    resp = soap.pay(order_id, False)
    assert soap.text(resp, "result") == "PAY-ORDER-RESULT-OK"
    assert soap.text(resp, "invoiceId")


def test_overpayment_is_accepted_and_capped(soap: Any) -> None:
    order_id = soap.create_ok("PAY-4")
    resp = soap.pay(order_id, False, ("CASH", TOTAL + 1000))
    assert soap.text(resp, "result") == "PAY-ORDER-RESULT-OK"
    o = soap.get(order_id)
    assert soap.text(o, "prepaidAmount") == str(TOTAL)
    assert soap.text(o, "paymentList/payment/amount") == str(TOTAL + 1000)


def test_pay_unknown_or_cancelled(soap: Any) -> None:
    resp = soap.pay("0" * 32, False, ("CASH", 100))
    assert soap.text(resp, "result") == "PAY-ORDER-RESULT-FAILED"
    assert "not found" in soap.text(resp, "errorMessage")
    order_id = soap.create_ok("PAY-5")
    soap.cancel(order_id)
    for prepay in (True, False):
        resp = soap.pay(order_id, prepay, ("CASH", 100))
        assert soap.text(resp, "result") == "PAY-ORDER-RESULT-FAILED"
        assert "cancelled" in soap.text(resp, "errorMessage")


def test_pay_after_delivery_makes_no_second_packing_slip(soap: Any) -> None:
    order_id = soap.create_ok("PAY-6")
    assert soap.text(soap.deliver(order_id), "result") == "DELIVER-ORDER-RESULT-OK"
    assert soap.text(soap.get(order_id), "completeState") == "ORDER-COMPLETE-STATE-NOTHING"
    soap.pay(order_id, False, ("BANK", TOTAL))
    o = soap.get(order_id)
    assert len(soap.all(o, "packingSlipIds/id")) == 1
    assert soap.text(o, "completeState") == "ORDER-COMPLETE-STATE-COMPLETE"


# ---------------------------------------------------------------- deliverOrder


def test_deliver(soap: Any) -> None:
    order_id = soap.create_ok("DEL-1")
    m0 = _marker(soap, order_id)
    resp = soap.deliver(order_id)
    assert soap.text(resp, "result") == "DELIVER-ORDER-RESULT-OK"
    slip = soap.text(resp, "packingSlipId")
    assert re.fullmatch(UUID, slip)
    assert soap.text(resp, "errorMessage") == ""
    o = soap.get(order_id)
    assert [x.text for x in soap.all(o, "packingSlipIds/id")] == [slip]
    assert soap.text(o, "deliveryState") == "ORDER-DELIVERY-STATE-COMPLETE"
    assert soap.text(o, "fullyPaid") == "false"
    assert int(soap.text(o, "syncMarker")) > m0
    assert soap.text(soap.deliver(order_id), "result") == "DELIVER-ORDER-RESULT-ALREADY-DELIVERED"


def test_deliver_refusals(soap: Any) -> None:
    resp = soap.deliver("nope")
    assert soap.text(resp, "result") == "DELIVER-ORDER-RESULT-FAILED"
    assert "not found" in soap.text(resp, "errorMessage")
    order_id = soap.create_ok("DEL-2")
    soap.cancel(order_id)
    resp = soap.deliver(order_id)
    assert soap.text(resp, "result") == "DELIVER-ORDER-RESULT-FAILED"
    assert "cancelled" in soap.text(resp, "errorMessage")
    assert resp.find(f"{{{NS}}}packingSlipId") is None


def test_deliver_with_turnover_type(soap: Any) -> None:
    order_id = soap.create_ok("DEL-3")
    resp = soap.call(
        E.deliverOrder(E.request(E.turnoverType("DELIVER-ORDER-TURNOVER-TYPE-INVOICE"), E.orderId(order_id)))
    )
    assert soap.text(resp, "result") == "DELIVER-ORDER-RESULT-OK"


# ---------------------------------------------------------------- cancelOrder


def test_cancel(soap: Any) -> None:
    order_id = soap.create_ok("CAN-1", deliveryMethod="PICKUP")
    m0 = _marker(soap, order_id)
    resp = soap.call(E.cancelOrder(E.orderId(order_id), E.request(E.branchNumber("2"))))
    assert soap.text(resp, "result") == "CANCEL-ORDER-RESULT-OK"
    assert soap.text(resp, "message") == ""
    assert resp.find(f"{{{NS}}}errorMessage") is None
    o = soap.get(order_id)
    assert soap.text(o, "cancelState") == "ORDER-CANCEL-STATE-COMPLETE"
    assert soap.text(o, "lineList/line/data/cancelledQuantity") == "2"
    assert int(soap.text(o, "syncMarker")) > m0
    again = soap.cancel(order_id)
    assert soap.text(again, "result") == "CANCEL-ORDER-RESULT-ALREADY-CANCELLED"
    assert soap.text(again, "message")


def test_cancel_refusals(soap: Any) -> None:
    assert soap.text(soap.cancel("0" * 32), "result") == "CANCEL-ORDER-RESULT-NOT-FOUND"
    delivered = soap.create_ok("CAN-D")
    soap.deliver(delivered)
    resp = soap.cancel(delivered)
    assert soap.text(resp, "result") == "CANCEL-ORDER-RESULT-FAILED"
    assert "delivered" in soap.text(resp, "message")
    invoiced = soap.create_ok("CAN-I")
    soap.pay(invoiced, False, ("PIN", TOTAL))
    resp = soap.cancel(invoiced)
    assert soap.text(resp, "result") == "CANCEL-ORDER-RESULT-FAILED"
    assert "invoiced" in soap.text(resp, "message")
    custom = soap.create_ok("CAN-M", orderCategoryNumber=4)
    resp = soap.cancel(custom)
    assert soap.text(resp, "result") == "CANCEL-ORDER-RESULT-FAILED"
    assert "Maatwerk" in soap.text(resp, "message")
    assert soap.text(soap.get(custom), "cancelState") == "ORDER-CANCEL-STATE-NOTHING"


def test_cancel_keeps_a_deposit_on_record(soap: Any) -> None:
    order_id = soap.create_ok("CAN-P")
    soap.pay(order_id, True, ("IDEAL", 1000))
    assert soap.text(soap.cancel(order_id), "result") == "CANCEL-ORDER-RESULT-OK"
    assert soap.text(soap.get(order_id), "prepaidAmount") == "1000"
