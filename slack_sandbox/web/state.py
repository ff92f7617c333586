"""What the page shows: one JSON snapshot of the user's view of the fake workspace.

The snapshot is rebuilt from FakeSlack's public queries on every poll and compared by digest, so
changes from any path (Web API calls, response_url posts, acks applied by the client, lazy
listeners finishing later) bump the same ``version`` counter the page polls with ``since``.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, Protocol

JsonDict = dict[str, Any]

_USER_REF = re.compile(r"<@([UW][A-Z0-9]+)")
_CHANNEL_REF = re.compile(r"<#([CGD][A-Z0-9]+)>")
DEFAULT_USERS = ("U0ALICE", "U0BOB", "U0CAROL")


class FakeView(Protocol):
    """The FakeSlack queries used here (FakeSlack and RemoteFake both have them)."""

    def messages(self, channel: str) -> list[JsonDict]: ...

    def thread(self, channel: str, ts: str) -> list[JsonDict]: ...

    def ephemerals(self, channel: str | None = None, user: str | None = None) -> list[JsonDict]: ...

    def views(self, user: str) -> list[JsonDict]: ...

    def home_view(self, user: str) -> JsonDict | None: ...

    def view(self, view_id: str) -> JsonDict | None: ...

    def user_info(self, user_id: str) -> JsonDict | None: ...

    def channel_info(self, ref: str) -> JsonDict | None: ...

    def add_channel(self, name: str, channel_id: str | None = None) -> str: ...

    def post_user_message(
        self, channel: str, user: str, text: str, thread_ts: str | None = None
    ) -> JsonDict: ...

    def apply_command_ack(
        self, channel: str, user: str, command: str, text: str, status: int, body: str, elapsed: float
    ) -> JsonDict: ...


def _content_digest(item: JsonDict) -> str:
    content = {k: item.get(k) for k in ("text", "blocks", "attachments")}
    return hashlib.sha1(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _ts_key(ts: str) -> tuple[int, int]:
    seconds, _, micros = ts.partition(".")
    try:
        return int(seconds), int(micros or 0)
    except ValueError:
        return 0, 0


class StateTracker:
    """Builds snapshots, numbers distinct ones, and remembers which messages changed in place."""

    def __init__(
        self,
        fake: FakeView,
        *,
        user_id: str,
        channel_names: Iterable[str],
        bot_user_id: str,
        header: JsonDict,
        local_items: Callable[[], list[JsonDict]],
    ) -> None:
        self.fake = fake
        self.user_id = user_id
        self.bot_user_id = bot_user_id
        self.header = header
        self._channel_names = list(channel_names)
        self._local_items = local_items
        self._lock = threading.Lock()
        self._version = 0
        self._digest = ""
        self._seen: dict[str, str] = {}
        self._edited: set[str] = set()
        self._names: dict[str, JsonDict | None] = {}
        self._channel_names_by_id: dict[str, str | None] = {}
        self.channels: list[JsonDict] = []

    # ------------------------------------------------------------------ channels
    def resolve_channels(self) -> list[JsonDict]:
        """Find (or create) the configured channels and the user's DM with the bot."""
        channels = []
        for name in self._channel_names:
            info = self.fake.channel_info(name)
            if info is None:
                self.fake.add_channel(name)
                info = self.fake.channel_info(name) or {"id": name, "name": name}
            channels.append({"id": info["id"], "name": info.get("name", name), "kind": "channel"})
        dm = self.fake.channel_info(self.user_id)  # Slack opens the DM on demand; so does the fake
        if dm is not None:
            bot = self.fake.user_info(self.bot_user_id) or {}
            channels.append({"id": dm["id"], "name": bot.get("name", "bot"), "kind": "dm"})
        self.channels = channels
        return channels

    def channel_id(self, ref: str) -> str:
        for channel in self.channels:
            if ref in (channel["id"], channel["name"], "#" + channel["name"]):
                return str(channel["id"])
        info = self.fake.channel_info(ref)
        return str(info["id"]) if info else ref

    # ------------------------------------------------------------------ snapshots
    def build(self) -> JsonDict:
        """The current snapshot, without version (see ``current``)."""
        messages: dict[str, list[JsonDict]] = {}
        for channel in self.channels:
            top = self.fake.messages(channel["id"])
            for message in top:
                if message.get("reply_count") and message.get("thread_ts") == message.get("ts"):
                    message["replies"] = self.fake.thread(channel["id"], message["ts"])
                    for reply in message["replies"]:
                        self._mark(reply)
                self._mark(message)
            messages[channel["id"]] = top
        ephemerals: dict[str, list[JsonDict]] = {}
        for item in [*self.fake.ephemerals(user=self.user_id), *self._local_items()]:
            self._mark(item)
            ephemerals.setdefault(str(item.get("channel")), []).append(item)
        for items in ephemerals.values():
            items.sort(key=lambda e: _ts_key(str(e.get("ts"))))
        known = {c["id"] for c in self.channels}
        for channel_id in ephemerals:
            if channel_id not in known:  # the bot answered somewhere we did not list: show it anyway
                info = self.fake.channel_info(channel_id) or {}
                self.channels.append(
                    {"id": channel_id, "name": info.get("name", channel_id), "kind": "extra"}
                )
                known.add(channel_id)
                messages[channel_id] = self.fake.messages(channel_id)
        views = self.fake.views(self.user_id)
        home = self.fake.home_view(self.user_id)
        snapshot: JsonDict = {
            **self.header,
            "channels": [dict(c) for c in self.channels],
            "messages": messages,
            "ephemerals": ephemerals,
            "views": views,
            "home": home,
        }
        dumped = json.dumps(snapshot, sort_keys=True)
        snapshot["users"] = self._users(dumped, messages, ephemerals)
        snapshot["channel_names"] = self._channel_refs(dumped)
        return snapshot

    def _mark(self, item: JsonDict) -> None:
        """Flag items whose content differs from when we first saw them (updated in place)."""
        key = f"{item.get('channel')}/{item.get('ts')}/{'e' if item.get('is_ephemeral') else 'm'}"
        digest = _content_digest(item)
        first = self._seen.setdefault(key, digest)
        if first != digest:
            self._edited.add(key)
        if key in self._edited or item.get("edited") or item.get("replaced"):
            item["sandbox_edited"] = True

    def _users(
        self, dumped: str, messages: dict[str, list[JsonDict]], ephemerals: dict[str, list[JsonDict]]
    ) -> dict[str, JsonDict]:
        ids = {self.user_id, self.bot_user_id, *DEFAULT_USERS, *_USER_REF.findall(dumped)}
        for group in (*messages.values(), *ephemerals.values()):
            for item in group:
                ids.add(str(item.get("user")))
                ids.update(str(r.get("user")) for r in item.get("replies", []))
        result = {}
        for user_id in sorted(ids):
            if user_id not in self._names:
                info = self.fake.user_info(user_id)
                self._names[user_id] = (
                    {"id": user_id, "name": info.get("name", user_id), "real_name": info.get("real_name", "")}
                    if info
                    else None
                )
            if (entry := self._names[user_id]) is not None:
                result[user_id] = {**entry, "is_bot": user_id == self.bot_user_id}
        return result

    def _channel_refs(self, dumped: str) -> dict[str, str]:
        result = {str(c["id"]): str(c["name"]) for c in self.channels}
        for channel_id in set(_CHANNEL_REF.findall(dumped)) - set(result):
            if channel_id not in self._channel_names_by_id:
                info = self.fake.channel_info(channel_id)
                self._channel_names_by_id[channel_id] = info.get("name") if info else None
            if (name := self._channel_names_by_id[channel_id]) is not None:
                result[channel_id] = name
        return result

    def known_users(self) -> dict[str, JsonDict]:
        with self._lock:
            return {uid: dict(entry) for uid, entry in self._names.items() if entry is not None}

    def current(self) -> JsonDict:
        """Snapshot plus ``version``, which changes exactly when the snapshot does."""
        with self._lock:
            snapshot = self.build()
            digest = hashlib.sha1(json.dumps(snapshot, sort_keys=True).encode()).hexdigest()
            if digest != self._digest:
                self._digest = digest
                self._version += 1
            snapshot["version"] = self._version
            return snapshot

    def wait(self, since: int | None, timeout: float, interval: float, stopping: threading.Event) -> JsonDict:
        """Long poll: the snapshot as soon as its version differs from ``since`` (or at ``timeout``)."""
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            snapshot = self.current()
            if since is None or snapshot["version"] != since:
                return {**snapshot, "changed": True}
            if time.monotonic() >= deadline or stopping.is_set():
                return {"version": snapshot["version"], "changed": False}
            stopping.wait(interval)
