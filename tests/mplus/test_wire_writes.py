"""Write answers read by element name, and unclear outcomes settled by reading Mplus back.

The answers are generated from the official WSDL with every optional element filled. A server
that inserts elements before or after ``result`` must not change what the person is told; an
answer without a result the client knows is never reported as a refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from lxml import etree

from bot.mplus.client import MplusClient
from bot.mplus.errors import DuplicateExtOrderId, OutcomeUnknown, Refused, Unavailable
from bot.mplus.models import (
    NewOrder,
    NewOrderLine,
    NewRelation,
    OrderChange,
    PaymentInput,
    UpdateResult,
)
from bot.mplus.money import Quantity
from tests.mplus.canned_server import CannedServer, Reply
from tests.mplus.wsdl_answers import MPLUS_NS, AnswerFactory, Filled, envelope

NEW = NewOrder(
    ext_order_id="WEB-1001",
    relation_number=7,
    lines=(NewOrderLine(article_number=42, quantity=Quantity(quantity=1), price_cents=500),),
)
CHANGE = OrderChange(**NEW.model_dump(), order_id="ORDER-1", change_counter=3, version_number=3)
CASH = [PaymentInput(method="CASH", amount_cents=500)]

OK = {
    "createOrder": "CREATE-ORDER-RESULT-OK",
    "updateOrder": "UPDATE-ORDER-RESULT-OK",
    "cancelOrder": "CANCEL-ORDER-RESULT-OK",
    "payOrder": "PAY-ORDER-RESULT-OK",
    "deliverOrder": "DELIVER-ORDER-RESULT-OK",
    "createRelation": "CREATE-RELATION-RESULT-OK",
}
RESPONSE = {
    "createOrder": "CreateOrderResponse",
    "updateOrder": "UpdateOrderResponse",
    "cancelOrder": "CancelOrderResponse",
    "payOrder": "PayOrderResponse",
    "deliverOrder": "DeliverOrderResponse",
    "createRelation": "CreateRelationResponse",
}


def order_answer(answers: AnswerFactory, *, paid: bool, ids: int, **overrides: Any) -> tuple[bytes, Filled]:
    """A full getOrder answer; ``ids`` invoice ids and packing slip ids, ``paid`` sets the state."""
    node, filled = answers.response(
        "GetOrderResponse",
        repeat={"id": ids, "payment": ids, "line": 1},
        overrides={
            "result": "GET-ORDER-RESULT-OK",
            "decimalPlaces": "0",
            "fullyPaid": "true" if paid else "false",
            "deliveryState": "ORDER-DELIVERY-STATE-COMPLETE" if paid else "ORDER-DELIVERY-STATE-NOTHING",
            "cancelState": "ORDER-CANCEL-STATE-NOTHING",
            "versionNumber": "4" if paid else "3",
            **overrides,
        },
    )
    return envelope(node), filled


def before_then_after(before: bytes, after: bytes) -> Callable[[int], Reply]:
    return lambda call: Reply(before if call == 1 else after)


def call(client: MplusClient, operation: str) -> Any:
    if operation == "createOrder":
        return client.create_order(NEW)
    if operation == "updateOrder":
        return client.update_order(CHANGE)
    if operation == "cancelOrder":
        return client.cancel_order("ORDER-1")
    if operation == "payOrder":
        return client.pay_order("ORDER-1", CASH, prepay=False)
    if operation == "deliverOrder":
        return client.deliver_order("ORDER-1")
    return client.create_relation(NewRelation(name="Bakkerij De Vries"))


def check_outcome(operation: str, outcome: Any, sent: Filled, after: Filled) -> None:
    if operation == "createOrder":
        assert (outcome.order_id, outcome.order_string, outcome.order_queued, outcome.recovered) == (
            sent["info"]["orderId"], sent["info"]["orderString"], True, False
        )  # fmt: skip
    elif operation == "updateOrder":
        assert outcome == UpdateResult.OK
    elif operation == "cancelOrder":
        assert (outcome.result, outcome.message, outcome.pending) == (OK[operation], sent["message"], False)
    elif operation == "payOrder":
        assert outcome.invoice_id == sent["invoiceId"]
        assert outcome.packing_slip_id == after["order"]["packingSlipIds"]["id"][0]
        assert not outcome.recovered
    elif operation == "deliverOrder":
        assert (outcome.packing_slip_id, outcome.invoice_id) == (sent["packingSlipId"], sent["invoiceId"])
    else:
        assert outcome == int(sent["relationNumber"])


def serve(canned: CannedServer, answers: AnswerFactory, operation: str, body: bytes) -> Filled:
    """Register the write's answer and the before/after getOrder answers around it."""
    before, _ = order_answer(answers, paid=False, ids=0)
    after, after_filled = order_answer(answers, paid=True, ids=1)
    canned.replies[operation] = Reply(body)
    canned.replies["getOrder"] = before_then_after(before, after)
    return after_filled


