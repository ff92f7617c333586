"""`orderbot` as a real process: config errors, the emulator, and `orderbot run` over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from mplus_emulator.server import EmulatorServer
from slack_sandbox.fake_slack import FakeSlack
from slack_sandbox.signed_client import SignedSlackClient
from tests.conftest import EMULATOR_IDENT, EMULATOR_SECRET, free_port

ORDERBOT = [sys.executable, "-m", "bot.cli"]
REPO = Path(__file__).resolve().parents[1]


def _env(**values: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MPLUS_", "ORDERBOT_"))}
    keep["PYTHONPATH"] = str(REPO)
    keep.update(values)
    return keep


def _run_config_error(tmp_path: Path, **env: str) -> str:
    proc = subprocess.run(
        [*ORDERBOT, "run"], cwd=tmp_path, env=_env(**env), capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


def test_missing_or_malformed_config_is_one_clear_line(tmp_path: Path) -> None:
    assert _run_config_error(tmp_path) == "configuration error: SLACK_BOT_TOKEN is missing"
    line = _run_config_error(tmp_path, SLACK_BOT_TOKEN="xoxb-1", PORT="eighty")
    assert line.startswith("configuration error: PORT is invalid")
    line = _run_config_error(tmp_path, SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s", MPLUS_IDENT="i")
    assert line == "configuration error: MPLUS_SECRET is missing"
    line = _run_config_error(tmp_path, SLACK_BOT_TOKEN="xoxp-user-token-value")
    assert "SLACK_BOT_TOKEN" in line and "xoxp-user-token-value" not in line


def _wait_http(url: str, timeout: float = 30.0) -> bytes:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture
def process_cleanup() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_orderbot_emulator_serves_its_wsdl(tmp_path: Path, process_cleanup: list) -> None:
    port = free_port()
    process_cleanup.append(
        subprocess.Popen(
            [*ORDERBOT, "emulator", "--port", str(port), "--seed", "empty"], cwd=tmp_path, env=_env()
        )
    )
    wsdl = _wait_http(f"http://127.0.0.1:{port}/?wsdl")
    assert b"urn:mplusqapi" in wsdl and b"getOrders" in wsdl


def test_orderbot_run_answers_signed_commands(tmp_path: Path, process_cleanup: list) -> None:
    emulator = EmulatorServer(port=0, seed="demo", ident=EMULATOR_IDENT, secret=EMULATOR_SECRET).start()
    fake = FakeSlack(port=0, bot_token="xoxb-process-test").start()
    try:
        port = free_port()
        env = _env(
            SLACK_BOT_TOKEN="xoxb-process-test",
            SLACK_SIGNING_SECRET="process-signing-secret",
            SLACK_API_URL=fake.api_url,
            MPLUS_URL=emulator.url,
            MPLUS_IDENT=EMULATOR_IDENT,
            MPLUS_SECRET=EMULATOR_SECRET,
            MPLUS_WSDL_CACHE=str(tmp_path / "wsdl.sqlite"),
            HOST="127.0.0.1",
        )
        proc = subprocess.Popen(
            [*ORDERBOT, "run", "--port", str(port)], cwd=tmp_path, env=env, stderr=subprocess.PIPE
        )
        process_cleanup.append(proc)
        assert json.loads(_wait_http(f"http://127.0.0.1:{port}/healthz"))["status"] == "alive"
        # /readyz answers 503 until the first background check is in, then 200.
        ready = json.loads(_wait_http(f"http://127.0.0.1:{port}/readyz"))
        assert ready["status"] == "ready" and ready["checks"]["mplus"]["ok"], ready

        slack = SignedSlackClient(
            f"http://127.0.0.1:{port}/slack/events", "process-signing-secret", fake=fake
        )
        user = fake.default_user()
        result = slack.command("/order", "methods", user=user)
        assert result.status == 200
        deadline = time.monotonic() + 20
        while not fake.ephemerals(user=user) and time.monotonic() < deadline:
            time.sleep(0.1)
        reply = json.dumps(fake.ephemerals(user=user))
        assert "Delivery methods" in reply, reply
        proc.terminate()
        proc.wait(timeout=10)
        stderr = proc.stderr.read().decode() if proc.stderr else ""
        assert EMULATOR_SECRET not in stderr and "process-signing-secret" not in stderr
    finally:
        fake.stop()
        emulator.stop()
