"""Who may do what: one allow list per action, from configuration. Nothing configured = nobody.

An allow list is comma-separated Slack user ids (``U…``/``W…``), user-group ids (``S…``, resolved
through a callable the Slack layer provides, cached briefly) or ``*`` for everyone.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

log = logging.getLogger(__name__)

_USER = re.compile(r"^[UW][A-Z0-9]{2,20}$")
_GROUP = re.compile(r"^S[A-Z0-9]{2,20}$")


class Action(StrEnum):
    CREATE = "create"
    EDIT = "edit"
    CANCEL = "cancel"
    PAY = "pay"
    DELIVER = "deliver"
    SUBSCRIBE = "subscribe"

    @property
    def setting(self) -> str:
        return f"ORDERBOT_ALLOW_{self.value.upper()}"


class AllowList(BaseModel):
    model_config = ConfigDict(frozen=True)

    everyone: bool = False
    users: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, raw: str) -> AllowList:
        everyone, users, groups = False, set(), set()
        for item in (part.strip() for part in raw.split(",")):
            if not item:
                continue
            if item == "*":
                everyone = True
            elif _USER.match(item):
                users.add(item)
            elif _GROUP.match(item):
                groups.add(item)
            else:
                raise ValueError(f"`{item[:30]}` is not a Slack user id (U…), user-group id (S…) or *")
        return cls(everyone=everyone, users=frozenset(users), groups=frozenset(groups))

    @property
    def empty(self) -> bool:
        return not (self.everyone or self.users or self.groups)


GroupMembers = Callable[[str], Iterable[str]]
STALE_S = 600.0
"""How long past ORDERBOT_GROUP_CACHE_S an old member list may still answer while it is refreshed
(in the background, so no request waits on Slack); older than that it counts as unknown."""


class Permissions:
    def __init__(
        self, rules: Mapping[Action, AllowList], group_members: GroupMembers, cache_s: float = 60.0
    ) -> None:
        self._rules = dict(rules)
        self._group_members = group_members
        self._cache_s = cache_s
        self._cache: dict[str, tuple[float, frozenset[str]]] = {}
        self._lock = threading.Lock()
        self._refreshing: set[str] = set()

    def allows(self, user_id: str, action: Action) -> bool:
        rule = self._rules.get(action, AllowList())
        if rule.everyone or user_id in rule.users:
            return True
        return any(user_id in self._members(group) for group in sorted(rule.groups))

    def configured(self, action: Action) -> bool:
        return not self._rules.get(action, AllowList()).empty

    def allows_now(self, user_id: str, action: Action) -> bool | None:
        """Like ``allows`` but from memory only (for Slack's ack): None while a group is not known yet."""
        rule = self._rules.get(action, AllowList())
        if rule.everyone or user_id in rule.users:
            return True
        unknown = False
        for group in sorted(rule.groups):
            cached = self._usable(group)
            if cached is None:
                unknown = True
                self._refresh_in_background(group)
            elif user_id in cached[1]:
                return True
        return None if unknown else False

    def warm(self) -> None:
        """Resolve every configured group in the background (at start-up), so requests find them cached."""
        for group in sorted({g for rule in self._rules.values() for g in rule.groups}):
            self._refresh_in_background(group)

    def _usable(self, group: str) -> tuple[float, frozenset[str]] | None:
        """The cached list if fresh, or expired less than STALE_S ago (then refreshed in the background)."""
        with self._lock:
            cached = self._cache.get(group)
        if cached is None:
            return None
        age = time.monotonic() - cached[0]
        if age < self._cache_s:
            return cached
        if age < self._cache_s + STALE_S:
            self._refresh_in_background(group)
            return cached
        return None

    def _members(self, group: str) -> frozenset[str]:
        cached = self._usable(group)
        return cached[1] if cached is not None else self._fetch(group)

    def _refresh_in_background(self, group: str) -> None:
        with self._lock:
            if group in self._refreshing:
                return
            self._refreshing.add(group)

        def refresh() -> None:
            try:
                self._fetch(group)
            finally:
                with self._lock:
                    self._refreshing.discard(group)

        threading.Thread(target=refresh, name=f"group-refresh-{group}", daemon=True).start()

    def _fetch(self, group: str) -> frozenset[str]:
        now = time.monotonic()
        try:
            members = frozenset(self._group_members(group))
        except Exception as err:  # a Slack hiccup must fail closed, not crash the request
            log.warning("could not resolve user group %s: %s", group, type(err).__name__)
            return frozenset()
        with self._lock:
            self._cache[group] = (now, members)
        return members
