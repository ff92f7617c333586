"""Translation between the bot's request models and Mplus wire shapes.

Outgoing: models → the dicts zeep renders (camelCase, Mplus wrappers, SoapMplusDate structs).
Incoming: every answer is read from the raw XML by element name (``envelope`` parses it), never by
position, so elements a newer server inserts or reorders change nothing. Orders are shaped straight
into ``Order`` models by ``order_xml``; other answers become camelCase dicts
(``element_to_dict``) that the models read through their aliases.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from lxml import etree

from bot.mplus.models import NewOrder, OrderChange, OrderQuery, PaymentInput

MPLUS_NS = "urn:mplusqapi"


def mplus_date(value: date) -> dict[str, int]:
    return {"day": value.day, "mon": value.month, "year": value.year}


def _fit(values: dict[str, Any], allowed: Iterable[str] | None) -> dict[str, Any]:
    """Drop keys the loaded WSDL's type does not declare and values that are unset.

    The emulator's WSDL declares a subset of the official one; sending an undeclared element
    would make zeep raise, so requests are trimmed to what the loaded type knows.
    """
    allowed_set = set(allowed) if allowed is not None else None
    return {
        k: v
        for k, v in values.items()
        if v is not None and v != [] and (allowed_set is None or k in allowed_set)
    }


def order_query_request(query: OrderQuery, allowed: Iterable[str] | None = None) -> dict[str, Any]:
    values: dict[str, Any] = {
        "syncMarker": query.sync_marker,
        "syncMarkerLimit": query.sync_marker_limit if query.sync_marker is not None else None,
        "fromFinancialDate": mplus_date(query.from_financial_date) if query.from_financial_date else None,
        "throughFinancialDate": (
            mplus_date(query.through_financial_date) if query.through_financial_date else None
        ),
        "branchNumbers": list(query.branch_numbers),
        "relationNumbers": list(query.relation_numbers),
        # The official WSDL makes these two TextLists required; an empty one means "no filter".
        "articlePluNumbers": {},
        "articleBarcodes": {},
        "orderIds": list(query.order_ids),
        "orderNumbers": [{"year": n.year, "number": n.number} for n in query.order_numbers],
        "includeLineList": query.include_lines,
    }
    return _fit(values, allowed)


def order_request(order: NewOrder, allowed: Iterable[str] | None = None) -> dict[str, Any]:
    lines = []
    for line in order.lines:
        data: dict[str, Any] = {
            "quantity": line.quantity.quantity,
            "decimalPlaces": line.quantity.decimal_places,
        }
        if line.price_cents is not None:
            data["price"] = line.price_cents
        lines.append(_fit({"articleNumber": line.article_number, "text": line.text, "data": data}, None))
    values: dict[str, Any] = {
        # Required by the WSDL even on create, where Mplus assigns it: [P] sends "".
        "orderId": order.order_id if isinstance(order, OrderChange) else "",
        "extOrderId": order.ext_order_id,
        "relationNumber": order.relation_number,
        "financialDate": mplus_date(order.financial_date) if order.financial_date else None,
        "financialBranchNumber": order.branch_number,
        "entryBranchNumber": order.branch_number,
        "reference": order.reference,
        "deliveryMethod": order.delivery_method,
        "deliveryDate": mplus_date(order.delivery_date) if order.delivery_date else None,
        "orderCategoryNumber": order.order_category_number,
        "lineList": {"line": lines},
    }
    if isinstance(order, OrderChange):
        values["changeCounter"] = order.change_counter
        values["versionNumber"] = order.version_number
    return _fit(values, allowed)


def payment_list(payments: Iterable[PaymentInput]) -> dict[str, Any]:
    return {"payment": [{"method": p.method, "amount": p.amount_cents} for p in payments]}


def localname(tag: str, _cache: dict[str, str] = {}) -> str:  # noqa: B006 - a deliberate memo
    name = _cache.get(tag)
    if name is None:
        name = tag.rsplit("}", 1)[-1]
        _cache[tag] = name
    return name


def element_to_dict(element: etree._Element) -> dict[str, Any]:
    """Children by local name as a dict; a repeated name becomes a list; a leaf becomes its text.

    Elements are matched by name, never by position, so unknown or reordered elements change
    nothing. Empty leaves are left out, as if absent, so model defaults apply.
    """
    result: dict[str, Any] = {}
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):  # comments, processing instructions
            continue
        key = localname(tag)
        if len(child):
            value: Any = element_to_dict(child)
        elif child.text:
            value = child.text
        else:
            continue
        previous = result.get(key)
        if previous is None:
            result[key] = value
        elif isinstance(previous, list):
            previous.append(value)
        else:
            result[key] = [previous, value]
    return result


def iter_items(element: etree._Element, wrapper: str | None, item: str) -> Iterator[dict[str, Any]]:
    """Items of ``<wrapper><item/>*</wrapper>`` (or bare ``<item/>*`` when wrapper is None), as dicts."""
    containers = [element] if wrapper is None else [c for c in element if c.tag == q(wrapper)]
    for container in containers:
        for child in container.iterchildren(q(item)):
            yield element_to_dict(child)


def q(name: str) -> str:
    return f"{{{MPLUS_NS}}}{name}"


def child_text(element: etree._Element, name: str) -> str | None:
    """The text of the first child named ``name`` (any position), whitespace trimmed."""
    for child in element:
        if isinstance(child.tag, str) and localname(child.tag) == name:
            return (child.text or "").strip()
    return None
