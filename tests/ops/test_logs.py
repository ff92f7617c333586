"""ORDERBOT_LOG_FORMAT=json: `orderbot run` as a real process writes one JSON object per line."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import time
from pathlib import Path

import pytest

from bot.ops.logformat import RequestContextFilter, json_formatter
from mplus_emulator.server import EmulatorServer
from slack_sandbox.fake_slack import FakeSlack
from slack_sandbox.signed_client import SignedSlackClient
from tests.conftest import EMULATOR_IDENT, EMULATOR_SECRET, free_port
from tests.test_cli import ORDERBOT, _env, _wait_http


def test_json_logs_carry_the_request_context(tmp_path: Path, process_cleanup: list) -> None:
    emulator = EmulatorServer(port=0, seed="demo", ident=EMULATOR_IDENT, secret=EMULATOR_SECRET).start()
    fake = FakeSlack(port=0, bot_token="xoxb-json-logs").start()
    try:
        port = free_port()
        env = _env(
            SLACK_BOT_TOKEN="xoxb-json-logs",
            SLACK_SIGNING_SECRET="json-logs-signing-secret",
            SLACK_API_URL=fake.api_url,
            MPLUS_URL=emulator.url,
            MPLUS_IDENT=EMULATOR_IDENT,
            MPLUS_SECRET=EMULATOR_SECRET,
            MPLUS_WSDL_CACHE=str(tmp_path / "wsdl.sqlite"),
            MPLUS_READ_RETRIES="1",
            HOST="127.0.0.1",
            ORDERBOT_LOG_FORMAT="json",
        )
        log_file = (tmp_path / "stderr.log").open("wb")
        proc = subprocess.Popen(
            [*ORDERBOT, "run", "--port", str(port)], cwd=tmp_path, env=env, stderr=log_file
        )
        process_cleanup.append(proc)
        _wait_http(f"http://127.0.0.1:{port}/healthz")
        emulator.add_fault(operation="getOrders", kind="http_500")
        slack = SignedSlackClient(
            f"http://127.0.0.1:{port}/slack/events", "json-logs-signing-secret", fake=fake
        )
        user = fake.default_user()
        assert slack.command("/order", "show 2026-42", user=user).status == 200
        deadline = time.monotonic() + 30
        while "error id" not in json.dumps(fake.ephemerals(user=user)) and time.monotonic() < deadline:
            time.sleep(0.1)
        shown = json.dumps(fake.ephemerals(user=user))
        proc.terminate()
        proc.wait(timeout=10)
        log_file.close()
    finally:
        fake.stop()
        emulator.stop()

    text = (tmp_path / "stderr.log").read_text()
    assert EMULATOR_SECRET not in text and "json-logs-signing-secret" not in text
    records = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert records, "no log lines"
    for record in records:
        assert {
            "time",
            "level",
            "logger",
            "message",
            "error_id",
            "user",
            "command",
            "action",
            "order",
        } <= set(record)
    failure = next(r for r in records if r["error_id"] and r["logger"] == "bot.slack.messages")
    assert failure["user"] == user and failure["command"] == "show" and failure["order"] == "2026-42"
    assert failure["level"] == "WARNING" and "getOrders" in failure["message"]
    assert f"error id: {failure['error_id']}" in shown  # the id the person saw finds the log line


@pytest.mark.logging_error_expected
def test_json_lines_outside_a_request_and_with_a_broken_format() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_formatter())
    handler.addFilter(RequestContextFilter())
    logger = logging.getLogger("tests.ops.json")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("error_id=%s notifier pass failed: %s", "ab12cd34", "Mplus down <é>")
        logger.warning("error_id=x port %d", "not a number")  # logging reports it; the caller goes on
    finally:
        logger.removeHandler(handler)
    first = json.loads(stream.getvalue().splitlines()[0])
    assert first["error_id"] == "ab12cd34" and first["user"] is None and first["command"] is None
    assert first["message"] == "error_id=ab12cd34 notifier pass failed: Mplus down <é>"
