"""The mirror's tables: a searchable read model of Mplus orders, relations and articles.

Kept by ``bot.mirror.sync`` from sync markers; read by ``bot.mirror.queries``. Each row carries a
``search_text`` (folded tokens, see ``bot.mirror.normalise``) indexed by the database itself:

- SQLite: an FTS5 external-content table per entity, kept current by triggers;
- PostgreSQL: a GIN index on ``to_tsvector('simple', search_text)``.

The DDL for both is attached to the tables (``after_create``) so ``create_all`` and the Alembic
revision (which calls ``search_ddl``) build the same thing.

Personal data: only what search and display need (no birth dates, bank accounts, notes, balances).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    DDL,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.db import Base, UtcDateTime

# SQLite makes only "INTEGER PRIMARY KEY" a rowid alias, which FTS5 external content needs.
Key = BigInteger().with_variant(Integer(), "sqlite")

ORDERS = "mirror_orders"
RELATIONS = "mirror_relations"
ARTICLES = "mirror_articles"


class MirrorOrderRow(Base):
    __tablename__ = ORDERS

    id: Mapped[int] = mapped_column(Key, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(String(64), unique=True)
    year: Mapped[int] = mapped_column(Integer, default=0)
    number: Mapped[int] = mapped_column(BigInteger, default=0)
    ext_order_id: Mapped[str] = mapped_column(String(128), default="", index=True)
    relation_number: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)
    relation_name: Mapped[str] = mapped_column(String(200), default="")
    reference: Mapped[str] = mapped_column(String(200), default="")
    financial_date: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    entry_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    branch: Mapped[int | None] = mapped_column(Integer, nullable=True)
    total_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    prepaid_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    outstanding_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    fully_paid: Mapped[bool] = mapped_column(Boolean, default=False)
    delivery_state: Mapped[str] = mapped_column(String(48), default="")
    cancel_state: Mapped[str] = mapped_column(String(48), default="")
    complete_state: Mapped[str] = mapped_column(String(48), default="")
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    """Neither complete nor cancelled (derived when written, so lists can index it)."""
    delivery_method: Mapped[str | None] = mapped_column(String(64), nullable=True)
    category_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sync_marker: Mapped[int] = mapped_column(BigInteger, default=0)
    search_text: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        Index("ix_mirror_orders_number", "year", "number", "id"),
        Index("ix_mirror_orders_open", "is_open", "year", "number"),
    )


class MirrorOrderArticleRow(Base):
    """Which articles an order holds: lets lists filter by article without storing whole lines.

    Lines themselves are not mirrored: a card shows the order as Mplus has it now (getOrder), so
    quantities and prices here would only be a second, possibly stale, copy.
    """

    __tablename__ = "mirror_order_articles"

    order_row_id: Mapped[int] = mapped_column(
        Key, ForeignKey(f"{ORDERS}.id", ondelete="CASCADE"), primary_key=True
    )
    article_number: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)


class MirrorRelationRow(Base):
    __tablename__ = RELATIONS

    relation_number: Mapped[int] = mapped_column(Key, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200), default="")
    company_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    contact: Mapped[str | None] = mapped_column(String(200), nullable=True)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    telephone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    mobile: Mapped[str | None] = mapped_column(String(64), nullable=True)
    phone_digits: Mapped[str] = mapped_column(String(140), default="", index=True)
    """National digits of telephone and mobile, space separated (duplicate checks compare these)."""
    address: Mapped[str | None] = mapped_column(String(200), nullable=True)
    zipcode: Mapped[str | None] = mapped_column(String(32), nullable=True)
    city: Mapped[str | None] = mapped_column(String(100), nullable=True)
    country: Mapped[str | None] = mapped_column(String(64), nullable=True)
    sync_marker: Mapped[int] = mapped_column(BigInteger, default=0)
    search_text: Mapped[str] = mapped_column(Text, default="")


class MirrorArticleRow(Base):
    __tablename__ = ARTICLES

    article_number: Mapped[int] = mapped_column(Key, primary_key=True, autoincrement=False)
    product_number: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    description: Mapped[str] = mapped_column(String(300), default="")
    plu: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    barcodes: Mapped[str] = mapped_column(String(500), default="")
    """Space separated."""
    price_cents: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    """Catalogue price incl. VAT."""
    sync_marker: Mapped[int] = mapped_column(BigInteger, default=0)
    search_text: Mapped[str] = mapped_column(Text, default="")


class MirrorStateRow(Base):
    """Per stream (orders, relations, articles): how far the mirror has read, and its first sync."""

    __tablename__ = "mirror_state"

    stream: Mapped[str] = mapped_column(String(32), primary_key=True)
    next_marker: Mapped[int] = mapped_column(BigInteger, default=0)
    """Lowest sync marker not yet in the mirror; moves forward in the same transaction as the rows."""
    initial_top: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    """Mplus's top marker when the first sync began; the first sync is done once past it."""
    window_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    """Orders only: financial dates before this are kept in the first sync only while open."""
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    initial_done_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_pass_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    top_marker: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    """Mplus's top marker as last asked (getCurrentSyncMarkers), for "behind"."""
    items_written: Mapped[int] = mapped_column(BigInteger, default=0)


