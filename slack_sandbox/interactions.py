"""What Slack does with an app's answers: response_url posts, slash-command and view acks.

These are the paths where the app does not call the Web API, yet the user sees a result;
applying them here keeps ``fake.messages()``/``fake.ephemerals()``/``fake.views()`` the single
source of truth for "what the user sees".
"""

from __future__ import annotations

import json
from typing import Any

from slack_sandbox.conversations import Author, prepare_blocks
from slack_sandbox.tokens import ResponseUrl, TokenError
from slack_sandbox.validation import validate_message_blocks, validate_view
from slack_sandbox.views import MAX_STACK
from slack_sandbox.world import World


def _blocks_of(payload: dict[str, Any]) -> Any:
    blocks = payload.get("blocks")
    if isinstance(blocks, str):
        try:
            return json.loads(blocks)
        except ValueError:
            return {"invalid": blocks}
    return blocks


def _flag(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True")


def post_to_response_url(world: World, token: str, payload: Any) -> tuple[int, dict[str, Any]]:
    """Return (HTTP status, JSON body) as Slack's response_url endpoint would."""
    try:
        url = world.tokens.use_response_url(token, consume=False)
    except TokenError as exc:
        return 404, {"ok": False, "error": exc.error}
    if not isinstance(payload, dict):
        return 400, {"ok": False, "error": "invalid_payload"}
    blocks = _blocks_of(payload)
    if blocks is not None:
        errors = validate_message_blocks(blocks)
        if errors:
            return 400, {"ok": False, "error": "invalid_blocks", "errors": errors}
    if not (payload.get("text") or blocks or _flag(payload.get("delete_original"))):
        return 400, {"ok": False, "error": "no_text"}
    thread_ts = payload.get("thread_ts") or None
    if thread_ts is not None:
        thread_ts = world.conversations.thread_root(url.channel, str(thread_ts))
        if thread_ts is None:
            return 400, {"ok": False, "error": "thread_not_found"}
    world.tokens.use_response_url(token)
    if _flag(payload.get("delete_original")):
        return _delete_original(world, url)
    if _flag(payload.get("replace_original")):
        return _replace_original(world, url, payload, blocks)
    text = str(payload.get("text") or "")
    if payload.get("response_type") == "in_channel":
        message = world.conversations.post(url.channel, world.bot_author(), text, blocks, thread_ts=thread_ts)
        url.produced.append(message.ts)
    else:
        ephemeral = world.conversations.post_ephemeral(
            url.channel, url.user, text, blocks, source="response_url", thread_ts=thread_ts
        )
        url.produced.append(ephemeral.ts)
    return 200, {"ok": True}


def _original_ts(url: ResponseUrl) -> str | None:
    return url.message_ts or (url.produced[-1] if url.produced else None)


def _delete_original(world: World, url: ResponseUrl) -> tuple[int, dict[str, Any]]:
    ts = _original_ts(url)
    ephemeral = world.conversations.find_ephemeral(url.channel, ts) if ts else None
    if ephemeral is not None:
        ephemeral.deleted = True
        return 200, {"ok": True}
    message = world.conversations.find(url.channel, ts) if ts else None
    if message is None:
        return 404, {"ok": False, "error": "message_not_found"}
    world.conversations.delete(message)
    return 200, {"ok": True}


def _replace_original(
    world: World, url: ResponseUrl, payload: dict[str, Any], blocks: Any
) -> tuple[int, dict[str, Any]]:
    ts = _original_ts(url)
    text = str(payload.get("text") or "")
    ephemeral = world.conversations.find_ephemeral(url.channel, ts) if ts else None
    if ephemeral is not None:
        ephemeral.text, ephemeral.blocks = text, prepare_blocks(blocks)
        ephemeral.replaced += 1
        return 200, {"ok": True}
    message = world.conversations.find(url.channel, ts) if ts else None
    if message is None:
        return 404, {"ok": False, "error": "message_not_found"}
    # Replacing swaps the whole message: blocks absent in the reply disappear.
    world.conversations.update(message, text=text, blocks=blocks, editor=None)
    if blocks is None:
        message.blocks = None
    return 200, {"ok": True}


def _slack_error_ephemeral(world: World, channel: str, user: str, command: str, error: str) -> dict[str, Any]:
    text = f'{command} failed with the error "{error}"'
    world.conversations.post_ephemeral(channel, user, text, None, source="slack")
    return {"shown": "error", "error": error}


def apply_command_ack(
    world: World, *, channel: str, user: str, command: str, text: str, status: int, body: str, elapsed: float
) -> dict[str, Any]:
    """Show the HTTP answer to a slash command the way the Slack client does."""
    if status != 200:
        return _slack_error_ephemeral(world, channel, user, command, "dispatch_failed")
    if elapsed > world.config.ack_deadline:
        return _slack_error_ephemeral(world, channel, user, command, "operation_timeout")
    if not body.strip():
        return {"shown": None}
    try:
        reply = json.loads(body)
    except ValueError:
        reply = {"text": body}
    if not isinstance(reply, dict):
        reply = {"text": body}
    blocks = _blocks_of(reply)
    if blocks is not None and validate_message_blocks(blocks):
        return _slack_error_ephemeral(world, channel, user, command, "invalid_blocks")
    if not (reply.get("text") or blocks):
        return {"shown": None}
    reply_text = str(reply.get("text") or "")
    if reply.get("response_type") == "in_channel":
        # Slack echoes the invocation into the channel before an in_channel answer.
        world.conversations.post(channel, Author(user=user), f"{command} {text}".strip())
        message = world.conversations.post(channel, world.bot_author(), reply_text, blocks)
        return {"shown": "in_channel", "ts": message.ts}
    ephemeral = world.conversations.post_ephemeral(channel, user, reply_text, blocks, source="ack")
    return {"shown": "ephemeral", "ts": ephemeral.ts}


def _input_block_ids(view: dict[str, Any]) -> set[str]:
    return {
        b.get("block_id", "")
        for b in view.get("blocks", [])
        if isinstance(b, dict) and b.get("type") == "input"
    }


def apply_view_ack(
    world: World,
    *,
    user: str,
    view_id: str,
    status: int,
    body: str,
    elapsed: float,
    state: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Apply a view_submission answer to the user's modal stack; return what happened."""
    view = world.views.find(view_id)
    if view is not None and state is not None:
        view.state = state
    if status != 200 or elapsed > world.config.ack_deadline:
        # The modal stays open with Slack's generic connection error.
        return {"result": "error", "error": "operation_timeout" if status == 200 else "dispatch_failed"}
    try:
        reply = json.loads(body) if body.strip() else {}
    except ValueError:
        return {"result": "error", "error": "invalid_response"}
    action = reply.get("response_action") if isinstance(reply, dict) else None
    if action is None:
        world.views.close(user, view_id)
        return {"result": "closed"}
    if action == "clear":
        world.views.close(user, everything=True)
        return {"result": "cleared"}
    if action == "errors":
        errors = reply.get("errors") or {}
        known = _input_block_ids(view.to_dict()) if view is not None else set()
        unknown = sorted(set(errors) - known) if view is not None else []
        if unknown or not isinstance(errors, dict):
            return {"result": "error", "error": "invalid_errors", "unknown_block_ids": unknown}
        return {"result": "errors", "errors": errors}
    if action in ("update", "push"):
        new_view = reply.get("view")
        problems = validate_view(new_view)
        if problems:
            return {"result": "error", "error": "invalid_view", "errors": problems}
        assert isinstance(new_view, dict)
        if action == "update":
            updated = world.views.update(view, new_view) if view is not None else None
            return {"result": "updated", "view_id": updated.id if updated else None}
        if len(world.views.stack(user)) >= MAX_STACK:
            return {"result": "error", "error": "push_limit_reached"}
        pushed = world.views.push(user, new_view)
        return {"result": "pushed", "view_id": pushed.id}
    return {"result": "error", "error": f"unknown_response_action:{action}"}


def apply_view_closed(world: World, *, user: str, view_id: str) -> dict[str, Any]:
    view = world.views.find(view_id)
    if view is None or view.closed:
        return {"result": "not_open"}
    everything = view.root_view_id == view.id or bool(view.payload.get("clear_on_close"))
    world.views.close(user, view_id, everything=everything)
    return {"result": "cleared" if everything else "closed"}
