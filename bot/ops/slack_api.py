"""Slack Web API clients that count their calls and the 429s they met (for ``/metrics``)."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.ops.metrics import SLACK_API_CALLS, SLACK_API_RATE_LIMITED


def _method_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0][:60] or "unknown"


class RateLimitCounter(RetryHandler):
    """Counts every 429 and never retries itself: it goes first, the real handlers decide after it."""

    def __init__(self) -> None:
        super().__init__(max_retry_count=1_000_000)

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is not None and response.status_code == 429:
            SLACK_API_RATE_LIMITED.labels(_method_of(request.url)).inc()
        return False


class MeteredWebClient(WebClient):
    def api_call(self, api_method: str, **kwargs: Any) -> Any:  # type: ignore[override]
        outcome = "ok"
        try:
            return super().api_call(api_method, **kwargs)
        except SlackApiError as err:
            code = err.response.get("error") if err.response is not None else None
            outcome = str(code or "error")[:40]
            raise
        except Exception as err:
            outcome = type(err).__name__
            raise
        finally:
            SLACK_API_CALLS.labels(api_method[:60], outcome).inc()


def metered_web_client(*, retry_handlers: list[RetryHandler] | None = None, **kwargs: Any) -> WebClient:
    """A WebClient like ``WebClient(**kwargs)`` whose calls and 429s show in ``/metrics``."""
    return MeteredWebClient(retry_handlers=[RateLimitCounter(), *(retry_handlers or [])], **kwargs)