SEARCHED = (ORDERS, RELATIONS, ARTICLES)
_ROWID = {ORDERS: "id", RELATIONS: "relation_number", ARTICLES: "article_number"}


def fts_name(table: str) -> str:
    return f"{table}_fts"


def search_ddl(table: str, dialect: str) -> list[str]:
    """The statements that index ``table.search_text`` on this database (used by create_all and Alembic)."""
    if dialect == "postgresql":
        return [
            f"CREATE INDEX IF NOT EXISTS ix_{table}_search ON {table} "
            f"USING gin (to_tsvector('simple'::regconfig, search_text))"
        ]
    if dialect != "sqlite":
        return []
    fts, rowid = fts_name(table), _ROWID[table]
    insert = f"INSERT INTO {fts}(rowid, search_text) VALUES (new.{rowid}, new.search_text);"
    remove = f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.{rowid}, old.search_text);"
    return [
        # prefix='2 3' keeps short prefix queries (type-ahead) on an index instead of a scan.
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(search_text, content='{table}', "
        f"content_rowid='{rowid}', prefix='2 3')",
        f"CREATE TRIGGER IF NOT EXISTS {table}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_ad AFTER DELETE ON {table} BEGIN {remove} END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_au AFTER UPDATE ON {table} BEGIN {remove} {insert} END",
    ]


def include_name(name: str | None, type_: str, _parent_names: object = None) -> bool:
    """For Alembic's comparisons: FTS5 tables (and their shadow tables) and the GIN expression
    indexes are search indexes made by DDL in the migration, not models; they are not schema drift."""
    if type_ == "table" and name:
        return not any(name.startswith(fts_name(table)) for table in SEARCHED)
    if type_ == "index" and name:
        return name not in {f"ix_{table}_search" for table in SEARCHED}
    return True


def drop_search_ddl(table: str, dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [f"DROP INDEX IF EXISTS ix_{table}_search"]
    if dialect != "sqlite":
        return []
    return [
        *(f"DROP TRIGGER IF EXISTS {table}_{suffix}" for suffix in ("ai", "ad", "au")),
        f"DROP TABLE IF EXISTS {fts_name(table)}",
    ]


def _attach(table_name: str) -> None:
    table = Base.metadata.tables[table_name]
    for dialect in ("sqlite", "postgresql"):
        for statement in search_ddl(table_name, dialect):
            event.listen(table, "after_create", DDL(statement).execute_if(dialect=dialect))
        for statement in drop_search_ddl(table_name, dialect):
            event.listen(table, "before_drop", DDL(statement).execute_if(dialect=dialect))


for _name in SEARCHED:
    _attach(_name)
