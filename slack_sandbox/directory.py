"""The workspace's who-and-where: users, user groups and channels."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DEFAULT_USERS: tuple[tuple[str, str, str], ...] = (
    ("U0ALICE", "alice", "Alice Example"),
    ("U0BOB", "bob", "Bob Example"),
    ("U0CAROL", "carol", "Carol Example"),
)
DEFAULT_CHANNELS: tuple[tuple[str, str], ...] = (
    ("C0ORDERS", "orders"),
    ("C0NOTIFY", "notifications"),
    ("C0OPS", "ops"),
    ("C0GENERAL", "general"),
)
DEFAULT_USERGROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("S0OPS", "ops-team", ("U0ALICE", "U0BOB")),
)


@dataclass
class User:
    id: str
    name: str
    real_name: str
    team_id: str
    tz: str = "Europe/Amsterdam"
    tz_offset: int = 3600
    locale: str = "en-US"  # Slack sends it only when users.info is asked with include_locale=true
    email: str | None = None
    is_bot: bool = False
    is_admin: bool = False
    deleted: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.name,
            "deleted": self.deleted,
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": self.tz,
            "tz_offset": self.tz_offset,
            "is_admin": self.is_admin,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "profile": {
                "real_name": self.real_name,
                "display_name": self.name,
                "real_name_normalized": self.real_name,
                "display_name_normalized": self.name,
                "email": self.email or f"{self.name}@example.test",
                "team": self.team_id,
                "image_48": "",
            },
        }


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool = False
    im_user: str | None = None
    created: int = 1700000000
    members: set[str] = field(default_factory=set)
    bot_member: bool = True  # whether the bot was invited (Slack's ``is_member`` for the bot's token)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "created": self.created,
            "is_channel": self.im_user is None and not self.is_private,
            "is_group": self.is_private,
            "is_im": self.im_user is not None,
            "is_private": self.is_private or self.im_user is not None,
            "is_archived": False,
            "is_member": self.bot_member,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
        }
        if self.im_user is not None:
            data["user"] = self.im_user
        return data


class Directory:
    """Users, user groups and channels; not thread safe on its own (FakeSlack holds the lock)."""

    def __init__(self, team_id: str) -> None:
        self.team_id = team_id
        self.users: dict[str, User] = {}
        self.usergroups: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, Channel] = {}

    def add_user(
        self, user_id: str, name: str | None = None, real_name: str | None = None, **extra: Any
    ) -> User:
        name = name or user_id.lower()
        user = User(id=user_id, name=name, real_name=real_name or name.title(), team_id=self.team_id, **extra)
        self.users[user_id] = user
        return user

    def add_usergroup(self, group_id: str, handle: str, members: list[str] | tuple[str, ...]) -> None:
        self.usergroups[group_id] = {"id": group_id, "handle": handle, "users": list(members)}

    def add_channel(self, name: str, channel_id: str | None = None, *, is_private: bool = False) -> Channel:
        name = name.lstrip("#")
        existing = self.find_channel(name)
        if existing is not None and channel_id in (None, existing.id):
            return existing
        if channel_id is None:
            base = ("G" if is_private else "C") + "0" + "".join(c for c in name.upper() if c.isalnum())[:9]
            channel_id, suffix = base, 1
            while channel_id in self.channels:  # two names can shorten to the same id
                channel_id, suffix = f"{base}{suffix}", suffix + 1
        channel = Channel(id=channel_id, name=name, is_private=is_private)
        self.channels[channel_id] = channel
        return channel

    def find_channel(self, ref: str) -> Channel | None:
        """Accept ids and ``#name``/``name`` like chat.postMessage does."""
        if ref in self.channels:
            return self.channels[ref]
        name = ref.lstrip("#")
        return next((c for c in self.channels.values() if c.name == name and c.im_user is None), None)

    def resolve_conversation(self, ref: str) -> Channel | None:
        """Posting to a user id means "their DM with the bot", opened on demand as Slack does."""
        channel = self.find_channel(ref)
        if channel is None and ref in self.users:
            dm_id = "D" + ref[1:]
            channel = self.channels.get(dm_id) or Channel(id=dm_id, name=dm_id, im_user=ref)
            self.channels[dm_id] = channel
        return channel

    def seed_defaults(self, bot_user_id: str, bot_name: str) -> None:
        for user_id, name, real_name in DEFAULT_USERS:
            self.add_user(user_id, name, real_name)
        self.add_user(bot_user_id, bot_name, bot_name.title(), is_bot=True)
        for channel_id, name in DEFAULT_CHANNELS:
            self.add_channel(name, channel_id)
        for group_id, handle, members in DEFAULT_USERGROUPS:
            self.add_usergroup(group_id, handle, members)
