"""The mirror: orders, relations and articles kept by sync marker, with their search indexes.

SQLite gets an FTS5 external-content table per entity, kept current by triggers; PostgreSQL a GIN
index on ``to_tsvector('simple', search_text)``. The statements are written out here (not imported
from ``bot.store.mirror_tables``) so this revision never changes when model code does.

Revision ID: 0002_mirror
Revises: 0001_baseline
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_mirror"
down_revision: str | Sequence[str] | None = "0001_baseline"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCHED = {"mirror_orders": "id", "mirror_relations": "relation_number", "mirror_articles": "article_number"}


def _key() -> sa.types.TypeEngine:
    # "INTEGER PRIMARY KEY" on SQLite: a rowid alias, which FTS5 external content needs.
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _search_ddl(table: str, rowid: str, dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [
            f"CREATE INDEX IF NOT EXISTS ix_{table}_search ON {table} "
            f"USING gin (to_tsvector('simple'::regconfig, search_text))"
        ]
    if dialect != "sqlite":
        return []
    fts = f"{table}_fts"
    insert = f"INSERT INTO {fts}(rowid, search_text) VALUES (new.{rowid}, new.search_text);"
    remove = f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.{rowid}, old.search_text);"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(search_text, content='{table}', "
        f"content_rowid='{rowid}', prefix='2 3')",
        f"CREATE TRIGGER IF NOT EXISTS {table}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_ad AFTER DELETE ON {table} BEGIN {remove} END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_au AFTER UPDATE ON {table} BEGIN {remove} {insert} END",
    ]


def upgrade() -> None:
    op.create_table(
        "mirror_orders",
        sa.Column("id", _key(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("ext_order_id", sa.String(length=128), nullable=False),
        sa.Column("relation_number", sa.BigInteger(), nullable=True),
        sa.Column("relation_name", sa.String(length=200), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("financial_date", sa.Date(), nullable=True),
        sa.Column("entry_at", _utc(), nullable=True),
        sa.Column("branch", sa.Integer(), nullable=True),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.Column("prepaid_cents", sa.BigInteger(), nullable=False),
        sa.Column("outstanding_cents", sa.BigInteger(), nullable=False),
        sa.Column("fully_paid", sa.Boolean(), nullable=False),
        sa.Column("delivery_state", sa.String(length=48), nullable=False),
        sa.Column("cancel_state", sa.String(length=48), nullable=False),
        sa.Column("complete_state", sa.String(length=48), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("delivery_method", sa.String(length=64), nullable=True),
        sa.Column("category_number", sa.Integer(), nullable=True),
        sa.Column("sync_marker", sa.BigInteger(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_id"),
    )
    op.create_index("ix_mirror_orders_ext_order_id", "mirror_orders", ["ext_order_id"])
    op.create_index("ix_mirror_orders_financial_date", "mirror_orders", ["financial_date"])
    op.create_index("ix_mirror_orders_relation_number", "mirror_orders", ["relation_number"])
    op.create_index("ix_mirror_orders_number", "mirror_orders", ["year", "number", "id"])
    op.create_index("ix_mirror_orders_open", "mirror_orders", ["is_open", "year", "number"])

    op.create_table(
        "mirror_order_articles",
        sa.Column("order_row_id", _key(), nullable=False),
        sa.Column("article_number", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["order_row_id"], ["mirror_orders.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("order_row_id", "article_number"),
    )
    op.create_index("ix_mirror_order_articles_article_number", "mirror_order_articles", ["article_number"])

    op.create_table(
        "mirror_relations",
        sa.Column("relation_number", _key(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("company_name", sa.String(length=200), nullable=True),
        sa.Column("contact", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("telephone", sa.String(length=64), nullable=True),
        sa.Column("mobile", sa.String(length=64), nullable=True),
        sa.Column("phone_digits", sa.String(length=140), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("zipcode", sa.String(length=32), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("country", sa.String(length=64), nullable=True),
        sa.Column("sync_marker", sa.BigInteger(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("relation_number"),
    )
    op.create_index("ix_mirror_relations_phone_digits", "mirror_relations", ["phone_digits"])

    op.create_table(
        "mirror_articles",
        sa.Column("article_number", _key(), autoincrement=False, nullable=False),
        sa.Column("product_number", sa.BigInteger(), nullable=True),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("plu", sa.String(length=64), nullable=True),
        sa.Column("barcodes", sa.String(length=500), nullable=False),
        sa.Column("price_cents", sa.BigInteger(), nullable=True),
        sa.Column("sync_marker", sa.BigInteger(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("article_number"),
    )
    op.create_index("ix_mirror_articles_plu", "mirror_articles", ["plu"])

    op.create_table(
        "mirror_state",
        sa.Column("stream", sa.String(length=32), nullable=False),
        sa.Column("next_marker", sa.BigInteger(), nullable=False),
        sa.Column("initial_top", sa.BigInteger(), nullable=True),
        sa.Column("window_start", sa.Date(), nullable=True),
        sa.Column("started_at", _utc(), nullable=True),
        sa.Column("initial_done_at", _utc(), nullable=True),
        sa.Column("last_pass_at", _utc(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("top_marker", sa.BigInteger(), nullable=True),
        sa.Column("items_written", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("stream"),
    )

    dialect = op.get_bind().dialect.name
    for table, rowid in SEARCHED.items():
        for statement in _search_ddl(table, rowid, dialect):
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in SEARCHED:
        if dialect == "sqlite":
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {table}_fts")
        elif dialect == "postgresql":
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_search")
    op.drop_table("mirror_state")
    op.drop_table("mirror_articles")
    op.drop_table("mirror_relations")
    op.drop_table("mirror_order_articles")
    op.drop_table("mirror_orders")
