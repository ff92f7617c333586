"""Allow lists: users, user groups (resolved and cached), everyone, nobody — and bad settings."""

from __future__ import annotations

import pytest

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
