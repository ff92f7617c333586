"""The order form end to end: signed Slack requests → real bot over HTTP → emulator → fake Slack."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from sqlalchemy import select

from bot.mplus.models import NewOrder, NewOrderLine, Order
from bot.mplus.money import Quantity
from bot.orders.drafts import draft_from_order, validate
from bot.slack.ids import ActionId, FormLineRef
from bot.store.audit import AuditRow
from tests.slack.conftest import ALICE, CHANNEL, BotRig, wait_for
from tests.slack.test_read_path import shown

BOB = "U0BOB"
ALLOW = pytest.mark.bot_settings(allow_create="*", allow_edit="*")
RELATION = ActionId.FORM_RELATION.value


# ------------------------------------------------------------------------------ helpers


def current(rig: BotRig, user: str = ALICE) -> dict[str, Any] | None:
    return rig.fake.current_view(user)


def wait_view(rig: BotRig, contains: str, user: str = ALICE, timeout: float = 30.0) -> dict[str, Any]:
    """The user's modal once its text contains ``contains``."""
    return wait_for(
        lambda: (v := current(rig, user)) and contains in shown(v) and v,
        timeout,
        f"a modal showing {contains!r}",
    )


def wait_form(rig: BotRig, user: str = ALICE) -> dict[str, Any]:
    return wait_for(
        lambda: (v := current(rig, user)) and v.get("callback_id") == "order_form" and v,
        30.0,
        "the order form",
    )


def open_new(rig: BotRig, user: str = ALICE) -> dict[str, Any]:
    result = rig.slack.command("/order", "new", user=user, channel=CHANNEL)
    assert result.status == 200 and result.within_deadline
    return wait_form(rig, user)


def block_text(view: dict[str, Any], block_id: str) -> str:
    return shown({"blocks": [b for b in view["blocks"] if b.get("block_id") == block_id]})


def line_keys(view: dict[str, Any]) -> list[int]:
    return [
        int(m[1])
        for block in view["blocks"]
        if (m := re.fullmatch(r"form_line_(\d+)_article", block.get("block_id", "")))
    ]


def line(key: int, article: str = "", quantity: str = "", price: str = "", text: str = "") -> dict[str, Any]:
    values = {"article": article, "quantity": quantity, "price": price, "text": text}
    # The article is a type-ahead now; the fake Slack turns the number into the chosen option.
    action = {"article": ActionId.FORM_ARTICLE.value}
    return {
        f"form_line_{key}_{name}": {action.get(name, name): value} for name, value in values.items() if value
    }


def relation(rig: BotRig, view: dict[str, Any], query: str = "Jan") -> dict[str, Any]:
    return rig.slack.block_suggestion(view, RELATION, query)[0]


def values(rig: BotRig, view: dict[str, Any], *lines: dict[str, Any], **extra: Any) -> dict[str, Any]:
    found: dict[str, Any] = {"form_relation": {RELATION: relation(rig, view)}}
    for part in lines:
        found.update(part)
    for block, value in extra.items():
        found[block] = value
    return found


