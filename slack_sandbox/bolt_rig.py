"""Serve a Bolt app over real HTTP on loopback and hand back a SignedSlackClient aimed at it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slack_sandbox.fake_slack import FakeSlack
from slack_sandbox.signed_client import SignedSlackClient
from slack_sandbox.wsgi_runner import WsgiThread

if TYPE_CHECKING:
    from slack_bolt import App


@dataclass
class BoltRig:
    fake: FakeSlack
    client: SignedSlackClient
    server: WsgiThread

    @property
    def url(self) -> str:
        return self.server.url


@contextmanager
def serve_bolt(
    app: App, fake: FakeSlack, signing_secret: str, *, path: str = "/slack/events", port: int = 0
) -> Iterator[BoltRig]:
    """Run ``app`` behind Bolt's WSGI adapter (the production code path, not ``app.dispatch``)."""
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    with WsgiThread(SlackRequestHandler(app), port=port) as server:
        client = SignedSlackClient(
            f"{server.url}{path}",
            signing_secret,
            fake=fake,
            team_id=fake.config.team_id,
            api_app_id=fake.config.app_id,
            bot_user_id=fake.config.bot_user_id,
        )
        yield BoltRig(fake, client, server)
