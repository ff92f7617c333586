"""The mirror order list view: rows with Show, menus only where allowed, keyset buttons, Slack's limits."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.mirror.models import MirrorOrder, OrderCursor, OrderPage
from bot.slack.i18n import translator
from bot.slack.ids import ListRowRef, OrderListQuery
from bot.slack.views import MAX_MESSAGE_BLOCKS, mirror_order_list

HOSTILE = "<!channel> <@U123> <https://evil|x> & <!subteam^S1>"


def order(i: int, **fields: Any) -> MirrorOrder:
    values: dict[str, Any] = {
        "order_id": f"{i:032x}", "year": 2026, "number": i, "ext_order_id": f"WEB-{i}",
        "relation_name": "Zoë van den Berg", "financial_date": date(2026, 11, 30), "total_cents": 2495,
        "outstanding_cents": 2495, "delivery_state": "ORDER-DELIVERY-STATE-NOTHING",
        "cancel_state": "ORDER-CANCEL-STATE-NOTHING", "complete_state": "ORDER-COMPLETE-STATE-NOTHING",
    }
    values.update(fields)
    return MirrorOrder(**values)


def texts(blocks: list[dict[str, Any]]) -> str:
    # Amounts keep € and the number together with a non-breaking space; compare as plain text.
    return json.dumps(blocks, ensure_ascii=False).replace("\u00a0", " ")


def elements(blocks: list[dict[str, Any]], action_id: str) -> list[dict[str, Any]]:
    found = []
    for block in blocks:
        for e in [block.get("accessory"), *block.get("elements", [])]:
            if isinstance(e, dict) and e.get("action_id") == action_id:
                found.append(e)
    return found


QUERY = OrderListQuery(label="any date", open=True, customer="zoe")


def test_every_row_has_show_and_the_menu_needs_permission() -> None:
    page = OrderPage(orders=[order(3), order(2, outstanding_cents=0, fully_paid=True), order(1)])
    plain = mirror_order_list(page, QUERY, title="Orders")
    shows = elements(plain, "order_list_show")
    assert [ListRowRef.decode(b["value"]).order_id for b in shows] == [f"{i:032x}" for i in (3, 2, 1)]
    assert not elements(plain, "order_list_row_menu")
    allowed = mirror_order_list(page, QUERY, title="Orders", may_pay=True, may_deliver=True)
    menus = elements(allowed, "order_list_row_menu")
    offered = [[ListRowRef.decode(o["value"]).action for o in m["options"]] for m in menus]
    assert offered == [["pay", "deliver"], ["deliver"], ["pay", "deliver"]]
    assert len(elements(allowed, "order_list_show")) == 3
    assert "€24.95 to pay" in texts(plain) and "paid" in texts(plain) and "30 Nov 2026" in texts(plain)
    dutch = mirror_order_list(page, QUERY, title="Orders", tr=translator("nl"))
    said = texts(dutch)
    assert "nog € 24,95 te betalen" in said and "betaald" in said and "30 nov. 2026" in said
    assert [b["text"]["text"] for b in elements(dutch, "order_list_show")] == ["Toon"] * 3


def test_cancelled_and_delivered_rows_offer_nothing_to_do() -> None:
    page = OrderPage(orders=[
        order(2, cancel_state="ORDER-CANCEL-STATE-COMPLETE"),
        order(1, delivery_state="ORDER-DELIVERY-STATE-COMPLETE", outstanding_cents=0, fully_paid=True,
              complete_state="ORDER-COMPLETE-STATE-COMPLETE"),
    ])
    blocks = mirror_order_list(page, QUERY, title="Orders", may_pay=True, may_deliver=True)
    assert not elements(blocks, "order_list_row_menu")
    rows = [b["text"]["text"] for b in blocks if b.get("block_id", "").startswith("list_rows_")]
    assert rows[0].startswith("~") and "cancelled" in rows[0] and "complete" in rows[1]


def test_previous_and_next_carry_the_query_and_the_cursor() -> None:
    page = OrderPage(orders=[order(5), order(4)], next=OrderCursor(year=2026, number=4, id=44),
                     previous=OrderCursor(year=2026, number=5, id=55, before=True))
    blocks = mirror_order_list(page, QUERY, title="Orders")
    (previous,) = elements(blocks, "order_list_previous")
    (following,) = elements(blocks, "order_list_next")
    back = OrderListQuery.decode(previous["value"])
    on = OrderListQuery.decode(following["value"])
    assert (back.cursor_id, back.before, on.cursor_id, on.before) == (55, True, 44, False)
    assert back.customer == on.customer == "zoe" and back.open and on.open
    first = mirror_order_list(OrderPage(orders=[order(1)]), QUERY, title="Orders")
    assert not elements(first, "order_list_previous") and not elements(first, "order_list_next")


def test_empty_lists_say_what_was_asked() -> None:
    blocks = mirror_order_list(OrderPage(orders=[]), QUERY, title=f"Orders · customer “{HOSTILE}”")
    assert "No orders found" in texts(blocks) and "<!channel>" not in texts(blocks)
    stale = mirror_order_list(OrderPage(orders=[]), QUERY.model_copy(update={"cursor_id": 3}), title="x")
    assert "No more orders here" in texts(stale)


def test_hostile_names_are_escaped_and_newlines_make_no_fake_rows() -> None:
    page = OrderPage(orders=[order(i, relation_name=f"{HOSTILE}\n*2026-99* · fake", ext_order_id=HOSTILE)
                             for i in range(1, 21)])
    blocks = mirror_order_list(page, QUERY, title=HOSTILE * 10, may_pay=True, may_deliver=True,
                               as_of=HOSTILE)
    raw = texts(blocks)
    for hostile in ("<!channel>", "<@U123>", "<https://evil|x>", "<!subteam^S1>"):
        assert hostile not in raw
    assert "\\n*2026-99*" not in raw
    assert len(blocks) <= MAX_MESSAGE_BLOCKS


ANY_TEXT = st.text(max_size=300)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    names=st.lists(ANY_TEXT, max_size=25), title=ANY_TEXT, customer=st.none() | st.text(max_size=100),
    pay=st.booleans(), deliver=st.booleans(), amounts=st.integers(-(2**40), 2**40),
)
def test_fuzzed_list_always_fits_and_is_escaped(
    names: list[str], title: str, customer: str | None, pay: bool, deliver: bool, amounts: int
) -> None:
    page = OrderPage(
        orders=[order(i + 1, relation_name=n, ext_order_id=n, total_cents=amounts, outstanding_cents=amounts)
                for i, n in enumerate(names)],
        next=OrderCursor(year=2026, number=1, id=1),
        previous=OrderCursor(year=2026, number=99, id=99, before=True),
    )
    blocks = mirror_order_list(page, OrderListQuery(customer=customer), title=title, may_pay=pay,
                               may_deliver=deliver)
    assert len(blocks) <= MAX_MESSAGE_BLOCKS
    assert sum(len(json.dumps(b)) for b in blocks) < 40_000
    for block in blocks:
        for e in [block.get("accessory"), *block.get("elements", [])]:
            if isinstance(e, dict) and "value" in e:
                assert len(e["value"]) <= 2000
    body = texts(blocks)
    assert "<!" not in body and "<@" not in body
