"""Engine, sessions and schema. SQLite file by default, PostgreSQL via ``postgresql+psycopg://``.

Exactly-once guarantees (confirmations, idempotency keys, notifier leases) rest on single-statement
conditional UPDATEs and unique INSERTs, which both databases make atomic across processes.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Engine, create_engine, event, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite would hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


BUSY_TIMEOUT_S = 30.0
"""How long a SQLite writer waits for another's lock before the store counts as unavailable."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers and one writer work at once; busy_timeout makes concurrent writers wait
    # instead of failing, which two bot processes on one file need.
    _switch_to_wal(cursor)
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _switch_to_wal(cursor: Any) -> None:
    """``PRAGMA journal_mode=WAL``, waiting out others doing the same on a brand-new file.

    Switching a new database to WAL needs its exclusive lock, and SQLite answers "database is
    locked" at once (the busy timeout does not apply) when another connection holds it: `orderbot
    run` and `orderbot notify` starting together on one new file did exactly that. So try again,
    briefly, for as long as any other lock may be waited for.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    pause = 0.01
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


def _owner_only(url: str) -> None:
    """The store holds customers' personal data (the mirror): the SQLite file is 0600, from birth."""
    path = make_url(url).database
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    # Never open() an existing database file here: closing any descriptor of it drops every POSIX
    # lock this process holds on it, including SQLite's own (it would corrupt a live WAL database).
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        os.chmod(path, 0o600)  # an older file made before this rule is tightened too
    except OSError:
        return  # a missing folder or no permission: opening the store says so, in one line


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        _owner_only(url)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def create_schema(self) -> None:
        """Bring the schema to the newest Alembic revision (see ``bot.store.schema``)."""
        from bot.store.schema import upgrade

        upgrade(self)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name
