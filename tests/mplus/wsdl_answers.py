"""SOAP answers generated at test time from the official WSDL, with every optional element filled.

The WSDL itself is never copied into the repository: ``AnswerFactory`` walks the types zeep loads
from ``../shared/mplusqapi.wsdl`` and writes one element per declared child, in schema order, with
a value of the declared type. Next to the XML it returns the values it wrote (``Filled``), so a
test can compare every field the client reads with what was sent. Values are deterministic and
distinct: strings are ``"<name> <n>"``, integers count up, booleans are ``true``, enumerations take
their last listed value (never the model's default), dates are real dates.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import zeep
import zeep.xsd
from lxml import etree
from zeep.xsd.types import builtins as xsd

from bot.mplus.transport import ZEEP_SETTINGS, OfflineTransport

MPLUS_NS = "urn:mplusqapi"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
_XSD_NS = "http://www.w3.org/2001/XMLSchema"

DATE = {"day": "3", "mon": "4", "year": "2026"}
DATETIME = {"sec": "7", "min": "6", "hour": "5", "day": "3", "mon": "4", "year": "2026", "isdst": "true",
            "timezone": "60"}  # fmt: skip


@dataclass
class Filled:
    """What the factory wrote: leaf texts by element name, repeated elements as lists."""

    values: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)


class AnswerFactory:
    def __init__(self, wsdl: Path) -> None:
        transport = OfflineTransport()
        self.client = zeep.Client(str(wsdl), transport=transport, settings=ZEEP_SETTINGS)
        schema = etree.parse(str(wsdl))
        self.enums: dict[str, str] = {}
        for simple in schema.iter(f"{{{_XSD_NS}}}simpleType"):
            values = [e.get("value") for e in simple.iter(f"{{{_XSD_NS}}}enumeration")]
            if simple.get("name") and values:
                self.enums[simple.get("name")] = values[-1]
        self._counter = itertools.count(101)

    def response(
        self,
        element_name: str,
        *,
        repeat: dict[str, int] | None = None,
        overrides: dict[str, Any] | None = None,
    ) -> tuple[etree._Element, Filled]:
        """``<element_name>`` (e.g. ``GetOrdersResponse``) filled completely.

        ``repeat`` sets how many times an unbounded element appears (default 2); ``overrides``
        sets the text of leaves by element name (``None`` leaves the element out).
        """
        element = self.client.get_element(f"{{{MPLUS_NS}}}{element_name}")
        node = etree.Element(f"{{{MPLUS_NS}}}{element_name}", nsmap={None: MPLUS_NS})
        filled = self._fill(node, element.type, repeat or {}, overrides or {}, set())
        return node, Filled(filled)

    def _fill(
        self,
        node: etree._Element,
        xsd_type: Any,
        repeat: dict[str, int],
        overrides: dict[str, Any],
        stack: set[str],
    ) -> dict[str, Any]:
        values: dict[str, Any] = {}
        name_of_type = getattr(getattr(xsd_type, "qname", None), "localname", None)
        for name, element in xsd_type.elements:
            if not isinstance(element, zeep.xsd.Element):
                continue  # xsd:any
            child_type = element.type
            child_type_name = getattr(getattr(child_type, "qname", None), "localname", None)
            if child_type_name in stack:
                continue  # Relation.contactList is a RelationList of Relations: one level is enough
            if name in overrides and overrides[name] is None:
                continue
            many = element.max_occurs == "unbounded" or (element.max_occurs or 1) > 1
            count = repeat.get(name, 2) if many else 1
            written = []
            for _ in range(count):
                tag = element.qname.text if element.qname is not None else name
                child = etree.SubElement(node, tag)
                if hasattr(child_type, "elements") and not isinstance(child_type, xsd.AnySimpleType):
                    inner = self._fill(
                        child,
                        child_type,
                        repeat,
                        overrides,
                        stack | {name_of_type or "", child_type_name or ""},
                    )
                    written.append(inner)
                else:
                    text = (
                        overrides.get(name) if name in overrides else self._leaf(name, child_type, xsd_type)
                    )
                    child.text = text
                    written.append(text)
            values[name] = written if many else written[0]
        return values

    def _leaf(self, name: str, leaf_type: Any, parent_type: Any) -> str:
        parent = getattr(getattr(parent_type, "qname", None), "localname", "")
        if parent == "SoapMplusDate" and name in DATE:
            return DATE[name]
        if parent == "SoapMplusDateTime" and name in DATETIME:
            return DATETIME[name]
        type_name = getattr(getattr(leaf_type, "qname", None), "localname", "")
        if type_name in self.enums:
            return self.enums[type_name]
        if isinstance(leaf_type, xsd.Boolean):
            return "true"
        if isinstance(leaf_type, xsd.Integer | xsd.Int | xsd.Long | xsd.Short | xsd.Byte):  # before Decimal:
            return str(next(self._counter) % 127 if isinstance(leaf_type, xsd.Byte) else next(self._counter))
        if isinstance(leaf_type, xsd.Decimal | xsd.Double | xsd.Float):  # zeep's Integer is a Decimal
            return f"{next(self._counter)}.25"
        if isinstance(leaf_type, xsd.DateTime):
            return "2026-04-03T05:06:07"
        if isinstance(leaf_type, xsd.Date):
            return "2026-04-03"
        if isinstance(leaf_type, xsd.Base64Binary):
            return "QUJD"
        return f"{name} {next(self._counter)}"


def envelope(
    body: etree._Element | bytes,
    *,
    header: bytes = b"",
    soap_prefix: str = "soapenv",
    mplus_prefix: str | None = None,
    before_body: bytes = b"",
) -> bytes:
    """A SOAP 1.1 envelope around ``body``; ``mplus_prefix`` renames the Mplus namespace prefix."""
    if isinstance(body, bytes):
        inner = body
    else:
        if mplus_prefix is not None:
            body = _reprefixed(body, mplus_prefix)
        inner = etree.tostring(body)
    head = (
        f"<{soap_prefix}:Header>".encode() + header + f"</{soap_prefix}:Header>".encode() if header else b""
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<{soap_prefix}:Envelope xmlns:{soap_prefix}="{SOAP_NS}" '
        f'xmlns:xsi="{XSI_NS}">'.encode()
        + head
        + before_body
        + f"<{soap_prefix}:Body>".encode()
        + inner
        + f"</{soap_prefix}:Body></{soap_prefix}:Envelope>".encode()
    )


def _reprefixed(element: etree._Element, prefix: str) -> etree._Element:
    copy = etree.Element(element.tag, nsmap={prefix: MPLUS_NS})
    copy.text = element.text
    for child in element:
        copy.append(_reprefixed_child(child, prefix))
    return copy


def _reprefixed_child(element: etree._Element, prefix: str) -> etree._Element:
    copy = etree.Element(element.tag, nsmap={prefix: MPLUS_NS})
    copy.text = element.text
    copy.tail = element.tail
    for child in element:
        copy.append(_reprefixed_child(child, prefix))
    return copy


def fault(code: str, message: str) -> bytes:
    return (
        f"<soapenv:Fault><faultcode>soapenv:{code}</faultcode>"
        f"<faultstring>{message}</faultstring></soapenv:Fault>"
    ).encode()


def mutate(element: etree._Element, path: str, change: Callable[[etree._Element], None]) -> None:
    """Apply ``change`` to every element matching ``path`` (local names separated by ``/``)."""
    xpath = "/".join(f"*[local-name()='{part}']" for part in path.split("/"))
    for found in element.xpath(xpath):
        change(found)
