"""Modal stacks and Home tabs per user."""

from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass, field
from typing import Any

from slack_sandbox.ids import IdMinter, fill_generated_ids

MAX_STACK = 3


@dataclass
class View:
    id: str
    user: str
    team_id: str
    app_id: str
    bot_id: str
    payload: dict[str, Any]
    hash: str
    root_view_id: str
    previous_view_id: str | None = None
    state: dict[str, Any] = field(default_factory=dict)
    closed: bool = False

    @property
    def type(self) -> str:
        return str(self.payload.get("type", "modal"))

    def to_dict(self) -> dict[str, Any]:
        payload = self.payload
        return {
            "id": self.id,
            "team_id": self.team_id,
            "type": self.type,
            "title": copy.deepcopy(payload.get("title")),
            "submit": copy.deepcopy(payload.get("submit")),
            "close": copy.deepcopy(payload.get("close")),
            "blocks": copy.deepcopy(payload.get("blocks", [])),
            "private_metadata": payload.get("private_metadata", ""),
            "callback_id": payload.get("callback_id", ""),
            "external_id": payload.get("external_id", ""),
            "state": {"values": copy.deepcopy(self.state)},
            "hash": self.hash,
            "clear_on_close": bool(payload.get("clear_on_close", False)),
            "notify_on_close": bool(payload.get("notify_on_close", False)),
            "submit_disabled": bool(payload.get("submit_disabled", False)),
            "root_view_id": self.root_view_id,
            "previous_view_id": self.previous_view_id,
            "app_id": self.app_id,
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }


class ViewRegistry:
    """All views by id, plus each user's modal stack (bottom first) and Home tab."""

    def __init__(self, ids: IdMinter, team_id: str, app_id: str, bot_id: str) -> None:
        self._ids = ids
        self._team_id = team_id
        self._app_id = app_id
        self._bot_id = bot_id
        self._by_id: dict[str, View] = {}
        self._stacks: dict[str, list[View]] = {}
        self._home: dict[str, View] = {}

    def _make(self, user: str, payload: dict[str, Any], root: str | None, previous: str | None) -> View:
        view_id = self._ids.new_id("V")
        view = View(
            id=view_id,
            user=user,
            team_id=self._team_id,
            app_id=self._app_id,
            bot_id=self._bot_id,
            payload=self._prepare(payload),
            hash=_new_hash(),
            root_view_id=root or view_id,
            previous_view_id=previous,
        )
        self._by_id[view_id] = view
        return view

    @staticmethod
    def _prepare(payload: dict[str, Any]) -> dict[str, Any]:
        payload = copy.deepcopy(payload)
        payload["blocks"] = fill_generated_ids(payload.get("blocks", []))
        return payload

    def open(self, user: str, payload: dict[str, Any]) -> View:
        for old in self._stacks.get(user, []):
            old.closed = True
        view = self._make(user, payload, None, None)
        self._stacks[user] = [view]
        return view

    def push(self, user: str, payload: dict[str, Any]) -> View:
        stack = self._stacks[user]
        view = self._make(user, payload, stack[0].id, stack[-1].id)
        stack.append(view)
        return view

    def update(self, view: View, payload: dict[str, Any]) -> View:
        view.payload = self._prepare(payload)
        view.hash = _new_hash()
        # Slack keeps typed-in values only for inputs whose block/action ids survive the update.
        keep = {b.get("block_id") for b in view.payload["blocks"] if isinstance(b, dict)}
        view.state = {k: v for k, v in view.state.items() if k in keep}
        return view

    def publish(self, user: str, payload: dict[str, Any]) -> View:
        home = self._home.get(user)
        if home is not None:
            return self.update(home, payload)
        view = self._make(user, payload, None, None)
        self._home[user] = view
        return view

    def find(self, view_id: str | None = None, external_id: str | None = None) -> View | None:
        if view_id:
            return self._by_id.get(view_id)
        if external_id:
            return next(
                (
                    v
                    for v in self._by_id.values()
                    if v.payload.get("external_id") == external_id and not v.closed
                ),
                None,
            )
        return None

    def stack(self, user: str) -> list[View]:
        return list(self._stacks.get(user, []))

    def home(self, user: str) -> View | None:
        return self._home.get(user)

    def close(self, user: str, view_id: str | None = None, *, everything: bool = False) -> None:
        """Close ``view_id`` (and what is stacked above it), or the whole stack."""
        stack = self._stacks.get(user, [])
        cut = 0
        if not everything and view_id is not None:
            cut = next((i for i, v in enumerate(stack) if v.id == view_id), len(stack))
        for view in stack[cut:]:
            view.closed = True
        self._stacks[user] = stack[:cut]

    def replace_top(self, user: str, payload: dict[str, Any]) -> View | None:
        stack = self._stacks.get(user, [])
        return self.update(stack[-1], payload) if stack else None


def _new_hash() -> str:
    return secrets.token_hex(8) + "." + secrets.token_hex(4)
