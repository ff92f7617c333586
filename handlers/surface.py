"""Buttons pressed in a view (the App Home, a modal) have no channel and no response_url.

The order card's listeners answer through ``respond`` into the message's channel; for a press in a
view the answer goes to the person's direct-message channel with the bot instead (the App Home's
Messages tab), so Show, Pay and Deliver work the same from the App Home as from a card.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

Reply = Callable[..., Any]


def pressed_in_view(body: dict[str, Any]) -> bool:
    return (body.get("container") or {}).get("type") == "view" and not body.get("response_url")


def dm_channel(client: WebClient, user_id: str) -> str:
    return str(client.conversations_open(users=user_id)["channel"]["id"])


def dm_reply(client: WebClient, channel: str) -> Reply:
    """Takes ``respond``'s keyword arguments; ephemeral-only ones mean nothing in a DM and are dropped."""

    def reply(**message: Any) -> None:
        for key in ("response_type", "replace_original", "delete_original"):
            message.pop(key, None)
        client.chat_postMessage(channel=channel, **message)

    return reply


def view_reply(body: dict[str, Any], respond: Reply | None, client: WebClient) -> tuple[Reply, str | None]:
    """(how to answer, the DM channel when the press came from a view — else None)."""
    if respond is not None and not pressed_in_view(body):
        return respond, None
    channel = dm_channel(client, body["user"]["id"])
    return dm_reply(client, channel), channel
