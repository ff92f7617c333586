"""Internal state of the emulator (pydantic, so a whole state round-trips through JSON for --state)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field, PrivateAttr

DELIVERY_NOTHING = "ORDER-DELIVERY-STATE-NOTHING"
DELIVERY_COMPLETE = "ORDER-DELIVERY-STATE-COMPLETE"
CANCEL_NOTHING = "ORDER-CANCEL-STATE-NOTHING"
CANCEL_COMPLETE = "ORDER-CANCEL-STATE-COMPLETE"
COMPLETE_NOTHING = "ORDER-COMPLETE-STATE-NOTHING"
COMPLETE_COMPLETE = "ORDER-COMPLETE-STATE-COMPLETE"
SALES_ORDER = "ORDER-TYPE-SALES-ORDER"
DEFAULT_ORDER_TYPES = (
    "ORDER-TYPE-SALES-ORDER", "ORDER-TYPE-REPEAT-SALES-ORDER", "ORDER-TYPE-EXTERNAL-SALES-ORDER",
)
VAT_INCLUSIVE = "VAT-METHOD-INCLUSIVE"


class Branch(BaseModel):
    number: int
    name: str


class Article(BaseModel):
    number: int
    text: str
    price: int  # cents, VAT included
    vat_code: int
    vat_percentage: int
    turnover_group: int
    # getProducts fields. product_number 0 means "a product of its own, numbered like the article".
    product_number: int = 0
    plu: str = ""
    barcodes: list[str] = Field(default_factory=list)
    active: bool = True
    sync_marker: int = 0
    create_timestamp: datetime | None = None
    change_timestamp: datetime | None = None

    @property
    def product(self) -> int:
        return self.product_number or self.number


class DeliveryMethod(BaseModel):
    code: str
    description: str
    button_text: str
    enabled: bool = True


class OrderCategory(BaseModel):
    number: int
    description: str
    allow_cancel: bool = True
    allow_process: bool = True


class PaymentMethod(BaseModel):
    method: str
    description: str
    button_text: str
    allow_negative_amount: bool = False
    active: bool = True
    type: str = "PAYMENT-METHOD-TYPE-PAYMENT"


class Catalogue(BaseModel):
    branches: list[Branch]
    articles: list[Article]
    delivery_methods: list[DeliveryMethod]
    order_categories: list[OrderCategory]
    payment_methods: list[PaymentMethod]
    default_branch: int = 1
    # Index by number: generated catalogues hold 50 000 articles and every order line looks one up.
    # Articles are only ever appended or edited in place, so a length check keeps the index honest.
    _by_number: dict[int, Article] = PrivateAttr(default_factory=dict)

    def article(self, number: int) -> Article | None:
        if len(self._by_number) != len(self.articles):
            self._by_number = {a.number: a for a in self.articles}
        return self._by_number.get(number)

    def __eq__(self, other: object) -> bool:
        # The index is a cache, not state: two catalogues with the same fields are equal.
        return isinstance(other, Catalogue) and self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]

    def branch(self, number: int) -> Branch | None:
        return next((b for b in self.branches if b.number == number), None)

    def delivery_method(self, code: str) -> DeliveryMethod | None:
        return next((d for d in self.delivery_methods if d.code == code), None)

    def category(self, number: int) -> OrderCategory | None:
        return next((c for c in self.order_categories if c.number == number), None)

    def payment_method(self, method: str) -> PaymentMethod | None:
        return next((p for p in self.payment_methods if p.method == method), None)


class Relation(BaseModel):
    relation_number: int
    sync_marker: int = 0
    create_timestamp: datetime
    change_timestamp: datetime
    active: bool = True
    birth_date: date | None = None
    category_id: int | None = None
    # Free-text fields keyed by their SOAP element name; see relations.TEXT_FIELDS.
    texts: dict[str, str] = Field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.texts.get("name", "")


class Line(BaseModel):
    line_id: str
    article_number: int
    text: str
    quantity: int
    decimal_places: int = 0
    price: int
    price_excl: int
    vat_code: int
    vat_percentage: int
    turnover_group: int
    total_incl: int
    total_excl: int


class Payment(BaseModel):
    payment_id: str
    financial_date: date
    entry_timestamp: datetime
    branch_number: int
    method: str
    description: str = ""
    amount: int
    payment_method_type: str = "PAYMENT-METHOD-TYPE-PAYMENT"
    external_payment_id: str = ""
    external_reference: str = ""


class Order(BaseModel):
    order_id: str
    ext_order_id: str
    sync_marker: int
    order_type: str = SALES_ORDER
    entry_branch_number: int
    employee_number: int = 0
    entry_timestamp: datetime
    relation_number: int
    financial_date: date
    financial_branch_number: int
    reference: str = ""
    total_incl: int = 0
    total_excl: int = 0
    delivery_method: str = ""
    delivery_date: date | None = None
    change_counter: int = 0
    version_number: int = 1
    prepaid_amount: int = 0
    fully_paid: bool = False
    delivery_state: str = DELIVERY_NOTHING
    cancel_state: str = CANCEL_NOTHING
    complete_state: str = COMPLETE_NOTHING
    order_year: int
    order_number: int
    order_category_number: int | None = None
    lines: list[Line] = Field(default_factory=list)
    payments: list[Payment] = Field(default_factory=list)
    invoice_ids: list[str] = Field(default_factory=list)
    packing_slip_ids: list[str] = Field(default_factory=list)

    @property
    def order_string(self) -> str:
        return f"{self.order_year}{self.order_number:06d}"

    @property
    def cancelled(self) -> bool:
        return self.cancel_state == CANCEL_COMPLETE

    @property
    def delivered(self) -> bool:
        return self.delivery_state == DELIVERY_COMPLETE

    @property
    def invoiced(self) -> bool:
        return bool(self.invoice_ids)


class State(BaseModel):
    """Everything that --state persists. Call log and faults are deliberately not part of it."""

    seed: str
    catalogue: Catalogue
    relations: dict[int, Relation] = Field(default_factory=dict)
    orders: dict[str, Order] = Field(default_factory=dict)
    ext_order_ids: dict[str, str] = Field(default_factory=dict)  # every ext id ever used → orderId
    order_seq: int = 0
    relation_seq: int = 0
    article_seq: int = 0
    invoice_seq: int = 0
    packing_slip_seq: int = 0
    order_numbers: dict[int, int] = Field(default_factory=dict)  # year → last number
