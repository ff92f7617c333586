"""Short-lived credentials Slack hands to apps: trigger ids and response URLs."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

TRIGGER_TTL = 3.0
RESPONSE_URL_TTL = 30 * 60.0
RESPONSE_URL_USES = 5


@dataclass
class Trigger:
    id: str
    user: str
    minted_at: float
    used: bool = False


@dataclass
class ResponseUrl:
    token: str
    channel: str
    user: str
    minted_at: float
    message_ts: str | None = None
    ephemeral: bool = False
    uses: int = 0
    # For slash commands there is no original message; "replace_original" then means the
    # last message this URL produced, which is what users observe in Slack.
    produced: list[str] = field(default_factory=list)


class TokenError(Exception):
    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class TokenRegistry:
    """Mints and checks tokens against an injectable clock so tests can skip time."""

    def __init__(
        self,
        clock: Callable[[], float],
        *,
        trigger_ttl: float = TRIGGER_TTL,
        response_url_ttl: float = RESPONSE_URL_TTL,
        response_url_uses: int = RESPONSE_URL_USES,
    ) -> None:
        self._clock = clock
        self.trigger_ttl = trigger_ttl
        self.response_url_ttl = response_url_ttl
        self.response_url_uses = response_url_uses
        self._triggers: dict[str, Trigger] = {}
        self._urls: dict[str, ResponseUrl] = {}

    def new_trigger(self, user: str) -> str:
        # Real trigger ids look like "1234567890.123456789.abcdef0123456789".
        trigger_id = f"{int(self._clock() * 1000)}.{secrets.randbelow(10**9)}.{secrets.token_hex(16)}"
        self._triggers[trigger_id] = Trigger(trigger_id, user, self._clock())
        return trigger_id

    def use_trigger(self, trigger_id: str | None) -> Trigger:
        """Consume a trigger or raise ``invalid_trigger_id`` / ``expired_trigger_id``."""
        trigger = self._triggers.get(trigger_id or "")
        if trigger is None:
            raise TokenError("invalid_trigger_id")
        if trigger.used or self._clock() - trigger.minted_at > self.trigger_ttl:
            raise TokenError("expired_trigger_id")
        trigger.used = True
        return trigger

    def new_response_url(self, channel: str, user: str, message_ts: str | None, ephemeral: bool) -> str:
        token = secrets.token_urlsafe(18)
        self._urls[token] = ResponseUrl(token, channel, user, self._clock(), message_ts, ephemeral)
        return token

    def use_response_url(self, token: str, *, consume: bool = True) -> ResponseUrl:
        """Count one use (unless just checking) or raise ``expired_url``/``used_url``/``no_such_url``."""
        url = self._urls.get(token)
        if url is None:
            raise TokenError("no_such_url")
        if self._clock() - url.minted_at > self.response_url_ttl:
            raise TokenError("expired_url")
        if url.uses >= self.response_url_uses:
            raise TokenError("used_url")
        if consume:
            url.uses += 1
        return url

    def peek_response_url(self, token: str) -> ResponseUrl | None:
        return self._urls.get(token)
