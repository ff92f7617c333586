"""SOAP 1.1 envelope, fault and small XML helpers (lenient readers, qualified writers)."""

from __future__ import annotations

from datetime import date, datetime

from lxml import etree

from .clock import AMSTERDAM, as_amsterdam, utc_offset_minutes

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
NS = "urn:mplusqapi"
NSMAP = {"SOAP-ENV": SOAP_ENV, "ns": NS}

# Requests come from untrusted callers: no DTDs, no entity expansion, no network look-ups.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True,
                          remove_blank_text=True)


class SoapFault(Exception):
    """Raised anywhere while handling a call; the server turns it into an HTTP 500 SOAP fault."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def client_fault(message: str) -> SoapFault:
    return SoapFault("SOAP-ENV:Client", message)


def local(el: etree._Element) -> str:
    return etree.QName(el).localname


def parse_request(body: bytes) -> etree._Element:
    """Return the operation element (first child of SOAP Body); faults with SOAP-ENV:Client otherwise."""
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise client_fault(f"Malformed XML: {exc.msg}") from None
    if not isinstance(root.tag, str) or local(root) != "Envelope":
        raise client_fault("Malformed request: the root element is not a SOAP Envelope")
    body_el = child(root, "Body")
    if body_el is None:
        raise client_fault("Malformed request: the SOAP Envelope has no Body")
    ops = elements(body_el)
    if not ops:
        raise client_fault("Malformed request: the SOAP Body is empty")
    return ops[0]


def envelope(body_child: etree._Element) -> bytes:
    env = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap=NSMAP)
    body = etree.SubElement(env, f"{{{SOAP_ENV}}}Body")
    body.append(body_child)
    return etree.tostring(env, xml_declaration=True, encoding="UTF-8")


def fault_envelope(code: str, message: str) -> bytes:
    # faultcode/faultstring are unqualified, as SOAP 1.1 prescribes and zeep expects.
    env = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"SOAP-ENV": SOAP_ENV})
    body = etree.SubElement(env, f"{{{SOAP_ENV}}}Body")
    fault = etree.SubElement(body, f"{{{SOAP_ENV}}}Fault")
    etree.SubElement(fault, "faultcode").text = code
    etree.SubElement(fault, "faultstring").text = message
    return etree.tostring(env, xml_declaration=True, encoding="UTF-8")


# ---- lenient readers: match on local name only, accept any namespace and any order ----

def elements(el: etree._Element) -> list[etree._Element]:
    return [c for c in el if isinstance(c.tag, str)]


def child(el: etree._Element | None, name: str) -> etree._Element | None:
    if el is None:
        return None
    for c in el:
        if isinstance(c.tag, str) and local(c) == name:
            return c
    return None


def children(el: etree._Element | None, name: str) -> list[etree._Element]:
    if el is None:
        return []
    return [c for c in el if isinstance(c.tag, str) and local(c) == name]


def text_of(el: etree._Element | None) -> str | None:
    if el is None:
        return None
    return (el.text or "").strip()


def get_text(el: etree._Element | None, name: str) -> str | None:
    return text_of(child(el, name))


def to_int(value: str | None, name: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise client_fault(f"Invalid integer value for {name}: {value!r}") from None


def get_int(el: etree._Element | None, name: str) -> int | None:
    return to_int(get_text(el, name), name)


def get_ints(el: etree._Element | None, name: str) -> list[int]:
    return [v for v in (to_int(text_of(c), name) for c in children(el, name)) if v is not None]


def get_bool(el: etree._Element | None, name: str) -> bool | None:
    value = get_text(el, name)
    if value is None or value == "":
        return None
    if value.lower() in ("true", "1"):
        return True
    if value.lower() in ("false", "0"):
        return False
    raise client_fault(f"Invalid boolean value for {name}: {value!r}")


def get_date(el: etree._Element | None, name: str) -> date | None:
    """SoapMplusDate; 0/0/0 (or missing parts) means "no date", as the PHP client reads it."""
    d = child(el, name)
    if d is None:
        return None
    day, mon, year = get_int(d, "day"), get_int(d, "mon"), get_int(d, "year")
    if not day or not mon or not year:
        return None
    try:
        return date(year, mon, day)
    except ValueError:
        raise client_fault(f"Invalid date for {name}: {day}-{mon}-{year}") from None


def get_datetime(el: etree._Element | None, name: str) -> datetime | None:
    """SoapMplusDateTime read as Amsterdam wall clock (timezone/isdst ignored, as for every input)."""
    d = get_date(el, name)
    if d is None:
        return None
    node = child(el, name)
    try:
        return datetime(d.year, d.month, d.day, get_int(node, "hour") or 0, get_int(node, "min") or 0,
                        get_int(node, "sec") or 0, tzinfo=AMSTERDAM)
    except ValueError:
        raise client_fault(f"Invalid time for {name}") from None


# ---- qualified writers, always in the caller's (= WSDL) order ----

def el(parent: etree._Element, name: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{NS}}}{name}")


def root(name: str) -> etree._Element:
    return etree.Element(f"{{{NS}}}{name}", nsmap={"ns": NS})


def put(parent: etree._Element, name: str, value: str | int | bool | None) -> None:
    """Append a scalar; None means "omit"."""
    if value is None:
        return
    node = el(parent, name)
    if isinstance(value, bool):
        node.text = "true" if value else "false"
    else:
        node.text = str(value)


def put_date(parent: etree._Element, name: str, value: date | None) -> None:
    if value is None:
        return
    d = el(parent, name)
    put(d, "day", value.day)
    put(d, "mon", value.month)
    put(d, "year", value.year)


def put_datetime(parent: etree._Element, name: str, value: datetime | None) -> None:
    if value is None:
        return
    moment = as_amsterdam(value)
    d = el(parent, name)
    put(d, "sec", moment.second)
    put(d, "min", moment.minute)
    put(d, "hour", moment.hour)
    put(d, "day", moment.day)
    put(d, "mon", moment.month)
    put(d, "year", moment.year)
    put(d, "isdst", False)
    put(d, "timezone", utc_offset_minutes(moment))
