"""Issue #10, item 6: credentials never reach a log, and bad settings are one clear line."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.logs import RedactingFormatter, configure_logging
from tests.test_cli import _run_config_error

BASE = {
    "SLACK_BOT_TOKEN": "xoxb-1",
    "SLACK_SIGNING_SECRET": "signing-secret",
    "MPLUS_IDENT": "ident",
    "MPLUS_SECRET": "topsecret",
}


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"MPLUS_WSDL": "https://mplus.example/api?wsdl&ident=x&secret=topsecret"}, "MPLUS_WSDL is invalid"),
        ({"MPLUS_WSDL": "https://joe:pw@mplus.example/api?wsdl"}, "MPLUS_WSDL is invalid"),
        ({"MPLUS_URL": "https://joe:pw@mplus.example/api"}, "MPLUS_URL is invalid"),
        ({"MPLUS_SECRET": ""}, "MPLUS_SECRET is invalid"),
        ({"DATABASE_URL": "postgres-ish://nope"}, "DATABASE_URL is invalid"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL is invalid"),
    ],
    ids=["wsdl-query", "wsdl-user", "url-user", "empty-secret", "unknown-db", "not-a-url"],
)
def test_bad_settings_are_one_line_exit_2(tmp_path: Path, env: dict[str, str], expected: str) -> None:
    line = _run_config_error(tmp_path, **{**BASE, **env})
    assert line.startswith(f"configuration error: {expected}")
    assert "topsecret" not in line and "pw@" not in line


def test_an_unopenable_store_is_one_line_exit_2(tmp_path: Path) -> None:
    line = _run_config_error(
        tmp_path, **BASE, DATABASE_URL=f"sqlite:///{tmp_path}/missing-dir/x/bot.sqlite3", MPLUS_URL="http://127.0.0.1:9/"
    )
    assert line.startswith("configuration error: DATABASE_URL")


def test_the_secret_may_not_hide_in_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in {**BASE, "MPLUS_URL": "http://127.0.0.1:9/topsecret/"}.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError) as err:
        load_settings(_env_file=None)
    assert "MPLUS_URL must not contain MPLUS_SECRET" in str(err.value)


def test_every_log_line_is_redacted_at_the_root_handler() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        configure_logging("INFO", secrets=["topsecret"])
        assert isinstance(handler.formatter, RedactingFormatter)
        log = logging.getLogger("some.library.nobody.configured")
        log.warning("could not load the Mplus WSDL from %s", "https://h/api?wsdl&ident=i&secret=abc123")
        log.warning("talking to https://joe:pa55@h/x and token xoxb-123-456 with topsecret")
        try:
            raise RuntimeError("failed at https://h/?secret=inexception")
        except RuntimeError:
            log.exception("boom")
    finally:
        root.removeHandler(handler)
    out = stream.getvalue()
    for leaked in ("abc123", "pa55", "xoxb-123", "topsecret", "inexception"):
        assert leaked not in out, out
    assert "https://h/api?***" in out and "https://***@h/x" in out
