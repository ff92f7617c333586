"""MplusClient against the real emulator over HTTP: every method, every typed error."""

from __future__ import annotations

import logging
import uuid
from datetime import date, timedelta

import pytest

from bot.mplus.client import MplusClient
from bot.mplus.errors import AuthFailed, DuplicateExtOrderId, NotFound, Refused, Timeout, Unavailable
from bot.mplus.models import (
    NewOrder,
    NewOrderLine,
    NewRelation,
    OrderChange,
    OrderQuery,
    PaymentInput,
    RelationQuery,
    UpdateResult,
    YearNumber,
)
from bot.mplus.money import Quantity
from tests.conftest import EMULATOR_IDENT, EMULATOR_SECRET, free_port, make_settings


def _article_numbers(client: MplusClient) -> list[int]:
    numbers = sorted({line.article_number for o in client.get_orders() for line in o.lines})
    assert numbers, "the demo seed should have orders with lines"
    return numbers


def _new_order(client: MplusClient, **changes: object) -> NewOrder:
    relation = client.get_relations()[0]
    article = _article_numbers(client)[0]
    values: dict[str, object] = {
        "ext_order_id": f"TEST-{uuid.uuid4().hex[:10]}",
        "relation_number": relation.relation_number,
        "lines": (
            NewOrderLine(
                article_number=article, quantity=Quantity(quantity=15, decimal_places=1), price_cents=1250
            ),
            NewOrderLine(
                article_number=article, quantity=Quantity(quantity=2), price_cents=999, text="gift wrap"
            ),
        ),
        "reference": "test order",
    }
    values.update(changes)
    return NewOrder.model_validate(values)


def test_api_version_and_markers(client: MplusClient) -> None:
    assert str(client.get_api_version()) == "1.0.0"
    markers = client.get_current_sync_markers()
    orders = client.get_orders()
    assert markers.order_sync_marker == max(o.sync_marker or 0 for o in orders)


def test_demo_orders_parse_into_models(client: MplusClient) -> None:
    orders = client.get_orders()
    assert 30 <= len(orders) <= 80
    order = orders[0]
    assert len(order.order_id) == 32
    assert order.order_number is not None and order.order_number.year >= 2020
    assert order.relation_name
    assert order.lines and all(line.quantity.quantity > 0 for line in order.lines)
    assert order.total_incl_amount == sum(line.total_incl_amount for line in order.lines)
    states = {(o.is_delivered, o.fully_paid, o.is_cancelled, o.prepaid_amount > 0) for o in orders}
    assert len(states) >= 4, "the demo seed should mix states"


def test_create_find_get_round_trip(client: MplusClient) -> None:
    new = _new_order(client)
    created = client.create_order(new)
    assert len(created.order_id) == 32 and not created.recovered
    found = client.find_order(new.ext_order_id)
    got = client.get_order(created.order_id)
    assert found == got
    assert got.ext_order_id == new.ext_order_id
    assert got.relation_number == new.relation_number
    assert [line.quantity for line in got.lines] == [
        Quantity(quantity=15, decimal_places=1),
        Quantity(quantity=2),
    ]
    # 1.5 × €12,50 + 2 × €9,99, computed by the server in cents
    assert got.total_incl_amount == 1875 + 1998
    assert got.outstanding_cents == 3873
    assert got.lines[1].text == "gift wrap"


def test_create_duplicate_ext_id_and_unknown_article(client: MplusClient) -> None:
    new = _new_order(client)
    client.create_order(new)
    with pytest.raises(DuplicateExtOrderId):
        client.create_order(new)
    bad_line = NewOrderLine(article_number=987654321, quantity=Quantity(quantity=1), price_cents=100)
    with pytest.raises(Refused) as refused:
        client.create_order(_new_order(client, lines=(bad_line,)))
    assert "987654321" in refused.value.message
    with pytest.raises(Refused):
        client.create_order(_new_order(client, relation_number=999999))


