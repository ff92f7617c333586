"""The App Home's order facts: delivery date, paid / delivered / cancelled times per order.

Revision ID: 0003_overview
Revises: 0002_mirror
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_overview"
down_revision: str | Sequence[str] | None = "0002_mirror"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "overview_order_facts"
TIMES = ("paid_at", "delivered_at", "cancelled_at")


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("delivery_date", sa.Date(), nullable=True),
        *(sa.Column(name, sa.DateTime(timezone=True), nullable=True) for name in TIMES),
        sa.PrimaryKeyConstraint("order_id"),
    )
    for name in ("delivery_date", *TIMES):
        op.create_index(f"ix_{TABLE}_{name}", TABLE, [name])


def downgrade() -> None:
    for name in ("delivery_date", *TIMES):
        op.drop_index(f"ix_{TABLE}_{name}", table_name=TABLE)
    op.drop_table(TABLE)
