"""`orderbot check` against the fake Slack and the emulator, with each failure provoked."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.ops.check import OPERATIONS_USED, REQUIRED_SCOPES, Finding, main, run_checks
from bot.store.db import Database
from mplus_emulator.server import EmulatorServer
from slack_sandbox.fake_slack import FakeSlack
from tests.conftest import EMULATOR_IDENT, EMULATOR_SECRET
from tests.slack.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.store import pre_migration_schema as old
from tests.test_cli import ORDERBOT, _env

REPO = Path(__file__).resolve().parents[2]
SECRETS = (BOT_TOKEN, SIGNING_SECRET, EMULATOR_SECRET)


@pytest.fixture
def world(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, emulator: EmulatorServer, fake_slack: FakeSlack
) -> dict[str, str]:
    """A complete, correct configuration in the environment (no .env: the cwd is a fresh directory)."""
    fake_slack.reset()
    monkeypatch.chdir(tmp_path)
    for name in list(__import__("os").environ):
        if name.startswith(("SLACK_", "MPLUS_", "ORDERBOT_", "DATABASE_")) or name in ("HOST", "PORT"):
            monkeypatch.delenv(name)
    database = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    db = Database(database)
    db.create_schema()
    db.dispose()
    values = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.api_url,
        "MPLUS_URL": emulator.url,
        "MPLUS_IDENT": EMULATOR_IDENT,
        "MPLUS_SECRET": EMULATOR_SECRET,
        "MPLUS_WSDL_CACHE": str(tmp_path / "wsdl.sqlite"),
        "MPLUS_TIMEOUT_S": "5",
        "MPLUS_CONNECT_TIMEOUT_S": "1",
        "DATABASE_URL": database,
        "ORDERBOT_ALLOW_PAY": "U0ALICE,S0OPS",
        "ORDERBOT_ALLOW_CANCEL": "*",
        "ORDERBOT_NOTIFY_CHANNEL": "C0NOTIFY",
        "ORDERBOT_OPS_CHANNEL": "C0OPS",
        "ORDERBOT_CHANNELS": "C0ORDERS,C0GENERAL",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def findings() -> dict[str, Finding]:
    return {finding.name: finding for finding in run_checks()}


def failed(name: str) -> Finding:
    found = findings()[name]
    assert found.ok is False, found
    return found


def test_everything_configured_passes(world: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main() == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("all checks passed")
    assert "✗" not in out
    for row in ("Slack token", "Slack scopes", "Mplus operations", "database", "allow pay", "notify channel"):
        assert re.search(rf"^✓  {row} ", out, re.M), out
    assert "valid: bot @orderbot in Sandbox (T0001)" in out
    assert "allow pay" in out and "resolves: 1 users, 1 groups" in out
    assert f"all {len(OPERATIONS_USED)} operations the bot uses are in the WSDL" in out
    assert not any(secret in out for secret in SECRETS)


def test_invalid_settings_are_named_and_the_rest_skipped(
    world: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxp-a-user-token")
    monkeypatch.setenv("MPLUS_URL", "not a url")
    assert main() == 1
    out = capsys.readouterr().out
    assert "✗  settings" in out and "SLACK_BOT_TOKEN is invalid" in out and "→ SLACK_BOT_TOKEN" in out
    assert "MPLUS_URL is invalid" in out and "→ MPLUS_URL" in out
    assert "–  Slack" in out and "–  Mplus" in out
    assert "xoxp-a-user-token" not in out


def test_a_refused_bot_token(world: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-revoked-token")
    found = findings()
    assert (
        found["Slack token"].ok is False and found["Slack token"].detail == "auth.test failed: invalid_auth"
    )
    assert found["Slack token"].fix == "SLACK_BOT_TOKEN"
    assert found["allow lists"].ok is None and found["Slack scopes"].ok is None


def test_slack_unreachable(world: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    found = failed("Slack token")
    assert "Slack not reachable" in found.detail and found.fix == "SLACK_API_URL"


def test_missing_scopes(world: dict[str, str], fake_slack: FakeSlack) -> None:
    fake_slack.set_bot_scopes(["commands", "chat:write"])
    found = failed("Slack scopes")
    assert found.detail.startswith("missing usergroups:read, channels:history, groups:history")


def test_the_app_token_for_socket_mode(
    world: dict[str, str], monkeypatch: pytest.MonkeyPatch, fake_slack: FakeSlack
) -> None:
    monkeypatch.setenv("SLACK_APP_TOKEN", fake_slack.app_token)
    assert findings()["Socket Mode token"].ok is True
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-revoked")
    found = failed("Socket Mode token")
    assert found.detail == "apps.connections.open failed: invalid_auth" and found.fix == "SLACK_APP_TOKEN"


def test_allow_lists_that_do_not_resolve(world: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERBOT_ALLOW_DELIVER", "U0ALICE,U0NOBODY,S0NOPE")
    found = failed("allow deliver")
    assert found.detail == "S0NOPE: no_such_subteam; U0NOBODY: user_not_found"
    assert found.fix == "ORDERBOT_ALLOW_DELIVER"
    assert findings()["allow pay"].ok is True


def test_channels_that_are_missing_or_lack_the_bot(
    world: dict[str, str], monkeypatch: pytest.MonkeyPatch, fake_slack: FakeSlack
) -> None:
    monkeypatch.setenv("ORDERBOT_NOTIFY_CHANNEL", "C0GONE")
    fake_slack.set_bot_member("C0OPS", False)
    found = findings()
    assert (
        found["notify channel"].ok is False and found["notify channel"].detail == "C0GONE: channel_not_found"
    )
    assert found["notify channel"].fix == "ORDERBOT_NOTIFY_CHANNEL"
    assert found["ops channel"].ok is False
    assert found["ops channel"].detail == "the bot is not in #ops: /invite the bot there"
    monkeypatch.setenv("ORDERBOT_CHANNELS", "C0ORDERS,C0MISSING")
    assert failed("command channels").detail == "C0MISSING: channel_not_found"


def test_mplus_unreachable(world: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MPLUS_URL", "http://127.0.0.1:9/")
    found = findings()
    assert found["Mplus reachable"].ok is False and found["Mplus reachable"].fix == "MPLUS_URL"
    assert "could not load the Mplus WSDL" in found["Mplus reachable"].detail
    assert found["Mplus operations"].ok is None


def test_mplus_refuses_the_credentials(world: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MPLUS_SECRET", "wrong-secret")
    found = findings()
    assert found["Mplus reachable"].ok is True
    assert (
        found["Mplus credentials"].ok is False
        and found["Mplus credentials"].fix == "MPLUS_IDENT / MPLUS_SECRET"
    )
    assert found["Mplus API version"].ok is None


def test_a_wsdl_without_an_operation_the_bot_uses(
    world: dict[str, str], monkeypatch: pytest.MonkeyPatch, emulator: EmulatorServer, tmp_path: Path
) -> None:
    wsdl = (REPO / "mplus_emulator" / "mplusqapi-subset.wsdl").read_text()
    # Drop payOrder from the port type and the binding, as an older Mplus would lack it.
    without = re.sub(r'<(\w+:)?operation name="payOrder">.*?</(\w+:)?operation>', "", wsdl, flags=re.S)
    assert (
        "payOrder"
        not in re.sub(r"<(\w+:)?message.*?</(\w+:)?message>", "", without, flags=re.S).split("portType")[1]
    )
    path = tmp_path / "older.wsdl"
    path.write_text(without)
    monkeypatch.setenv("MPLUS_WSDL", str(path))
    found = findings()
    assert found["Mplus API version"].ok is True
    assert (
        found["Mplus operations"].ok is False
        and found["Mplus operations"].detail == "the WSDL lacks payOrder"
    )


def test_database_unmigrated_or_unreachable(
    world: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    db = Database(url)
    with db.engine.begin() as connection:
        old.metadata.create_all(connection)
    db.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ORDERBOT_DB_AUTO_UPGRADE", "false")
    found = failed("database")
    assert "from before migrations" in found.detail and found.fix == "orderbot db upgrade"
    monkeypatch.setenv("ORDERBOT_DB_AUTO_UPGRADE", "true")
    assert findings()["database"].ok is True and "upgraded at start" in findings()["database"].detail

    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://orderbot:hunter2@127.0.0.1:9/orderbot")
    found = failed("database")
    assert (
        found.fix == "DATABASE_URL" and "OperationalError" in found.detail and "hunter2" not in found.detail
    )


def test_required_scopes_are_the_manifests() -> None:
    manifest = yaml.safe_load((REPO / "manifest.yml").read_text())
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(REQUIRED_SCOPES)


def test_operations_used_are_the_clients() -> None:
    source = "".join(path.read_text() for path in (REPO / "bot" / "mplus").glob("*.py"))
    calls = re.findall(r'self\._(?:read|write|invoke|read_raw|list)\(\s*(?:\w+,\s*)?"(\w+)"', source)
    called = set(calls)
    assert called == set(OPERATIONS_USED)


def test_orderbot_check_exit_code_as_a_process(world: dict[str, str], tmp_path: Path) -> None:
    good = subprocess.run(
        [*ORDERBOT, "check"], cwd=tmp_path, env=_env(**world), capture_output=True, text=True, timeout=120
    )
    assert good.returncode == 0, good.stdout + good.stderr
    bad = subprocess.run(
        [*ORDERBOT, "check"],
        cwd=tmp_path,
        env=_env(**{**world, "MPLUS_SECRET": "wrong"}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 1 and "✗  Mplus credentials" in bad.stdout
    assert not any(secret in good.stdout + bad.stdout + bad.stderr for secret in (*SECRETS, "wrong"))
