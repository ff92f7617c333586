"""Builds the Bolt App: a WebClient that retries politely, and the handlers registered on it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_bolt import App
from slack_bolt.middleware.authorization import SingleTeamAuthorization
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

import handlers
from bot.config import BotSettings
from bot.ops.slack_api import metered_web_client
from bot.slack.deps import Deps
from bot.slack.identity import IdentityWatcher, KnownTokenAuthorization
from bot.slack.work import InFlight, SlowNotices, TrackedPool, WatchedLazyRunner

log = logging.getLogger(__name__)


def build_web_client(settings: BotSettings) -> WebClient:
    # slack_sdk retries only connection errors by default; 429s (honouring Retry-After) and 5xx
    # must be added, or a busy channel loses messages.
    return metered_web_client(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=str(settings.slack_api_url),
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=5),
            ServerErrorRetryHandler(max_retry_count=3),
        ],
    )


@dataclass(frozen=True)
class ListenerPools:
    """Bolt's threads: acks in one pool, the slow work after the ack in another.

    Bolt runs lazy listeners in the listener pool too; under load (many slow Mplus calls) acks would
    then queue behind work and miss Slack's 3 s, so the work gets a pool of its own. The work pool
    is as large as MPLUS_MAX_CONCURRENCY: work mostly waits on Mplus, a waiting thread costs little,
    and the Mplus gate (``bot.mplus.gate``) — not this pool — is what limits the calls Mplus sees.
    """

    ack: TrackedPool
    work: TrackedPool
    in_flight: InFlight
    slow: SlowNotices

    @classmethod
    def for_settings(cls, settings: BotSettings, mplus_concurrency: int = 8) -> ListenerPools:
        in_flight = InFlight()
        return cls(
            ack=TrackedPool(max(settings.workers, 8), "slack-ack", in_flight),
            work=TrackedPool(max(settings.workers, mplus_concurrency), "slack-work", in_flight),
            in_flight=in_flight,
            slow=SlowNotices(settings.slow_notice_s),
        )

    def shutdown(self) -> None:
        self.slow.stop()
        for pool in (self.ack, self.work):
            pool.shutdown(wait=False, cancel_futures=True)


def _authorize_without_web_api(app: App, token: str, identity: IdentityWatcher) -> None:
    """Swap Bolt's single-team authorization (auth.test on the request path) for ours."""
    middleware = app._middleware_list  # Bolt has no public way to replace a built-in middleware
    for i, item in enumerate(middleware):
        if isinstance(item, SingleTeamAuthorization):
            middleware[i] = KnownTokenAuthorization(token, lambda: identity.identity)
            return
    raise RuntimeError("slack_bolt no longer installs SingleTeamAuthorization; review bot/slack/identity.py")


def build_app(
    settings: BotSettings,
    deps: Deps,
    client: WebClient,
    pools: ListenerPools,
    identity: IdentityWatcher | None = None,
) -> App:
    signing_secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    )
    app = App(
        client=client,
        signing_secret=signing_secret,
        # auth.test at start-up would make the bot unstartable while Slack is briefly down; it runs
        # in the background instead (bot/slack/identity.py), and never on the ack path.
        token_verification_enabled=False,
        process_before_response=False,
        listener_executor=pools.ack,
        logger=logging.getLogger("bot.slack.bolt"),
    )
    app.listener_runner.lazy_listener_runner = WatchedLazyRunner(pools.work, pools.slow)
    identity = identity or IdentityWatcher(client)
    _authorize_without_web_api(app, settings.slack_bot_token.get_secret_value(), identity)
    handlers.register(app, deps, identity)
    return app
