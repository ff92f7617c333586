"""Allow lists: users, user groups (resolved and cached), everyone, nobody — and bad settings."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from bot.orders import permissions as permissions_module
from bot.orders.permissions import Action, AllowList, Permissions


def test_parse_allow_lists() -> None:
    rule = AllowList.parse(" U012ABC , S0OPS,W0XYZ12 ")
    assert rule.users == {"U012ABC", "W0XYZ12"} and rule.groups == {"S0OPS"} and not rule.everyone
    assert AllowList.parse("*").everyone
    assert AllowList.parse("").empty
    with pytest.raises(ValueError, match="not a Slack user id"):
        AllowList.parse("U012ABC, alice")


def test_users_groups_everyone_and_the_safe_default() -> None:
    lookups: list[str] = []

    def members(group: str) -> list[str]:
        lookups.append(group)
        return ["U0CAROL"] if group == "S0SHOP" else []

    permissions = Permissions(
        {Action.PAY: AllowList.parse("U0ALICE,S0SHOP"), Action.DELIVER: AllowList.parse("*")},
        members,
        cache_s=60,
    )
    assert permissions.allows("U0ALICE", Action.PAY)
    assert permissions.allows("U0CAROL", Action.PAY)
    assert not permissions.allows("U0BOB", Action.PAY)
    assert permissions.allows("U0BOB", Action.DELIVER)
    assert not permissions.allows("U0ALICE", Action.CANCEL), "nothing configured means nobody"
    assert not permissions.configured(Action.CANCEL) and permissions.configured(Action.PAY)
    assert lookups == ["S0SHOP"], "group members are cached"


def test_a_failing_group_lookup_refuses() -> None:
    def broken(_group: str) -> list[str]:
        raise ConnectionError("slack down")

    permissions = Permissions({Action.PAY: AllowList.parse("S0SHOP")}, broken)
    assert not permissions.allows("U0CAROL", Action.PAY)


def test_allows_now_answers_from_memory_and_learns_groups_in_the_background() -> None:
    release = threading.Event()

    def slow_members(_group: str) -> list[str]:
        release.wait(30)  # Slack is slow: the answer must not wait for it
        return ["U0CAROL"]

    permissions = Permissions({Action.CREATE: AllowList.parse("U0ALICE,S0SHOP")}, slow_members)
    assert permissions.allows_now("U0ALICE", Action.CREATE) is True, "listed users need no lookup"
    assert permissions.allows_now("U0CAROL", Action.CREATE) is None, "group not known yet"
    release.set()
    wait_until(lambda: permissions.allows_now("U0CAROL", Action.CREATE) is True)
    assert permissions.allows_now("U0BOB", Action.CREATE) is False


def test_an_expired_group_list_is_used_while_a_fresh_one_is_fetched() -> None:
    lookups: list[str] = []

    def members(group: str) -> list[str]:  # Carol leaves the group after the first lookup
        lookups.append(group)
        return ["U0CAROL"] if len(lookups) == 1 else ["U0DAVE"]

    permissions = Permissions({Action.PAY: AllowList.parse("S0SHOP")}, members, cache_s=0)
    assert permissions.allows("U0CAROL", Action.PAY)  # first lookup: waited for (nothing cached)
    assert permissions.allows("U0CAROL", Action.PAY), "expired: the last list answers at once"
    wait_until(lambda: permissions.allows_now("U0DAVE", Action.PAY) is True)
    assert permissions.allows_now("U0CAROL", Action.PAY) is False


def test_a_list_too_old_to_trust_is_looked_up_again(monkeypatch: pytest.MonkeyPatch) -> None:
    lookups: list[str] = []

    def members(group: str) -> list[str]:
        lookups.append(group)
        return ["U0CAROL"] if len(lookups) == 1 else []

    permissions = Permissions({Action.PAY: AllowList.parse("S0SHOP")}, members, cache_s=60)
    assert permissions.allows("U0CAROL", Action.PAY)
    monkeypatch.setattr(permissions_module, "STALE_S", 0.0)
    permissions._cache["S0SHOP"] = (time.monotonic() - 61, frozenset({"U0CAROL"}))  # aged past both
    assert permissions.allows_now("U0CAROL", Action.PAY) is None, "unknown, not the old answer"
    assert not permissions.allows("U0CAROL", Action.PAY), "looked up again, and Carol has left"


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)
