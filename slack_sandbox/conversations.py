"""Messages, thread replies and ephemeral messages, as a user would see them."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from slack_sandbox.ids import IdMinter, fill_generated_ids

MAX_TEXT = 40_000


@dataclass
class Author:
    """Who posted: a human (``user`` only) or the app (``user`` + ``bot_id`` + ``app_id``)."""

    user: str
    bot_id: str | None = None
    app_id: str | None = None


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    blocks: list[Any] | None
    author: Author
    team: str
    thread_ts: str | None = None
    reply_broadcast: bool = False
    edited: dict[str, str] | None = None
    deleted: bool = False
    metadata: dict[str, Any] | None = None
    attachments: list[Any] | None = None
    replies: list[str] = field(default_factory=list)
    files: list[dict[str, Any]] | None = None

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "type": "message",
            "channel": self.channel,
            "ts": self.ts,
            "user": self.author.user,
            "text": self.text,
            "team": self.team,
        }
        if self.author.bot_id:
            data.update(bot_id=self.author.bot_id, app_id=self.author.app_id)
        if self.blocks is not None:
            data["blocks"] = copy.deepcopy(self.blocks)
        if self.attachments is not None:
            data["attachments"] = copy.deepcopy(self.attachments)
        if self.thread_ts is not None:
            data["thread_ts"] = self.thread_ts
        if self.reply_broadcast:
            data["subtype"] = "thread_broadcast"
        if self.replies:
            data.update(reply_count=len(self.replies), latest_reply=self.replies[-1])
        if self.edited is not None:
            data["edited"] = dict(self.edited)
        if self.metadata is not None:
            data["metadata"] = copy.deepcopy(self.metadata)
        if self.files is not None:
            data.update(files=copy.deepcopy(self.files), upload=True)
        return data


@dataclass
class Ephemeral:
    """Seen only by ``user``; Slack keeps no history of these, we do so tests can look."""

    channel: str
    user: str
    ts: str
    text: str
    blocks: list[Any] | None
    source: str
    thread_ts: str | None = None
    deleted: bool = False
    replaced: int = 0

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "type": "message",
            "channel": self.channel,
            "user": self.user,
            "ts": self.ts,
            "text": self.text,
            "is_ephemeral": True,
            "source": self.source,
        }
        if self.blocks is not None:
            data["blocks"] = copy.deepcopy(self.blocks)
        if self.thread_ts is not None:
            data["thread_ts"] = self.thread_ts
        if self.replaced:
            data["replaced"] = self.replaced
        return data


def prepare_blocks(blocks: list[Any] | None) -> list[Any] | None:
    return None if blocks is None else fill_generated_ids(copy.deepcopy(blocks))


class Conversations:
    """Channel history; FakeSlack serialises access, so no locking here."""

    def __init__(self, ids: IdMinter, team_id: str) -> None:
        self._ids = ids
        self._team_id = team_id
        self._messages: dict[tuple[str, str], Message] = {}
        self._order: dict[str, list[str]] = {}
        self._ephemerals: list[Ephemeral] = []

    def post(
        self,
        channel: str,
        author: Author,
        text: str,
        blocks: list[Any] | None = None,
        *,
        thread_ts: str | None = None,
        reply_broadcast: bool = False,
        metadata: dict[str, Any] | None = None,
        attachments: list[Any] | None = None,
    ) -> Message:
        message = Message(
            channel=channel,
            ts=self._ids.new_ts(),
            text=text[:MAX_TEXT],
            blocks=prepare_blocks(blocks),
            author=author,
            team=self._team_id,
            thread_ts=thread_ts,
            reply_broadcast=reply_broadcast,
            metadata=metadata,
            attachments=attachments,
        )
        if thread_ts is not None:
            parent = self._messages[(channel, thread_ts)]
            parent.thread_ts = parent.ts
            parent.replies.append(message.ts)
        self._messages[(channel, message.ts)] = message
        self._order.setdefault(channel, []).append(message.ts)
        return message

    def thread_root(self, channel: str, ts: str) -> str | None:
        """The ts a reply to ``ts`` belongs under (replying to a reply joins its thread)."""
        parent = self.find(channel, ts)
        if parent is None:
            return None
        return parent.thread_ts or parent.ts

    def find(self, channel: str, ts: str) -> Message | None:
        message = self._messages.get((channel, ts))
        return None if message is None or message.deleted else message

    def update(
        self,
        message: Message,
        *,
        text: str | None,
        blocks: list[Any] | None,
        editor: str | None,
        attachments: list[Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> Message:
        if text is not None:
            message.text = text[:MAX_TEXT]
        if blocks is not None:
            message.blocks = prepare_blocks(blocks)
        if attachments is not None:
            message.attachments = attachments
        if metadata is not None:
            message.metadata = metadata
        if editor is not None:
            message.edited = {"user": editor, "ts": self._ids.new_ts()}
        return message

    def delete(self, message: Message) -> None:
        message.deleted = True

    def top_level(self, channel: str) -> list[Message]:
        result = []
        for ts in self._order.get(channel, []):
            message = self._messages[(channel, ts)]
            if not message.deleted and (not message.is_reply or message.reply_broadcast):
                result.append(message)
        return result

    def replies(self, channel: str, thread_ts: str) -> list[Message]:
        parent = self._messages.get((channel, thread_ts))
        if parent is None:
            return []
        return [m for ts in parent.replies if not (m := self._messages[(channel, ts)]).deleted]

    def post_ephemeral(
        self,
        channel: str,
        user: str,
        text: str,
        blocks: list[Any] | None,
        *,
        source: str,
        thread_ts: str | None = None,
    ) -> Ephemeral:
        ephemeral = Ephemeral(
            channel=channel,
            user=user,
            ts=self._ids.new_ts(),
            text=text[:MAX_TEXT],
            blocks=prepare_blocks(blocks),
            source=source,
            thread_ts=thread_ts,
        )
        self._ephemerals.append(ephemeral)
        return ephemeral

    def find_ephemeral(self, channel: str, ts: str) -> Ephemeral | None:
        return next(
            (e for e in self._ephemerals if e.channel == channel and e.ts == ts and not e.deleted), None
        )

    def ephemerals(self, channel: str | None = None, user: str | None = None) -> list[Ephemeral]:
        return [
            e
            for e in self._ephemerals
            if not e.deleted and channel in (None, e.channel) and user in (None, e.user)
        ]