def test_not_found_is_typed(client: MplusClient) -> None:
    with pytest.raises(NotFound):
        client.get_order("0" * 32)
    with pytest.raises(NotFound):
        client.find_order("no-such-ext-id")
    with pytest.raises(NotFound):
        client.get_relation(999999)
    with pytest.raises(NotFound):
        client.find_relation(RelationQuery(name="zzz-nobody-zzz"))


def test_get_orders_filters_and_empty_list(client: MplusClient) -> None:
    orders = client.get_orders()
    first = orders[0]
    assert first.order_number is not None
    by_number = client.get_orders(OrderQuery(order_numbers=(first.order_number,)))
    assert [o.order_id for o in by_number] == [first.order_id]
    by_relation = client.get_orders(OrderQuery(relation_numbers=(first.relation_number or 0,)))
    assert by_relation and all(o.relation_number == first.relation_number for o in by_relation)
    assert client.get_orders(OrderQuery(order_numbers=(YearNumber(year=1999, number=1),))) == []
    far = date.today() + timedelta(days=400)
    assert client.get_orders(OrderQuery(from_financial_date=far)) == []
    no_lines = client.get_orders(OrderQuery(order_ids=(first.order_id,), include_lines=False))
    assert no_lines[0].lines == [] and no_lines[0].total_incl_amount == first.total_incl_amount


def test_update_ok_no_changes_and_stale(client: MplusClient) -> None:
    new = _new_order(client)
    created = client.create_order(new)
    order = client.get_order(created.order_id)
    change = OrderChange(
        **new.model_dump(exclude={"reference"}),
        reference="changed",
        order_id=order.order_id,
        change_counter=order.change_counter,
        version_number=order.version_number,
    )
    assert client.update_order(change) == UpdateResult.OK
    after = client.get_order(order.order_id)
    assert after.reference == "changed"
    assert (after.sync_marker or 0) > (order.sync_marker or 0)
    same = change.model_copy(
        update={"change_counter": after.change_counter, "version_number": after.version_number}
    )
    assert client.update_order(same) == UpdateResult.NO_CHANGES
    stale = change.model_copy(update={"reference": "again"})  # still carries the old lock values
    with pytest.raises(Refused) as refused:
        client.update_order(stale)
    assert refused.value.result == "UPDATE-ORDER-RESULT-ORDER-HAS-CHANGED"


def test_pay_deposit_then_deliver_then_pay_rest(client: MplusClient) -> None:
    created = client.create_order(_new_order(client))
    method = client.get_payment_methods()[0].method
    deposit = client.pay_order(
        created.order_id, [PaymentInput(method=method, amount_cents=1000)], prepay=True
    )
    assert deposit.invoice_id is None
    order = client.get_order(created.order_id)
    assert order.prepaid_amount == 1000 and order.outstanding_cents == 2873 and not order.fully_paid

    with pytest.raises(Refused) as short:
        client.pay_order(created.order_id, [PaymentInput(method=method, amount_cents=100)], prepay=False)
    assert short.value.result == "PAY-ORDER-RESULT-PAYMENT-INSUFFICIENT"

    delivered = client.deliver_order(created.order_id)
    assert delivered.packing_slip_id
    with pytest.raises(Refused) as again:
        client.deliver_order(created.order_id)
    assert again.value.result == "DELIVER-ORDER-RESULT-ALREADY-DELIVERED"

    paid = client.pay_order(created.order_id, [PaymentInput(method=method, amount_cents=2873)], prepay=False)
    assert paid.invoice_id
    final = client.get_order(created.order_id)
    assert final.fully_paid and final.is_invoiced and final.is_delivered and final.outstanding_cents == 0
    with pytest.raises(Refused) as invoiced:
        client.pay_order(created.order_id, [PaymentInput(method=method, amount_cents=1)], prepay=False)
    assert invoiced.value.result == "PAY-ORDER-RESULT-ORDER-ALREADY-INVOICED"


def test_full_payment_delivers_and_invoices(client: MplusClient) -> None:
    created = client.create_order(_new_order(client))
    method = client.get_payment_methods()[0].method
    paid = client.pay_order(created.order_id, [PaymentInput(method=method, amount_cents=3873)], prepay=False)
    order = client.get_order(created.order_id)
    assert paid.invoice_id in order.invoice_ids
    assert order.is_delivered and order.packing_slip_ids
    assert paid.packing_slip_id == order.packing_slip_ids[-1]  # read back: payOrder does not name it


