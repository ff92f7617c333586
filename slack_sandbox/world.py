"""All of the fake workspace's state in one place, so one lock can guard it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from slack_sandbox.conversations import Author, Conversations
from slack_sandbox.directory import Directory
from slack_sandbox.files import FileStore
from slack_sandbox.ids import IdMinter
from slack_sandbox.tokens import TokenRegistry
from slack_sandbox.views import ViewRegistry


@dataclass(frozen=True)
class WorkspaceConfig:
    bot_token: str = "xoxb-test"
    team_id: str = "T0001"
    team_domain: str = "sandbox"
    bot_user_id: str = "U0BOT"
    bot_id: str = "B0BOT"
    bot_name: str = "orderbot"
    app_id: str = "A0ORDERBOT"
    trigger_ttl: float = 3.0
    # Slack waits 3 s for an ack; tests may shrink this instead of sleeping for real.
    ack_deadline: float = 3.0
    response_url_ttl: float = 30 * 60.0
    response_url_uses: int = 5
    seed_defaults: bool = True


class World:
    def __init__(self, config: WorkspaceConfig, clock: Callable[[], float]) -> None:
        self.config = config
        self.ids = IdMinter()
        self.directory = Directory(config.team_id)
        if config.seed_defaults:
            self.directory.seed_defaults(config.bot_user_id, config.bot_name)
        else:
            self.directory.add_user(config.bot_user_id, config.bot_name, is_bot=True)
        self.conversations = Conversations(self.ids, config.team_id)
        self.files = FileStore()
        self.base_url = ""
        """Where the fake serves (upload and file URLs point here); set by FakeSlack once it listens."""
        self.views = ViewRegistry(self.ids, config.team_id, config.app_id, config.bot_id)
        self.tokens = TokenRegistry(
            clock,
            trigger_ttl=config.trigger_ttl,
            response_url_ttl=config.response_url_ttl,
            response_url_uses=config.response_url_uses,
        )

    def bot_author(self) -> Author:
        return Author(user=self.config.bot_user_id, bot_id=self.config.bot_id, app_id=self.config.app_id)
