"""The bot's WebClient rides out Slack's 429s (honouring Retry-After) and 5xx answers."""

from __future__ import annotations

import time

from bot.slack.app import build_web_client
from slack_sandbox.fake_slack import FakeSlack
from tests.slack.conftest import CHANNEL, bot_settings


def test_rate_limits_are_waited_out(fake_slack: FakeSlack) -> None:
    fake_slack.reset()
    client = build_web_client(bot_settings(fake_slack))
    fake_slack.rate_limit("chat.postMessage", times=2, retry_after=1)
    started = time.monotonic()
    response = client.chat_postMessage(channel=CHANNEL, text="hello")
    assert response["ok"]
    assert time.monotonic() - started >= 2.0, "each 429 must be followed by a Retry-After wait"
    statuses = [c["status"] for c in fake_slack.calls("chat.postMessage")]
    assert statuses == [429, 429, 200]
    assert [m["text"] for m in fake_slack.messages(CHANNEL)] == ["hello"]


def test_server_errors_are_retried(fake_slack: FakeSlack) -> None:
    fake_slack.reset()
    client = build_web_client(bot_settings(fake_slack))
    fake_slack.server_error("chat.postMessage", times=2)
    assert client.chat_postMessage(channel=CHANNEL, text="after 503s")["ok"]
    assert [c["status"] for c in fake_slack.calls("chat.postMessage")] == [503, 503, 200]
