"""End-to-end rig: emulator + fake Slack + the real bot app served over real HTTP (waitress)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from bot.config import BotSettings, Settings
from bot.server import Runtime, build_runtime, make_http_server, stop_http_server
from mplus_emulator.server import EmulatorServer
from slack_sandbox.fake_slack import FakeSlack
from slack_sandbox.signed_client import SignedSlackClient
from tests.conftest import make_settings

SIGNING_SECRET = "test-signing-secret-0123456789"
BOT_TOKEN = "xoxb-test-token"
ALICE = "U0ALICE"
CHANNEL = "C0ORDERS"
T = TypeVar("T")


def wait_for(probe: Callable[[], T | None], timeout: float = 30.0, what: str = "condition") -> T:
    """Poll until ``probe`` returns something truthy: lazy Slack work finishes after the ack."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@dataclass
class BotRig:
    runtime: Runtime
    events_url: str
    base_url: str
    fake: FakeSlack
    emulator: EmulatorServer
    slack: SignedSlackClient

    def ephemerals(self, user: str = ALICE) -> list[dict[str, Any]]:
        return self.fake.ephemerals(user=user)

    def next_ephemeral(self, before: int, user: str = ALICE, timeout: float = 30.0) -> dict[str, Any]:
        return wait_for(
            lambda: self.ephemerals(user)[before] if len(self.ephemerals(user)) > before else None,
            timeout,
            "an ephemeral reply",
        )

    def run(self, text: str, user: str = ALICE, timeout: float = 30.0) -> dict[str, Any]:
        """Type ``/order text`` and return the ephemeral reply the user sees."""
        before = len(self.ephemerals(user))
        result = self.slack.command("/order", text, user=user, channel=CHANNEL)
        assert result.status == 200, result.body
        return self.next_ephemeral(before, user, timeout)


@pytest.fixture(scope="session")
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack(host="127.0.0.1", port=0, bot_token=BOT_TOKEN, team_id="T0001")
    fake.start()
    fake.add_user(ALICE, "alice")
    yield fake
    fake.stop()


def bot_settings(fake: FakeSlack, **overrides: Any) -> BotSettings:
    values: dict[str, Any] = {
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": fake.api_url,
        "host": "127.0.0.1",
        "port": 0,
        "catalogue_ttl_s": 0,
        # Off unless a test turns it on: on a busy machine a notice could come before the reply a
        # test waits for (tests/slack/test_runtime_load.py covers it).
        "slow_notice_s": 0,
    }
    values.update(overrides)
    return BotSettings(_env_file=None, **values)  # type: ignore[call-arg]


def request_overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker("bot_settings")
    return dict(marker.kwargs) if marker else {}


def mplus_overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker("mplus_settings")
    return dict(marker.kwargs) if marker else {}


@pytest.fixture
def rig(
    request: pytest.FixtureRequest, emulator: EmulatorServer, fake_slack: FakeSlack, tmp_path: Path
) -> Iterator[BotRig]:
    """The bot, served over HTTP. ``@pytest.mark.bot_settings(name=value, …)`` overrides BotSettings
    (``mplus_settings`` likewise MplusSettings)."""
    fake_slack.reset()
    if not fake_slack.user_info(ALICE):
        fake_slack.add_user(ALICE, "alice")
    settings = Settings(
        bot_settings(
            fake_slack, database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}", **request_overrides(request)
        ),
        make_settings(emulator.url, tmp_path, timeout_s=8.0, **mplus_overrides(request)),
    )
    with serve_bot(settings, fake_slack, emulator) as running:
        yield running


@contextlib.contextmanager
def serve_bot(settings: Settings, fake: FakeSlack, emulator: EmulatorServer) -> Iterator[BotRig]:
    """``build_runtime`` + waitress on a free port, stopped (threads, store) on exit."""
    runtime = build_runtime(settings)
    server = make_http_server(runtime, "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, name="bot-http", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.effective_port}"
    slack = SignedSlackClient(
        events_url=f"{base}/slack/events", signing_secret=SIGNING_SECRET, fake=fake, team_id="T0001"
    )
    try:
        yield BotRig(runtime, f"{base}/slack/events", base, fake, emulator, slack)
    finally:
        stop_http_server(server)
        thread.join(timeout=5)
        runtime.close()
