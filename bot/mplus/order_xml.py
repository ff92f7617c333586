"""Orders straight from the SOAP XML into ``models.Order`` instances, one ``<order>`` at a time.

The shapers read every element by name (unknown and reordered elements change nothing), convert
each value to the model's type on the way — ints, xsd:booleans, dates, Amsterdam timestamps — and
raise ``ProtocolError`` naming the element whose text is not valid. Because every value is already
checked and typed here, the models are then built directly (``_Construct``, what pydantic's
``model_construct`` does, minus its per-field Python loop): re-validating 5,000 orders in
pydantic-core cost as much as parsing them. Required fields and the Quantity bounds that pydantic
would have checked are checked here instead.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from lxml import etree
from pydantic import BaseModel
from pydantic.alias_generators import to_camel, to_snake

from bot.mplus.errors import ProtocolError
from bot.mplus.models import MPLUS_TZ, Address, Order, OrderLine, Payment, YearNumber, xsd_bool
from bot.mplus.money import MAX_QUANTITY_DECIMALS, Quantity
from bot.mplus.wire import localname, q

_LONG = 2**63


class _Construct:
    """Builds a pydantic model from values already of the right types, without re-validating them."""

    def __init__(self, cls: type[BaseModel]) -> None:
        fields = cls.model_fields
        self.cls = cls
        self.defaults = {
            name: f.default for name, f in fields.items() if not f.is_required() and f.default_factory is None
        }
        self.factories = tuple((n, f.default_factory) for n, f in fields.items() if f.default_factory)
        self.required = tuple(name for name, f in fields.items() if f.is_required())

    def __call__(self, values: dict[str, Any], element: etree._Element) -> Any:
        for name in self.required:
            if name not in values:
                raise ProtocolError(f"<{localname(element.tag)}> has no <{to_camel(name)}>")
        data = self.defaults.copy()
        for name, factory in self.factories:
            data[name] = factory()  # type: ignore[call-arg]
        data.update(values)
        model = object.__new__(self.cls)
        object.__setattr__(model, "__dict__", data)
        object.__setattr__(model, "__pydantic_fields_set__", set(values))
        object.__setattr__(model, "__pydantic_extra__", None)
        object.__setattr__(model, "__pydantic_private__", None)
        return model


_new_order = _Construct(Order)
_new_line = _Construct(OrderLine)
_new_payment = _Construct(Payment)
_new_address = _Construct(Address)
_new_year_number = _Construct(YearNumber)
_new_quantity = _Construct(Quantity)


# --- orders straight from XML into the models' own shape ---------------------------------------
# Tables are keyed by the qualified tag so the per-element work is one dict lookup.


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
    for child in element.iterchildren(*_DATE_PARTS):  # filtered in C: no proxy for isdst/timezone
        name = _DATE_PARTS.get(child.tag)
        text = child.text  # each .text builds a new str in lxml: read it once
        if name is not None and text:
            try:
                parts[name] = int(text)
            except ValueError as err:
                raise _invalid(child, text, err) from None
    return parts


def _date(element: etree._Element) -> date | None:
    # [P] reads 0/0/0 as "no date"; so do we.
    parts = _child_ints(element)
    if not (parts.get("day") and parts.get("mon") and parts.get("year")):
        return None
    try:
        return date(parts["year"], parts["mon"], parts["day"])
    except (ValueError, OverflowError) as err:  # a day of 2**31 overflows before it is out of range
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
    except (ValueError, OverflowError) as err:
        raise ProtocolError(f"<{localname(element.tag)}> is not a date and time ({err})") from None


def _ids(element: etree._Element) -> list[str]:
    return [c.text for c in element if c.text and isinstance(c.tag, str)]


_ADDRESS_FIELDS = frozenset(Address.model_fields)


def _address(element: etree._Element) -> Address:
    values = {}
    for child in element:
        text = child.text
        if isinstance(child.tag, str) and text:
            name = to_snake(localname(child.tag))
            if name in _ADDRESS_FIELDS:
                values[name] = text
    return _new_address(values, element)


def _year_number(element: etree._Element) -> YearNumber:
    parts = _child_ints(element)
    return _new_year_number({k: v for k, v in parts.items() if k in ("year", "number")}, element)


_Scalar = tuple[str, Callable[[str], Any]]


def _code(text: str) -> str:
    # Codes repeat on every order of a page (states, methods): one string object each, not 5,000.
    return sys.intern(text)


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
_LINE_DATA_TAGS = (_QUANTITY, _DECIMALS, *_LINE_DATA)


def _line(element: etree._Element) -> OrderLine:
    line: dict[str, Any] = {}
    for child in element:
        tag = child.tag
        if tag == _DATA:
            quantity, places = 0, 0
            for field in child.iterchildren(*_LINE_DATA_TAGS):  # 6 of Mplus's 13+ data fields
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
            if not 0 <= places <= MAX_QUANTITY_DECIMALS or not -_LONG <= quantity < _LONG:
                raise ProtocolError(
                    f"<quantity> {quantity} with <decimalPlaces> {places} is outside what Mplus allows"
                )
            line["quantity"] = _new_quantity({"quantity": quantity, "decimal_places": places}, child)
            continue
        spec = _LINE_SCALARS.get(tag)
        text = child.text
        if spec is not None and text:
            try:
                line[spec[0]] = spec[1](text)
            except ValueError as err:
                raise _invalid(child, text, err) from None
    return _new_line(line, element)


_PAYMENT_SCALARS = _table(
    {
        "paymentId": ("payment_id", str),
        "method": ("method", _code),
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
            text = child.text
            if text:
                try:
                    shaped[spec[0]] = spec[1](text)
                except ValueError as err:
                    raise _invalid(child, text, err) from None
            continue
        build = complexes.get(tag)
        if build is not None:
            shaped[build[0]] = build[1](child)
    return shaped


def _payment(element: etree._Element) -> Payment:
    return _new_payment(_shape(element, _PAYMENT_SCALARS, _PAYMENT_COMPLEX), element)


_ORDER_SCALARS = _table(
    {
        "orderId": ("order_id", str),
        "extOrderId": ("ext_order_id", str),
        "syncMarker": ("sync_marker", int),
        "orderType": ("order_type", _code),
        "entryBranchNumber": ("entry_branch_number", int),
        "employeeNumber": ("employee_number", int),
        "relationNumber": ("relation_number", int),
        "relationName": ("relation_name", str),
        "financialBranchNumber": ("financial_branch_number", int),
        "reference": ("reference", str),
        "totalInclAmount": ("total_incl_amount", int),
        "totalExclAmount": ("total_excl_amount", int),
        "vatMethod": ("vat_method", _code),
        "deliveryMethod": ("delivery_method", _code),
        "paymentMethod": ("payment_method", _code),
        "changeCounter": ("change_counter", int),
        "versionNumber": ("version_number", int),
        "prepaidAmount": ("prepaid_amount", int),
        "fullyPaid": ("fully_paid", _bool),
        "deliveryState": ("delivery_state", _code),
        "cancelState": ("cancel_state", _code),
        "completeState": ("complete_state", _code),
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
    _q("orderNumber"): ("order_number", _year_number),
    _q("deliveryAddress"): ("delivery_address", _address),
    _q("invoiceAddress"): ("invoice_address", _address),
    _q("lineList"): ("lines", lambda e: [_line(c) for c in e if c.tag == _LINE]),
    _q("paymentList"): ("payments", lambda e: [_payment(c) for c in e if c.tag == _PAYMENT]),
}


def order(element: etree._Element) -> Order:
    """An ``<order>`` element as an ``Order``.

    Unknown elements are skipped (newer servers may add fields); elements are read by name, so
    their order does not matter either.
    """
    return _new_order(_shape(element, _ORDER_SCALARS, _ORDER_COMPLEX), element)
