"""Fixtures for the Mplus emulator tests: a shared server, raw SOAP and zeep clients, and an element-order
checker that holds every response the tests see to the official WSDL's sequence order."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from lxml import etree
from lxml.builder import ElementMaker
from zeep import Client, Plugin, Settings
from zeep.transports import Transport

from mplus_emulator.server import EmulatorServer

NS = "urn:mplusqapi"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
XSD = "http://www.w3.org/2001/XMLSchema"
REPO_ROOT = Path(__file__).resolve().parents[2]
OFFICIAL_WSDL = (REPO_ROOT / "../shared/mplusqapi.wsdl").resolve()
CREDS = "?ident=demo&secret=demo"
E = ElementMaker(namespace=NS, nsmap={"ns1": NS})
_SOAP_ENC_STUB = (
    b'<?xml version="1.0"?><xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
    b'targetNamespace="http://schemas.xmlsoap.org/soap/encoding/"><xsd:simpleType name="base64">'
    b'<xsd:restriction base="xsd:base64Binary"/></xsd:simpleType></xsd:schema>'
)


# ---------------------------------------------------------------- element order vs the official WSDL


class SequenceChecker:
    """Checks a response envelope against the official schema: every element qualified and known, children
    in sequence order, required simple-typed children present."""

    def __init__(self, wsdl: Path) -> None:
        schema = etree.parse(str(wsdl)).find(f".//{{{XSD}}}schema")
        assert schema is not None
        self.types: dict[str, etree._Element] = {}
        self.elements: dict[str, etree._Element] = {}
        for node in schema:
            if not isinstance(node.tag, str):
                continue
            kind = etree.QName(node).localname
            if kind in ("complexType", "simpleType"):
                self.types[node.get("name")] = node
            elif kind == "element":
                self.elements[node.get("name")] = node
        self.checked = 0
        self._cache: dict[int, tuple[dict[str, int], list[Any], list[str]]] = {}

    def _sequence(self, complex_type: etree._Element) -> list[etree._Element]:
        out: list[etree._Element] = []
        ext = complex_type.find(f"{{{XSD}}}complexContent/{{{XSD}}}extension")
        if ext is not None:
            base = self.types.get(ext.get("base", "").split(":")[-1])
            if base is not None:
                out.extend(self._sequence(base))
            complex_type = ext
        seq = complex_type.find(f"{{{XSD}}}sequence")
        if seq is not None:
            out.extend(seq.iter(f"{{{XSD}}}element"))
        return out

    def _complex_of(self, decl: etree._Element) -> etree._Element | None:
        inline = decl.find(f"{{{XSD}}}complexType")
        if inline is not None:
            return inline
        t = self.types.get((decl.get("type") or "").split(":")[-1])
        if t is not None and etree.QName(t).localname == "complexType":
            return t
        return None

    def _compiled(self, complex_type: etree._Element) -> tuple[dict[str, int], list[Any], list[str]]:
        """(name → position, inner complex type per position, required simple-typed names), cached."""
        key = id(complex_type)
        if key not in self._cache:
            seq = self._sequence(complex_type)
            inner = [self._complex_of(d) for d in seq]
            required = [
                d.get("name")
                for d, c in zip(seq, inner, strict=True)
                if d.get("minOccurs", "1") != "0" and c is None
            ]
            self._cache[key] = ({d.get("name"): i for i, d in enumerate(seq)}, inner, required)
        return self._cache[key]

    def _check(
        self, node: etree._Element, complex_type: etree._Element, path: str, problems: list[str]
    ) -> None:
        positions, inner, required = self._compiled(complex_type)
        last = -1
        present = set()
        for c in node:
            if not isinstance(c.tag, str):
                continue
            q = etree.QName(c)
            present.add(q.localname)
            if q.namespace != NS:
                problems.append(f"{path}/{q.localname}: not in namespace {NS}")
            idx = positions.get(q.localname)
            if idx is None:
                problems.append(f"{path}/{q.localname}: not an element of the official type")
                continue
            if idx < last:
                problems.append(f"{path}/{q.localname}: out of sequence order")
            last = max(last, idx)
            if inner[idx] is not None:
                self._check(c, inner[idx], f"{path}/{q.localname}", problems)
        problems.extend(f"{path}: required element {n} missing" for n in required if n not in present)

    def problems(self, envelope: etree._Element) -> list[str]:
        body = envelope.find(f"{{{SOAP_ENV}}}Body")
        if body is None:
            return ["no SOAP Body"]
        out: list[str] = []
        for op in body:
            if not isinstance(op.tag, str) or etree.QName(op).namespace == SOAP_ENV:
                continue  # faults are SOAP's own elements
            decl = self.elements.get(etree.QName(op).localname)
            if decl is None:
                out.append(f"{etree.QName(op).localname}: no such element in the official WSDL")
                continue
            complex_type = self._complex_of(decl)
            if complex_type is not None:
                self._check(op, complex_type, etree.QName(op).localname, out)
        self.checked += 1
        return out

    def assert_ok(self, envelope: etree._Element) -> None:
        problems = self.problems(envelope)
        assert not problems, "response breaks the official WSDL sequence:\n" + "\n".join(problems)


@pytest.fixture(scope="session")
def official_wsdl() -> Path:
    if not OFFICIAL_WSDL.exists():
        print(f"official WSDL not found at {OFFICIAL_WSDL}")
        pytest.skip(f"official WSDL not found at {OFFICIAL_WSDL}")
    return OFFICIAL_WSDL


@pytest.fixture(scope="session")
def checker() -> SequenceChecker | None:
    """None (no check) when the official WSDL is absent; the dedicated order test skips in that case."""
    return SequenceChecker(OFFICIAL_WSDL) if OFFICIAL_WSDL.exists() else None


# ---------------------------------------------------------------- servers


@pytest.fixture(scope="session")
def shared_server() -> Iterator[EmulatorServer]:
    srv = EmulatorServer(host="127.0.0.1", port=0, seed="demo")
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def srv(shared_server: EmulatorServer) -> EmulatorServer:
    """The shared server, reset to a fresh demo state with no faults and an empty call log."""
    shared_server.reset("demo")
    return shared_server


@pytest.fixture
def make_server(tmp_path: Path) -> Iterator[Callable[..., EmulatorServer]]:
    """Start extra servers (own seed, state file, latency, WSDL); all are stopped at teardown."""
    started: list[EmulatorServer] = []

    def make(**kwargs: Any) -> EmulatorServer:
        kwargs.setdefault("port", 0)
        s = EmulatorServer(**kwargs)
        s.start()
        started.append(s)
        return s

    yield make
    for s in started:
        s.stop()


# ---------------------------------------------------------------- raw SOAP over HTTP


class Fault(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


class RawSoap:
    """Hand-built envelopes over requests; every answer is checked against the official sequence."""

    def __init__(self, url: str, checker: SequenceChecker | None, creds: str = CREDS) -> None:
        self.url = url
        self.endpoint = url + creds
        self.checker = checker
        self.http = requests.Session()

    @staticmethod
    def envelope(op: etree._Element) -> bytes:
        env = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soapenv": SOAP_ENV})
        etree.SubElement(env, f"{{{SOAP_ENV}}}Body").append(op)
        return etree.tostring(env, xml_declaration=True, encoding="utf-8")

    def post(self, data: bytes, endpoint: str | None = None, **headers: str) -> requests.Response:
        h = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""', **headers}
        return self.http.post(endpoint or self.endpoint, data=data, headers=h, timeout=30)

    def call(self, op: etree._Element, endpoint: str | None = None) -> etree._Element:
        resp = self.post(self.envelope(op), endpoint)
        env = etree.fromstring(resp.content)
        if resp.status_code == 500:
            fault = env.find(f"{{{SOAP_ENV}}}Body/{{{SOAP_ENV}}}Fault")
            assert fault is not None, resp.text
            raise Fault(500, fault.findtext("faultcode") or "", fault.findtext("faultstring") or "")
        assert resp.status_code == 200, resp.text
        assert resp.headers["Content-Type"].startswith("text/xml")
        if self.checker is not None:
            self.checker.assert_ok(env)
        body = env.find(f"{{{SOAP_ENV}}}Body")
        assert body is not None and len(body) == 1
        return body[0]

    def fault(self, op: etree._Element, endpoint: str | None = None) -> Fault:
        try:
            self.call(op, endpoint)
        except Fault as f:
            return f
        raise AssertionError("expected a SOAP fault")

    # -- small readers over responses; paths use local names joined by "/"
    @staticmethod
    def text(node: etree._Element, path: str) -> str | None:
        return node.findtext("/".join(f"{{{NS}}}{p}" for p in path.split("/")))

    @staticmethod
    def all(node: etree._Element, path: str) -> list[etree._Element]:
        return node.findall("/".join(f"{{{NS}}}{p}" for p in path.split("/")))

    # -- helpers for the common calls
    @staticmethod
    def order_el(
        ext: str | None,
        relation: int | None = 1,
        lines: list[tuple[Any, ...]] | None = None,
        order_id: str = "",
        **fields: Any,
    ) -> etree._Element:
        """lines: (articleNumber, quantity[, decimalPlaces[, price]]). fields go in as given (any order)."""
        parts: list[Any] = [E.orderId(order_id)]
        if ext is not None:
            parts.append(E.extOrderId(ext))
        if relation is not None:
            parts.append(E.relationNumber(str(relation)))
        for name, value in fields.items():
            parts.append(value if isinstance(value, etree._Element) else getattr(E, name)(str(value)))
        line_els = []
        for spec in lines if lines is not None else [(1001, 2)]:
            data = [E.quantity(str(spec[1]))]
            if len(spec) > 2 and spec[2] is not None:
                data.append(E.decimalPlaces(str(spec[2])))
            if len(spec) > 3 and spec[3] is not None:
                data.append(E.price(str(spec[3])))
            line_els.append(E.line(E.articleNumber(str(spec[0])), E.data(*data)))
        parts.append(E.lineList(*line_els))
        return E.order(*parts)

    def create(
        self,
        ext: str | None,
        relation: int | None = 1,
        lines: list[tuple[Any, ...]] | None = None,
        **fields: Any,
    ) -> etree._Element:
        return self.call(E.createOrder(self.order_el(ext, relation, lines, **fields)))

    def create_ok(
        self, ext: str, relation: int = 1, lines: list[tuple[Any, ...]] | None = None, **fields: Any
    ) -> str:
        resp = self.create(ext, relation, lines, **fields)
        assert self.text(resp, "result") == "CREATE-ORDER-RESULT-OK", self.text(resp, "errorMessage")
        order_id = self.text(resp, "info/orderId")
        assert order_id
        return order_id

    def get(self, order_id: str) -> etree._Element:
        resp = self.call(E.getOrder(E.orderId(order_id)))
        assert self.text(resp, "result") == "GET-ORDER-RESULT-OK"
        order = resp.find(f"{{{NS}}}order")
        assert order is not None
        return order

    def pay(self, order_id: str, prepay: bool, *payments: tuple[str, int]) -> etree._Element:
        plist = E.paymentList(*[E.payment(E.method(m), E.amount(str(a))) for m, a in payments])
        return self.call(
            E.payOrder(E.request(E.orderId(order_id), E.prepay("true" if prepay else "false"), plist))
        )

    def deliver(self, order_id: str) -> etree._Element:
        return self.call(E.deliverOrder(E.request(E.orderId(order_id))))

    def cancel(self, order_id: str) -> etree._Element:
        return self.call(E.cancelOrder(E.orderId(order_id)))

    def orders(self, *filters: etree._Element) -> list[etree._Element]:
        resp = self.call(E.getOrders(E.request(*filters)))
        return self.all(resp, "orderList/order")


@pytest.fixture
def soap(srv: EmulatorServer, checker: SequenceChecker | None) -> Iterator[RawSoap]:
    client = RawSoap(srv.url, checker)
    yield client
    client.http.close()


@pytest.fixture
def raw_client(checker: SequenceChecker | None) -> Iterator[Callable[[EmulatorServer], RawSoap]]:
    """A RawSoap for servers other than the shared one."""
    clients: list[RawSoap] = []

    def make(server: EmulatorServer) -> RawSoap:
        clients.append(RawSoap(server.url, checker))
        return clients[-1]

    yield make
    for c in clients:
        c.http.close()


# ---------------------------------------------------------------- zeep


class StubEncodingTransport(Transport):
    """The official WSDL imports the SOAP-encoding schema; serve a stub so zeep never goes online."""

    def load(self, url: str) -> bytes:
        if url.rstrip("/").startswith("http://schemas.xmlsoap.org/soap/encoding"):
            return _SOAP_ENC_STUB
        return super().load(url)


class OrderCheckPlugin(Plugin):
    def __init__(self, checker: SequenceChecker | None) -> None:
        self.checker = checker

    def ingress(self, envelope: etree._Element, http_headers: dict[str, str], operation: Any) -> Any:
        if self.checker is not None:
            self.checker.assert_ok(envelope)
        return envelope, http_headers


@pytest.fixture(scope="session")
def own_zeep_client(shared_server: EmulatorServer, checker: SequenceChecker | None) -> Client:
    return Client(
        shared_server.url + "?wsdl", settings=Settings(strict=False), plugins=[OrderCheckPlugin(checker)]
    )


@pytest.fixture
def stub_encoding_transport() -> Transport:
    return StubEncodingTransport()


@pytest.fixture(scope="session")
def official_zeep_client(official_wsdl: Path, checker: SequenceChecker | None) -> Client:
    return Client(
        str(official_wsdl),
        transport=StubEncodingTransport(),
        settings=Settings(strict=False),
        plugins=[OrderCheckPlugin(checker)],
    )


@pytest.fixture
def own_zeep(srv: EmulatorServer, own_zeep_client: Client) -> Any:
    return own_zeep_client.create_service("{urn:mplusqapi}MplusQapi", srv.url + CREDS)


@pytest.fixture
def official_zeep(srv: EmulatorServer, official_zeep_client: Client) -> Any:
    return official_zeep_client.create_service("{urn:mplusqapi}MplusQapi", srv.url + CREDS)


@pytest.fixture(params=["own", "official"])
def zeep_service(request: pytest.FixtureRequest) -> Any:
    """The same tests through zeep built from the emulator's WSDL and from the official one."""
    return request.getfixturevalue(f"{request.param}_zeep")


@pytest.fixture
def hooks(srv: EmulatorServer) -> Callable[..., requests.Response]:
    """Call a JSON test hook: hooks("GET", "calls") or hooks("POST", "faults", json={...})."""
    session = requests.Session()

    def call(method: str, name: str, creds: str = CREDS, **kwargs: Any) -> requests.Response:
        return session.request(method, f"{srv.url}_emulator/{name}{creds}", timeout=30, **kwargs)

    return call
