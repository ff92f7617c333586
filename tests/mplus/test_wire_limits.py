"""Bounded calls and hostile answers: deadlines, size caps, faults behind headers, DTDs and entities."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.mplus.client import MplusClient
from bot.mplus.errors import AuthFailed, ProtocolError, Timeout, Unavailable
from bot.mplus.models import PaymentInput
from tests.conftest import make_settings, official_wsdl_or_skip
from tests.mplus.canned_server import CannedServer, Reply
from tests.mplus.test_wire_writes import order_answer
from tests.mplus.wsdl_answers import AnswerFactory, envelope, fault

LONG_HEADER = b"<trace xmlns='urn:trace'>" + b"x" * 5000 + b"</trace>"


def _client(canned: CannedServer, tmp_path: Path, **settings: object) -> MplusClient:
    values: dict[str, object] = {"wsdl": str(official_wsdl_or_skip()), "read_retries": 1}
    values.update(settings)
    return MplusClient(make_settings(canned.url, tmp_path, **values))


# --- SOAP faults behind a long header, on any status -----------------------------------------


@pytest.mark.parametrize("status", [500, 400, 200])
@pytest.mark.parametrize(
    ("code", "error", "text"),
    [
        ("Client.Authentication", AuthFailed, "MPLUS_IDENT"),
        ("Server", Unavailable, "server error in getOrders"),
        ("Client", ProtocolError, "rejected the getOrders request"),
    ],
)
def test_fault_behind_a_long_header_is_read_on_any_status(
    canned: CannedServer, canned_client: MplusClient, status: int, code: str, error: type, text: str
) -> None:
    body = envelope(
        fault(code, "Invalid ident or credentials" if "Auth" in code else "boom"), header=LONG_HEADER
    )
    canned.replies["getOrders"] = Reply(body, status=status)
    with pytest.raises(error, match=text):
        canned_client.get_orders()


def test_an_html_error_page_is_unavailable_with_its_status(
    canned: CannedServer, canned_client: MplusClient
) -> None:
    canned.replies["getOrders"] = Reply(b"<html><body><h1>502 Bad Gateway</h1>" + b" " * 3000, status=502)
    with pytest.raises(Unavailable, match="HTTP 502 to getOrders"):
        canned_client.get_orders()


# --- a total deadline per call -----------------------------------------------------------------


def test_a_trickling_read_stops_at_the_call_deadline(
    canned: CannedServer, tmp_path: Path, answers: AnswerFactory
) -> None:
    node, _ = answers.response("GetOrdersResponse", repeat={"order": 1})
    # ~10 KB at one byte per 50 ms would take minutes; each byte arrives well inside the 5 s read timeout.
    canned.replies["getOrders"] = Reply(envelope(node), trickle_s=0.05)
    client = _client(canned, tmp_path, timeout_s=5.0, call_deadline_s=0.5)
    started = time.monotonic()
    with pytest.raises(Timeout, match=r"MPLUS_CALL_DEADLINE_S \(0.5 s\)"):
        client.get_orders()
    assert time.monotonic() - started < 5.0, "the per-read timeout, not the deadline, ended the call"


def test_a_silent_server_stops_at_the_call_deadline(
    canned: CannedServer, tmp_path: Path, answers: AnswerFactory
) -> None:
    node, _ = answers.response("GetOrdersResponse", repeat={"order": 1})
    canned.replies["getOrders"] = Reply(envelope(node), delay_s=30)
    client = _client(canned, tmp_path, timeout_s=20.0, call_deadline_s=0.5, read_retries=2)
    started = time.monotonic()
    with pytest.raises(Timeout, match="MPLUS_CALL_DEADLINE_S"):
        client.get_orders()
    assert time.monotonic() - started < 20.0
    assert canned.count("getOrders") == 2  # a read past its deadline is retried like any lost answer


def test_a_write_past_its_deadline_is_settled_by_reading_the_order(
    canned: CannedServer, tmp_path: Path, answers: AnswerFactory
) -> None:
    node, _ = answers.response("PayOrderResponse", overrides={"result": "PAY-ORDER-RESULT-OK"})
    before, _ = order_answer(answers, paid=False, ids=0)
    after, after_filled = order_answer(answers, paid=True, ids=1)
    canned.replies["payOrder"] = Reply(envelope(node), trickle_s=0.05)
    canned.replies["getOrder"] = lambda call: Reply(before if call == 1 else after)
    client = _client(canned, tmp_path, timeout_s=5.0, call_deadline_s=0.5)
    paid = client.pay_order("ORDER-1", [PaymentInput(method="CASH", amount_cents=500)], prepay=False)
    assert paid.recovered
    assert paid.packing_slip_id == after_filled["order"]["packingSlipIds"]["id"][0]
    assert canned.count("payOrder") == 1


# --- a cap on the answer's size ------------------------------------------------------------------


@pytest.mark.parametrize("content_length", [True, False])
def test_an_oversized_answer_is_refused_naming_the_call(
    canned: CannedServer, tmp_path: Path, answers: AnswerFactory, content_length: bool
) -> None:
    node, _ = answers.response(
        "GetOrdersResponse", repeat={"order": 40, "line": 3}, overrides={"decimalPlaces": "2"}
    )
    body = envelope(node)
    assert len(body) > 200_000
    canned.replies["getOrders"] = Reply(body, content_length=content_length)
    client = _client(canned, tmp_path, max_response_mb=0.1)
    with pytest.raises(
        ProtocolError, match=r"answer to getOrders was larger than MPLUS_MAX_RESPONSE_MB \(0.1 MB\)"
    ):
        client.get_orders()
    assert len(_client(canned, tmp_path).get_orders()) == 40  # the default cap (64 MB) lets it through


# --- no DTDs, no entity expansion, no external entities -----------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>
<GetOrderResponse xmlns="urn:mplusqapi"><result>GET-ORDER-RESULT-OK</result>
<order><orderId>&lol4;</orderId></order></GetOrderResponse></soapenv:Body></soapenv:Envelope>"""


def test_entity_expansion_is_off(canned: CannedServer, canned_client: MplusClient) -> None:
    canned.replies["getOrder"] = Reply(BILLION_LAUGHS)
    with pytest.raises(ProtocolError, match="DTD"):
        canned_client.get_order("x")


def test_external_entities_are_never_read(
    canned: CannedServer, canned_client: MplusClient, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    body = BILLION_LAUGHS.replace(
        BILLION_LAUGHS[BILLION_LAUGHS.index(b"<!DOCTYPE") : BILLION_LAUGHS.index(b"]>") + 2],
        f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>'.encode(),
    ).replace(b"&lol4;", b"&xxe;")
    canned.replies["getOrder"] = Reply(body)
    with pytest.raises(ProtocolError) as raised:
        canned_client.get_order("x")
    assert "TOP-SECRET" not in str(raised.value)


def test_a_wsdl_with_entities_is_a_protocol_error(canned: CannedServer, tmp_path: Path) -> None:
    wsdl = tmp_path / "evil.wsdl"
    wsdl.write_text(
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "x">]>'
        '<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" targetNamespace="urn:e">&e;</definitions>'
    )
    client = MplusClient(make_settings(canned.url, tmp_path, wsdl=str(wsdl), read_retries=1))
    with pytest.raises(ProtocolError, match="WSDL could not be read"):
        client.get_api_version()
