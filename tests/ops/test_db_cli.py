"""`orderbot db …` and the start-up schema check, as real processes."""

from __future__ import annotations

import subprocess
from pathlib import Path

from sqlalchemy import create_engine

from bot.config import BotSettings
from bot.store.schema import heads
from tests.store import pre_migration_schema as old
from tests.test_cli import ORDERBOT, _env


def _orderbot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*ORDERBOT, *args], cwd=tmp_path, env=_env(**env), capture_output=True, text=True, timeout=120
    )


def _old_database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        old.metadata.create_all(connection)
    engine.dispose()
    return url


def test_db_current_and_upgrade(tmp_path: Path) -> None:
    url = _old_database(tmp_path)
    before = _orderbot(tmp_path, "db", "current", DATABASE_URL=url)
    assert before.returncode == 1
    assert "from before migrations" in before.stdout and "orderbot db upgrade" in before.stderr

    upgraded = _orderbot(tmp_path, "db", "upgrade", DATABASE_URL=url)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "upgraded from before migrations" in upgraded.stdout and heads()[0] in upgraded.stdout

    after = _orderbot(tmp_path, "db", "current", DATABASE_URL=url)
    assert after.returncode == 0 and after.stdout.startswith("database schema: current")
    again = _orderbot(tmp_path, "db", "upgrade", DATABASE_URL=url)
    assert again.returncode == 0 and "already current" in again.stdout


def test_db_upgrade_never_echoes_a_bad_url(tmp_path: Path) -> None:
    result = _orderbot(tmp_path, "db", "upgrade", DATABASE_URL="nosuchdb://admin:hunter2@db/x")
    assert result.returncode == 2
    assert result.stderr.strip() == "configuration error: DATABASE_URL is invalid (NoSuchModuleError)"
    assert "hunter2" not in result.stdout + result.stderr


def _bot_env(url: str, **extra: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": "xoxb-schema-test",
        "SLACK_SIGNING_SECRET": "schema-signing-secret",
        "MPLUS_URL": "http://127.0.0.1:9/",
        "MPLUS_IDENT": "i",
        "MPLUS_SECRET": "s",
        "DATABASE_URL": url,
        **extra,
    }


def test_run_and_notify_refuse_an_outdated_schema_in_one_line(tmp_path: Path) -> None:
    url = _old_database(tmp_path)
    for command in (["run"], ["notify", "--once"]):
        result = _orderbot(tmp_path, *command, **_bot_env(url, ORDERBOT_DB_AUTO_UPGRADE="false"))
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(f"orderbot {command[0]}: the database schema is from before migrations")
        assert "run `orderbot db upgrade`" in lines[0]
    assert _orderbot(tmp_path, "db", "current", DATABASE_URL=url).returncode == 1


def test_auto_upgrade_defaults_to_sqlite_only() -> None:
    def settings(**values: object) -> BotSettings:
        return BotSettings(_env_file=None, slack_bot_token="xoxb-1", **values)  # type: ignore[arg-type]

    assert settings(database_url="sqlite:///x.sqlite3").auto_upgrade_schema is True
    assert settings(database_url="postgresql+psycopg://db/orderbot").auto_upgrade_schema is False
    assert settings(database_url="postgresql+psycopg://db/o", db_auto_upgrade=True).auto_upgrade_schema
    assert not settings(database_url="sqlite:///x.sqlite3", db_auto_upgrade=False).auto_upgrade_schema
