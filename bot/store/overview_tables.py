"""What the App Home needs beyond the mirror's order summary: when things happened.

Mplus gives an order's delivery date and its payments' timestamps, but not when it was delivered
or cancelled, so those are the moment the mirror first saw the change (within one sync interval).
Kept by ``bot.mirror.overview_facts`` in the same transaction as the mirror's own rows.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.db import Base, UtcDateTime


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
