"""Who the bot is in Slack (auth.test), learned in the background — never on the ack path.

Bolt's own single-workspace authorization calls auth.test on the first request and again on every
request while it fails; when Slack's auth.test was failing after a restart that made every ack take
4.6–5.7 s. The bot has exactly one token, so a request needs no lookup to be authorised: this
middleware sets the token at once and adds the bot's ids when the background call has learned them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.middleware.authorization.authorization import Authorization
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient

log = logging.getLogger(__name__)

_NO_AUTH = frozenset({"url_verification", "ssl_check"})


class BotIdentity(BaseModel):
    model_config = ConfigDict(frozen=True)

    team_id: str | None = None
    enterprise_id: str | None = None
    bot_user_id: str | None = None
    bot_id: str | None = None


class IdentityWatcher:
    """Calls auth.test in its own thread until it succeeds (backing off up to a minute)."""

    def __init__(self, client: WebClient, max_backoff_s: float = 60.0) -> None:
        self._client = client
        self._max_backoff_s = max_backoff_s
        self._stop = threading.Event()
        self._known = threading.Event()
        self.identity = BotIdentity()
        self._thread: threading.Thread | None = None

    def start(self) -> IdentityWatcher:
        self._thread = threading.Thread(target=self._learn, name="slack-auth-test", daemon=True)
        self._thread.start()
        return self

    def wait(self, timeout: float) -> bool:
        return self._known.wait(timeout)

    def _learn(self) -> None:
        delay = 1.0
        while not self._stop.is_set():
            try:
                found = self._client.auth_test()
                self.identity = BotIdentity(
                    team_id=found.get("team_id"),
                    enterprise_id=found.get("enterprise_id"),
                    bot_user_id=found.get("user_id"),
                    bot_id=found.get("bot_id"),
                )
                self._known.set()
                me = self.identity
                log.info("slack auth.test ok: team %s, bot user %s", me.team_id, me.bot_user_id)
                return
            except Exception as err:  # Slack down or the token refused: say so, keep serving, retry
                log.warning("slack auth.test failed (%s); retrying in %.0f s", _reason(err), delay)
            if self._stop.wait(delay):
                return
            delay = min(delay * 2, self._max_backoff_s)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


def _reason(err: Exception) -> str:
    response = getattr(err, "response", None)
    error = response.get("error") if response is not None else None
    return str(error or type(err).__name__)


class KnownTokenAuthorization(Authorization):
    """Single-workspace authorization from the configured token, without a Web API call."""

    def __init__(self, token: str, identity: Callable[[], BotIdentity]) -> None:
        self._token = token
        self._identity = identity

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        if req.body.get("type") in _NO_AUTH:
            return next()
        me = self._identity()
        req.context.set_authorize_result(
            AuthorizeResult(
                enterprise_id=req.context.enterprise_id,
                team_id=req.context.team_id,
                bot_token=self._token,
                bot_id=me.bot_id,
                bot_user_id=me.bot_user_id,
                user_id=req.context.user_id,
            )
        )
        return next()