def test_cancel_and_refusals(client: MplusClient) -> None:
    created = client.create_order(_new_order(client))
    outcome = client.cancel_order(created.order_id)
    assert outcome.result == "CANCEL-ORDER-RESULT-OK"
    assert client.get_order(created.order_id).is_cancelled
    with pytest.raises(Refused) as again:
        client.cancel_order(created.order_id)
    assert again.value.result == "CANCEL-ORDER-RESULT-ALREADY-CANCELLED"

    delivered = client.create_order(_new_order(client))
    client.deliver_order(delivered.order_id)
    with pytest.raises(Refused) as refused:
        client.cancel_order(delivered.order_id)
    assert refused.value.message


def test_catalogue_reads(client: MplusClient) -> None:
    methods = client.get_delivery_methods()
    categories = client.get_order_categories()
    payments = client.get_payment_methods()
    assert methods and all(m.code and m.description for m in methods)
    assert categories and all(c.number and c.description for c in categories)
    assert any(not c.allow_cancel for c in categories)
    assert payments and all(p.method for p in payments)


def test_relations(client: MplusClient) -> None:
    relations = client.get_relations()
    assert len(relations) >= 10
    first = relations[0]
    assert client.get_relation(first.relation_number) == first
    partial = first.name.split()[0][:4].lower()
    assert partial.lower() in client.find_relation(RelationQuery(name=partial)).name.lower()
    number = client.create_relation(NewRelation(name="Testbedrijf B.V.", city="Utrecht"))
    assert client.get_relation(number).name == "Testbedrijf B.V."
    assert [r.relation_number for r in client.get_relations([number])] == [number]
    changed = client.get_relations(sync_marker=(client.get_relation(number).sync_marker or 0), limit=10)
    assert [r.relation_number for r in changed] == [number]


def test_sync_marker_paging_returns_each_change_once_in_order(client: MplusClient, emulator) -> None:
    emulator.reset(seed="empty")
    start = client.get_current_sync_markers().order_sync_marker + 1
    emulator.generate(1000)
    seen: list[int] = []
    for page in client.iter_order_changes(start, limit=50, include_lines=False):
        assert len(page) <= 50
        seen.extend(o.sync_marker or 0 for o in page)
    assert len(seen) == 1000
    assert seen == sorted(seen) and len(set(seen)) == 1000


def test_wrong_credentials_raise_auth_failed(emulator, tmp_path) -> None:
    client = MplusClient(make_settings(emulator.url, tmp_path, secret="wrong"))
    with pytest.raises(AuthFailed) as err:
        client.get_order("x" * 32)
    assert "wrong" not in str(err.value)


def test_nothing_listening_is_unavailable_quickly(tmp_path, emulator) -> None:
    # The WSDL comes from the emulator; the calls go to a port where nothing listens.
    settings = make_settings(
        f"http://127.0.0.1:{free_port()}/", tmp_path, wsdl=emulator.url + "?wsdl", read_retries=2
    )
    with pytest.raises(Unavailable):
        MplusClient(settings).get_orders()


def test_reads_retry_transient_faults(client: MplusClient, emulator) -> None:
    order = client.get_orders()[0]
    emulator.add_fault(operation="getOrder", kind="soap_fault", times=1)
    assert client.get_order(order.order_id).order_id == order.order_id
    calls = [c for c in emulator.calls() if c["operation"] == "getOrder"]
    assert len(calls) == 2


@pytest.mark.parametrize("kind", ["soap_fault", "http_500"])
def test_persistent_read_faults_surface_as_unavailable(client: MplusClient, emulator, kind: str) -> None:
    emulator.add_fault(operation="getOrders", kind=kind)
    with pytest.raises(Unavailable):
        client.get_orders()
    assert len([c for c in emulator.calls() if c["operation"] == "getOrders"]) == 3


