"""The App Home's order facts: when orders were paid / delivered / cancelled, and which need action.

Revision ID: 0004_overview
Revises: 0003_mirror
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_overview"
down_revision: str | Sequence[str] | None = "0003_mirror"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "overview_order_facts"
TIMES = ("paid_at", "delivered_at", "cancelled_at")
NEEDS = ("delivered_unpaid_on", "awaiting_delivery_on", "open_since")


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("sync_marker", sa.BigInteger(), nullable=False),
        sa.Column("delivery_date", sa.Date(), nullable=True),
        *(sa.Column(name, sa.DateTime(timezone=True), nullable=True) for name in TIMES),
        *(sa.Column(name, sa.Date(), nullable=True) for name in NEEDS),
        sa.ForeignKeyConstraint(["order_id"], ["mirror_orders.order_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("order_id"),
    )
    for name in (*TIMES, *NEEDS):
        op.create_index(f"ix_{TABLE}_{name}", TABLE, [name])
    # Orders mirrored before this revision get their facts on their next change, or at once with
    # `orderbot mirror rebuild`; until then the App Home lists only what it knows.


def downgrade() -> None:
    for name in (*TIMES, *NEEDS):
        op.drop_index(f"ix_{TABLE}_{name}", table_name=TABLE)
    op.drop_table(TABLE)
