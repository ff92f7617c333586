"""The App Home view on its own: Slack's limits for any data, and untrusted text escaped."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.mirror.models import MirrorOrder
from bot.mirror.overview_queries import BranchDay, NeedGroup, NeedKind
from bot.overview.home import HomeData
from bot.slack.i18n import translator
from bot.slack.views.home import MAX_HOME_BLOCKS, home_view, need_modal
from bot.store.audit import AuditEntry
from bot.store.subscriptions import Subscription, SubscriptionFilter

NOW = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
HOSTILE = "<!channel> & <@U0BOSS> <https://evil.example|click>"


def mirror_order(i: int, name: str) -> MirrorOrder:
    return MirrorOrder(
        order_id=f"{i:032x}",
        year=2026,
        number=i,
        relation_name=name,
        reference=name,
        financial_date=date(2026, 11, 1),
        total_cents=1234,
        outstanding_cents=1234,
        delivery_state="ORDER-DELIVERY-STATE-COMPLETE",
    )


def home(name: str, *, orders: int = 3, branches: int = 3, channels: int = 3, pay: bool = True) -> HomeData:
    rows = [mirror_order(i, name) for i in range(orders)]
    entry = AuditEntry(
        id=1,
        at=NOW,
        user_id="U0ALICE",
        action=name[:30] or "pay",
        order_id="x",
        order_number=name[:30],
        channel_id=None,
        params={},
        result=name[:60] or "ok",
        error=None,
        sync_marker_after=None,
    )
    subscription = Subscription(
        id=1,
        channel_id="C0ORDERS",
        filter=SubscriptionFilter(method=(name[:40] or "DHL")),
        source="slack",
        created_by="U0ALICE",
        created_at=NOW,
    )
    return HomeData(
        user_id="U0ALICE",
        as_of=NOW,
        stale_days=14,
        needs=[NeedGroup(kind=k, count=10_000, orders=rows) for k in NeedKind],
        today=[BranchDay(branch=b, created=1, revenue_cents=100) for b in range(branches)],
        mine=[entry] * 8,
        channels={f"C{n:08d}": [subscription] * 6 for n in range(channels)},
        can_pay=pay,
        can_deliver=pay,
    )


def test_untrusted_text_is_escaped_everywhere() -> None:
    dumped = json.dumps(home_view(home(HOSTILE)))
    assert "<!channel>" not in dumped and "<@U0BOSS>" not in dumped and "<https://evil" not in dumped
    assert "&lt;!channel&gt;" in dumped


def test_counts_use_the_readers_thousands_and_every_kind_has_show_all() -> None:
    assert "*10.000*" in json.dumps(home_view(home("Jan"), translator("nl"))["blocks"])
    blocks = home_view(home("Jan"))["blocks"]
    assert "*10,000*" in json.dumps(blocks)
    show_all = [b for b in blocks if (b.get("accessory") or {}).get("action_id") == "home_show_all"]
    assert len(show_all) == 3


@settings(max_examples=40, deadline=None)
@given(
    name=st.text(max_size=300),
    orders=st.integers(0, 5),
    branches=st.integers(0, 40),
    channels=st.integers(0, 40),
    pay=st.booleans(),
)
def test_home_stays_inside_slacks_limits(
    name: str, orders: int, branches: int, channels: int, pay: bool
) -> None:
    view = home_view(home(name, orders=orders, branches=branches, channels=channels, pay=pay))
    assert view["type"] == "home" and len(view["blocks"]) <= MAX_HOME_BLOCKS
    for block in view["blocks"]:
        text = (block.get("text") or {}).get("text", "")
        assert len(text) <= (150 if block["type"] == "header" else 3000)
    modal = need_modal(
        NeedGroup(kind=NeedKind.STALE_OPEN, count=10_000, orders=[mirror_order(i, name) for i in range(90)]),
        14,
        more=9_910,
    )
    assert len(modal["blocks"]) <= 100
