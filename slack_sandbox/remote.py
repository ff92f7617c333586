"""Drive a FakeSlack running in another process through its ``/_fake/`` routes.

``RemoteFake`` mirrors FakeSlack's public methods (same names, same arguments, same
answers), so tests and SignedSlackClient can use either interchangeably.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable
from typing import Any, Protocol
from urllib.parse import urlencode

from slack_sandbox.http_util import json_request

JsonDict = dict[str, Any]


class SlackSide(Protocol):
    """What SignedSlackClient needs from the fake: minting tokens and showing app answers."""

    def new_trigger_id(self, user: str | None = None) -> str: ...

    def new_response_url(
        self, channel: str, user: str | None = None, message_ts: str | None = None, ephemeral: bool = False
    ) -> str: ...

    def apply_command_ack(
        self, channel: str, user: str, command: str, text: str, status: int, body: str, elapsed: float
    ) -> JsonDict: ...

    def apply_view_ack(
        self, user: str, view_id: str, status: int, body: str, elapsed: float, state: JsonDict | None = None
    ) -> JsonDict: ...

    def apply_view_closed(self, user: str, view_id: str) -> JsonDict: ...

    def set_view_state(self, view_id: str, values: JsonDict) -> None: ...

    def user_info(self, user_id: str) -> JsonDict | None: ...

    def channel_info(self, ref: str) -> JsonDict | None: ...


def _optional(value: Any) -> JsonDict | None:
    return dict(value) if isinstance(value, dict) else None


class RemoteFakeError(RuntimeError):
    pass


class RemoteFake:
    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        if self.base_url.endswith("/api"):
            self.base_url = self.base_url[: -len("/api")]
        self.timeout = timeout

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def _get(self, route: str, **params: Any) -> Any:
        query = urlencode({k: v for k, v in params.items() if v is not None})
        return self._call(f"{self.base_url}/_fake/{route}?{query}", None, "GET")

    def _post(self, route: str, **params: Any) -> Any:
        return self._call(f"{self.base_url}/_fake/{route}", params, "POST")

    def _call(self, url: str, payload: JsonDict | None, method: str) -> Any:
        result = json_request(url, payload, method, self.timeout)
        if result.status != 200:
            raise RemoteFakeError(f"{method} {url} -> {result.status}: {result.body}")
        return result.json()

    # tokens and app answers (SlackSide)
    def new_trigger_id(self, user: str | None = None) -> str:
        return str(self._post("trigger_id", user=user)["trigger_id"])

    def new_response_url(
        self, channel: str, user: str | None = None, message_ts: str | None = None, ephemeral: bool = False
    ) -> str:
        return str(
            self._post(
                "response_url", channel=channel, user=user, message_ts=message_ts, ephemeral=ephemeral
            )["response_url"]
        )

    def apply_command_ack(
        self, channel: str, user: str, command: str, text: str, status: int, body: str, elapsed: float
    ) -> JsonDict:
        return dict(
            self._post(
                "command_ack",
                channel=channel,
                user=user,
                command=command,
                text=text,
                status=status,
                body=body,
                elapsed=elapsed,
            )
        )

    def apply_view_ack(
        self, user: str, view_id: str, status: int, body: str, elapsed: float, state: JsonDict | None = None
    ) -> JsonDict:
        return dict(
            self._post(
                "view_ack", user=user, view_id=view_id, status=status, body=body, elapsed=elapsed, state=state
            )
        )

    def apply_view_closed(self, user: str, view_id: str) -> JsonDict:
        return dict(self._post("view_closed", user=user, view_id=view_id))

    def set_view_state(self, view_id: str, values: JsonDict) -> None:
        self._post("view_state", view_id=view_id, values=values)

    def user_info(self, user_id: str) -> JsonDict | None:
        return _optional(self._get("user", id=user_id)["user"])

    def channel_info(self, ref: str) -> JsonDict | None:
        return _optional(self._get("channel", ref=ref)["channel"])

    # queries
    def calls(self, method: str | None = None) -> list[JsonDict]:
        return list(self._get("calls", method=method)["calls"])

    def messages(self, channel: str) -> list[JsonDict]:
        return list(self._get("messages", channel=channel)["messages"])

    def last_message(self, channel: str) -> JsonDict | None:
        return _optional(self._get("last_message", channel=channel)["message"])

    def thread(self, channel: str, ts: str) -> list[JsonDict]:
        return list(self._get("thread", channel=channel, ts=ts)["messages"])

    def ephemerals(self, channel: str | None = None, user: str | None = None) -> list[JsonDict]:
        return list(self._get("ephemerals", channel=channel, user=user)["ephemerals"])

    def views(self, user: str) -> list[JsonDict]:
        return list(self._get("views", user=user)["views"])

    def current_view(self, user: str) -> JsonDict | None:
        return _optional(self._get("views", user=user)["current"])

    def home_view(self, user: str) -> JsonDict | None:
        return _optional(self._get("views", user=user)["home"])

    def view(self, view_id: str) -> JsonDict | None:
        return _optional(self._get("view", view_id=view_id)["view"])

    def pending_faults(self) -> dict[str, int]:
        return dict(self._get("faults")["pending"])

    # control
    def reset(self) -> None:
        self._post("reset")

    def clear_calls(self) -> None:
        self._post("clear_calls")

    def rate_limit(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        self._post("ratelimit", method=method, times=times, retry_after=retry_after)

    def fail(self, method: str, error: str = "channel_not_found", times: int = 1) -> None:
        self._post("fail", method=method, error=error, times=times)

    def server_error(self, method: str, times: int = 1, status: int = 503) -> None:
        self._post("server_error", method=method, times=times, status=status)

    def advance(self, seconds: float) -> None:
        self._post("advance", seconds=seconds)

    def add_user(self, user_id: str, name: str | None = None, real_name: str | None = None) -> JsonDict:
        return dict(self._post("add_user", id=user_id, name=name, real_name=real_name)["user"])

    def add_usergroup(self, group_id: str, members: Iterable[str], handle: str | None = None) -> None:
        self._post("add_usergroup", id=group_id, members=list(members), handle=handle)

    def add_channel(self, name: str, channel_id: str | None = None) -> str:
        return str(self._post("add_channel", name=name, id=channel_id)["id"])

    def post_user_message(self, channel: str, user: str, text: str, thread_ts: str | None = None) -> JsonDict:
        return dict(
            self._post("user_message", channel=channel, user=user, text=text, thread_ts=thread_ts)["message"]
        )


class OfflineSide:
    """No fake attached: mint look-alike tokens so signatures and routing can still be tested."""

    def new_trigger_id(self, user: str | None = None) -> str:
        return f"{int(time.time() * 1000)}.{secrets.randbelow(10**9)}.{secrets.token_hex(16)}"

    def new_response_url(
        self, channel: str, user: str | None = None, message_ts: str | None = None, ephemeral: bool = False
    ) -> str:
        return f"http://127.0.0.1:9/response/{secrets.token_urlsafe(12)}"

    def apply_command_ack(self, *args: Any, **kwargs: Any) -> JsonDict:
        return {"shown": None, "offline": True}

    def apply_view_ack(self, *args: Any, **kwargs: Any) -> JsonDict:
        return {"result": None, "offline": True}

    def apply_view_closed(self, *args: Any, **kwargs: Any) -> JsonDict:
        return {"result": None, "offline": True}

    def set_view_state(self, view_id: str, values: JsonDict) -> None:
        return None

    def user_info(self, user_id: str) -> JsonDict | None:
        return None

    def channel_info(self, ref: str) -> JsonDict | None:
        return None
