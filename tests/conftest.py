"""Shared fixtures: a real emulator over HTTP on a free port, and bot settings pointing at it."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import MetaData

from bot.config import MplusSettings
from bot.mplus.client import MplusClient
from bot.store.db import Database
from mplus_emulator.server import EmulatorServer

REPO = Path(__file__).resolve().parents[1]
# ../shared next to the repository; a git worktree under /work/wt/ finds it at /work/shared.
SHARED = next(
    (p for p in (REPO.parent / "shared", Path("/work/shared")) if p.is_dir()), REPO.parent / "shared"
)
OFFICIAL_WSDL = SHARED / "mplusqapi.wsdl"

# A secret with characters that must survive URL encoding, and that is easy to grep for in logs.
EMULATOR_IDENT = "orderbot-test"
EMULATOR_SECRET = "s3cr&t/ä+Q=="


def official_wsdl_or_skip() -> Path:
    if not OFFICIAL_WSDL.exists():
        reason = f"official WSDL not found at {OFFICIAL_WSDL} (../shared is absent here)"
        print(f"SKIP: {reason}")
        pytest.skip(reason)
    return OFFICIAL_WSDL


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[EmulatorServer]:
    server = EmulatorServer(
        host="127.0.0.1", port=0, seed="demo", ident=EMULATOR_IDENT, secret=EMULATOR_SECRET
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def emulator(emulator_server: EmulatorServer) -> EmulatorServer:
    """The shared emulator, reset to the demo seed with no faults, for one test."""
    emulator_server.reset(seed="demo")
    return emulator_server


def make_settings(url: str, tmp_path: Path, **overrides: object) -> MplusSettings:
    values: dict[str, object] = {
        "url": url,
        "ident": EMULATOR_IDENT,
        "secret": EMULATOR_SECRET,
        "wsdl_cache": tmp_path / "wsdl-cache.sqlite",
        "timeout_s": 3.0,
        "connect_timeout_s": 1.0,
        "retry_backoff_s": 0.05,
        "read_retries": 3,
    }
    values.update(overrides)
    return MplusSettings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture
def mplus_settings(emulator: EmulatorServer, tmp_path: Path) -> MplusSettings:
    return make_settings(emulator.url, tmp_path)


@pytest.fixture
def client(mplus_settings: MplusSettings) -> MplusClient:
    return MplusClient(mplus_settings)


POSTGRES_ENV = "ORDERBOT_TEST_POSTGRES_URL"


def _postgres_url_or_skip() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if url:
        return url
    reason = f"{POSTGRES_ENV} is not set (./dev test starts a private PostgreSQL server and sets it)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    print(f"SKIP: {reason}")
    pytest.skip(reason)


def drop_every_table(db: Database) -> None:
    """Empty a shared PostgreSQL database: every table there, Alembic's version table included."""
    with db.engine.begin() as connection:
        existing = MetaData()
        existing.reflect(connection)
        existing.drop_all(connection)


def database_url(kind: str, tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.sqlite3'}" if kind == "sqlite" else _postgres_url_or_skip()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh, empty store on SQLite and on a real PostgreSQL server."""
    db = Database(database_url(request.param, tmp_path))
    if request.param == "postgresql":
        drop_every_table(db)
    db.create_schema()
    yield db
    db.dispose()


@pytest.fixture
def sqlite_database(tmp_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    db.create_schema()
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the whole run: Playwright's sync API allows one instance at a time."""
    from tests.browser import launched_chromium

    yield from launched_chromium()


@pytest.fixture(autouse=True)
def fail_on_logging_errors(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """A log call that cannot be formatted (``%d`` given a string …) fails the test that made it,
    instead of printing ``--- Logging error ---`` and passing (unless the test makes one on purpose)."""
    import logging

    if request.node.get_closest_marker("logging_error_expected"):
        yield
        return

    errors: list[str] = []
    original = logging.Handler.handleError

    def record(self: logging.Handler, rec: logging.LogRecord) -> None:
        errors.append(f"{rec.name}: {rec.msg!r} with {rec.args!r}")
        original(self, rec)

    monkeypatch.setattr(logging.Handler, "handleError", record)
    yield
    assert not errors, f"logging errors: {errors}"
