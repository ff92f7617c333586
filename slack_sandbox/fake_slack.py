"""FakeSlack: a local stand-in for Slack's Web API, response URLs and client-side behaviour.

One object owns all state behind one lock; the HTTP server and the ``/_fake/`` control
routes are thin layers over the public methods here, so tests in-process and a bot or a
browser in another process see exactly the same behaviour.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from slack_sandbox import interactions, web_api
from slack_sandbox.conversations import Author
from slack_sandbox.faults import CallLog, Fault, FaultPlan
from slack_sandbox.http_server import FakeHttpServer
from slack_sandbox.world import WorkspaceConfig, World

JsonDict = dict[str, Any]
T = TypeVar("T")
APPS_CONNECTIONS_OPEN = "apps.connections.open"
# What manifest.yml asks for; a test may grant fewer with ``set_bot_scopes``.
DEFAULT_BOT_SCOPES = (
    "commands",
    "chat:write",
    "usergroups:read",
    "channels:history",
    "groups:history",
    "files:write",
    "channels:read",
    "groups:read",
    "users:read",
)


class FakeSlack:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_token: str = "xoxb-test",
        team_id: str = "T0001",
        *,
        users: Mapping[str, str] | None = None,
        channels: Mapping[str, str] | None = None,
        usergroups: Mapping[str, Iterable[str]] | None = None,
        seed_defaults: bool = True,
        trigger_ttl: float = 3.0,
        ack_deadline: float = 3.0,
        response_url_ttl: float = 30 * 60.0,
        response_url_uses: int = 5,
        bot_user_id: str = "U0BOT",
        bot_id: str = "B0BOT",
        app_id: str = "A0ORDERBOT",
        team_domain: str = "sandbox",
        app_token: str = "xapp-1-A0ORDERBOT-test",
        bot_scopes: Iterable[str] = DEFAULT_BOT_SCOPES,
    ) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("FakeSlack only listens on the loopback interface")
        self.host = host
        self.port = port
        self.config = WorkspaceConfig(
            bot_token=bot_token,
            team_id=team_id,
            team_domain=team_domain,
            bot_user_id=bot_user_id,
            bot_id=bot_id,
            app_id=app_id,
            trigger_ttl=trigger_ttl,
            ack_deadline=ack_deadline,
            response_url_ttl=response_url_ttl,
            response_url_uses=response_url_uses,
            seed_defaults=seed_defaults,
        )
        self.app_token = app_token
        self._default_scopes = tuple(bot_scopes)
        self._scopes = self._default_scopes
        self._extra_users = dict(users or {})
        self._extra_channels = dict(channels or {})
        self._extra_groups = {k: list(v) for k, v in (usergroups or {}).items()}
        self._lock = threading.RLock()
        self._time_offset = 0.0
        self._faults = FaultPlan()
        self._delays: dict[str, float] = {}
        self._log = CallLog()
        self._server: FakeHttpServer | None = None
        self._world = self._new_world()

    # ----------------------------------------------------------------- lifecycle
    def _new_world(self) -> World:
        world = World(self.config, self.now)
        for user_id, name in self._extra_users.items():
            world.directory.add_user(user_id, name)
        for channel_id, name in self._extra_channels.items():
            world.directory.add_channel(name, channel_id)
        for group_id, members in self._extra_groups.items():
            world.directory.add_usergroup(group_id, group_id.lower(), members)
        if self._server is not None:
            world.base_url = self.base_url
        return world

    def start(self) -> FakeSlack:
        if self._server is None:
            self._server = FakeHttpServer(self, self.host, self.port)
            self.port = self._server.port
            self._world.base_url = self.base_url
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def reset(self) -> None:
        """Back to the constructor's workspace: no messages, views, faults or calls."""
        with self._lock:
            self._time_offset = 0.0
            self._faults.clear()
            self._delays.clear()
            self._log.clear()
            self._scopes = self._default_scopes
            self._world = self._new_world()

    # ----------------------------------------------------------------- time
    def now(self) -> float:
        """The fake's monotonic clock; ``advance`` moves it so expiry needs no sleeping."""
        return time.monotonic() + self._time_offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._time_offset += float(seconds)

    # ----------------------------------------------------------------- directory
    def add_user(
        self, user_id: str, name: str | None = None, real_name: str | None = None, **extra: Any
    ) -> JsonDict:
        with self._lock:
            return self._world.directory.add_user(user_id, name, real_name, **extra).to_dict()

    def add_usergroup(self, group_id: str, members: Iterable[str], handle: str | None = None) -> None:
        with self._lock:
            self._world.directory.add_usergroup(group_id, handle or group_id.lower(), list(members))

    def add_channel(self, name: str, channel_id: str | None = None, *, is_private: bool = False) -> str:
        """Create (or find) a channel; returns its id."""
        with self._lock:
            return self._world.directory.add_channel(name, channel_id, is_private=is_private).id

    def set_members(self, channel: str, users: Iterable[str]) -> None:
        """Limit a channel to these members (by default everyone is in every channel)."""
        with self._lock:
            self._world.directory.channels[self._channel_id(channel)].members = set(users)

    def user_info(self, user_id: str) -> JsonDict | None:
        with self._lock:
            user = self._world.directory.users.get(user_id)
            return user.to_dict() if user else None

    def channel_info(self, ref: str) -> JsonDict | None:
        with self._lock:
            channel = self._world.directory.resolve_conversation(ref)
            return channel.to_dict() if channel else None

    def _channel_id(self, ref: str) -> str:
        channel = self._world.directory.resolve_conversation(ref)
        return channel.id if channel else ref

    # ----------------------------------------------------------------- tokens
    def set_bot_scopes(self, scopes: Iterable[str]) -> None:
        """The scopes the bot token was granted (sent back in ``x-oauth-scopes``)."""
        with self._lock:
            self._scopes = tuple(scopes)

    def set_bot_member(self, channel: str, member: bool) -> None:
        """Invite the bot to a channel or remove it (``is_member``; posting needs membership)."""
        with self._lock:
            found = self._world.directory.find_channel(channel)
            if found is None:
                raise KeyError(channel)
            found.bot_member = member

    def new_trigger_id(self, user: str | None = None) -> str:
        """Mint a trigger id for ``user`` (default: the first default user, U0ALICE)."""
        with self._lock:
            return self._world.tokens.new_trigger(user or self.default_user())

    def new_response_url(
        self, channel: str, user: str | None = None, message_ts: str | None = None, ephemeral: bool = False
    ) -> str:
        """Mint a response_url; ``message_ts`` makes replace/delete_original act on that message."""
        with self._lock:
            token = self._world.tokens.new_response_url(
                self._channel_id(channel), user or self.default_user(), message_ts, ephemeral
            )
        return f"{self.base_url}/response/{token}"

    def default_user(self) -> str:
        users = [u for u in self._world.directory.users.values() if not u.is_bot]
        return users[0].id if users else self.config.bot_user_id

    # ----------------------------------------------------------------- Slack-side entry points
    def api_call(
        self, method: str, args: Mapping[str, Any], token: str | None
    ) -> tuple[int, dict[str, str], JsonDict]:
        """One Web API call: (HTTP status, extra headers, JSON body)."""
        args = dict(args)
        pause = self._delays.get(method, 0.0)
        if pause:  # outside the lock: a slow method must not hold up the others
            time.sleep(pause)
        with self._lock:
            headers: dict[str, str] = {}
            status = 200
            if method == APPS_CONNECTIONS_OPEN and token:
                body = self._connections_open(token)
            elif not token:
                body = {"ok": False, "error": "not_authed"}
            elif token != self.config.bot_token:
                body = {"ok": False, "error": "invalid_auth"}
            elif (fault := self._faults.take(method)) is not None:
                status, headers, body = fault.response()
            else:
                body = web_api.call(self._world, method, args)
            if token == self.config.bot_token:
                # Real Slack names the token's scopes on every answer; apps check them this way.
                headers = {**headers, "x-oauth-scopes": ",".join(self._scopes)}
            self._log.record(method, _decoded_for_log(args), status=status, body=body)
            return status, headers, body

    def _connections_open(self, token: str) -> JsonDict:
        """Socket Mode's first call, made with the app-level token; the URL leads nowhere here."""
        if token == self.app_token:
            return {"ok": True, "url": f"wss://{self.host}:1/link/?ticket=fake"}
        if token == self.config.bot_token:
            return {"ok": False, "error": "not_allowed_token_type"}
        return {"ok": False, "error": "invalid_auth"}

    def upload(self, file_id: str, content: bytes) -> tuple[int, JsonDict]:
        """The POST to an upload URL from files.getUploadURLExternal."""
        with self._lock:
            error = self._world.files.receive(file_id, content)
            self._log.record("upload", {"file_id": file_id, "bytes": len(content)}, status=200, body={})
            return (404, {"ok": False, "error": error}) if error else (200, {"ok": True})

    def file_content(self, file_id: str) -> bytes | None:
        with self._lock:
            stored = self._world.files.get(file_id)
            return stored.content if stored is not None and stored.complete else None

    def files(self) -> list[JsonDict]:
        """Completed uploads, oldest first, each with its ``content`` bytes."""
        with self._lock:
            base = self._world.base_url
            return [{**f.to_dict(base), "content": f.content} for f in self._world.files.all()]

    def post_response_url(self, token: str, payload: Any) -> tuple[int, JsonDict]:
        with self._lock:
            fault = self._faults.take("response_url")
            if fault is not None:
                status, _, body = fault.response()
            else:
                status, body = interactions.post_to_response_url(self._world, token, payload)
            args = dict(payload) if isinstance(payload, dict) else {"raw": payload}
            self._log.record("response_url", {**args, "response_url_token": token}, status=status, body=body)
            return status, body

    def apply_command_ack(
        self, channel: str, user: str, command: str, text: str, status: int, body: str, elapsed: float
    ) -> JsonDict:
        with self._lock:
            return interactions.apply_command_ack(
                self._world,
                channel=self._channel_id(channel),
                user=user,
                command=command,
                text=text,
                status=status,
                body=body,
                elapsed=elapsed,
            )

    def apply_view_ack(
        self, user: str, view_id: str, status: int, body: str, elapsed: float, state: JsonDict | None = None
    ) -> JsonDict:
        with self._lock:
            return interactions.apply_view_ack(
                self._world,
                user=user,
                view_id=view_id,
                status=status,
                body=body,
                elapsed=elapsed,
                state=state,
            )

    def apply_view_closed(self, user: str, view_id: str) -> JsonDict:
        with self._lock:
            return interactions.apply_view_closed(self._world, user=user, view_id=view_id)

    def set_view_state(self, view_id: str, values: JsonDict) -> None:
        """Remember what the user typed into a modal (the client calls this on interactions)."""
        with self._lock:
            view = self._world.views.find(view_id)
            if view is not None:
                view.state = dict(values)

    def post_user_message(self, channel: str, user: str, text: str, thread_ts: str | None = None) -> JsonDict:
        """A human posts (e.g. a thread reply the bot should later read)."""
        with self._lock:
            channel_id = self._channel_id(channel)
            if thread_ts is not None:
                thread_ts = self._world.conversations.thread_root(channel_id, thread_ts)
                if thread_ts is None:
                    raise ValueError("thread_not_found")
            message = self._world.conversations.post(channel_id, Author(user=user), text, thread_ts=thread_ts)
            return message.to_dict()

    # ----------------------------------------------------------------- queries
    def calls(self, method: str | None = None) -> list[JsonDict]:
        with self._lock:
            return self._log.calls(method)

    def clear_calls(self) -> None:
        with self._lock:
            self._log.clear()

    def messages(self, channel: str) -> list[JsonDict]:
        """Top-level messages, oldest first, with their current content."""
        with self._lock:
            return [m.to_dict() for m in self._world.conversations.top_level(self._channel_id(channel))]

    def last_message(self, channel: str) -> JsonDict | None:
        messages = self.messages(channel)
        return messages[-1] if messages else None

    def thread(self, channel: str, ts: str) -> list[JsonDict]:
        """Replies to ``ts`` (parent excluded), oldest first."""
        with self._lock:
            return [m.to_dict() for m in self._world.conversations.replies(self._channel_id(channel), ts)]

    def ephemerals(self, channel: str | None = None, user: str | None = None) -> list[JsonDict]:
        with self._lock:
            channel_id = self._channel_id(channel) if channel else None
            return [e.to_dict() for e in self._world.conversations.ephemerals(channel_id, user)]

    def views(self, user: str) -> list[JsonDict]:
        """The user's open modal stack, bottom first."""
        with self._lock:
            return [v.to_dict() for v in self._world.views.stack(user)]

    def current_view(self, user: str) -> JsonDict | None:
        stack = self.views(user)
        return stack[-1] if stack else None

    def home_view(self, user: str) -> JsonDict | None:
        with self._lock:
            home = self._world.views.home(user)
            return home.to_dict() if home else None

    def view(self, view_id: str) -> JsonDict | None:
        with self._lock:
            view = self._world.views.find(view_id)
            return view.to_dict() if view else None

    def wait_for(self, condition: Callable[[], T], timeout: float = 2.0, interval: float = 0.01) -> T:
        """Poll until ``condition()`` is truthy; for bots that act after their ack (lazy listeners)."""
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise TimeoutError(f"condition still false after {timeout}s")
            time.sleep(interval)

    # ----------------------------------------------------------------- faults
    def rate_limit(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        with self._lock:
            self._faults.add(method, Fault("ratelimited", retry_after=int(retry_after)), int(times))

    def fail(self, method: str, error: str = "channel_not_found", times: int = 1) -> None:
        with self._lock:
            self._faults.add(method, Fault("error", error=error), int(times))

    def server_error(self, method: str, times: int = 1, status: int = 503) -> None:
        with self._lock:
            self._faults.add(method, Fault("server_error", status=int(status)), int(times))

    def delay(self, method: str, seconds: float) -> None:
        """Answer every call of ``method`` ``seconds`` late (0 = on time again), like a slow Slack."""
        with self._lock:
            if seconds > 0:
                self._delays[method] = float(seconds)
            else:
                self._delays.pop(method, None)

    def pending_faults(self) -> dict[str, int]:
        with self._lock:
            return self._faults.pending()


def _decoded_for_log(args: dict[str, Any]) -> JsonDict:
    try:
        return web_api.decode_args(args)
    except web_api.ApiError:
        return args