def test_slow_reads_time_out(emulator, tmp_path) -> None:
    client = MplusClient(make_settings(emulator.url, tmp_path, timeout_s=0.5, read_retries=2))
    client.get_api_version()  # load the WSDL before the slowdown
    emulator.add_fault(operation="getDeliveryMethods", kind="latency", latency_ms=1500)
    with pytest.raises(Timeout):
        client.get_delivery_methods()


def test_write_server_fault_is_not_retried(client: MplusClient, emulator) -> None:
    new = _new_order(client)
    emulator.add_fault(operation="createOrder", kind="soap_fault")
    with pytest.raises(Unavailable):
        client.create_order(new)
    assert len([c for c in emulator.calls() if c["operation"] == "createOrder"]) == 1
    emulator.clear_faults()
    with pytest.raises(NotFound):
        client.find_order(new.ext_order_id)


def test_create_commit_then_drop_yields_one_order(client: MplusClient, emulator) -> None:
    new = _new_order(client)
    client.get_api_version()
    emulator.add_fault(operation="createOrder", kind="commit_then_drop", times=1)
    created = client.create_order(new)
    assert created.recovered
    matches = [o for o in client.get_orders() if o.ext_order_id == new.ext_order_id]
    assert [o.order_id for o in matches] == [created.order_id]
    assert len([c for c in emulator.calls() if c["operation"] == "createOrder"]) == 1


def test_pay_deliver_cancel_commit_then_drop_report_what_happened(client: MplusClient, emulator) -> None:
    method = client.get_payment_methods()[0].method
    first = client.create_order(_new_order(client))
    emulator.add_fault(operation="payOrder", kind="commit_then_drop", times=1)
    paid = client.pay_order(first.order_id, [PaymentInput(method=method, amount_cents=3873)], prepay=False)
    assert paid.recovered and paid.invoice_id in client.get_order(first.order_id).invoice_ids

    second = client.create_order(_new_order(client))
    emulator.add_fault(operation="deliverOrder", kind="commit_then_drop", times=1)
    delivered = client.deliver_order(second.order_id)
    assert delivered.recovered and delivered.packing_slip_id

    third = client.create_order(_new_order(client))
    emulator.add_fault(operation="cancelOrder", kind="commit_then_drop", times=1)
    assert client.cancel_order(third.order_id).recovered
    writes = [
        c["operation"]
        for c in emulator.calls()
        if c["operation"] in {"payOrder", "deliverOrder", "cancelOrder"}
    ]
    assert writes == ["payOrder", "deliverOrder", "cancelOrder"]


def test_write_refused_before_apply_says_not_applied(client: MplusClient, emulator) -> None:
    created = client.create_order(_new_order(client))
    emulator.add_fault(operation="deliverOrder", kind="http_500")
    with pytest.raises(Unavailable):
        client.deliver_order(created.order_id)
    assert not client.get_order(created.order_id).is_delivered


def test_secrets_never_in_logs_errors_or_repr(emulator, tmp_path, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    client = MplusClient(make_settings(emulator.url, tmp_path, read_retries=2))
    emulator.add_fault(operation="*", kind="http_500")
    errors = []
    for call in (client.get_orders, lambda: client.get_order("a" * 32), client.get_api_version):
        with pytest.raises(Unavailable) as err:
            call()
        errors.append(err.value)
    emulator.clear_faults()
    bad = MplusClient(
        make_settings(f"http://127.0.0.1:{free_port()}/", tmp_path, wsdl=emulator.url + "?wsdl")
    )
    with pytest.raises(Unavailable) as err:
        bad.get_orders()
    errors.append(err.value)
    # The emulator (standing in for the Mplus server) is not the bot: only the bot's side is checked.
    bot_side = [r.getMessage() for r in caplog.records if not r.name.startswith("mplus_emulator")]
    text = " ".join(bot_side) + " ".join(str(e) + repr(e) for e in errors) + repr(client)
    from urllib.parse import quote_plus

    for secret in (EMULATOR_SECRET, quote_plus(EMULATOR_SECRET)):
        assert secret not in text
    assert f"ident={EMULATOR_IDENT}" not in text
