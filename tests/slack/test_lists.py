"""`/order list` from the mirror, end to end: signed commands and button presses against the real app.

The mirror is filled the way the bot fills it (``MirrorSync`` against the emulator); every expectation
is computed from Mplus itself (the emulator through the client), never hard-coded.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from bot.mirror.normalise import words
from bot.mirror.sync import MirrorConfig, MirrorSync
from bot.mplus.models import NewOrder, NewOrderLine, Order, PaymentInput
from bot.mplus.money import Quantity
from bot.mplus.products import ProductQuery
from bot.orders.periods import shop_today
from tests.factories import create_order
from tests.slack.conftest import ALICE, CHANNEL, BotRig, wait_for
from tests.slack.test_read_path import shown

EVERYONE = {name: "*" for name in ("allow_pay", "allow_deliver", "allow_cancel")}


def sync(rig: BotRig) -> None:
    report = MirrorSync(MirrorConfig(), rig.runtime.mplus, rig.runtime.deps.db).run_until_level()
    assert report.error is None, report.error


def all_orders(rig: BotRig) -> list[Order]:
    return rig.runtime.mplus.get_orders()


def rows(message: dict[str, Any]) -> list[str]:
    """Order labels (``2026-42``) of the list rows, top to bottom."""
    found = []
    for block in message.get("blocks") or []:
        if block.get("type") == "section" and block.get("block_id", "").startswith("list_rows_"):
            line = block["text"]["text"].strip("~")
            found.append(line.split("*")[1])
    return found


def elements(message: dict[str, Any], action_id: str) -> list[dict[str, Any]]:
    out = []
    for block in message.get("blocks") or []:
        candidates = [block.get("accessory")] if block.get("accessory") else block.get("elements", [])
        out.extend(e for e in candidates if isinstance(e, dict) and e.get("action_id") == action_id)
    return out


def label(order: Order) -> str:
    return f"{order.order_number.year}-{order.order_number.number}"


def newest_first(orders: list[Order]) -> list[str]:
    return [label(o) for o in sorted(orders, key=lambda o: (o.order_number.year, o.order_number.number),
                                     reverse=True)]


def is_open(o: Order) -> bool:
    return not o.is_cancelled and o.complete_state != "ORDER-COMPLETE-STATE-COMPLETE"


def press_and_replace(rig: BotRig, message: dict[str, Any], action_id: str) -> dict[str, Any]:
    """Press a list button; the list is replaced in place (same ephemeral, replaced once more)."""
    index = next(i for i, e in enumerate(rig.ephemerals()) if e.get("ts") == message.get("ts"))
    before = rig.ephemerals()[index].get("replaced", 0)
    rig.slack.press_button(message, action_id=action_id, user=ALICE, channel=CHANNEL)
    return wait_for(
        lambda: (e := rig.ephemerals()[index]).get("replaced", 0) > before and e, what="the new page"
    )


def test_a_list_before_the_mirror_is_filled_says_why(rig: BotRig) -> None:
    reply = shown(rig.run("list open"))
    assert "not been filled yet" in reply and "ORDERBOT_MIRROR" in reply


def test_state_filters_show_the_right_orders_with_show_buttons(rig: BotRig) -> None:
    sync(rig)
    orders = all_orders(rig)
    expected = {
        "open": [o for o in orders if is_open(o)],
        "unpaid": [o for o in orders if o.outstanding_cents > 0 and not o.is_cancelled],
        "undelivered": [o for o in orders if not o.is_delivered and not o.is_cancelled],
        "cancelled": [o for o in orders if o.is_cancelled],
    }
    for word, wanted in expected.items():
        assert wanted, f"the demo seed has {word} orders"
        reply = rig.run(f"list {word}")
        assert rows(reply) == newest_first(wanted)[:20], word
        assert f"Orders (any date) · {word}" in shown(reply)  # a state filter means any date
        assert len(elements(reply, "order_list_show")) == len(rows(reply))
        assert "From Orderbot's copy of Mplus" in shown(reply)
    cancelled = rig.run("list cancelled")
    assert all(block["text"]["text"].startswith("~") for block in cancelled["blocks"]
               if block.get("block_id", "").startswith("list_rows_") and block["type"] == "section")


def test_show_opens_the_card_as_mplus_has_it_and_keeps_the_list(rig: BotRig) -> None:
    sync(rig)
    listing = rig.run("list open")
    first = rows(listing)[0]
    count = len(rig.ephemerals())
    rig.slack.press_button(listing, action_id="order_list_show", block_id="list_rows_0", user=ALICE,
                           channel=CHANNEL)
    card = rig.next_ephemeral(count)
    assert first in shown(card) and "order_refresh" in str(card["blocks"])
    assert rows(rig.ephemerals()[count - 1]) == rows(listing)  # the list is still there


def an_article_no_order_holds(rig: BotRig) -> tuple[int, str]:
    """An active catalogue article in no order yet, whose number starts no other article's number, PLU
    or barcode, with a word that starts no word of another article: what it lists is known exactly."""
    mplus = rig.runtime.mplus
    held = {ln.article_number for o in mplus.get_orders() for ln in o.lines}
    catalogue = [a for a in mplus.get_products(ProductQuery()) if a.active]
    for article in catalogue:
        others = [a for a in catalogue if a.article_number != article.article_number]
        number = str(article.article_number)
        keys = [k for a in others for k in (str(a.article_number), a.plu or "", *a.barcodes)]
        if article.article_number in held or any(k.startswith(number) for k in keys):
            continue
        other_words = [w for a in others for w in words(a.description)]
        for word in words(article.description):
            if len(word) >= 5 and not any(w.startswith(word) for w in other_words):
                return article.article_number, word
    raise AssertionError("the demo catalogue has an article no order holds, with a word of its own")


def test_customer_article_period_branch_and_relation_combine(rig: BotRig) -> None:
    mplus = rig.runtime.mplus
    article, word = an_article_no_order_holds(rig)
    other = mplus.get_orders()[0].lines[0].article_number
    relation = mplus.get_relations()[0].relation_number
    holding = []
    for extra in ((), (other,), ()):
        numbers = (article, *extra)
        created = mplus.create_order(NewOrder(
            ext_order_id=f"ART-{uuid.uuid4().hex[:8]}",
            relation_number=relation,
            lines=tuple(NewOrderLine(article_number=n, quantity=Quantity(quantity=1)) for n in numbers),
        ))
        holding.append(mplus.get_order(created.order_id))
    mplus.cancel_order(holding[2].order_id)  # without a state filter, cancelled orders are listed too
    sync(rig)
    orders = all_orders(rig)
    zoe = [o for o in orders if o.relation_name == "Zoë van den Berg"]
    assert zoe
    assert rows(rig.run("list customer zoe berg")) == newest_first(zoe)
    by_phone = rig.run("list customer 0624681357")  # stored as "+31 6 2468 1357"
    assert rows(by_phone) == newest_first(zoe)
    for text in (f"list article {article}", f"list all article {article}", f"list all article {word}",
                 f"list article {word.upper()}"):
        assert rows(rig.run(text)) == newest_first(holding), text
    by_other = rows(rig.run(f"list all article {other}"))
    assert label(holding[1]) in by_other and label(holding[0]) not in by_other
    today = shop_today()
    first = today - timedelta(days=10)
    branch = orders[0].financial_branch_number
    window = [o for o in orders if o.financial_date and first <= o.financial_date <= today
              and is_open(o) and o.financial_branch_number == branch]
    for period in (f"{first:%Y-%m-%d}..{today:%Y-%m-%d}", f"{first:%d-%m-%Y}..{today:%d-%m-%Y}"):
        reply = rig.run(f"list {period} open branch {branch}")
        assert rows(reply) == newest_first(window), period
    relation = orders[0].relation_number
    mine = [o for o in orders if o.relation_number == relation]
    assert rows(rig.run(f"list all relation {relation}")) == newest_first(mine)
    nothing = shown(rig.run("list customer nobody-like-this"))
    assert "No orders found" in nothing and "nobody-like-this" in nothing


def test_default_period_is_a_week_and_bad_filters_are_explained(rig: BotRig) -> None:
    sync(rig)
    week_ago = shop_today() - timedelta(days=6)
    recent = [o for o in all_orders(rig) if o.financial_date and o.financial_date >= week_ago]
    assert rows(rig.run("list")) == newest_first(recent)[:20]
    for text, problem in {
        "list customer": "needs some text",
        "list 31-02-2026": "is not a date",
        "list open colour red": "not a list filter",
        "list branch": "positive number",
    }.items():
        assert problem in shown(rig.run(text)), text


def test_paging_is_stable_while_new_orders_arrive(rig: BotRig) -> None:
    rig.emulator.generate(45)  # open orders dated today
    sync(rig)
    first = rig.run("list open")
    page1 = rows(first)
    assert len(page1) == 20 and not elements(first, "order_list_previous")
    second = press_and_replace(rig, first, "order_list_next")
    page2 = rows(second)
    assert len(page2) == 20 and not set(page1) & set(page2)
    assert newest_first([o for o in all_orders(rig) if is_open(o)])[:40] == page1 + page2
    created = create_order(rig.runtime.mplus, prefix="NEWER")  # arrives while someone is paging
    sync(rig)
    back = press_and_replace(rig, second, "order_list_previous")
    assert rows(back) == page1  # the same first page, not shifted by the new order
    assert elements(back, "order_list_previous"), "a newer order exists now"
    newest = press_and_replace(rig, back, "order_list_previous")
    assert rows(newest)[0] == label(created)
    forward = press_and_replace(rig, second, "order_list_next")
    assert not set(rows(forward)) & set(page1 + page2)


@pytest.mark.bot_settings(**EVERYONE)
def test_row_menu_offers_pay_and_deliver_and_runs_the_confirmed_flow(rig: BotRig) -> None:
    order = create_order(rig.runtime.mplus, prefix="MENU")
    sync(rig)
    listing = rig.run("list unpaid")
    assert rows(listing)[0] == label(order)
    menu = elements(listing, "order_list_row_menu")[0]
    assert [o["text"]["text"] for o in menu["options"]] == ["Pay…", "Deliver…"]
    before = len(rig.ephemerals())
    rig.slack.select_option(listing, "order_list_row_menu", text="Deliver…", block_id="list_rows_0_actions",
                            user=ALICE, channel=CHANNEL)
    prompt = wait_for(lambda: next((e for e in rig.ephemerals()[before:] if "order_confirm" in str(e)), None),
                      what="a confirmation prompt")
    rig.slack.press_button(prompt, action_id="order_confirm", user=ALICE, channel=CHANNEL)
    wait_for(lambda: rig.runtime.mplus.get_order(order.order_id).is_delivered, what="the delivery in Mplus")
    assert rows(rig.ephemerals()[before - 1]) == rows(listing)  # the list was not replaced


def test_without_permission_rows_have_only_show(rig: BotRig) -> None:
    order = create_order(rig.runtime.mplus, prefix="NOPERM")
    rig.runtime.mplus.pay_order(order.order_id, [PaymentInput(method="PIN", amount_cents=100)], prepay=True)
    sync(rig)
    listing = rig.run("list unpaid")
    assert not elements(listing, "order_list_row_menu")
    assert len(elements(listing, "order_list_show")) == len(rows(listing))


def test_typed_filter_text_is_escaped_in_blocks_and_text(rig: BotRig) -> None:
    sync(rig)
    reply = rig.run("list customer <!channel> <@U123>")
    raw = str(reply["blocks"]) + reply["text"]
    assert "<!channel>" not in raw and "<@U123>" not in raw
    assert "&lt;!channel&gt;" in reply["text"]
