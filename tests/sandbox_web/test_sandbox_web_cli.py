"""``python -m slack_sandbox.web``: a FakeSlack and the page in front of a bot already running."""

from __future__ import annotations

import json
import threading
import time

import pytest

from slack_sandbox.bolt_rig import BoltRig
from slack_sandbox.http_util import http_request, json_request
from slack_sandbox.web.__main__ import main
from tests.sandbox_web.bot import SIGNING_SECRET


def test_cli_serves_fake_and_page_until_stopped(rig: BoltRig, capsys: pytest.CaptureFixture[str]) -> None:
    stop = threading.Event()
    argv = ["--bot-url", f"{rig.url}/slack/events", "--signing-secret", SIGNING_SECRET, "--port", "0"]
    argv += ["--fake-port", "0", "--channel", "orders", "--channel", "#sales"]
    runner = threading.Thread(target=main, args=(argv, stop), daemon=True)
    runner.start()
    deadline = time.monotonic() + 10
    lines: list[str] = []
    while time.monotonic() < deadline and len(lines) < 2:
        time.sleep(0.05)
        lines = [line for line in capsys.readouterr().out.splitlines() if "=" in line] or lines
    try:
        assert lines[0].startswith("FakeSlack api_url=http://127.0.0.1:") and lines[0].endswith("/api/")
        url = lines[1].removeprefix("Sandbox url=")
        assert url.startswith("http://127.0.0.1:") and http_request(url).status == 200
        names = [c["name"] for c in json.loads(http_request(url + "api/state").body)["channels"]]
        assert names == ["orders", "sales", "orderbot"]
        # The CLI's own fake is not the rig's: the bot's Web API calls go elsewhere, but the
        # signed command still reaches the bot and its ack text is shown by the CLI's fake.
        answer = json.loads(
            json_request(url + "api/command", {"channel": "orders", "text": "/order hi"}).body
        )
        assert answer["ok"] and answer["outcome"]["shown"] == "ephemeral"
    finally:
        stop.set()
        runner.join(timeout=5)
    assert not runner.is_alive()


def test_cli_refuses_without_secret_or_with_a_remote_bot(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--bot-url", "http://127.0.0.1:3000/slack/events", "--signing-secret", ""]) == 2
    assert main(["--bot-url", "http://example.com/slack/events", "--signing-secret", "x"]) == 2
    assert "must point at this machine" in capsys.readouterr().err
