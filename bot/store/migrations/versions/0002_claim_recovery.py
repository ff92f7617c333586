"""Claim recovery and form origins (issue #10).

- ``confirmations.claimed_at``: when Confirm won the claim, so a claim still running long after
  it (its process was killed) is settled from Mplus;
- ``confirmations.before``: the order just before the SOAP write; NULL means no write was sent;
- ``form_origins``: the channel and person each modal was opened for, kept server-side.

Revision ID: 0002_claim_recovery
Revises: 0001_baseline
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_claim_recovery"
down_revision: str | Sequence[str] | None = "0001_baseline"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("confirmations") as batch:
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("before", sa.JSON(), nullable=True))
    op.create_table(
        "form_origins",
        sa.Column("view_id", sa.String(length=64), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("view_id"),
    )
    op.create_index("ix_form_origins_opened_at", "form_origins", ["opened_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_form_origins_opened_at", table_name="form_origins")
    op.drop_table("form_origins")
    with op.batch_alter_table("confirmations") as batch:
        batch.drop_column("before")
        batch.drop_column("claimed_at")