def submit(rig: BotRig, view: dict[str, Any], form: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    result = rig.slack.submit_view(view, form, **kwargs)
    assert result.status == 200 and result.within_deadline, result.body
    return result.json() or {}


def calls(rig: BotRig, operation: str) -> list[dict[str, Any]]:
    return [c for c in rig.emulator.calls() if c["operation"] == operation]


def audit_rows(rig: BotRig, action: str) -> list[AuditRow]:
    with rig.runtime.deps.db.transaction() as session:
        return list(session.scalars(select(AuditRow).where(AuditRow.action == action)))


def ext_id_of(view: dict[str, Any]) -> str:
    block = next(b for b in view["blocks"] if b.get("block_id") == "form_ext_id")
    return str(block["element"]["initial_value"])


def editable_order(rig: BotRig) -> Order:
    orders = rig.runtime.mplus.get_orders()
    return next(
        o
        for o in orders
        if not o.is_cancelled and not o.is_invoiced and not o.prepaid_amount and 1 <= len(o.lines) <= 4
    )


# ------------------------------------------------------------------------------- create


@ALLOW
def test_new_opens_loading_at_once_then_the_form(rig: BotRig) -> None:
    view = open_new(rig)
    opened = rig.fake.calls("views.open")
    assert len(opened) == 1 and "Loading" in shown(opened[0]["args"]["view"])
    assert view["title"]["text"] == "New order"
    assert re.fullmatch(r"SLACK-\d{8}-[A-Z0-9]{4}", ext_id_of(view))
    assert line_keys(view) == [0]
    assert view["submit"]["text"] == "Create order"
    labels = shown(view)
    for label in ("Relation", "Article", "Quantity", "Delivery method", "Order category", "Branch"):
        assert label in labels
    assert "Verzenden met PostNL" in labels and "niet meer in gebruik" not in labels  # disabled DPD left out


@ALLOW
def test_the_help_offers_new_and_edit_and_a_new_order_button(rig: BotRig) -> None:
    help_message = rig.run("help")
    assert "/order new" in shown(help_message) and "/order edit" in shown(help_message)
    rig.slack.press_button(help_message, action_id=ActionId.NEW_ORDER.value)
    assert wait_form(rig)["title"]["text"] == "New order"


@ALLOW
def test_relation_type_ahead_by_name_and_number(rig: BotRig) -> None:
    view = open_new(rig)
    by_name = rig.slack.block_suggestion(view, RELATION, "de v")
    assert rig.slack.last_errors == []
    assert "Jan de Vries (#1)" in [o["text"]["text"] for o in by_name]
    assert all("de v" in o["text"]["text"].lower() for o in by_name[:-1])
    assert by_name[-1]["value"] == "new:de v"
    by_number = rig.slack.block_suggestion(view, RELATION, "1")
    assert by_number[0]["value"] == "1"
    assert len(by_number) > 10
    assert all(o["value"].startswith(("1", "new:")) for o in by_number)
    nobody = rig.slack.block_suggestion(view, RELATION, "zzz-nobody")
    assert [o["value"] for o in nobody] == ["new:zzz-nobody"]  # only the way to create one
    assert all(len(o["text"]["text"]) <= 75 for o in by_name + by_number)


@ALLOW
def test_adding_and_removing_lines_keeps_what_was_typed(rig: BotRig) -> None:
    view = open_new(rig)
    typed = line(0, "1001", "2", "12,50", "first")
    rig.slack.press_button(view, action_id=ActionId.FORM_ADD_LINE.value, values=typed)
    view = wait_for(lambda: (v := current(rig)) and len(line_keys(v)) == 2 and v, 10, "two lines")
    assert line_keys(view) == [0, 1]
    article0 = next(b for b in view["blocks"] if b.get("block_id") == "form_line_0_article")
    assert article0["element"]["initial_option"]["value"] == "1001"
    assert "12,50" in str(view["blocks"])
    second = line(1, "2001", "3")
    rig.slack.press_button(
        view, action_id=ActionId.FORM_REMOVE_LINE.value, value=FormLineRef(key=0).encode(), values=second
    )
    view = wait_for(lambda: (v := current(rig)) and line_keys(v) == [1] and v, 10, "line 0 removed")
    remaining = {b["block_id"]: b for b in view["blocks"] if b.get("type") == "input"}
    assert remaining["form_line_1_article"]["element"]["initial_option"]["value"] == "2001"
    assert remaining["form_line_1_quantity"]["element"]["initial_value"] == "3"
    assert "Remove line" not in shown(view)  # the last line stays


@ALLOW
def test_bad_fields_are_refused_on_the_field_without_asking_mplus(rig: BotRig) -> None:
    view = open_new(rig)
    rig.emulator.clear_calls()
    answer = submit(rig, view, values(rig, view, line(0, "abc", "-1", "12,505")))
    assert answer["response_action"] == "errors"
    errors = answer["errors"]
    assert "is not an article number" in errors["form_line_0_article"]
    assert "more than 0" in errors["form_line_0_quantity"]
    assert "ambiguous" in errors["form_line_0_price"]
    answer = submit(rig, view, values(rig, view, line(0, "1001", "1,5", "0,505")))
    assert "too many decimals" in answer["errors"]["form_line_0_price"]
    answer = submit(rig, view, values(rig, view, line(0, "1001", "abc", "12,50")))
    assert "is not a quantity" in answer["errors"]["form_line_0_quantity"]
    # No relation and no lines: the Slack client would stop these; the bot checks them all the same.
    answer = submit(rig, view, {"form_ext_id": {"ext_order_id": "X-1"}}, check_inputs=False)
    assert "Choose a relation" in answer["errors"]["form_relation"]
    assert "at least one line" in answer["errors"]["form_line_0_article"]
    assert calls(rig, "createOrder") == [] and calls(rig, "findOrder") == []
    assert current(rig)["callback_id"] == "order_form"  # the form stays open


@ALLOW
def test_an_external_id_in_use_is_shown_on_its_field(rig: BotRig) -> None:
    used = rig.runtime.mplus.get_orders()[0]
    view = open_new(rig)
    rig.emulator.clear_calls()
    form = values(rig, view, line(0, "1001", "1"), form_ext_id={"ext_order_id": used.ext_order_id})
    assert submit(rig, view, form)["response_action"] == "update"
    view = wait_view(rig, "already used")
    assert f"by order {used.number}." in block_text(view, "form_ext_id_note")
    assert view["callback_id"] == "order_form"
    assert calls(rig, "createOrder") == []


@ALLOW
def test_create_makes_one_order_posts_its_card_and_audits(rig: BotRig) -> None:
    view = open_new(rig)
    ext = ext_id_of(view)
    rig.emulator.clear_calls()
    form = values(rig, view, line(0, "1001", "2", "12,50"), form_reference={"reference": "<!channel> ref"})
    answer = submit(rig, view, form)
    assert answer["response_action"] == "update" and "Creating" in shown(answer["view"])
    done = wait_view(rig, "was created in Mplus")
    assert len(calls(rig, "createOrder")) == 1
    order = rig.runtime.mplus.find_order(ext)
    assert order.total_incl_amount == 2500
    card = wait_for(lambda: rig.fake.messages(CHANNEL), 10, "the card in the channel")[-1]
    assert order.number in shown(card) and "order_refresh" in str(card["blocks"])
    assert "<!channel>" not in shown(card) and "<!channel>" not in shown(done)
    thread = wait_for(lambda: rig.fake.thread(CHANNEL, card["ts"]), 10, "the audit note")
    assert f"<@{ALICE}>" in thread[0]["text"]
    entry = audit_rows(rig, "create")[-1]
    assert (entry.result, entry.order_id, entry.order_number) == ("ok", order.order_id, order.number)
    assert entry.params == {"ext_order_id": ext, "lines": 1, "total": 2500}
    assert entry.sync_marker_after == order.sync_marker
    made = rig.fake.calls("views.open") + rig.fake.calls("views.update") + rig.fake.calls("chat.postMessage")
    assert all(call["ok"] for call in made), [call["error"] for call in made]


@ALLOW
def test_a_double_submit_creates_one_order(rig: BotRig) -> None:
    view = open_new(rig)
    form = values(rig, view, line(0, "2001", "1"))
    rig.emulator.clear_calls()
    answers: list[dict[str, Any]] = []
    threads = [threading.Thread(target=lambda: answers.append(submit(rig, view, form))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a["response_action"] for a in answers] == ["update", "update"]
    wait_view(rig, "was created in Mplus")
    wait_for(lambda: rig.fake.messages(CHANNEL), 10, "the card")
    wait_for(lambda: len(audit_rows(rig, "create")) >= 1, 10, "the audit entry")
    threading.Event().wait(1.0)  # give a second (wrong) create every chance to happen
    assert len(calls(rig, "createOrder")) == 1
    assert len(rig.fake.messages(CHANNEL)) == 1
    assert [r.result for r in audit_rows(rig, "create")] == ["ok"]


@ALLOW
def test_a_lost_create_answer_is_reported_created_once(rig: BotRig) -> None:
    view = open_new(rig)
    ext = ext_id_of(view)
    rig.emulator.add_fault("createOrder", "commit_then_drop", times=1)
    submit(rig, view, values(rig, view, line(0, "1002", "1")))
    done = wait_view(rig, "was created in Mplus", timeout=30)
    assert "answer got lost" in shown(done)
    matching = [o for o in rig.runtime.mplus.get_orders() if o.ext_order_id == ext]
    assert len(matching) == 1
    assert len(wait_for(lambda: rig.fake.messages(CHANNEL), 10, "the card")) == 1
    assert audit_rows(rig, "create")[-1].params.get("recovered") is True


@ALLOW
def test_an_unknown_article_goes_back_to_its_line_and_can_be_fixed(rig: BotRig) -> None:
    view = open_new(rig)
    ext = ext_id_of(view)
    form = values(rig, view, line(0, "1001", "1"))
    form.update(line(0, "9999", "1"))
    submit(rig, view, form)
    view = wait_view(rig, "Unknown article number 9999")
    assert "9999" in block_text(view, "form_line_0_article_note")
    assert audit_rows(rig, "create")[-1].result == "refused"
    submit(rig, view, {**form, **line(0, "1001", "1")})  # fixed; same external id
    wait_view(rig, "was created in Mplus")
    assert rig.runtime.mplus.find_order(ext).lines[0].article_number == 1001


@pytest.mark.bot_settings(allow_create=ALICE)
def test_who_may_create_is_checked_on_open_and_on_submit(rig: BotRig) -> None:
    rig.fake.add_user(BOB, "bob")
    before = len(rig.ephemerals(BOB))
    rig.slack.command("/order", "new", user=BOB, channel=CHANNEL)
    refusal = rig.next_ephemeral(before, user=BOB)
    assert "not allowed to create orders" in shown(refusal)
    assert rig.fake.calls("views.open") == []
    # Bob submits a form Alice opened (a stale or forwarded form): refused again, nothing created.
    view = open_new(rig)
    rig.emulator.clear_calls()
    answer = submit(rig, view, values(rig, view, line(0, "1001", "1")), user=BOB)
    assert "not allowed" in shown(answer["view"])
    assert calls(rig, "createOrder") == []
    # The refusal is audited after the ack (the ack never waits on the store).
    refused = [(BOB, "refused"), (BOB, "refused")]
    wait_for(lambda: [(r.user_id, r.result) for r in audit_rows(rig, "create")] == refused, what="audit")
    assert calls(rig, "createOrder") == []


# --------------------------------------------------------------------------------- edit


def open_edit(rig: BotRig, order: Order) -> dict[str, Any]:
    rig.slack.command("/order", f"edit {order.number}", user=ALICE, channel=CHANNEL)
    return wait_form(rig)


@ALLOW
def test_edit_changes_a_line_and_the_card_shows_it(rig: BotRig) -> None:
    order = editable_order(rig)
    view = open_edit(rig, order)
    assert view["title"]["text"] == "Edit order" and order.number in shown(view)
    assert "form_ext_id" not in str(view["blocks"])  # the external id is not editable
    first = order.lines[0]
    answer = submit(rig, view, line(0, str(first.article_number), "7"))
    assert "Saving" in shown(answer["view"])
    done = wait_view(rig, "were saved in Mplus")
    after = rig.runtime.mplus.get_order(order.order_id)
    assert after.lines[0].quantity.as_decimal() == 7
    assert len(after.lines) == len(order.lines)
    assert "7 × " in shown(done)
    card = wait_for(lambda: rig.fake.messages(CHANNEL), 10, "the updated card")[-1]
    assert "7 × " in shown(card)
    entry = audit_rows(rig, "edit")[-1]
    assert (entry.result, entry.order_id, entry.sync_marker_after) == (
        "ok",
        order.order_id,
        after.sync_marker,
    )
    assert all(call["ok"] for call in rig.fake.calls("views.update") + rig.fake.calls("chat.postMessage"))


@ALLOW
def test_edit_from_the_card_button_and_unchanged_submit_says_no_changes(rig: BotRig) -> None:
    order = editable_order(rig)
    card = rig.run(f"show {order.number}")
    rig.slack.press_button(card, action_id=ActionId.EDIT.value)
    view = wait_form(rig)
    rig.emulator.clear_calls()
    submit(rig, view, {})
    done = wait_view(rig, "No changes")
    assert order.number in shown(done)
    assert len(calls(rig, "updateOrder")) == 1
    assert rig.runtime.mplus.get_order(order.order_id).sync_marker == order.sync_marker
    assert audit_rows(rig, "edit")[-1].result == "no_changes"


@ALLOW
def test_an_untouched_weighed_line_is_no_change(rig: BotRig) -> None:
    weighed = NewOrderLine(article_number=1004, quantity=Quantity(quantity=530, decimal_places=3))
    made = rig.runtime.mplus.create_order(NewOrder(ext_order_id="KG-1", relation_number=2, lines=(weighed,)))
    order = rig.runtime.mplus.get_order(made.order_id)
    view = open_edit(rig, order)
    assert "0,53" in str(view["blocks"])
    submit(rig, view, {})
    wait_view(rig, "No changes")


@ALLOW
def test_edit_does_not_overwrite_a_change_made_in_mplus_meanwhile(rig: BotRig) -> None:
    order = editable_order(rig)
    view = open_edit(rig, order)
    elsewhere = validate(draft_from_order(order), require_ext_id=False).order
    assert elsewhere is not None
    change = elsewhere.model_copy(update={"reference": "changed at the till"})
    rig.runtime.mplus.update_order(change.change(order.order_id, None, None))
    rig.emulator.clear_calls()
    submit(rig, view, {"form_reference": {"reference": "mine"}})
    told = wait_view(rig, "were *not* saved")
    assert "changed at the till" in shown(told)
    assert calls(rig, "updateOrder") == []
    assert rig.runtime.mplus.get_order(order.order_id).reference == "changed at the till"
    assert audit_rows(rig, "edit")[-1].result == "changed_meanwhile"
    rig.slack.press_button(told, action_id=ActionId.FORM_EDIT_CURRENT.value)
    fresh = wait_form(rig)
    assert "changed at the till" in str(fresh["blocks"])


@ALLOW
def test_a_cancelled_order_cannot_be_edited_and_the_command_says_why(rig: BotRig) -> None:
    cancelled = next(o for o in rig.runtime.mplus.get_orders() if o.is_cancelled)
    rig.slack.command("/order", f"edit {cancelled.number}", user=ALICE, channel=CHANNEL)
    told = wait_view(rig, "is cancelled")
    assert "can no longer be changed" in shown(told)
    assert told.get("callback_id") != "order_form"


def test_editing_needs_permission(rig: BotRig) -> None:
    order = editable_order(rig)
    refusal = rig.run(f"edit {order.number}")
    assert "Nobody may edit orders" in shown(refusal)
    assert rig.fake.calls("views.open") == []
    assert audit_rows(rig, "edit")[-1].result == "refused"


@ALLOW
def test_an_edit_updates_the_card_it_came_from_instead_of_posting_another(rig: BotRig) -> None:
    view = open_new(rig)
    ext = ext_id_of(view)
    submit(rig, view, values(rig, view, line(0, "1001", "2", "12,50")))
    wait_view(rig, "was created in Mplus")
    order = rig.runtime.mplus.find_order(ext)
    [card] = wait_for(lambda: rig.fake.messages(CHANNEL), 10, "the new card")
    assert f"Order {order.number}" in shown(card) and "€25.00 open" in shown(card)

    rig.slack.press_button(card, action_id=ActionId.EDIT.value, user=ALICE, channel=CHANNEL)
    form = wait_form(rig)
    submit(rig, form, line(0, "1001", "3", "12,50"))
    wait_view(rig, "were saved in Mplus")

    def edited() -> dict[str, Any] | None:
        [now] = rig.fake.messages(CHANNEL)
        return now if "€37.50 open" in shown(now) else None

    now = wait_for(edited, 10, "the same card, edited")
    assert now["ts"] == card["ts"], "no second card: the one the edit came from is updated"
    assert f"Edited by <@{ALICE}>" in shown(now), "its top line says the latest event and who"
    notes = wait_for(
        lambda: len(rig.fake.thread(CHANNEL, card["ts"])) >= 2 and rig.fake.thread(CHANNEL, card["ts"])
    )
    said = shown(notes[-1])
    assert f"<@{ALICE}> edited *{order.number}* · " in said and "total €25.00 → €37.50" in said
