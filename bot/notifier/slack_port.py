"""The notifier's narrow view of Slack: post, update, and find a post by its nonce.

``WebClientSlack`` implements it with slack_sdk. Two deliberate choices:

- ``chat.postMessage`` goes through a client that retries **only** HTTP 429 (honouring Retry-After).
  A 429 means Slack did not take the message, so retrying cannot duplicate it; a connection error or
  5xx might have posted it, so that is *not* retried blindly: the caller's pending nonce is looked up
  on the next attempt instead. Updates and reads are idempotent and use the bot's usual client.
- Posts are paced per channel (about one per second, Slack's chat.postMessage guidance), so a busy
  pass is slowed down rather than answered with 429s.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.ops.slack_api import metered_web_client

log = logging.getLogger(__name__)

EVENT_TYPE = "orderbot_notice"
"""Slack message-metadata event type carrying the notifier's nonce."""
LOOKUP_MARGIN_S = 300.0
"""How far before the pending row's time the history lookup starts (clock skew, slow posts)."""
LOOKUP_PAGES = 10
_TRANSIENT = {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
_GONE = {"message_not_found", "cant_update_message", "thread_not_found"}


class SlackFailure(Exception):
    """A Slack call failed. ``transient``: try again later (stop here); else skip this message."""

    def __init__(self, error: str, *, transient: bool, retry_after: float | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.transient = transient
        self.retry_after = retry_after


class MessageGone(SlackFailure):
    """The card (or the thread it heads) no longer exists: someone deleted it."""

    def __init__(self, error: str) -> None:
        super().__init__(error, transient=False)


class SlackPort(Protocol):
    def post(
        self,
        channel: str,
        text: str,
        blocks: list[dict[str, Any]] | None,
        *,
        nonce: str | None = None,
        thread_ts: str | None = None,
    ) -> str:
        """Post a message; returns its ts."""
        ...

    def update(self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]] | None) -> None: ...

    def find_nonce(
        self, channel: str, nonce: str, *, since: datetime, thread_ts: str | None = None
    ) -> str | None:
        """The ts of the message carrying ``nonce`` (in the channel, or in a thread), or None."""
        ...


def _failure(err: Exception) -> SlackFailure:
    if isinstance(err, SlackApiError):
        error = str(err.response.get("error") or f"http_{err.response.status_code}")
        status = err.response.status_code
        if error in _GONE:
            return MessageGone(error)
        retry_after = None
        if status == 429:
            retry_after = float(
                err.response.headers.get("Retry-After", err.response.headers.get("retry-after", 1))
            )
        return SlackFailure(
            error, transient=status == 429 or status >= 500 or error in _TRANSIENT, retry_after=retry_after
        )
    return SlackFailure(f"{type(err).__name__}: {err}"[:200], transient=True)


class WebClientSlack:
    def __init__(
        self, client: WebClient, *, post_interval_s: float = 1.0, rate_limit_retries: int = 5
    ) -> None:
        self._client = client
        self._poster = metered_web_client(
            token=client.token,
            base_url=client.base_url,
            timeout=client.timeout,
            retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=rate_limit_retries)],
        )
        self._interval = post_interval_s
        self._last_post: dict[str, float] = {}
        self._lock = threading.Lock()

    def _pace(self, channel: str) -> None:
        if self._interval <= 0:
            return
        with self._lock:
            wait = self._last_post.get(channel, -1e9) + self._interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)

    def post(
        self,
        channel: str,
        text: str,
        blocks: list[dict[str, Any]] | None,
        *,
        nonce: str | None = None,
        thread_ts: str | None = None,
    ) -> str:
        self._pace(channel)
        kwargs: dict[str, Any] = {
            "channel": channel,
            "text": text,
            "unfurl_links": False,
            "unfurl_media": False,
        }
        if blocks is not None:
            kwargs["blocks"] = blocks
        if thread_ts is not None:
            kwargs["thread_ts"] = thread_ts
        if nonce is not None:
            kwargs["metadata"] = {"event_type": EVENT_TYPE, "event_payload": {"nonce": nonce}}
        try:
            response = self._poster.chat_postMessage(**kwargs)
        except (SlackApiError, SlackClientError, OSError) as err:
            raise _failure(err) from None
        finally:
            with self._lock:
                self._last_post[channel] = time.monotonic()
        return str(response["ts"])

    def upload_file(self, channel: str, content: bytes, filename: str, title: str, comment: str) -> None:
        """Share a file in ``channel`` (files.getUploadURLExternal + files.completeUploadExternal)."""
        self._pace(channel)
        try:
            self._poster.files_upload_v2(
                channel=channel,
                content=content,
                filename=filename,
                title=title,
                alt_txt=comment[:1000],
                initial_comment=comment,
            )
        except (SlackApiError, SlackClientError, OSError) as err:
            raise _failure(err) from None
        finally:
            with self._lock:
                self._last_post[channel] = time.monotonic()

    def update(self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]] | None) -> None:
        kwargs: dict[str, Any] = {"channel": channel, "ts": ts, "text": text}
        if blocks is not None:
            kwargs["blocks"] = blocks
        try:
            self._client.chat_update(**kwargs)
        except (SlackApiError, SlackClientError, OSError) as err:
            raise _failure(err) from None

    def find_nonce(
        self, channel: str, nonce: str, *, since: datetime, thread_ts: str | None = None
    ) -> str | None:
        cursor: str | None = None
        try:
            for _ in range(LOOKUP_PAGES):
                args: dict[str, Any] = {"channel": channel, "include_all_metadata": True, "limit": 200}
                if cursor:
                    args["cursor"] = cursor
                if thread_ts is not None:
                    response = self._client.conversations_replies(ts=thread_ts, **args)
                else:
                    oldest = f"{since.timestamp() - LOOKUP_MARGIN_S:.6f}"
                    response = self._client.conversations_history(oldest=oldest, **args)
                for message in response.get("messages") or []:
                    payload = (message.get("metadata") or {}).get("event_payload") or {}
                    if payload.get("nonce") == nonce:
                        return str(message["ts"])
                cursor = (response.get("response_metadata") or {}).get("next_cursor")
                if not response.get("has_more") or not cursor:
                    return None
        except (SlackApiError, SlackClientError, OSError) as err:
            raise _failure(err) from None
        log.warning(
            "nonce lookup in %s gave up after %d pages; treating the post as not made", channel, LOOKUP_PAGES
        )
        return None
