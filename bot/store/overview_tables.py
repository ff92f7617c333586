"""What the App Home needs beyond the mirror's order summary: when things happened, and which
orders need action, each as an indexed column so a list is one index range however big the mirror.

Mplus gives an order's delivery date and its payments' timestamps, but not when it was delivered
or cancelled, so those are the moment the mirror first saw the change (within one sync interval).
Kept by ``bot.mirror.overview_facts`` in the same transaction as the mirror's own rows; a row goes
with its mirrored order (ON DELETE CASCADE), so a wiped or forgotten order leaves nothing behind.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.db import Base, UtcDateTime
from bot.store.mirror_tables import ORDERS


class OrderFactsRow(Base):
    __tablename__ = "overview_order_facts"

    order_id: Mapped[str] = mapped_column(
        String(64), ForeignKey(f"{ORDERS}.order_id", ondelete="CASCADE"), primary_key=True
    )
    sync_marker: Mapped[int] = mapped_column(BigInteger, default=0)
    """The order version these facts describe; an older page never overwrites a newer one."""
    delivery_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, index=True)
    """The latest payment's entry time, as Mplus has it."""
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, index=True)
    """When the mirror first saw the order completely delivered."""
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, index=True)
    """When the mirror first saw the order cancelled."""
    # "Needs action": set (to the date the list sorts by) only while the order is of that kind.
    delivered_unpaid_on: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    """Financial date, while delivered, money outstanding and not cancelled."""
    awaiting_delivery_on: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    """Delivery date, while something is prepaid, not delivered and not cancelled."""
    open_since: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    """Financial date, while the order is open (neither complete nor cancelled)."""
