"""`/order` read path end to end: signed requests → real Bolt app over HTTP → emulator → fake Slack."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from bot.mplus.models import NewOrder, NewOrderLine
from bot.mplus.money import Quantity
from slack_sandbox.signed_client import SignedSlackClient
from tests.slack.conftest import ALICE, CHANNEL, BotRig, wait_for


def texts(node: Any) -> list[str]:
    """Every string a user could read in a block tree."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("text", "value") and isinstance(value, str):
                found.append(value)
            else:
                found.extend(texts(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(texts(item))
    return found


def shown(message: dict[str, Any]) -> str:
    # Amounts carry a non-breaking space (€\u00a0100,00); read them as a person would.
    return "\n".join([message.get("text") or "", *texts(message.get("blocks") or [])]).replace("\u00a0", " ")


def buttons(message: dict[str, Any]) -> list[str]:
    return [
        element.get("action_id", "")
        for block in message.get("blocks") or []
        if block.get("type") == "actions"
        for element in block.get("elements", [])
    ]


def mplus_calls(rig: BotRig) -> int:
    return len(rig.emulator.calls())


def test_bare_command_and_help_show_usage(rig: BotRig) -> None:
    for text in ("", "help"):
        reply = shown(rig.run(text))
        for sub in ("list", "find", "show", "methods", "categories"):
            assert f"/order {sub}" in reply


def test_unknown_subcommand_and_bad_arguments_are_explained(rig: BotRig) -> None:
    calls = mplus_calls(rig)
    cases = {
        "frobnicate": "The commands are: help, list",
        "list 2026-13-45": "is not a date",
        "list branch x": "positive number",
        "list week colour red": "not a list filter",
        "find": "needs something to look for",
        "show 12/3": "not an order number or id",
        "methods now": "takes no arguments",
    }
    for text, expected in cases.items():
        reply = shown(rig.run(text))
        assert expected in reply, (text, reply)
        assert "Usage" in reply or "help &lt;command&gt;" in reply
    assert mplus_calls(rig) == calls, "bad input must not reach Mplus"


def test_a_typo_gets_did_you_mean_and_that_commands_usage(rig: BotRig) -> None:
    reply = shown(rig.run("shwo 2026-42"))
    assert "`shwo` is not an order command. Did you mean `show`?" in reply
    assert "Usage: /order show &lt;order number like 2026-42 or 42 | orderId&gt;" in reply
    assert "/order list" not in reply, "one command's usage, not all of them"
    assert "Did you mean `deliver`?" in shown(rig.run("delvier 2026-42"))


def test_help_explains_one_command_with_examples(rig: BotRig) -> None:
    reply = shown(rig.run("help pay"))
    assert "/order pay &lt;orderId | order number like 2026-42&gt;" in reply
    assert "deposit" in reply and "Confirm" in reply and "Examples" in reply and "/order pay 2026-42" in reply
    assert "/order list" not in reply
    assert "Did you mean `pay`?" in shown(rig.run("help pya"))


def test_an_order_that_does_not_exist_is_an_answer_not_a_failure(rig: BotRig) -> None:
    reply = shown(rig.run("show 2099-99999"))
    assert "No order" in reply and "2099-99999" in reply
    assert "error id" not in reply, "error ids are for real failures only"


def test_find_and_show_render_the_order_card(rig: BotRig) -> None:
    order = rig.runtime.mplus.get_orders()[0]
    for text in (f"find {order.ext_order_id}", f"show {order.number}", f"show {order.order_id}"):
        card = rig.run(text)
        body = shown(card)
        assert order.number in body
        assert order.relation_name.split()[0] in body
        assert "action_id" not in body
        assert "order_refresh" in buttons(card)


def test_not_found_is_a_clear_message(rig: BotRig) -> None:
    reply = shown(rig.run("find NO-SUCH-ORDER"))
    assert "Nothing found for “NO-SUCH-ORDER”. Searched: external order id" in reply
    assert "Traceback" not in reply
    reply = shown(rig.run("show 1999-1"))
    assert "No order 1999-1" in reply


def test_list_methods_and_categories(rig: BotRig) -> None:
    from tests.slack.test_lists import sync

    sync(rig)
    orders = rig.runtime.mplus.get_orders()
    listed = shown(rig.run("list week"))
    assert "Orders the last 7 days" in listed
    recent = [o for o in orders if o.financial_date and (time.time() - 7 * 86400) < _epoch(o.financial_date)]
    assert any(o.number in listed for o in recent) or "No orders" in listed
    methods = shown(rig.run("methods"))
    for method in rig.runtime.mplus.get_delivery_methods():
        assert method.description in methods
    categories = shown(rig.run("categories"))
    for category in rig.runtime.mplus.get_order_categories():
        assert category.description in categories


def _epoch(day: Any) -> float:
    return time.mktime(day.timetuple()) + 86400


def test_list_filters_by_relation(rig: BotRig) -> None:
    from tests.slack.test_lists import sync

    sync(rig)
    orders = rig.runtime.mplus.get_orders()
    relation = orders[0].relation_number
    first_day = min(o.financial_date for o in orders if o.financial_date)
    listed = shown(rig.run(f"list {first_day:%Y-%m-%d}..{_today():%Y-%m-%d} relation {relation}"))
    mine = [o for o in orders if o.relation_number == relation]
    others = [o for o in orders if o.relation_number != relation]
    assert all(o.number in listed for o in mine[:10])
    assert not any(f"*{o.number}*" in listed for o in others)


def _today() -> Any:
    from bot.orders.periods import shop_today

    return shop_today()


def test_ack_is_fast_while_mplus_is_slow(rig: BotRig) -> None:
    order = rig.runtime.mplus.get_orders()[0]
    rig.runtime.deps.orders.delivery_methods()  # warm the catalogue so only the order read is slow
    rig.emulator.add_fault(operation="*", kind="latency", latency_ms=5000)
    before = len(rig.ephemerals())
    result = rig.slack.command("/order", f"show {order.number}", user=ALICE, channel=CHANNEL)
    assert result.status == 200
    assert result.elapsed < 2.5  # a generous ceiling: the ack does no Mplus call at all
    card = rig.next_ephemeral(before, timeout=30)
    assert order.number in shown(card)


def test_bad_signatures_get_401_and_never_reach_mplus(rig: BotRig) -> None:
    body = rig.slack.command_body("/order", "list today", user=rig.slack.user(ALICE), channel=CHANNEL)
    calls = mplus_calls(rig)
    for send in (rig.slack.send_unsigned, rig.slack.send_bad_signature, rig.slack.send_stale):
        assert send(body).status == 401
    wrong_secret = SignedSlackClient(rig.events_url, "not-the-secret", fake=rig.fake)
    assert wrong_secret.command("/order", "list today", user=ALICE, channel=CHANNEL).status == 401
    assert rig.runtime.pools.in_flight.wait_idle(30), "work still running after the refused requests"
    assert mplus_calls(rig) == calls
    # Slack shows its own dispatch error for the refused command; the bot itself said nothing.
    assert [shown(e) for e in rig.ephemerals()] == ['/order failed with the error "dispatch_failed"']


def test_hostile_text_is_escaped_everywhere(rig: BotRig) -> None:
    client = rig.runtime.mplus
    relation = client.get_relations()[0]
    article = client.get_orders()[0].lines[0].article_number
    ext = f"<!channel>-{uuid.uuid4().hex[:6]}"
    client.create_order(
        NewOrder(
            ext_order_id=ext,
            relation_number=relation.relation_number,
            reference="<@U123> & <!here>",
            lines=(
                NewOrderLine(
                    article_number=article,
                    quantity=Quantity(quantity=1),
                    price_cents=100,
                    text="<https://evil|x>",
                ),
            ),
        )
    )
    card = rig.run(f"find {ext}")
    raw = json.dumps(card)
    for hostile in ("<!channel>", "<@U123>", "<https://evil|x>", "<!here>"):
        assert hostile not in raw
    body = shown(card)
    assert "&lt;!channel&gt;" in body
    assert "&lt;https://evil|x&gt;" in body
    echoed = json.dumps(rig.run("frobnicate<!everyone>"))
    assert "<!everyone>" not in echoed


def test_300_orders_stay_within_limits_and_page(rig: BotRig) -> None:
    from tests.slack.test_lists import press_and_replace, rows, sync

    rig.emulator.reset(seed="empty")
    rig.emulator.generate(300)
    sync(rig)
    listed = rig.run("list today", timeout=30)
    assert len(listed["blocks"]) <= 50
    assert len(rows(listed)) == 20
    before = len(rig.ephemerals())
    page_two = press_and_replace(rig, listed, "order_list_next")
    assert len(page_two["blocks"]) <= 50 and len(rows(page_two)) == 20
    assert not set(rows(page_two)) & set(rows(listed))
    assert len(rig.ephemerals()) == before, "Next replaces the list instead of posting another one"


def test_refresh_button_rerenders_the_card(rig: BotRig) -> None:
    order = next(o for o in rig.runtime.mplus.get_orders() if not o.is_cancelled and not o.is_invoiced)
    card = rig.run(f"show {order.number}")
    if not order.is_delivered:
        rig.runtime.mplus.deliver_order(order.order_id)
    rig.slack.press_button(card, action_id="order_refresh", user=ALICE, channel=CHANNEL)
    refreshed = wait_for(
        lambda: next(
            (e for e in rig.ephemerals() if e["ts"] == card["ts"] and "order_deliver" not in buttons(e)), None
        ),
        what="the card re-rendered in place",
    )
    assert order.number in shown(refreshed) and "delivered" in shown(refreshed).lower()


def test_mplus_down_gives_a_clear_message_then_recovers(rig: BotRig) -> None:
    order = rig.runtime.mplus.get_orders()[0]
    rig.emulator.add_fault(operation="*", kind="http_500")
    started = time.monotonic()
    reply = shown(rig.run(f"show {order.number}"))
    assert time.monotonic() - started < 10
    assert "Mplus is not reachable right now" in reply
    assert "error id:" in reply
    assert "Traceback" not in reply and "secret" not in reply
    rig.emulator.clear_faults()
    assert order.number in shown(rig.run(f"show {order.number}"))
