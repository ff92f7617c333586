"""The store's schema version: Alembic migrations, driven from code.

``upgrade`` brings any database to the newest revision: an empty one is built from the migrations,
one built by the old ``create_all`` code (tables but no ``alembic_version``) is recognised and
stamped as the baseline first, so its data stays. ``ensure_current`` is what the long-running
commands call at start-up: upgrade when allowed, else refuse with one line naming the command.

Concurrent starters (``orderbot run`` and ``orderbot notify`` on one database) serialise on a lock:
a PostgreSQL advisory lock, or an ``flock`` on the SQLite file (independent of SQLite's own POSIX
byte-range locks on Linux, so it never blocks normal reads and writes).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text

from bot.store.db import Database

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001_baseline"
VERSION_TABLE = "alembic_version"
# Any stable 64-bit number; names the lock so unrelated applications on the server never share it.
_PG_LOCK_KEY = 0x0BDE_0DB0_5C4E_3A01
# Every table the baseline creates: what a database from before migrations must already have.
BASELINE_TABLES = frozenset(
    {
        "audit_log",
        "confirmations",
        "idempotency_keys",
        "leases",
        "notifier_cards",
        "notifier_digest_entries",
        "notifier_digests",
        "notifier_snapshots",
        "notifier_state",
        "notifier_subscriptions",
    }
)


class SchemaState(StrEnum):
    EMPTY = "empty"  # no Orderbot tables at all
    LEGACY = "legacy"  # built by create_all before migrations: tables, but no alembic_version
    OUTDATED = "outdated"  # migrated, but older than this Orderbot
    CURRENT = "current"
    AHEAD = "ahead"  # at a revision this Orderbot does not know (a newer version migrated it)


@dataclass(frozen=True)
class SchemaStatus:
    state: SchemaState
    current: tuple[str, ...]
    heads: tuple[str, ...]

    def describe(self) -> str:
        needs = ", ".join(self.heads)
        at = ", ".join(self.current)
        return {
            SchemaState.EMPTY: f"empty (no tables yet; this Orderbot needs {needs})",
            SchemaState.LEGACY: f"from before migrations (not yet stamped; this Orderbot needs {needs})",
            SchemaState.OUTDATED: f"outdated (at {at}; this Orderbot needs {needs})",
            SchemaState.CURRENT: f"current (at {at})",
            SchemaState.AHEAD: f"newer than this Orderbot (at {at}; this Orderbot knows up to {needs})",
        }[self.state]


class SchemaError(Exception):
    """One line for an operator: what is wrong with the database's schema and what to run."""


def alembic_config(db: Database | None = None) -> Config:
    """Alembic configured in code: script location inside the package, no ini file, any cwd."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("file_template", "%%(rev)s")
    if db is not None:
        # ConfigParser interpolation treats % specially (URL-encoded passwords contain it).
        config.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return config


@cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def heads() -> tuple[str, ...]:
    return tuple(sorted(_scripts().get_heads()))


def _status(connection: Connection) -> SchemaStatus:
    wanted = heads()
    tables = set(inspect(connection).get_table_names())
    if VERSION_TABLE not in tables:
        state = SchemaState.LEGACY if tables & BASELINE_TABLES else SchemaState.EMPTY
        return SchemaStatus(state, (), wanted)
    current = tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
    if not current:
        return SchemaStatus(SchemaState.EMPTY, (), wanted)
    if set(current) == set(wanted):
        return SchemaStatus(SchemaState.CURRENT, current, wanted)
    known = {script.revision for script in _scripts().walk_revisions()}
    state = SchemaState.AHEAD if set(current) - known else SchemaState.OUTDATED
    return SchemaStatus(state, current, wanted)


def status(db: Database) -> SchemaStatus:
    with db.engine.connect() as connection:
        return _status(connection)


def _check_legacy(connection: Connection) -> None:
    """Stamping is only honest if the old database really has the baseline's tables."""
    missing = sorted(BASELINE_TABLES - set(inspect(connection).get_table_names()))
    if missing:
        raise SchemaError(
            "the database has some Orderbot tables but not "
            f"{', '.join(missing)}; it was not made by a known Orderbot version, so it is left untouched"
        )


@contextmanager
def _migration_lock(db: Database, connection: Connection) -> Iterator[None]:
    if db.dialect == "postgresql":
        # Transaction-scoped: released by the commit (or rollback) that ends the migration.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        yield
        return
    path = db.engine.url.database
    if db.dialect != "sqlite" or not path or path == ":memory:" or not os.path.exists(path):
        yield
        return
    # A lock file beside the database, never the database itself: closing a descriptor of the
    # database file would drop SQLite's own POSIX locks held by this process (and corrupt WAL use).
    with open(f"{path}.migrate-lock", "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def upgrade(db: Database) -> SchemaStatus:
    """Bring the schema to the newest revision, stamping a pre-migration database first."""
    config = alembic_config(db)
    with db.engine.connect() as connection, _migration_lock(db, connection):
        before = _status(connection)
        if before.state is SchemaState.AHEAD:
            raise SchemaError(
                f"the database schema is {before.describe()}; run the Orderbot version that migrated it"
            )
        if before.state is not SchemaState.CURRENT:
            config.attributes["connection"] = connection
            if before.state is SchemaState.LEGACY:
                _check_legacy(connection)
                command.stamp(config, BASELINE)
            command.upgrade(config, "heads")
        after = _status(connection)
        connection.commit()
    return after


def ensure_current(db: Database, auto_upgrade: bool) -> SchemaStatus:
    """At start-up: an outdated schema is upgraded when allowed, otherwise refused in one line."""
    now = status(db)
    if now.state is SchemaState.CURRENT:
        return now
    if now.state is SchemaState.AHEAD:
        raise SchemaError(
            f"the database schema is {now.describe()}; run the Orderbot version that migrated it"
        )
    if not auto_upgrade:
        raise SchemaError(
            f"the database schema is {now.describe()}: run `orderbot db upgrade` "
            "(or set ORDERBOT_DB_AUTO_UPGRADE=true)"
        )
    return upgrade(db)
