"""Test hooks under /_emulator/: call log, reset, fault injection, bulk generation, state counts."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from lxml.builder import ElementMaker

from mplus_emulator.server import EmulatorServer

NS = "urn:mplusqapi"
E = ElementMaker(namespace=NS, nsmap={"ns1": NS})


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("GET", "calls"),
        ("POST", "reset"),
        ("POST", "faults"),
        ("DELETE", "faults"),
        ("POST", "generate"),
        ("GET", "state"),
    ],
)
def test_hooks_need_credentials(hooks: Any, method: str, name: str) -> None:
    for creds in ("", "?ident=demo&secret=x"):
        resp = hooks(method, name, creds=creds, json={})
        assert resp.status_code == 403
        assert resp.json()["error"]


def test_unknown_hook_and_bad_input(hooks: Any) -> None:
    assert hooks("GET", "nope").status_code == 404
    assert hooks("GET", "reset").status_code == 405
    assert hooks("POST", "faults", json={"operation": "*", "kind": "explode"}).status_code == 400
    assert hooks("POST", "faults", data=b"{not json").status_code == 400
    assert hooks("POST", "generate", json={}).status_code == 400
    assert hooks("POST", "generate", json={"orders": 1, "relationNumber": 999}).status_code == 400
    assert hooks("POST", "reset", json={"seed": "galaxy"}).status_code == 400


def test_call_log_records_every_call_including_faults(srv: EmulatorServer, soap: Any, hooks: Any) -> None:
    order_id = soap.create_ok("LOG-1")
    soap.get(order_id)
    soap.pay(order_id, True, ("CASH", 100))
    soap.fault(E.getApiVersion(), endpoint=srv.url + "?ident=demo&secret=wrong")
    soap.fault(E.bogus())
    soap.post(b"<broken")
    calls = hooks("GET", "calls").json()["calls"]
    assert [c["operation"] for c in calls] == [
        "createOrder",
        "getOrder",
        "payOrder",
        "getApiVersion",
        "bogus",
        None,
    ]
    create = calls[0]
    assert (create["orderId"], create["extOrderId"], create["result"], create["fault"]) == (
        order_id,
        "LOG-1",
        "CREATE-ORDER-RESULT-OK",
        None,
    )
    assert calls[1]["orderId"] == order_id and calls[1]["extOrderId"] == "LOG-1"
    assert calls[2]["result"] == "PAY-ORDER-RESULT-OK" and calls[2]["orderId"] == order_id
    assert calls[3]["fault"] == "SOAP-ENV:Client.Authentication"
    assert calls[4]["fault"] == "SOAP-ENV:Client"
    assert calls[5]["fault"] == "SOAP-ENV:Client"
    assert all("T" in c["time"] for c in calls)
    assert srv.calls() == calls


def test_reset(srv: EmulatorServer, soap: Any, hooks: Any) -> None:
    soap.create_ok("RESET-1")
    srv.add_fault("getOrder", "latency", latency_ms=1)
    resp = hooks("POST", "reset", json={"seed": "empty"})
    assert resp.status_code == 200 and resp.json()["orders"] == 0
    assert hooks("GET", "calls").json()["calls"] == []
    assert hooks("GET", "faults").json()["faults"] == []
    state = hooks("GET", "state").json()
    assert state["orders"] == 0 and state["relations"] == 15 and state["orderSyncMarker"] == 0
    assert hooks("POST", "reset").json()["orders"] == 50  # default: the server's own seed (demo)


def test_soap_fault_is_not_applied(srv: EmulatorServer, soap: Any, hooks: Any) -> None:
    hooks("POST", "faults", json={"operation": "createOrder", "kind": "soap_fault", "times": 1})
    before = srv.state()["orders"]
    fault = soap.fault(E.createOrder(soap.order_el("SF-1")))
    assert fault.code == "SOAP-ENV:Server"
    assert srv.state()["orders"] == before
    soap.create_ok("SF-1")  # times=1: the next call goes through
    assert srv.calls()[0]["fault"] == "SOAP-ENV:Server"


def test_http_500_is_not_applied(srv: EmulatorServer, soap: Any, hooks: Any) -> None:
    hooks("POST", "faults", json={"operation": "*", "kind": "http_500", "times": 2})
    before = srv.state()["orders"]
    for _ in range(2):
        resp = soap.post(soap.envelope(E.createOrder(soap.order_el("H5-1"))))
        assert resp.status_code == 500 and resp.headers["Content-Type"].startswith("text/html")
    assert srv.state()["orders"] == before
    soap.create_ok("H5-1")
    assert [c["fault"] for c in srv.calls()] == ["http_500", "http_500", None]


def test_commit_then_drop_create_leaves_exactly_one_order(srv: EmulatorServer, soap: Any, hooks: Any) -> None:
    hooks("POST", "faults", json={"operation": "createOrder", "kind": "commit_then_drop", "times": 1})
    before = srv.state()["orders"]
    with pytest.raises(requests.ConnectionError):
        soap.create("CTD-1")
    assert srv.state()["orders"] == before + 1
    # a blind retry is refused; the caller must look the order up instead
    assert soap.text(soap.create("CTD-1"), "result") == "CREATE-ORDER-RESULT-EXT-ORDER-ID-ALREADY-EXISTS"
    found = soap.call(E.findOrder(E.extOrderId("CTD-1")))
    assert soap.text(found, "result") == "GET-ORDER-RESULT-OK"
    assert srv.state()["orders"] == before + 1
    dropped = srv.calls()[0]
    assert dropped["fault"] == "commit_then_drop" and dropped["result"] == "CREATE-ORDER-RESULT-OK"
    assert dropped["orderId"] == soap.text(found, "order/orderId")


def test_latency_fault(srv: EmulatorServer, soap: Any) -> None:
    srv.add_fault("getApiVersion", "latency", latency_ms=2000)
    start = time.monotonic()
    soap.call(E.getApiVersion())
    assert time.monotonic() - start >= 1.99
    start = time.monotonic()
    soap.call(E.getCurrentSyncMarkers())  # other operations are not delayed (a generous ceiling)
    assert time.monotonic() - start < 1.99
    assert srv.faults()[0]["times"] is None  # until cleared
    srv.clear_faults()
    assert srv.faults() == []


def test_latency_combines_with_a_terminal_fault_and_times_count_down(
    srv: EmulatorServer, soap: Any, hooks: Any
) -> None:
    srv.add_fault("*", "latency", latency_ms=50, times=2)
    srv.add_fault("getOrder", "soap_fault", times=1)
    start = time.monotonic()
    assert soap.fault(E.getOrder(E.orderId("x"))).code == "SOAP-ENV:Server"
    assert time.monotonic() - start >= 0.045
    soap.call(E.getOrder(E.orderId("x")))
    assert srv.faults() == []
    hooks("POST", "faults", json={"operation": "getOrder", "kind": "soap_fault"})
    assert hooks("DELETE", "faults").status_code == 200
    soap.call(E.getOrder(E.orderId("x")))


def test_generate_and_state(srv: EmulatorServer, hooks: Any, soap: Any) -> None:
    top = srv.state()["orderSyncMarker"]
    resp = hooks("POST", "generate", json={"orders": 200, "lines": 2, "relationNumber": 7})
    assert resp.status_code == 200
    assert resp.json() == {"created": 200, "orderSyncMarker": top + 200, "relationsCreated": 0,
                           "articlesCreated": 0, "relationSyncMarker": 150, "articleSyncMarker": 200}
    state = hooks("GET", "state").json()
    assert state["orders"] == 250 and state["orderSyncMarker"] == top + 200
    generated = soap.orders(E.syncMarker(str(top + 1)))
    assert len(generated) == 200
    assert {soap.text(o, "relationNumber") for o in generated} == {"7"}
    assert {len(soap.all(o, "lineList/line")) for o in generated} == {2}
    again = srv.generate(3)
    assert again["created"] == 3 and again["orderSyncMarker"] == top + 203


def test_generate_10000_orders(make_server: Any) -> None:
    # How fast is a bench figure (bench/), not an assertion: a busy machine must not fail this.
    s = make_server(seed="empty")
    assert s.generate(10_000)["created"] == 10_000
    assert s.state()["orders"] == 10_000


def test_peak_concurrency_counts_calls_served_at_the_same_moment(srv: EmulatorServer, soap: Any) -> None:
    srv.clear_calls()
    soap.call(E.getApiVersion())
    soap.call(E.getApiVersion())
    assert srv.peak_concurrency() == 1, "one after the other"
    srv.add_fault("getApiVersion", "latency", latency_ms=1000)
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(lambda _: soap.call(E.getApiVersion()), range(3)))
    assert srv.peak_concurrency() == 3
    srv.clear_calls()
    assert srv.peak_concurrency() == 0
