"""Builds the Bolt App: a WebClient that retries politely, and the handlers registered on it."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from slack_bolt import App
from slack_bolt.lazy_listener.thread_runner import ThreadLazyListenerRunner
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
    then queue behind work and miss Slack's 3 s, so the work gets a pool of its own.
    """

    ack: ThreadPoolExecutor
    work: ThreadPoolExecutor

    @classmethod
    def for_settings(cls, settings: BotSettings) -> ListenerPools:
        return cls(
            ack=ThreadPoolExecutor(max_workers=max(settings.workers, 8), thread_name_prefix="slack-ack"),
            work=ThreadPoolExecutor(max_workers=settings.workers, thread_name_prefix="slack-work"),
        )

    def shutdown(self) -> None:
        for pool in (self.ack, self.work):
            pool.shutdown(wait=False, cancel_futures=True)


def build_app(settings: BotSettings, deps: Deps, client: WebClient, pools: ListenerPools) -> App:
    signing_secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    )
    app = App(
        client=client,
        signing_secret=signing_secret,
        # auth.test at start-up would make the bot unstartable while Slack is briefly down.
        token_verification_enabled=False,
        process_before_response=False,
        listener_executor=pools.ack,
        logger=logging.getLogger("bot.slack.bolt"),
    )
    app.listener_runner.lazy_listener_runner = ThreadLazyListenerRunner(
        logger=logging.getLogger("bot.slack.bolt"), executor=pools.work
    )
    handlers.register(app, deps)
    return app
