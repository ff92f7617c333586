"""Translation between the bot's request models and Mplus wire shapes.

Outgoing: models → the dicts zeep renders (camelCase, Mplus wrappers, SoapMplusDate structs).
Incoming: every answer is read from the raw XML by element name (``envelope`` parses it), never by
position, so elements a newer server inserts or reorders change nothing. Orders are shaped straight
into ``models.Order``'s own field names and types; other answers become camelCase dicts
(``element_to_dict``) that the models read through their aliases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import Any

from lxml import etree
from pydantic.alias_generators import to_snake

from bot.mplus.errors import ProtocolError
from bot.mplus.models import MPLUS_TZ, NewOrder, OrderChange, OrderQuery, PaymentInput, xsd_bool

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


# --- orders straight from XML into the models' own shape ---------------------------------------
# Tables are keyed by the qualified tag so the per-element work is one dict lookup.


def q(name: str) -> str:
    return f"{{{MPLUS_NS}}}{name}"


_q = q


def _bool(text: str) -> bool:
    value = xsd_bool(text)
    if not isinstance(value, bool):
        raise ValueError(f"{text!r} is not an xsd:boolean")
    return value


def _invalid(child: etree._Element, text: str, err: ValueError) -> ProtocolError:
    shown = text.strip()[:40]
    return ProtocolError(f"<{localname(child.tag)}> holds {shown!r}, which is not valid there ({err})")


_DATE_PARTS = {_q(name): name for name in ("sec", "min", "hour", "day", "mon", "year", "number")}


def _child_ints(element: etree._Element) -> dict[str, int]:
    """The integer parts of a date, time or year-number struct (isdst/timezone are ignored)."""
    parts = {}
    for child in element:
        name = _DATE_PARTS.get(child.tag)
        if name is not None and child.text:
            try:
                parts[name] = int(child.text)
            except ValueError as err:
                raise _invalid(child, child.text, err) from None
    return parts


def _date(element: etree._Element) -> date | None:
    # [P] reads 0/0/0 as "no date"; so do we.
    parts = _child_ints(element)
    if not (parts.get("day") and parts.get("mon") and parts.get("year")):
        return None
    try:
        return date(parts["year"], parts["mon"], parts["day"])
    except ValueError as err:
        raise ProtocolError(f"<{localname(element.tag)}> is not a date ({err})") from None


def _datetime(element: etree._Element) -> datetime | None:
    # Mplus sends Amsterdam wall-clock time; isdst/timezone are ignored by every known client.
    parts = _child_ints(element)
    if not (parts.get("day") and parts.get("mon") and parts.get("year")):
        return None
    try:
        return datetime(
            parts["year"],
            parts["mon"],
            parts["day"],
            parts.get("hour", 0),
            parts.get("min", 0),
            parts.get("sec", 0),
            tzinfo=MPLUS_TZ,
        )
    except ValueError as err:
        raise ProtocolError(f"<{localname(element.tag)}> is not a date and time ({err})") from None


def _ids(element: etree._Element) -> list[str]:
    return [c.text for c in element if c.text and isinstance(c.tag, str)]


def _strings(element: etree._Element) -> dict[str, str]:
    return {to_snake(localname(c.tag)): c.text for c in element if isinstance(c.tag, str) and c.text}


_Scalar = tuple[str, Callable[[str], Any]]


def _table(entries: dict[str, _Scalar]) -> dict[str, _Scalar]:
    return {_q(name): spec for name, spec in entries.items()}


_QUANTITY, _DECIMALS = _q("quantity"), _q("decimalPlaces")
_LINE_DATA = _table(
    {
        "price": ("price", int),
        "totalInclAmount": ("total_incl_amount", int),
        "totalExclAmount": ("total_excl_amount", int),
        "vatPercentage": ("vat_percentage", int),
    }
)
_LINE_SCALARS = _table(
    {"lineId": ("line_id", str), "articleNumber": ("article_number", int), "text": ("text", str)}
)
_DATA = _q("data")


def _line(element: etree._Element) -> dict[str, Any]:
    line: dict[str, Any] = {}
    for child in element:
        tag = child.tag
        if tag == _DATA:
            quantity, places = 0, 0
            for field in child:
                text = field.text
                if not text:
                    continue
                key = field.tag
                try:
                    if key == _QUANTITY:
                        quantity = int(text)
                    elif key == _DECIMALS:
                        places = int(text)
                    else:
                        spec = _LINE_DATA.get(key)
                        if spec is not None:
                            line[spec[0]] = spec[1](text)
                except ValueError as err:
                    raise _invalid(field, text, err) from None
            line["quantity"] = {"quantity": quantity, "decimal_places": places}
            continue
        spec = _LINE_SCALARS.get(tag)
        if spec is not None and child.text:
            try:
                line[spec[0]] = spec[1](child.text)
            except ValueError as err:
                raise _invalid(child, child.text, err) from None
    return line


_PAYMENT_SCALARS = _table(
    {
        "paymentId": ("payment_id", str),
        "method": ("method", str),
        "description": ("description", str),
        "amount": ("amount", int),
    }
)
_PAYMENT_COMPLEX = {
    _q("financialDate"): ("financial_date", _date),
    _q("entryTimestamp"): ("entry_timestamp", _datetime),
}


def _shape(element: etree._Element, scalars: dict[str, _Scalar], complexes: dict[str, Any]) -> dict[str, Any]:
    shaped: dict[str, Any] = {}
    for child in element:
        tag = child.tag
        spec = scalars.get(tag)
        if spec is not None:
            if child.text:
                try:
                    shaped[spec[0]] = spec[1](child.text)
                except ValueError as err:
                    raise _invalid(child, child.text, err) from None
            continue
        build = complexes.get(tag)
        if build is not None:
            shaped[build[0]] = build[1](child)
    return shaped


def _payment(element: etree._Element) -> dict[str, Any]:
    return _shape(element, _PAYMENT_SCALARS, _PAYMENT_COMPLEX)


_ORDER_SCALARS = _table(
    {
        "orderId": ("order_id", str),
        "extOrderId": ("ext_order_id", str),
        "syncMarker": ("sync_marker", int),
        "orderType": ("order_type", str),
        "entryBranchNumber": ("entry_branch_number", int),
        "employeeNumber": ("employee_number", int),
        "relationNumber": ("relation_number", int),
        "relationName": ("relation_name", str),
        "financialBranchNumber": ("financial_branch_number", int),
        "reference": ("reference", str),
        "totalInclAmount": ("total_incl_amount", int),
        "totalExclAmount": ("total_excl_amount", int),
        "vatMethod": ("vat_method", str),
        "deliveryMethod": ("delivery_method", str),
        "paymentMethod": ("payment_method", str),
        "changeCounter": ("change_counter", int),
        "versionNumber": ("version_number", int),
        "prepaidAmount": ("prepaid_amount", int),
        "fullyPaid": ("fully_paid", _bool),
        "deliveryState": ("delivery_state", str),
        "cancelState": ("cancel_state", str),
        "completeState": ("complete_state", str),
        "orderCategoryNumber": ("order_category_number", int),
        "orderCategoryDescription": ("order_category_description", str),
    }
)
_LINE = _q("line")
_PAYMENT = _q("payment")
_ORDER_COMPLEX: dict[str, tuple[str, Callable[[etree._Element], Any]]] = {
    _q("invoiceIds"): ("invoice_ids", _ids),
    _q("packingSlipIds"): ("packing_slip_ids", _ids),
    _q("entryTimestamp"): ("entry_timestamp", _datetime),
    _q("financialDate"): ("financial_date", _date),
    _q("deliveryDate"): ("delivery_date", _date),
    _q("orderNumber"): ("order_number", _child_ints),
    _q("deliveryAddress"): ("delivery_address", _strings),
    _q("invoiceAddress"): ("invoice_address", _strings),
    _q("lineList"): ("lines", lambda e: [_line(c) for c in e if c.tag == _LINE]),
    _q("paymentList"): ("payments", lambda e: [_payment(c) for c in e if c.tag == _PAYMENT]),
}


def shape_order(element: etree._Element) -> dict[str, Any]:
    """An ``<order>`` element as a dict in ``models.Order``'s own field names and types.

    Unknown elements are skipped (newer servers may add fields); elements are read by name, so
    their order does not matter either.
    """
    return _shape(element, _ORDER_SCALARS, _ORDER_COMPLEX)


def child_text(element: etree._Element, name: str) -> str | None:
    """The text of the first child named ``name`` (any position), whitespace trimmed."""
    for child in element:
        if isinstance(child.tag, str) and localname(child.tag) == name:
            return (child.text or "").strip()
    return None
