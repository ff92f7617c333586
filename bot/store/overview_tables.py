"""What the App Home needs beyond the mirror's order summary: when things happened.

Mplus gives an order's delivery date and its payments' timestamps, but not when it was delivered
or cancelled, so those are the moment the mirror first saw the change (within one sync interval).
Kept by ``bot.mirror.overview_facts`` in the same transaction as the mirror's own rows.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, String, and_, literal_column
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.db import Base, UtcDateTime
from bot.store.mirror_tables import MirrorOrderRow

CANCELLED = "ORDER-CANCEL-STATE-COMPLETE"
DELIVERED = "ORDER-DELIVERY-STATE-COMPLETE"


class OrderFactsRow(Base):
    __tablename__ = "overview_order_facts"

    order_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    delivery_date: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, index=True)
    """The latest payment's entry time, as Mplus has it."""
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, index=True)
    """When the mirror first saw the order completely delivered."""
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, index=True)
    """When the mirror first saw the order cancelled."""


# The App Home's "needs action" lists, as partial indexes on the mirror's orders: each holds only the
# few orders of its kind, oldest first, so counting them and reading the top rows never scans the
# hundreds of thousands of finished orders. Declared here (not in mirror_tables) because they serve
# the overview; the WHERE clauses must stay word for word what ``bot.mirror.overview_queries`` asks.
_o = MirrorOrderRow


def _partial(name: str, where: object) -> Index:
    return Index(name, _o.financial_date, _o.year, _o.number, sqlite_where=where, postgresql_where=where)


# Constants as literals, not bound parameters: SQLite uses a partial index only when the query's
# terms are textually the index's (a "?" never matches).
_DELIVERED, _CANCELLED, _ZERO = (
    literal_column(f"'{DELIVERED}'"),
    literal_column(f"'{CANCELLED}'"),
    literal_column("0"),
)
DELIVERED_UNPAID_WHERE = and_(
    _o.delivery_state == _DELIVERED, _o.outstanding_cents > _ZERO, _o.cancel_state != _CANCELLED
)
PREPAID_UNDELIVERED_WHERE = and_(
    _o.prepaid_cents > _ZERO, _o.delivery_state != _DELIVERED, _o.cancel_state != _CANCELLED
)
OPEN_WHERE = _o.is_open.is_(True)

_partial("ix_overview_delivered_unpaid", DELIVERED_UNPAID_WHERE)
_partial("ix_overview_prepaid_undelivered", PREPAID_UNDELIVERED_WHERE)
_partial("ix_overview_open", OPEN_WHERE)
