"""The store's schema as ``create_all`` built it before Alembic (main at the start of issue #13).

A frozen copy, independent of the models and of the baseline migration, so the upgrade tests keep
proving that a database made by that code is recognised, stamped and upgraded without losing data,
whatever later revisions change.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()


def _utc() -> DateTime:
    return DateTime(timezone=True)


audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", _utc(), nullable=False, index=True),
    Column("user_id", String(32), nullable=False),
    Column("action", String(32), nullable=False),
    Column("order_id", String(64), index=True),
    Column("order_number", String(32)),
    Column("channel_id", String(32)),
    Column("params", JSON, nullable=False),
    Column("result", String(64), nullable=False),
    Column("error", Text),
    Column("sync_marker_after", BigInteger),
)
confirmations = Table(
    "confirmations",
    metadata,
    Column("token", String(64), primary_key=True),
    Column("action", String(20), nullable=False),
    Column("order_id", String(64), nullable=False, index=True),
    Column("user_id", String(32), nullable=False),
    Column("channel_id", String(32), nullable=False),
    Column("params", JSON, nullable=False),
    Column("order_sync_marker", BigInteger),
    Column("state", String(16), nullable=False),
    Column("result", JSON),
    Column("created_at", _utc(), nullable=False),
    Column("expires_at", _utc(), nullable=False),
    Column("finished_at", _utc()),
)
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("created_at", _utc(), nullable=False),
    Column("result", JSON),
)
leases = Table(
    "leases",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("holder", String(128), nullable=False),
    Column("expires_at", _utc(), nullable=False),
    Column("acquired_at", _utc(), nullable=False),
)
notifier_cards = Table(
    "notifier_cards",
    metadata,
    Column("order_id", String(64), primary_key=True),
    Column("channel_id", String(32), primary_key=True),
    Column("ts", String(32)),
    Column("shown_marker", BigInteger),
    Column("pending_kind", String(8)),
    Column("pending_marker", BigInteger),
    Column("pending_nonce", String(40)),
    Column("pending_at", _utc()),
    Column("created_at", _utc(), nullable=False),
    Column("updated_at", _utc(), nullable=False),
)
notifier_snapshots = Table(
    "notifier_snapshots",
    metadata,
    Column("order_id", String(64), primary_key=True),
    Column("sync_marker", BigInteger, nullable=False),
    Column("data", JSON, nullable=False),
    Column("updated_at", _utc(), nullable=False),
)
notifier_digests = Table(
    "notifier_digests",
    metadata,
    Column("key", String(160), primary_key=True),
    Column("channel_id", String(32), nullable=False, index=True),
    Column("kind", String(8), nullable=False),
    Column("bucket", String(160), nullable=False),
    Column("ts", String(32)),
    Column("pending_nonce", String(40)),
    Column("pending_at", _utc()),
    Column("opened_at", _utc(), nullable=False),
    Column("closed", Boolean, nullable=False),
    Column("upto_entry_id", BigInteger),
)
notifier_digest_entries = Table(
    "notifier_digest_entries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("bucket", String(160), nullable=False, index=True),
    Column("order_id", String(64), nullable=False),
    Column("sync_marker", BigInteger, nullable=False),
    Column("state", String(16), nullable=False),
    Column("data", JSON, nullable=False),
    UniqueConstraint("bucket", "order_id", name="uq_digest_entry_bucket_order"),
)
notifier_state = Table(
    "notifier_state",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("next_marker", BigInteger, nullable=False),
    Column("baseline_at", _utc()),
    Column("created_at", _utc(), nullable=False),
    Column("last_pass_at", _utc()),
    Column("last_ok_at", _utc()),
    Column("last_holder", String(128)),
    Column("last_error", Text),
    Column("mplus_failing_since", _utc()),
    Column("outage_alerted", Boolean, nullable=False),
    Column("changes_handled", BigInteger, nullable=False),
    Column("consecutive_failures", Integer, nullable=False),
)
notifier_subscriptions = Table(
    "notifier_subscriptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel_id", String(32), nullable=False, index=True),
    Column("filter_key", String(200), nullable=False),
    Column("branch", Integer),
    Column("category", Integer),
    Column("method", String(40)),
    Column("events", String(100), nullable=False),
    Column("min_cents", BigInteger),
    Column("digest_at", String(5)),
    Column("source", String(16), nullable=False),
    Column("created_by", String(32), nullable=False),
    Column("created_at", _utc(), nullable=False),
    UniqueConstraint("channel_id", "source", "filter_key", name="uq_subscription_channel_filter"),
)
