"""Baseline: the store exactly as ``create_all`` built it before migrations existed.

A database created by that older code is recognised by ``bot.store.schema`` and stamped with this
revision instead of being built again, so its data stays. Types are spelled out here (``UtcDateTime``
is a timezone-aware ``DateTime`` underneath) so this file never changes when model code does.

Revision ID: 0001_baseline
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_baseline"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", _utc(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=True),
        sa.Column("order_number", sa.String(length=32), nullable=True),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("result", sa.String(length=64), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("sync_marker_after", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"], unique=False)
    op.create_index("ix_audit_log_order_id", "audit_log", ["order_id"], unique=False)

    op.create_table(
        "confirmations",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("order_sync_marker", sa.BigInteger(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("expires_at", _utc(), nullable=False),
        sa.Column("finished_at", _utc(), nullable=True),
        sa.PrimaryKeyConstraint("token"),
    )
    op.create_index("ix_confirmations_order_id", "confirmations", ["order_id"], unique=False)

    op.create_table(
        "idempotency_keys",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )

    op.create_table(
        "leases",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=128), nullable=False),
        sa.Column("expires_at", _utc(), nullable=False),
        sa.Column("acquired_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )

    op.create_table(
        "notifier_cards",
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.Column("shown_marker", sa.BigInteger(), nullable=True),
        sa.Column("pending_kind", sa.String(length=8), nullable=True),
        sa.Column("pending_marker", sa.BigInteger(), nullable=True),
        sa.Column("pending_nonce", sa.String(length=40), nullable=True),
        sa.Column("pending_at", _utc(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("order_id", "channel_id"),
    )

    op.create_table(
        "notifier_digest_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("bucket", sa.String(length=160), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("sync_marker", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("bucket", "order_id", name="uq_digest_entry_bucket_order"),
    )
    op.create_index("ix_notifier_digest_entries_bucket", "notifier_digest_entries", ["bucket"], unique=False)

    op.create_table(
        "notifier_digests",
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("bucket", sa.String(length=160), nullable=False),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.Column("pending_nonce", sa.String(length=40), nullable=True),
        sa.Column("pending_at", _utc(), nullable=True),
        sa.Column("opened_at", _utc(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("upto_entry_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_notifier_digests_channel_id", "notifier_digests", ["channel_id"], unique=False)

    op.create_table(
        "notifier_snapshots",
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("sync_marker", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("order_id"),
    )

    op.create_table(
        "notifier_state",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("next_marker", sa.BigInteger(), nullable=False),
        sa.Column("baseline_at", _utc(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("last_pass_at", _utc(), nullable=True),
        sa.Column("last_ok_at", _utc(), nullable=True),
        sa.Column("last_holder", sa.String(length=128), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("mplus_failing_since", _utc(), nullable=True),
        sa.Column("outage_alerted", sa.Boolean(), nullable=False),
        sa.Column("changes_handled", sa.BigInteger(), nullable=False),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )

    op.create_table(
        "notifier_subscriptions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("filter_key", sa.String(length=200), nullable=False),
        sa.Column("branch", sa.Integer(), nullable=True),
        sa.Column("category", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(length=40), nullable=True),
        sa.Column("events", sa.String(length=100), nullable=False),
        sa.Column("min_cents", sa.BigInteger(), nullable=True),
        sa.Column("digest_at", sa.String(length=5), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel_id", "source", "filter_key", name="uq_subscription_channel_filter"),
    )
    op.create_index(
        "ix_notifier_subscriptions_channel_id", "notifier_subscriptions", ["channel_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_notifier_subscriptions_channel_id", table_name="notifier_subscriptions")
    op.drop_table("notifier_subscriptions")
    op.drop_table("notifier_state")
    op.drop_table("notifier_snapshots")
    op.drop_index("ix_notifier_digests_channel_id", table_name="notifier_digests")
    op.drop_table("notifier_digests")
    op.drop_index("ix_notifier_digest_entries_bucket", table_name="notifier_digest_entries")
    op.drop_table("notifier_digest_entries")
    op.drop_table("notifier_cards")
    op.drop_table("leases")
    op.drop_table("idempotency_keys")
    op.drop_index("ix_confirmations_order_id", table_name="confirmations")
    op.drop_table("confirmations")
    op.drop_index("ix_audit_log_order_id", table_name="audit_log")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