def _insert(node: etree._Element, index: int) -> None:
    unknown = etree.fromstring(
        f'<m:addedIn2026 xmlns:m="{MPLUS_NS}"><m:result>NOT-THIS-ONE</m:result><m:orderId>NO</m:orderId>'
        "</m:addedIn2026>"
    )
    node.insert(index, unknown)


@pytest.mark.parametrize("operation", list(OK))
@pytest.mark.parametrize("unknown_at", [None, "before-result", "after-result", "at-end"])
def test_write_answers_are_read_by_name(
    canned: CannedServer,
    canned_client: MplusClient,
    answers: AnswerFactory,
    operation: str,
    unknown_at: str | None,
) -> None:
    node, sent = answers.response(RESPONSE[operation], overrides={"result": OK[operation]})
    if unknown_at is not None:
        _insert(node, {"before-result": 0, "after-result": 1, "at-end": len(node)}[unknown_at])
    after = serve(canned, answers, operation, envelope(node))
    check_outcome(operation, call(canned_client, operation), sent, after)
    assert canned.count(operation) == 1


@pytest.mark.parametrize(
    ("operation", "result", "error"),
    [
        ("createOrder", "CREATE-ORDER-RESULT-FAILED", Refused),
        ("createOrder", "CREATE-ORDER-RESULT-EXT-ORDER-ID-ALREADY-EXISTS", DuplicateExtOrderId),
        ("updateOrder", "UPDATE-ORDER-RESULT-ORDER-HAS-CHANGED", Refused),
        ("cancelOrder", "CANCEL-ORDER-RESULT-ALREADY-CANCELLED", Refused),
        ("payOrder", "PAY-ORDER-RESULT-PAYMENT-INSUFFICIENT", Refused),
        ("deliverOrder", "DELIVER-ORDER-RESULT-ALREADY-DELIVERED", Refused),
        ("createRelation", "CREATE-RELATION-RESULT-FAILED", Refused),
    ],
)
def test_known_refusals_are_refusals_with_their_message(
    canned: CannedServer,
    canned_client: MplusClient,
    answers: AnswerFactory,
    operation: str,
    result: str,
    error: type[Exception],
) -> None:
    node, sent = answers.response(RESPONSE[operation], overrides={"result": result})
    _insert(node, 0)
    serve(canned, answers, operation, envelope(node))
    with pytest.raises(error) as raised:
        call(canned_client, operation)
    if isinstance(raised.value, Refused):
        assert raised.value.result == result
        assert raised.value.message == sent.get("errorMessage", sent.get("message"))


@pytest.mark.parametrize("result", [None, "PAY-ORDER-RESULT-NEW-IN-2027"])
def test_pay_without_a_known_result_is_settled_from_the_order(
    canned: CannedServer, canned_client: MplusClient, answers: AnswerFactory, result: str | None
) -> None:
    node, _ = answers.response("PayOrderResponse", overrides={"result": result})
    after = serve(canned, answers, "payOrder", envelope(node))
    paid = canned_client.pay_order("ORDER-1", CASH, prepay=False)
    assert paid.recovered
    assert paid.invoice_id == after["order"]["invoiceIds"]["id"][0]
    assert paid.packing_slip_id == after["order"]["packingSlipIds"]["id"][0]

    # The same unclear answer while the order stays unpaid: the person is told it was NOT recorded.
    before, _ = order_answer(answers, paid=False, ids=0)
    canned.replies["getOrder"] = Reply(before)
    with pytest.raises(Unavailable, match="NOT recorded"):
        canned_client.pay_order("ORDER-1", CASH, prepay=False)


