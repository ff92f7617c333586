"""Web API methods: decoded args in, Slack-shaped JSON out (or an ApiError)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from slack_sandbox.conversations import Message
from slack_sandbox.files import MAX_FILE
from slack_sandbox.tokens import TokenError
from slack_sandbox.validation import validate_message_blocks, validate_view
from slack_sandbox.views import MAX_STACK, View
from slack_sandbox.world import World

JSON_ARGS = ("blocks", "attachments", "view", "metadata", "files")


class ApiError(Exception):
    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"ok": False, "error": self.error, **self.extra}


def decode_args(args: dict[str, Any]) -> dict[str, Any]:
    """Form posts carry structured args as JSON strings; decode them once, up front."""
    decoded = dict(args)
    for key in JSON_ARGS:
        value = decoded.get(key)
        if isinstance(value, str) and value.strip():
            try:
                decoded[key] = json.loads(value)
            except ValueError as exc:
                raise ApiError("invalid_blocks_format" if key == "blocks" else "invalid_arguments") from exc
        elif isinstance(value, str):
            decoded.pop(key)
    return decoded


def _flag(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True")


def blocks_errors_body(errors: list[str]) -> dict[str, Any]:
    return {"errors": errors, "response_metadata": {"messages": [f"[ERROR] {e}" for e in errors]}}


def check_message_blocks(blocks: Any) -> None:
    if blocks is None:
        return
    errors = validate_message_blocks(blocks)
    if errors:
        raise ApiError("invalid_blocks", **blocks_errors_body(errors))


def _check_view(view: Any, expected_type: str | None = None) -> dict[str, Any]:
    if not isinstance(view, dict):
        raise ApiError(
            "invalid_arguments", response_metadata={"messages": ["[ERROR] missing required field: view"]}
        )
    if expected_type and view.get("type") != expected_type:
        raise ApiError(
            "invalid_arguments",
            response_metadata={"messages": [f"[ERROR] view type must be {expected_type}"]},
        )
    errors = validate_view(view)
    if errors:
        raise ApiError("invalid_blocks", **blocks_errors_body(errors))
    return view


def _channel(world: World, args: dict[str, Any], key: str = "channel") -> str:
    channel = world.directory.resolve_conversation(str(args.get(key) or ""))
    if channel is None:
        raise ApiError("channel_not_found")
    return channel.id


def _message(world: World, args: dict[str, Any]) -> Message:
    channel = _channel(world, args)
    message = world.conversations.find(channel, str(args.get("ts") or ""))
    if message is None:
        raise ApiError("message_not_found")
    return message


def _require_content(args: dict[str, Any]) -> None:
    if not (args.get("text") or args.get("blocks") or args.get("attachments")):
        raise ApiError("no_text")


def auth_test(world: World, args: dict[str, Any]) -> dict[str, Any]:
    cfg = world.config
    return {
        "url": f"https://{cfg.team_domain}.slack.com/",
        "team": cfg.team_domain.title(),
        "user": cfg.bot_name,
        "team_id": cfg.team_id,
        "user_id": cfg.bot_user_id,
        "bot_id": cfg.bot_id,
        "app_id": cfg.app_id,
        "is_enterprise_install": False,
    }


def chat_post_message(world: World, args: dict[str, Any]) -> dict[str, Any]:
    channel = _channel(world, args)
    if not world.directory.channels[channel].bot_member:
        raise ApiError("not_in_channel")
    _require_content(args)
    check_message_blocks(args.get("blocks"))
    thread_ts = args.get("thread_ts") or None
    if thread_ts is not None:
        thread_ts = world.conversations.thread_root(channel, str(thread_ts))
        if thread_ts is None:
            raise ApiError("thread_not_found")
    message = world.conversations.post(
        channel,
        world.bot_author(),
        str(args.get("text") or ""),
        args.get("blocks"),
        thread_ts=thread_ts,
        reply_broadcast=_flag(args.get("reply_broadcast")),
        metadata=args.get("metadata"),
        attachments=args.get("attachments"),
    )
    return {"channel": channel, "ts": message.ts, "message": message.to_dict()}


def chat_post_ephemeral(world: World, args: dict[str, Any]) -> dict[str, Any]:
    channel = _channel(world, args)
    user = str(args.get("user") or "")
    if user not in world.directory.users:
        raise ApiError("user_not_in_channel")
    _require_content(args)
    check_message_blocks(args.get("blocks"))
    ephemeral = world.conversations.post_ephemeral(
        channel,
        user,
        str(args.get("text") or ""),
        args.get("blocks"),
        source="chat.postEphemeral",
        thread_ts=args.get("thread_ts") or None,
    )
    return {"message_ts": ephemeral.ts}


def chat_update(world: World, args: dict[str, Any]) -> dict[str, Any]:
    message = _message(world, args)
    if message.author.bot_id != world.config.bot_id:
        raise ApiError("cant_update_message")
    _require_content(args)
    check_message_blocks(args.get("blocks"))
    world.conversations.update(
        message,
        text=args.get("text"),
        blocks=args.get("blocks"),
        editor=world.config.bot_user_id,
        attachments=args.get("attachments"),
        metadata=args.get("metadata"),
    )
    return {"channel": message.channel, "ts": message.ts, "text": message.text, "message": message.to_dict()}


def chat_delete(world: World, args: dict[str, Any]) -> dict[str, Any]:
    message = _message(world, args)
    if message.author.bot_id != world.config.bot_id:
        raise ApiError("cant_delete_message")
    world.conversations.delete(message)
    return {"channel": message.channel, "ts": message.ts}


def chat_get_permalink(world: World, args: dict[str, Any]) -> dict[str, Any]:
    message = _message(world, {"channel": args.get("channel"), "ts": args.get("message_ts")})
    ts = message.ts.replace(".", "")
    return {
        "channel": message.channel,
        "permalink": f"https://{world.config.team_domain}.slack.com/archives/{message.channel}/p{ts}",
    }


def _use_trigger(world: World, args: dict[str, Any]) -> str:
    try:
        return world.tokens.use_trigger(args.get("trigger_id")).user
    except TokenError as exc:
        raise ApiError(exc.error) from exc


def views_open(world: World, args: dict[str, Any]) -> dict[str, Any]:
    view = _check_view(args.get("view"), "modal")
    user = _use_trigger(world, args)
    return {"view": world.views.open(user, view).to_dict()}


def views_push(world: World, args: dict[str, Any]) -> dict[str, Any]:
    view = _check_view(args.get("view"), "modal")
    user = _use_trigger(world, args)
    stack = world.views.stack(user)
    if not stack:
        raise ApiError("view_not_found")
    if len(stack) >= MAX_STACK:
        raise ApiError("push_limit_reached")
    return {"view": world.views.push(user, view).to_dict()}


def _find_view(world: World, args: dict[str, Any]) -> View:
    if not args.get("view_id") and not args.get("external_id"):
        raise ApiError(
            "invalid_arguments", response_metadata={"messages": ["[ERROR] view_id or external_id"]}
        )
    view = world.views.find(args.get("view_id"), args.get("external_id"))
    if view is None or view.closed:
        raise ApiError("view_not_found")
    return view


def views_update(world: World, args: dict[str, Any]) -> dict[str, Any]:
    target = _find_view(world, args)
    view = _check_view(args.get("view"), target.type)
    if args.get("hash") and args["hash"] != target.hash:
        raise ApiError("hash_conflict")
    return {"view": world.views.update(target, view).to_dict()}


def views_publish(world: World, args: dict[str, Any]) -> dict[str, Any]:
    user = str(args.get("user_id") or "")
    if user not in world.directory.users:
        raise ApiError("user_not_found")
    view = _check_view(args.get("view"), "home")
    home = world.views.home(user)
    if home is not None and args.get("hash") and args["hash"] != home.hash:
        raise ApiError("hash_conflict")
    return {"view": world.views.publish(user, view).to_dict()}


def users_info(world: World, args: dict[str, Any]) -> dict[str, Any]:
    user = world.directory.users.get(str(args.get("user") or ""))
    if user is None:
        raise ApiError("user_not_found")
    data = user.to_dict()
    if str(args.get("include_locale") or "").lower() in ("1", "true"):
        data["locale"] = user.locale
    return {"user": data}


def conversations_info(world: World, args: dict[str, Any]) -> dict[str, Any]:
    channel = world.directory.find_channel(str(args.get("channel") or ""))
    if channel is None or channel.id != args.get("channel"):
        raise ApiError("channel_not_found")
    return {"channel": channel.to_dict()}


def conversations_open(world: World, args: dict[str, Any]) -> dict[str, Any]:
    users = [u for u in str(args.get("users") or "").split(",") if u]
    if len(users) != 1 or users[0] not in world.directory.users:
        raise ApiError("user_not_found")
    channel = world.directory.resolve_conversation(users[0])
    assert channel is not None  # resolve_conversation always opens a DM for known users
    return {"channel": {"id": channel.id}}


def conversations_history(world: World, args: dict[str, Any]) -> dict[str, Any]:
    messages = world.conversations.top_level(_channel(world, args))
    limit = int(args.get("limit") or 100)
    return {"messages": [m.to_dict() for m in reversed(messages)][:limit], "has_more": False}


def conversations_replies(world: World, args: dict[str, Any]) -> dict[str, Any]:
    parent = _message(world, args)
    replies = world.conversations.replies(parent.channel, parent.ts)
    return {"messages": [parent.to_dict(), *(m.to_dict() for m in replies)], "has_more": False}


def usergroups_users_list(world: World, args: dict[str, Any]) -> dict[str, Any]:
    group = world.directory.usergroups.get(str(args.get("usergroup") or ""))
    if group is None:
        raise ApiError("no_such_subteam")
    return {"users": list(group["users"])}


def files_get_upload_url_external(world: World, args: dict[str, Any]) -> dict[str, Any]:
    filename = str(args.get("filename") or "")
    try:
        length = int(args.get("length") or 0)
    except ValueError:
        length = 0
    if not filename or length <= 0:
        raise ApiError("invalid_arguments")
    if length > MAX_FILE:
        raise ApiError("file_too_large")
    stored = world.files.reserve(filename, length, world.config.bot_user_id, str(args.get("alt_txt") or ""))
    return {"upload_url": f"{world.base_url}/upload/{stored.id}", "file_id": stored.id}


def files_complete_upload_external(world: World, args: dict[str, Any]) -> dict[str, Any]:
    entries = args.get("files")
    if not isinstance(entries, list) or not entries:
        raise ApiError("invalid_arguments")
    channel = _channel(world, args, "channel_id") if args.get("channel_id") else None
    done = []
    for entry in entries:
        stored = world.files.get(str((entry or {}).get("id") or ""))
        if stored is None or stored.complete or stored.content is None:
            raise ApiError("file_not_found")
        done.append((stored, str(entry.get("title") or "")))
    for stored, title in done:
        stored.complete, stored.title = True, title
        if channel:
            stored.channels = (channel,)
    files = [stored.to_dict(world.base_url) for stored, _ in done]
    if channel:
        # Slack shares the files as one message from the bot, with the comment as its text.
        message = world.conversations.post(
            channel, world.bot_author(), str(args.get("initial_comment") or ""), None,
            thread_ts=args.get("thread_ts") or None,
        )
        message.files = files
    return {"files": files}


def users_conversations(world: World, args: dict[str, Any]) -> dict[str, Any]:
    """Channels a user is in; a channel without an explicit member list has everyone in it."""
    user = str(args.get("user") or "")
    if user not in world.directory.users:
        raise ApiError("user_not_found")
    channels = [
        c.to_dict()
        for c in world.directory.channels.values()
        if c.im_user is None and (not c.members or user in c.members)
    ]
    return {"channels": channels, "response_metadata": {"next_cursor": ""}}


METHODS: dict[str, Callable[[World, dict[str, Any]], dict[str, Any]]] = {
    "auth.test": auth_test,
    "chat.postMessage": chat_post_message,
    "chat.postEphemeral": chat_post_ephemeral,
    "chat.update": chat_update,
    "chat.delete": chat_delete,
    "chat.getPermalink": chat_get_permalink,
    "views.open": views_open,
    "views.push": views_push,
    "views.update": views_update,
    "views.publish": views_publish,
    "users.info": users_info,
    "conversations.info": conversations_info,
    "conversations.open": conversations_open,
    "conversations.history": conversations_history,
    "conversations.replies": conversations_replies,
    "usergroups.users.list": usergroups_users_list,
    "users.conversations": users_conversations,
    "files.getUploadURLExternal": files_get_upload_url_external,
    "files.completeUploadExternal": files_complete_upload_external,
}


def call(world: World, method: str, args: dict[str, Any]) -> dict[str, Any]:
    """Run one method; the answer always carries ``ok`` like Slack's."""
    handler = METHODS.get(method)
    if handler is None:
        return {"ok": False, "error": "unknown_method", "req_method": method}
    try:
        return {"ok": True, **handler(world, decode_args(args))}
    except ApiError as exc:
        return exc.body()
