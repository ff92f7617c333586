"""Sync markers and getOrders filters/paging."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from lxml.builder import ElementMaker

from mplus_emulator import clock, queries
from mplus_emulator.server import EmulatorServer

NS = "urn:mplusqapi"
E = ElementMaker(namespace=NS, nsmap={"ns1": NS})


def _top(soap: Any) -> int:
    return int(soap.text(soap.call(E.getCurrentSyncMarkers()), "orderSyncMarker"))


def _date(tag: str, d: Any) -> Any:
    return getattr(E, tag)(E.day(str(d.day)), E.mon(str(d.month)), E.year(str(d.year)))


def test_every_change_takes_the_next_global_marker(soap: Any) -> None:
    top = _top(soap)
    a = soap.create_ok("M-1")
    b = soap.create_ok("M-2")
    steps = [
        lambda: None,
        lambda: soap.pay(a, True, ("CASH", 100)),
        lambda: soap.call(E.updateOrder(soap.order_el("M-2", 1, [(2001, 1)], order_id=b))),
        lambda: soap.deliver(a),
        lambda: soap.pay(a, False, ("PIN", 10000)),
        lambda: soap.cancel(b),
    ]
    expected = top + 2
    assert int(soap.text(soap.get(b), "syncMarker")) == expected
    for step in steps[1:]:
        step()
        expected += 1
        assert _top(soap) == expected
    # refusals and reads change nothing
    soap.cancel(b)
    soap.deliver(a)
    soap.orders()
    assert _top(soap) == expected
    changed = soap.orders(E.syncMarker(str(top + 1)))
    assert [int(soap.text(o, "syncMarker")) for o in changed] == [expected - 1, expected]
    assert [soap.text(o, "orderId") for o in changed] == [a, b]


def test_paging_1000_orders_limit_50_each_change_exactly_once(srv: EmulatorServer, soap: Any) -> None:
    srv.reset("empty")
    srv.generate(1000, lines=2)
    marker, seen, pages = 0, [], 0
    modified: list[str] = []
    while True:
        page = soap.orders(E.syncMarker(str(marker)), E.syncMarkerLimit("50"), E.includeLineList("false"))
        if not page:
            break
        pages += 1
        markers = [int(soap.text(o, "syncMarker")) for o in page]
        assert markers == sorted(markers) and len(page) <= 50
        assert page[0].find(f"{{{NS}}}lineList") is None
        seen.extend((soap.text(o, "orderId"), m) for o, m in zip(page, markers, strict=True))
        marker = markers[-1] + 1
        if pages == 3:  # orders changed while paging come back later with their new marker
            for o in page[:5]:
                modified.append(soap.text(o, "orderId"))
                soap.deliver(modified[-1])
    markers = [m for _, m in seen]
    assert markers == list(range(1, 1006))
    ids = [i for i, _ in seen]
    assert len(set(ids)) == 1000
    assert ids[-5:] == modified
    assert pages == 21


def test_default_and_maximum_limit(srv: EmulatorServer, soap: Any) -> None:
    srv.reset("empty")
    srv.generate(1005, lines=1)
    assert len(soap.orders(E.syncMarker("0"), E.includeLineList("false"))) == 1000
    assert len(soap.orders(E.syncMarker("0"), E.syncMarkerLimit("0"), E.includeLineList("false"))) == 1000
    assert len(soap.orders(E.syncMarker("1000"), E.includeLineList("false"))) == 6
    assert queries.effective_limit(50_000) == 10_000
    assert queries.effective_limit(None) == 1000
    # without a marker: everything, by order number, and no limit
    everything = soap.orders(E.syncMarkerLimit("10"), E.includeLineList("false"))
    numbers = [int(soap.text(o, "orderNumber/number")) for o in everything]
    assert len(everything) == 1005 and numbers == sorted(numbers)


def test_filters_combine(soap: Any) -> None:
    today = clock.today()
    old = today - timedelta(days=400)
    a = soap.create_ok("F-A", relation=3, financialBranchNumber=2, lines=[(3001, 1)])
    b = soap.create_ok("F-B", relation=3, financialBranchNumber=1, financialDate=_date("financialDate", old))
    c = soap.create_ok("F-C", relation=4, financialBranchNumber=2)

    def ids(*filters: Any) -> set[str]:
        return {soap.text(o, "orderId") for o in soap.orders(*filters)}

    assert {a, b} <= ids(E.relationNumbers("3"))
    assert ids(E.relationNumbers("3"), E.branchNumbers("2")) & {a, b, c} == {a}
    assert ids(E.branchNumbers("1"), E.branchNumbers("2"), E.relationNumbers("3"), E.relationNumbers("4")) & {
        a,
        b,
        c,
    } == {a, b, c}
    assert ids(_date("fromFinancialDate", old), _date("throughFinancialDate", old)) == {b}
    assert b not in ids(_date("fromFinancialDate", today - timedelta(days=30)))
    assert ids(E.orderIds(a), E.orderIds(c)) == {a, c}
    assert ids(E.articleNumbers("3001"), E.relationNumbers("3")) == {a}
    number = soap.get(c).find(f"{{{NS}}}orderNumber")
    assert ids(E.orderNumbers(E.year(number[0].text), E.number(number[1].text))) == {c}
    assert ids(E.orderTypeList(E.orderType("ORDER-TYPE-TABLE-ORDER"))) == set()
    assert ids(E.orderTypeList(E.orderType("ORDER-TYPE-SALES-ORDER")), E.orderIds(a)) == {a}
    # filters apply together with a sync marker
    top = _top(soap) + 1
    soap.deliver(b)
    assert ids(E.syncMarker(str(top)), E.relationNumbers("3")) == {b}
    assert ids(E.syncMarker(str(top)), E.relationNumbers("4")) == set()
    # empty TextLists (what zeep sends for the official WSDL) are accepted
    assert ids(E.articlePluNumbers(), E.articleBarcodes(), E.orderIds(a)) == {a}


def test_include_line_list_false_leaves_out_lines_and_payments(soap: Any) -> None:
    order_id = soap.create_ok("LL-1")
    soap.pay(order_id, True, ("CASH", 100))
    full = soap.orders(E.orderIds(order_id))[0]
    assert full.find(f"{{{NS}}}lineList") is not None and full.find(f"{{{NS}}}paymentList") is not None
    base = soap.orders(E.orderIds(order_id), E.includeLineList("false"))[0]
    for name in ("lineList", "paymentList", "invoiceIds", "packingSlipIds"):
        assert base.find(f"{{{NS}}}{name}") is None
    assert soap.text(base, "totalInclAmount") == soap.text(full, "totalInclAmount")


def test_empty_order_list(srv: EmulatorServer, soap: Any) -> None:
    srv.reset("empty")
    resp = soap.call(E.getOrders(E.request()))
    lst = resp.find(f"{{{NS}}}orderList")
    assert lst is not None and len(lst) == 0
    assert soap.text(soap.call(E.getCurrentSyncMarkers()), "orderSyncMarker") == "0"
