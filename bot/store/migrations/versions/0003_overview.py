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
DELIVERED = "'ORDER-DELIVERY-STATE-COMPLETE'"
CANCELLED = "'ORDER-CANCEL-STATE-COMPLETE'"
# Partial indexes on the mirror's orders for the App Home's "needs action" lists (written out here,
# not imported from bot.store.overview_tables, so this revision never changes when model code does).
PARTIAL = {
    "ix_overview_delivered_unpaid": f"delivery_state = {DELIVERED} AND outstanding_cents > 0 "
    f"AND cancel_state != {CANCELLED}",
    "ix_overview_prepaid_undelivered": f"prepaid_cents > 0 AND delivery_state != {DELIVERED} "
    f"AND cancel_state != {CANCELLED}",
    "ix_overview_open": "is_open IS {true}",
}


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
    true = "1" if op.get_bind().dialect.name == "sqlite" else "true"
    for name, where in PARTIAL.items():
        clause = sa.text(where.format(true=true))
        op.create_index(
            name,
            "mirror_orders",
            ["financial_date", "year", "number"],
            sqlite_where=clause,
            postgresql_where=clause,
        )


def downgrade() -> None:
    for name in PARTIAL:
        op.drop_index(name, table_name="mirror_orders")
    for name in ("delivery_date", *TIMES):
        op.drop_index(f"ix_{TABLE}_{name}", table_name=TABLE)
    op.drop_table(TABLE)