@pytest.mark.parametrize(
    ("operation", "settled", "not_applied"),
    [
        ("cancelOrder", lambda o: o.recovered, "NOT cancelled"),
        ("deliverOrder", lambda o: o.recovered and o.packing_slip_id, "NOT delivered"),
        ("updateOrder", lambda o: o == UpdateResult.OK, "reload the order"),
    ],
)
def test_other_writes_without_a_result_are_settled(
    canned: CannedServer,
    canned_client: MplusClient,
    answers: AnswerFactory,
    operation: str,
    settled: Callable[[Any], bool],
    not_applied: str,
) -> None:
    node, _ = answers.response(RESPONSE[operation], overrides={"result": None})
    cancelled = {"cancelState": "ORDER-CANCEL-STATE-COMPLETE"}
    before, _ = order_answer(answers, paid=False, ids=0)
    after, _ = order_answer(answers, paid=True, ids=1, **cancelled)
    canned.replies[operation] = Reply(envelope(node))
    # update_order reads nothing first: its only getOrder is the settling one.
    canned.replies["getOrder"] = (
        Reply(after) if operation == "updateOrder" else before_then_after(before, after)
    )
    assert settled(call(canned_client, operation))

    canned.replies["getOrder"] = Reply(before)
    with pytest.raises((Unavailable, OutcomeUnknown), match=not_applied):
        call(canned_client, operation)


def test_create_ok_without_order_id_is_settled_with_find_order(
    canned: CannedServer, canned_client: MplusClient, answers: AnswerFactory
) -> None:
    node, sent = answers.response(
        "CreateOrderResponse", overrides={"result": OK["createOrder"], "orderId": None}
    )
    found, found_filled = order_answer(answers, paid=False, ids=0)
    canned.replies |= {"createOrder": Reply(envelope(node)), "findOrder": Reply(found)}
    created = canned_client.create_order(NEW)
    assert created.order_id == found_filled["order"]["orderId"]
    assert created.order_string == sent["info"]["orderString"] and created.recovered
    assert canned.calls == ["createOrder", "findOrder"]


def test_create_with_unknown_result_and_no_order_says_not_created(
    canned: CannedServer, canned_client: MplusClient, answers: AnswerFactory
) -> None:
    node, _ = answers.response(
        "CreateOrderResponse", overrides={"result": "CREATE-ORDER-RESULT-QUEUED-LATER"}
    )
    missing, _ = answers.response(
        "GetOrderResponse", overrides={"result": "GET-ORDER-RESULT-NOT-FOUND", "order": None}
    )
    canned.replies |= {"createOrder": Reply(envelope(node)), "findOrder": Reply(envelope(missing))}
    with pytest.raises(Unavailable, match="NOT created"):
        canned_client.create_order(NEW)
    assert canned.count("createOrder") == 1  # never sent twice on an answer that did arrive


def test_create_relation_without_a_result_is_outcome_unknown(
    canned: CannedServer, canned_client: MplusClient, answers: AnswerFactory
) -> None:
    node, _ = answers.response("CreateRelationResponse", overrides={"result": None})
    canned.replies["createRelation"] = Reply(envelope(node))
    with pytest.raises(OutcomeUnknown, match="search for the relation"):
        canned_client.create_relation(NewRelation(name="Bakkerij De Vries"))


@pytest.mark.parametrize("body", [b"<html><body>Proxy error</body></html>", b"<soapenv:Envelope"])
def test_an_unreadable_write_answer_is_settled_not_reported_as_an_error(
    canned: CannedServer, canned_client: MplusClient, answers: AnswerFactory, body: bytes
) -> None:
    after = serve(canned, answers, "payOrder", body)
    paid = canned_client.pay_order("ORDER-1", CASH, prepay=False)
    assert paid.recovered and paid.packing_slip_id == after["order"]["packingSlipIds"]["id"][0]
    assert canned.count("payOrder") == 1
