"""Transport: endpoint, authentication, faults, WSDL, envelope shape."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
import requests
from lxml import etree
from lxml.builder import ElementMaker

from mplus_emulator import operations
from mplus_emulator.server import EmulatorServer

NS = "urn:mplusqapi"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
E = ElementMaker(namespace=NS, nsmap={"ns1": NS})


def _fault_parts(resp: requests.Response) -> tuple[str, str]:
    env = etree.fromstring(resp.content)
    fault = env.find(f"{{{SOAP_ENV}}}Body/{{{SOAP_ENV}}}Fault")
    assert fault is not None, resp.text
    return fault.findtext("faultcode") or "", fault.findtext("faultstring") or ""


@pytest.mark.parametrize(
    "creds", ["", "?ident=demo", "?ident=demo&secret=wrong", "?ident=x&secret=demo", "?secret=demo"]
)
def test_bad_credentials_give_authentication_fault(soap: Any, creds: str) -> None:
    resp = soap.post(soap.envelope(E.getApiVersion()), endpoint=soap.url + creds)
    assert resp.status_code == 500
    code, message = _fault_parts(resp)
    assert code == "SOAP-ENV:Client.Authentication"
    assert "ident" in message and "Traceback" not in resp.text


def test_auth_is_checked_before_anything_else(soap: Any) -> None:
    resp = soap.post(b"not xml at all", endpoint=soap.url + "?ident=demo&secret=bad")
    assert _fault_parts(resp)[0] == "SOAP-ENV:Client.Authentication"


@pytest.mark.parametrize(
    "body",
    [
        b"<not-closed",
        b"",
        b"<a/>",
        b"just text",
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"/>',
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>',
    ],
)
def test_malformed_requests_give_client_fault(soap: Any, body: bytes) -> None:
    resp = soap.post(body)
    assert resp.status_code == 500
    code, message = _fault_parts(resp)
    assert code == "SOAP-ENV:Client"
    assert message


def test_external_entities_are_not_expanded(soap: Any) -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        b'<getOrder xmlns="urn:mplusqapi"><orderId>&e;</orderId></getOrder></s:Body></s:Envelope>'
    )
    resp = soap.post(body)
    assert b"root:" not in resp.content


def test_unknown_operation_gives_client_fault(soap: Any) -> None:
    fault = soap.fault(E.launchRocket())
    assert fault.code == "SOAP-ENV:Client"
    assert "launchRocket" in fault.message


def test_routing_uses_the_body_not_soapaction(soap: Any) -> None:
    resp = soap.post(soap.envelope(E.getApiVersion()), SOAPAction="getOrders")
    assert resp.status_code == 200
    assert b"getApiVersionResponse" in resp.content


def test_response_envelope_prefixes_and_qualification(soap: Any) -> None:
    resp = soap.post(soap.envelope(E.getOrder(E.orderId("nope"))))
    assert resp.headers["Content-Type"].startswith("text/xml")
    text = resp.text
    assert "<SOAP-ENV:Envelope" in text and "<ns:GetOrderResponse" in text and "<ns:result>" in text
    env = etree.fromstring(resp.content)
    for el in env.iter():
        assert etree.QName(el).namespace in (NS, SOAP_ENV)


def test_plain_get_is_405_and_other_paths_404(srv: EmulatorServer) -> None:
    resp = requests.get(srv.url, timeout=5)
    assert resp.status_code == 405
    assert resp.headers.get("Allow") == "POST"
    assert requests.get(srv.url + "other", timeout=5).status_code == 404
    assert requests.post(srv.url + "other?ident=demo&secret=demo", data=b"<x/>", timeout=5).status_code == 404


def test_wsdl_is_served_without_credentials(srv: EmulatorServer) -> None:
    resp = requests.get(srv.url + "?wsdl", timeout=5)
    assert resp.status_code == 200
    doc = etree.fromstring(resp.content)
    assert doc.get("targetNamespace") == "urn:mplusqapi"
    assert b"schemas.xmlsoap.org/soap/encoding" not in resp.content
    location = doc.find(".//{http://schemas.xmlsoap.org/wsdl/soap/}address").get("location")
    assert location == srv.url
    assert requests.get(srv.url + "?WSDL", timeout=5).status_code == 200


def test_wsdl_option_serves_that_file(make_server: Any, tmp_path: Path) -> None:
    custom = tmp_path / "custom.wsdl"
    custom.write_bytes(b"<definitions>custom</definitions>")
    s = make_server(seed="empty", wsdl_path=custom)
    assert requests.get(s.url + "?wsdl", timeout=5).content == custom.read_bytes()


def test_internal_error_is_a_server_fault_without_traceback(
    soap: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(ctx: Any, op: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setitem(operations.OPERATIONS, "getApiVersion", boom)
    resp = soap.post(soap.envelope(E.getApiVersion()))
    assert resp.status_code == 500
    code, message = _fault_parts(resp)
    assert code == "SOAP-ENV:Server" and message
    assert "secret internals" not in resp.text and "Traceback" not in resp.text
    # and the server keeps serving
    monkeypatch.undo()
    assert soap.post(soap.envelope(E.getApiVersion())).status_code == 200


def test_invalid_number_is_a_client_fault(soap: Any) -> None:
    fault = soap.fault(E.getRelation(E.relationNumber("twelve")))
    assert fault.code == "SOAP-ENV:Client"


def test_keep_alive_and_chunked_requests(srv: EmulatorServer, soap: Any) -> None:
    body = soap.envelope(E.getApiVersion())
    port = int(srv.url.rsplit(":", 1)[1].strip("/"))
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        for _ in range(2):  # two requests on one connection
            chunked = f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"
            sock.sendall(
                b"POST /?ident=demo&secret=demo HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n" + chunked
            )
            data = b""
            while b"</SOAP-ENV:Envelope>" not in data:
                chunk = sock.recv(65536)
                assert chunk
                data += chunk
            assert data.startswith(b"HTTP/1.1 200")


def test_api_version_and_sync_markers(soap: Any) -> None:
    v = soap.call(E.getApiVersion())
    assert etree.QName(v).localname == "getApiVersionResponse"
    assert [soap.text(v, n) for n in ("majorNumber", "minorNumber", "revisionNumber")] == ["1", "0", "0"]
    assert soap.text(v, "inDebugMode") == "false"
    assert soap.text(v, "serviceVersionDisplayString")
    m = soap.call(E.getCurrentSyncMarkers())
    assert etree.QName(m).localname == "getCurrentSyncMarkersResponse"
    for name in (
        "articleSyncMarker",
        "relationSyncMarker",
        "employeeSyncMarker",
        "invoiceSyncMarker",
        "receiptSyncMarker",
        "orderSyncMarker",
    ):
        assert int(soap.text(m, name)) >= 0
    assert int(soap.text(m, "orderSyncMarker")) > 50  # the demo seed's history
    assert int(soap.text(m, "relationSyncMarker")) == 150
    assert int(soap.text(m, "articleSyncMarker")) == 200


def test_latency_option_delays_every_soap_call(make_server: Any) -> None:
    s = make_server(seed="empty", latency_ms=150)
    body = (
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        b'<getApiVersion xmlns="urn:mplusqapi"/></s:Body></s:Envelope>'
    )
    resp = requests.post(s.url + "?ident=demo&secret=demo", data=body, timeout=5)
    assert resp.status_code == 200
    assert resp.elapsed.total_seconds() >= 0.14


def test_custom_credentials(make_server: Any) -> None:
    s = make_server(seed="empty", ident="shop 1", secret="s3cr&t")
    body = (
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        b'<getApiVersion xmlns="urn:mplusqapi"/></s:Body></s:Envelope>'
    )
    ok = requests.post(s.url, params={"ident": "shop 1", "secret": "s3cr&t"}, data=body, timeout=5)
    assert ok.status_code == 200
    assert requests.post(s.url + "?ident=demo&secret=demo", data=body, timeout=5).status_code == 500
