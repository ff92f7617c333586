"""What the mirror hands out: small frozen models, never ORM rows."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, from_attributes=True)


class MirrorOrder(_Model):
    """An order's summary as the mirror last saw it (for finding and listing, never for writes)."""

    order_id: str
    year: int = 0
    number: int = 0
    ext_order_id: str = ""
    relation_number: int | None = None
    relation_name: str = ""
    reference: str = ""
    financial_date: date | None = None
    entry_at: datetime | None = None
    branch: int | None = None
    total_cents: int = 0
    prepaid_cents: int = 0
    outstanding_cents: int = 0
    fully_paid: bool = False
    delivery_state: str = ""
    cancel_state: str = ""
    complete_state: str = ""
    is_open: bool = True
    delivery_method: str | None = None
    category_number: int | None = None
    sync_marker: int = 0

    @property
    def label(self) -> str:
        """The human order number, ``2026-42`` (the id when Mplus gave no number)."""
        return f"{self.year}-{self.number}" if self.year else self.order_id

    @property
    def is_cancelled(self) -> bool:
        return self.cancel_state == "ORDER-CANCEL-STATE-COMPLETE"

    @property
    def is_delivered(self) -> bool:
        return self.delivery_state == "ORDER-DELIVERY-STATE-COMPLETE"


class MirrorRelation(_Model):
    relation_number: int
    name: str = ""
    company_name: str | None = None
    contact: str | None = None
    email: str | None = None
    telephone: str | None = None
    mobile: str | None = None
    phone_digits: str = ""
    """National digits of telephone and mobile, space separated ("0612345678 0201234567")."""
    address: str | None = None
    zipcode: str | None = None
    city: str | None = None
    country: str | None = None


class MirrorArticle(_Model):
    article_number: int
    product_number: int | None = None
    description: str = ""
    plu: str | None = None
    barcodes: list[str] = Field(default_factory=list)
    price_cents: int | None = None
    """Catalogue price incl. VAT, cents."""


class OrderFilters(_Model):
    """What a list asks for; every field narrows (AND). Empty filters: every mirrored order."""

    open: bool = False
    """Neither complete nor cancelled."""
    unpaid: bool = False
    """Outstanding > 0 and not cancelled."""
    undelivered: bool = False
    """Not completely delivered and not cancelled."""
    cancelled: bool = False
    customer: str | None = None
    """Free text over the relation (name, company, contact, e-mail, phone, postcode, city) and reference."""
    article: str | None = None
    """Free text over the article catalogue (name, number, PLU, barcode): orders holding any match."""
    start: date | None = None
    """Financial date from (inclusive)."""
    end: date | None = None
    """Financial date through (inclusive)."""
    branch: int | None = None
    relation: int | None = None


class OrderCursor(_Model):
    """A keyset position in a list (newest first): the row to continue after or before."""

    year: int
    number: int
    id: int
    before: bool = False
    """True: the page *before* this row (Previous); False: the page after it (Next)."""


class OrderPage(_Model):
    orders: list[MirrorOrder]
    next: OrderCursor | None = None
    """Continue with this for the next (older) page; None on the last page."""
    previous: OrderCursor | None = None
    """Continue with this for the previous (newer) page; None on the first page."""


class StreamStatus(_Model):
    stream: str
    next_marker: int
    top_marker: int | None = None
    initial_done: bool = False
    items_written: int = 0
    last_pass_at: datetime | None = None
    last_error: str | None = None

    @property
    def behind(self) -> int | None:
        """Changes in Mplus the mirror has not read yet, as of the last look at the top marker."""
        if self.top_marker is None:
            return None
        return max(self.top_marker + 1 - self.next_marker, 0)
