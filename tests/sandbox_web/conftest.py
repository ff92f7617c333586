"""Fixtures: FakeSlack, the tiny Bolt app over HTTP, the sandbox page, and headless Chromium for it.

Browser tests skip with a printed reason when Playwright or Chromium is missing, except with
CI=true: then they fail. Screenshots go to test-artifacts/sandbox-web/.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from slack_sandbox.bolt_rig import BoltRig, serve_bolt
from slack_sandbox.fake_slack import FakeSlack
from slack_sandbox.web.app import SandboxWeb
from tests.browser import BROWSER_TIMEOUT_MS
from tests.sandbox_web.bot import BOT_TOKEN, SIGNING_SECRET, Probe, build_bot

try:
    from playwright.sync_api import Browser, Locator, Page, expect
except ImportError:  # reported by the browser fixture: skipped locally, a failure in CI
    expect = None  # type: ignore[assignment]


@pytest.fixture
def probe() -> Probe:
    return {"bodies": [], "closed": []}


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(bot_token=BOT_TOKEN) as running:
        yield running


@pytest.fixture
def rig(fake: FakeSlack, probe: Probe) -> Iterator[BoltRig]:
    with serve_bolt(build_bot(fake, probe), fake, SIGNING_SECRET) as running:
        yield running


@pytest.fixture
def sandbox(rig: BoltRig) -> Iterator[SandboxWeb]:
    web = SandboxWeb(
        fake=rig.fake,
        client=rig.client,
        host="127.0.0.1",
        port=0,
        channels=["orders", "notifications", "ops"],
        user_id="U0ALICE",
        command="/order",
    )
    web.start()
    yield web
    web.stop()


# ---------------------------------------------------------------------- browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "sandbox-web"


def _quiet(check: Callable[[], Any]) -> Any:
    try:
        return check()
    except (LookupError, KeyError, TypeError):
        return None


@dataclass
class Ui:
    page: Page
    probe: Probe
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    offsite: list[str] = field(default_factory=list)

    def run(self, line: str) -> None:
        composer = self.page.get_by_test_id("composer")
        composer.fill(line)
        composer.press("Enter")
        expect(composer).to_have_value("")

    def messages(self) -> Locator:
        return self.page.locator("#messages > [data-testid=message]")

    def bodies(self, kind: str) -> list[dict[str, Any]]:
        return [b for b in self.probe["bodies"] if b.get("type") == kind]

    def eventually(self, check: Callable[[], Any], timeout: float = 30.0) -> Any:
        """For what the bot saw (Python side): poll while the page's requests are in flight."""
        deadline = time.monotonic() + timeout
        while not (value := _quiet(check)) and time.monotonic() < deadline:
            self.page.wait_for_timeout(50)
        assert value, "condition still false"
        return value

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


@pytest.fixture
def ui(browser: Browser, sandbox: SandboxWeb, probe: Probe, request: pytest.FixtureRequest) -> Iterator[Ui]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(BROWSER_TIMEOUT_MS)
    state = Ui(page, probe)

    def guard(route: Any) -> None:  # the page must need nothing but this server
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            state.offsite.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page.on("dialog", lambda dialog: (state.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: state.errors.append(str(error)))
    page.on("console", lambda msg: msg.type == "error" and state.errors.append(msg.text))
    page.goto(sandbox.url)
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    yield state
    state.shot(request.node.name.removeprefix("test_"))
    context.close()
    assert state.dialogs == [], "a script dialog was opened (injected script ran?)"
    assert state.errors == [], state.errors
    assert state.offsite == [], state.offsite
