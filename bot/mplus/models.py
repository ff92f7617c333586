"""Pydantic models for what crosses the Mplus boundary.

Orders (and their lines and payments) read from Mplus are built by ``order_xml`` straight from the
SOAP XML, every value typed and checked there, so a 5,000-order page is not validated twice; built
from dicts (tests, fixtures, camelCase Mplus shapes) they validate as usual. The other models take
the camelCase dicts of ``wire.element_to_dict`` through their aliases.
Money is integer cents everywhere; quantities are ``Quantity`` (integer + decimal places).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel, to_snake

from bot.mplus.money import Quantity

MPLUS_TZ = ZoneInfo("Europe/Amsterdam")


def xsd_bool(value: Any) -> Any:
    """xsd:boolean as the schema allows it: ``true``/``false``/``1``/``0``, surrounding whitespace ignored."""
    if isinstance(value, str):
        text = value.strip()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise ValueError(f"{value!r} is not an xsd:boolean (true, false, 1 or 0)")
    return value


XsdBool = Annotated[bool, BeforeValidator(xsd_bool)]


def _items(value: Any, item_key: str) -> list[Any]:
    """``None``, a bare list, or Mplus's wrapper ``{item_key: [...] | {...}}`` as a list."""
    if isinstance(value, dict):
        value = value.get(item_key)
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def _date_of(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    day, mon, year = (int(value.get(k) or 0) for k in ("day", "mon", "year"))
    return date(year, mon, day) if day and mon and year else None


def _datetime_of(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    parts = {k: int(value.get(k) or 0) for k in ("sec", "min", "hour", "day", "mon", "year")}
    if not (parts["day"] and parts["mon"] and parts["year"]):
        return None
    return datetime(
        parts["year"], parts["mon"], parts["day"], parts["hour"], parts["min"], parts["sec"], tzinfo=MPLUS_TZ
    )


def _line_of(line: dict[str, Any]) -> dict[str, Any]:
    data = line.get("data") or {}
    shaped = {to_snake(k): v for k, v in line.items() if k != "data" and v is not None}
    shaped["quantity"] = {
        "quantity": int(data.get("quantity") or 0),
        "decimal_places": int(data.get("decimalPlaces") or 0),
    }
    for key in ("price", "totalInclAmount", "totalExclAmount", "vatPercentage"):
        if data.get(key) is not None:
            shaped[to_snake(key)] = data[key]
    return shaped


_ORDER_SPECIAL = {
    "lineList": ("lines", lambda v: [_line_of(x) for x in _items(v, "line")]),
    "paymentList": (
        "payments",
        lambda v: [
            {
                to_snake(k): (
                    _date_of(x) if k == "financialDate" else _datetime_of(x) if k == "entryTimestamp" else x
                )
                for k, x in p.items()
            }
            for p in _items(v, "payment")
        ],
    ),
    "invoiceIds": ("invoice_ids", lambda v: _items(v, "id")),
    "packingSlipIds": ("packing_slip_ids", lambda v: _items(v, "id")),
    "financialDate": ("financial_date", _date_of),
    "deliveryDate": ("delivery_date", _date_of),
    "entryTimestamp": ("entry_timestamp", _datetime_of),
}


def order_fields_from_mplus(value: dict[str, Any]) -> dict[str, Any]:
    """An order as zeep (``serialize_object``) or a hand-written Mplus-style dict gives it, in the
    model's own shape. The client's XML path (``order_xml``) builds ``Order`` instances directly."""
    shaped: dict[str, Any] = {}
    for key, item in value.items():
        if item is None:
            continue
        special = _ORDER_SPECIAL.get(key)
        if special is not None:
            shaped[special[0]] = special[1](item)
        else:
            shaped[to_snake(key)] = item
    return shaped


class MplusModel(BaseModel):
    # extra="ignore" is the model-level half of strict=False: newer server fields must not break us.
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True)


class DeliveryState(StrEnum):
    NOTHING = "ORDER-DELIVERY-STATE-NOTHING"
    PARTIAL = "ORDER-DELIVERY-STATE-PARTIAL"
    COMPLETE = "ORDER-DELIVERY-STATE-COMPLETE"


class CancelState(StrEnum):
    NOTHING = "ORDER-CANCEL-STATE-NOTHING"
    PARTIAL = "ORDER-CANCEL-STATE-PARTIAL"
    COMPLETE = "ORDER-CANCEL-STATE-COMPLETE"


class CompleteState(StrEnum):
    NOTHING = "ORDER-COMPLETE-STATE-NOTHING"
    PARTIAL = "ORDER-COMPLETE-STATE-PARTIAL"
    PARTIAL_DELIVERY_PENDING = "ORDER-COMPLETE-STATE-PARTIAL-DELIVERY-PENDING"
    COMPLETE = "ORDER-COMPLETE-STATE-COMPLETE"


class YearNumber(MplusModel):
    year: int = 0
    number: int = 0

    def __str__(self) -> str:
        return f"{self.year}-{self.number}"


class Address(MplusModel):
    name: str | None = None
    contact: str | None = None
    address: str | None = None
    zipcode: str | None = None
    city: str | None = None
    country: str | None = None
    company_name: str | None = None


class OrderLine(MplusModel):
    line_id: str | None = None
    article_number: int
    text: str = ""
    quantity: Quantity
    price: int = 0
    """Unit price in cents, VAT-inclusive under VAT-METHOD-INCLUSIVE."""
    total_incl_amount: int = 0
    total_excl_amount: int = 0
    vat_percentage: int | None = None


class Payment(MplusModel):
    payment_id: str | None = None
    financial_date: date | None = None
    entry_timestamp: datetime | None = None
    method: str = ""
    description: str | None = None
    amount: int = 0


class Order(MplusModel):
    order_id: str
    ext_order_id: str = ""
    invoice_ids: list[str] = Field(default_factory=list)
    sync_marker: int | None = None
    order_type: str | None = None
    entry_branch_number: int | None = None
    employee_number: int | None = None
    entry_timestamp: datetime | None = None
    relation_number: int | None = None
    relation_name: str = ""
    delivery_address: Address | None = None
    invoice_address: Address | None = None
    financial_date: date | None = None
    financial_branch_number: int | None = None
    reference: str = ""
    total_incl_amount: int = 0
    total_excl_amount: int = 0
    vat_method: str | None = None
    delivery_method: str | None = None
    delivery_date: date | None = None
    payment_method: str | None = None
    change_counter: int | None = None
    version_number: int | None = None
    prepaid_amount: int = 0
    fully_paid: XsdBool = False
    delivery_state: DeliveryState | str = DeliveryState.NOTHING
    cancel_state: CancelState | str = CancelState.NOTHING
    complete_state: CompleteState | str = CompleteState.NOTHING
    order_number: YearNumber | None = None
    order_category_number: int | None = None
    order_category_description: str | None = None
    lines: list[OrderLine] = Field(default_factory=list)
    payments: list[Payment] = Field(default_factory=list)
    packing_slip_ids: list[str] = Field(default_factory=list)
    order_string: str | None = None
    """Not an Order element in Mplus; filled from createOrder's info when known."""

    @model_validator(mode="before")
    @classmethod
    def _from_mplus_shape(cls, value: Any) -> Any:
        # One key lookup on the fast path; camelCase input (zeep, tests, fixtures) is reshaped once.
        if isinstance(value, dict) and "orderId" in value:
            return order_fields_from_mplus(value)
        return value

    @property
    def number(self) -> str:
        """The human order number, ``2026-42``; falls back to the internal id."""
        if self.order_number and self.order_number.year:
            return str(self.order_number)
        return self.order_id

    @property
    def is_cancelled(self) -> bool:
        return self.cancel_state == CancelState.COMPLETE

    @property
    def is_delivered(self) -> bool:
        return self.delivery_state == DeliveryState.COMPLETE

    @property
    def is_invoiced(self) -> bool:
        return bool(self.invoice_ids)

    @property
    def outstanding_cents(self) -> int:
        if self.fully_paid or self.is_cancelled:
            return 0
        return max(self.total_incl_amount - self.prepaid_amount, 0)


class CreatedOrder(MplusModel):
    order_id: str
    order_string: str = ""
    order_queued: XsdBool = False
    recovered: bool = False
    """True when the create call's answer was lost and findOrder proved that it landed."""


class UpdateResult(StrEnum):
    OK = "UPDATE-ORDER-RESULT-OK"
    NO_CHANGES = "UPDATE-ORDER-RESULT-NO-CHANGES"


class CancelOutcome(MplusModel):
    result: str
    message: str = ""
    pending: bool = False
    recovered: bool = False


class PayOutcome(MplusModel):
    invoice_id: str | None = None
    packing_slip_id: str | None = None
    """Set after a full payment: the packing slip it created, read back from the order."""
    recovered: bool = False


class DeliverOutcome(MplusModel):
    packing_slip_id: str | None = None
    invoice_id: str | None = None
    recovered: bool = False


class DeliveryMethod(MplusModel):
    delivery_method: str
    description: str = ""
    button_text: str = ""
    enabled: XsdBool = True

    @property
    def code(self) -> str:
        return self.delivery_method


class OrderCategory(MplusModel):
    order_category_number: int
    order_category_description: str = ""
    allow_cancel: XsdBool = True
    allow_process: XsdBool = True

    @property
    def number(self) -> int:
        return self.order_category_number

    @property
    def description(self) -> str:
        return self.order_category_description


class PaymentMethod(MplusModel):
    method: str
    description: str = ""
    button_text: str = ""
    allow_negative_amount: XsdBool = False
    active: XsdBool = True
    type: str | None = None


class Relation(MplusModel):
    relation_number: int
    ext_relation_id: str | None = None
    sync_marker: int | None = None
    active: XsdBool | None = None
    name: str = ""
    address: str | None = None
    zipcode: str | None = None
    city: str | None = None
    country: str | None = None
    contact: str | None = None
    telephone: str | None = None
    mobile: str | None = None
    email: str | None = None
    relation_code: str | None = None
    company_name: str | None = None


class ApiVersion(MplusModel):
    major_number: int
    minor_number: int
    revision_number: int
    in_debug_mode: XsdBool = False
    service_version_display_string: str | None = None

    def __str__(self) -> str:
        return f"{self.major_number}.{self.minor_number}.{self.revision_number}"


class SyncMarkers(MplusModel):
    order_sync_marker: int = 0
    relation_sync_marker: int = 0
    article_sync_marker: int = 0
    invoice_sync_marker: int = 0
    receipt_sync_marker: int = 0
    employee_sync_marker: int = 0


# Requests the bot sends. Plain snake_case models; ``wire`` turns them into Mplus dicts.


class OrderQuery(BaseModel):
    model_config = ConfigDict(frozen=True)

    sync_marker: int | None = None
    sync_marker_limit: int | None = None
    from_financial_date: date | None = None
    through_financial_date: date | None = None
    branch_numbers: tuple[int, ...] = ()
    relation_numbers: tuple[int, ...] = ()
    order_ids: tuple[str, ...] = ()
    order_numbers: tuple[YearNumber, ...] = ()
    include_lines: bool = True


class NewOrderLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    article_number: int
    quantity: Quantity
    price_cents: int | None = None
    """None lets Mplus take the article's catalogue price."""
    text: str | None = None


class NewOrder(BaseModel):
    model_config = ConfigDict(frozen=True)

    ext_order_id: str
    relation_number: int
    lines: tuple[NewOrderLine, ...]
    delivery_method: str | None = None
    delivery_date: date | None = None
    order_category_number: int | None = None
    reference: str = ""
    branch_number: int | None = None
    financial_date: date | None = None


class OrderChange(NewOrder):
    """A full order sent back with updateOrder; the lock fields guard against lost updates."""

    order_id: str
    change_counter: int | None = None
    version_number: int | None = None


class PaymentInput(BaseModel):
    model_config = ConfigDict(frozen=True)

    method: str
    amount_cents: int


class RelationQuery(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str | None = None
    ext_relation_id: str | None = None
    email: str | None = None
    city: str | None = None
    zipcode: str | None = None
    telephone: str | None = None


class NewRelation(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    company_name: str | None = None
    contact: str | None = None
    mobile: str | None = None
    address: str | None = None
    zipcode: str | None = None
    city: str | None = None
    country: str | None = None
    email: str | None = None
    telephone: str | None = None
    relation_number: int | None = None
