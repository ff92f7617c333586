"""ORDERBOT_CHANNELS: when set, the bot answers only in those channels (checked before the ack).

It holds for everything: commands, buttons (a button without a channel is refused), type-ahead
requests and modal submissions. A modal has no channel of its own: it counts as being in the
channel it was opened from, as noted server-side when Orderbot opened it (``FormOrigins``), never
as its private_metadata says.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse

from bot.slack.deps import Deps
from bot.slack.messages import CHANNEL_NOT_ENABLED, FORM_ORIGIN_UNKNOWN
from handlers.workspace import refusal

_MODAL_TYPES = ("view_submission", "view_closed", "block_suggestion", "block_actions")


def _view_id(body: dict[str, Any]) -> str | None:
    view = body.get("view")
    if body.get("type") in _MODAL_TYPES and isinstance(view, dict) and view.get("id"):
        return str(view["id"])
    return None


def _channel_of(body: dict[str, Any]) -> str | None:
    if "channel_id" in body:  # slash command
        return str(body["channel_id"])
    channel = body.get("channel") or {}
    if isinstance(channel, dict) and channel.get("id"):
        return str(channel["id"])
    container = body.get("container") or {}
    found = container.get("channel_id") if isinstance(container, dict) else None
    return str(found) if found else None


def register(app: App, deps: Deps) -> None:
    if not deps.allowed_channels:
        return

    # Dictionary work plus a lookup that is answered from memory: nothing here waits on Slack's 3 s.
    @app.middleware
    def only_allowed_channels(body: dict[str, Any], next: Callable[[], None]) -> BoltResponse | None:
        view_id = _view_id(body)
        if view_id is not None:
            origin = deps.form_origins.get(view_id) if deps.form_origins else None
            if origin is None:
                return refusal(body, FORM_ORIGIN_UNKNOWN)
            channel: str | None = origin.channel_id
        else:
            channel = _channel_of(body)
        if channel in deps.allowed_channels:
            next()
            return None
        return refusal(body, CHANNEL_NOT_ENABLED)
