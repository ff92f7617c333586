"""ORDERBOT_CHANNELS: when set, the bot answers only in those channels (checked before the ack)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse

from bot.slack import views
from bot.slack.deps import Deps
from bot.slack.messages import CHANNEL_NOT_ENABLED


def _channel_of(body: dict[str, Any]) -> str | None:
    if "channel_id" in body:  # slash command
        return str(body["channel_id"])
    channel = body.get("channel") or {}
    if isinstance(channel, dict) and channel.get("id"):
        return str(channel["id"])
    container = body.get("container") or {}
    return container.get("channel_id")


def register(app: App, deps: Deps) -> None:
    if not deps.allowed_channels:
        return

    # Pure dictionary work, so running it before the ack costs nothing against Slack's 3 s.
    @app.middleware
    def only_allowed_channels(body: dict[str, Any], next: Callable[[], None]) -> BoltResponse | None:
        channel = _channel_of(body)
        if channel is None or channel in deps.allowed_channels:
            next()
            return None
        # A middleware that stops the chain must hand Bolt the HTTP answer itself.
        if body.get("command"):
            reply = {
                "response_type": "ephemeral",
                "text": CHANNEL_NOT_ENABLED,
                "blocks": views.error_view(CHANNEL_NOT_ENABLED),
            }
            return BoltResponse(
                status=200, body=json.dumps(reply), headers={"content-type": "application/json"}
            )
        return BoltResponse(status=200, body="")
