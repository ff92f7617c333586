"""The order form's type-aheads from the mirror, the new-customer modal with duplicate warnings, and
typed prices against the catalogue — end to end through signed requests against the real app."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import select

from bot.mirror.store import MirrorStore
from bot.mplus.models import NewRelation
from bot.orders.price_check import PriceNote
from bot.slack.i18n import translator
from bot.slack.ids import ActionId
from bot.slack.views import price_note_text
from bot.store.audit import AuditRow
from bot.store.mirror_tables import MirrorRelationRow
from tests.slack.conftest import ALICE, CHANNEL, BotRig, wait_for
from tests.slack.test_lists import sync
from tests.slack.test_order_form import (
    ALLOW,
    calls,
    current,
    editable_order,
    line,
    open_new,
    submit,
    wait_view,
)
from tests.slack.test_read_path import shown

RELATION = ActionId.FORM_RELATION.value
ARTICLE = ActionId.FORM_ARTICLE.value


def suggest(rig: BotRig, view: dict[str, Any], action_id: str, typed: str) -> list[dict[str, Any]]:
    options = rig.slack.block_suggestion(view, action_id, typed)
    assert rig.slack.last_errors == [], rig.slack.last_errors
    return options


def labels(options: list[dict[str, Any]]) -> list[str]:
    return [o["text"]["text"] for o in options]


def pick_new_customer(rig: BotRig, view: dict[str, Any], typed: str) -> dict[str, Any]:
    """Type into the relation field, choose "➕ New customer…": the modal is pushed over the form."""
    new = next(o for o in suggest(rig, view, RELATION, typed) if o["value"].startswith("new:"))
    rig.slack.select_option(view, RELATION, value=new, user=ALICE)
    return wait_for(
        lambda: (v := current(rig)) and v.get("callback_id") == "new_customer" and v,
        what="the new-customer modal",
    )


def relation_block(view: dict[str, Any]) -> dict[str, Any]:
    return next(
        b
        for b in view["blocks"]
        if str(b.get("block_id", "")).startswith("form_relation") and b.get("type") == "input"
    )


@ALLOW
def test_relation_type_ahead_answers_from_the_mirror(rig: BotRig) -> None:
    sync(rig)
    view = open_new(rig)
    rig.emulator.clear_calls()
    for typed in ("zoe berg", "0624681357", "+31 6 24681357", "8261ab", "zoe.vandenberg@example"):
        options = suggest(rig, view, RELATION, typed)
        assert options[0]["text"]["text"] == "Zoë van den Berg (#16)", typed
        assert options[-1]["value"] == f"new:{typed}"
    company = suggest(rig, view, RELATION, "ijsselmeer")
    assert "Zeilschool Ĳsselmeer B.V. (#18)" in labels(company)
    assert suggest(rig, view, RELATION, "17")[0]["value"] == "17"  # a number finds that relation first
    assert rig.emulator.calls() == [], "type-ahead answers without asking Mplus"


@ALLOW
def test_article_type_ahead_shows_catalogue_prices(rig: BotRig) -> None:
    sync(rig)
    view = open_new(rig)
    grinder = rig.runtime.mplus.get_products()
    by_number = {a.article_number: a for a in grinder}
    mill = by_number[2005]
    options = suggest(rig, view, ARTICLE, "koffiemolen hand")
    assert options[0]["value"] == "2005"
    # The price as the reader writes amounts (the form is English here; a Dutch form shows € 59,95).
    assert options[0]["text"]["text"] == "Koffiemolen handmatig · €59.95"
    for typed in ("2005", mill.barcodes[0], "koffiemolen"):
        assert "2005" in [o["value"] for o in suggest(rig, view, ARTICLE, typed)], typed
    inactive = next(a for a in grinder if not a.active)
    assert str(inactive.article_number) not in [
        o["value"] for o in suggest(rig, view, ARTICLE, inactive.description)
    ]
    unknown = suggest(rig, view, ARTICLE, "987654")
    assert [o["value"] for o in unknown] == ["987654"] and "Not in Orderbot" in str(unknown)


@ALLOW
def test_typed_price_off_the_catalogue_is_pointed_out_and_empty_takes_the_catalogue(rig: BotRig) -> None:
    sync(rig)
    view = open_new(rig)
    relation = suggest(rig, view, RELATION, "zoe berg")[0]
    form = {"form_relation": {RELATION: relation}, **line(0, "2005", "1", "12,50"), **line(1, "1001", "2")}
    rig.slack.press_button(view, action_id=ActionId.FORM_ADD_LINE.value, values=line(0, "2005"))
    view = wait_for(
        lambda: (v := current(rig)) and "form_line_1_article" in str(v) and v, what="a second line"
    )
    submit(rig, view, form)
    done = wait_view(rig, "was created in Mplus", timeout=30)
    # Said in the reader's words and money (this form is English; see the test below for Dutch).
    assert "Line 1 (Koffiemolen handmatig): €12.50 instead of €59.95" in shown(done).replace("\u00a0", " ")
    assert "Line 2" not in shown(done)  # no price typed: the catalogue price, nothing to point out
    created = calls(rig, "createOrder")
    assert len(created) == 1
    order = rig.runtime.mplus.find_order(created[0]["extOrderId"])
    assert [(ln.article_number, ln.price) for ln in order.lines] == [(2005, 1250), (1001, 2495)]
    card = next(m for m in rig.fake.messages(CHANNEL) if order.number in shown(m))
    notes = wait_for(lambda: rig.fake.thread(CHANNEL, card["ts"]), what="the note under the card")
    said = shown(notes[0]).replace("\u00a0", " ")
    assert "€12.50 instead of €59.95" in said, "the note under the order card says it too"


def test_a_price_note_reads_in_each_readers_language_and_money() -> None:
    note = PriceNote(position=1, article_number=2005, description="Koffiemolen  handmatig",
                     typed_cents=1250, catalogue_cents=5995)  # fmt: skip
    dutch, english = translator("nl"), translator("en")
    assert price_note_text(note, dutch).replace("\u00a0", " ") == (
        "Regel 1 (Koffiemolen handmatig): € 12,50 in plaats van € 59,95"
    )
    assert price_note_text(note, english) == "Line 1 (Koffiemolen handmatig): €12.50 instead of €59.95"
    nameless = note.model_copy(update={"description": " "})
    assert price_note_text(nameless, dutch).startswith("Regel 1 (artikel 2005): ")
    assert price_note_text(note.model_copy(update={"description": "<b>&"}), english).startswith(
        "Line 1 (&lt;b&gt;&amp;)"
    )


@ALLOW
def test_new_customer_with_a_duplicate_warning_picks_the_existing_one(rig: BotRig) -> None:
    sync(rig)
    form = open_new(rig)
    modal = pick_new_customer(rig, form, "Zoë van den Berg")
    name = next(b for b in modal["blocks"] if b.get("block_id") == "nc_name")
    assert name["element"]["initial_value"] == "Zoë van den Berg"
    answer = submit(
        rig,
        modal,
        {"nc_email": {"email": "ZOE.vandenberg@example.nl"}, "nc_phone": {"phone": "06 1111 2222"}},
    )
    assert answer["response_action"] == "update"
    warned = current(rig)
    assert "may already have this customer" in shown(warned) and "Zoë van den Berg (#16)" in shown(warned)
    submit(rig, warned, {"nc_choice": {"choice": "rel:16"}})
    back = wait_for(
        lambda: (
            (v := current(rig))
            and v.get("callback_id") == "order_form"
            and relation_block(v)["element"].get("initial_option")
            and v
        ),
        what="the order form again",
    )
    assert relation_block(back)["element"]["initial_option"]["value"] == "16"
    assert "Using the existing customer" in shown(back)
    assert calls(rig, "createRelation") == []


def warning_choices(view: dict[str, Any]) -> list[tuple[str, str]]:
    """The radio options of the duplicate warning: (label, value)."""
    block = next(b for b in view["blocks"] if b.get("block_id") == "nc_choice")
    return [(o["text"]["text"], o["value"]) for o in block["element"]["options"]]


def back_in_the_form(rig: BotRig, contains: str) -> dict[str, Any]:
    return wait_for(
        lambda: (
            (v := current(rig))
            and v.get("callback_id") == "order_form"
            and relation_block(v)["element"].get("initial_option")
            and contains in shown(v)
            and v
        ),
        timeout=30,
        what="the order form again",
    )


@pytest.fixture
def joris(rig: BotRig) -> int:
    """A customer Mplus already has, in the mirror; the emulator's call log starts after."""
    known = rig.runtime.mplus.create_relation(
        NewRelation(name="Joris Quellinck", telephone="+31 6 9182 7364", zipcode="3511 AB", city="Utrecht")
    )
    sync(rig)
    rig.emulator.clear_calls()
    return known


def warned_about(rig: BotRig, modal: dict[str, Any], typed: dict[str, Any], known: int) -> dict[str, Any]:
    """Submit the new-customer modal; the answer is the same modal warning about ``known`` only."""
    assert submit(rig, modal, typed)["response_action"] == "update"
    warned = current(rig)
    assert warned is not None and "may already have this customer" in shown(warned)
    assert warning_choices(warned) == [
        (f"Use Joris Quellinck (#{known})", f"rel:{known}"),
        ("No — create a new customer anyway", "new"),
    ]
    return warned


@ALLOW
def test_new_customer_with_the_same_phone_typed_another_way_is_warned_about(rig: BotRig, joris: int) -> None:
    modal = pick_new_customer(rig, open_new(rig), "Jeroen Anders")  # another name: only the phone matches
    typed = {"nc_phone": {"phone": "06-91827364"}, "nc_zipcode": {"zipcode": "1234 XY"}}
    warned = warned_about(rig, modal, typed, joris)
    submit(rig, warned, {"nc_choice": {"choice": f"rel:{joris}"}})
    back = back_in_the_form(rig, "Using the existing customer")
    assert relation_block(back)["element"]["initial_option"]["value"] == str(joris)
    assert calls(rig, "createRelation") == []


@ALLOW
def test_new_customer_with_the_same_name_and_postcode_is_warned_about(rig: BotRig, joris: int) -> None:
    # Same name at another postcode is someone else: no warning, the customer is created.
    elsewhere = pick_new_customer(rig, open_new(rig), "Joris Quellinck")
    submit(rig, elsewhere, {"nc_zipcode": {"zipcode": "9413 QX"}, "nc_phone": {"phone": "0201234567"}})
    back_in_the_form(rig, "was created in Mplus")
    assert len(calls(rig, "createRelation")) == 1
    # Same name (other case) at the same postcode (no space), another phone: warned.
    modal = pick_new_customer(rig, open_new(rig), "joris QUELLINCK")
    typed = {"nc_zipcode": {"zipcode": "3511ab"}, "nc_phone": {"phone": "0207654321"}}
    warned = warned_about(rig, modal, typed, joris)
    # The person knows better: a second Joris Quellinck at that postcode is created once.
    submit(rig, warned, {"nc_choice": {"choice": "new"}})
    back = back_in_the_form(rig, "was created in Mplus")
    made = int(relation_block(back)["element"]["initial_option"]["value"])
    assert made != joris and len(calls(rig, "createRelation")) == 2
    assert rig.runtime.mplus.get_relation(made).zipcode == "3511AB"


@ALLOW
def test_new_customer_is_created_once_audited_and_selected(rig: BotRig) -> None:
    sync(rig)
    form = open_new(rig)
    typed = line(0, "1001", "3")
    rig.slack.press_button(form, action_id=ActionId.FORM_ADD_LINE.value, values=typed)
    form = wait_for(lambda: (v := current(rig)) and "form_line_1_article" in str(v) and v, what="two lines")
    modal = pick_new_customer(rig, form, "Bakkerij Vermeer")
    details = {
        "nc_email": {"email": "info@vermeer.example.nl"},
        "nc_phone": {"phone": "+31 23 555 0101"},
        "nc_zipcode": {"zipcode": "2011ab"},
        "nc_city": {"city": "Haarlem"},
        "nc_company": {"company": "Bakkerij Vermeer B.V."},
    }
    submit(rig, modal, details)
    back = wait_for(
        lambda: (
            (v := current(rig))
            and v.get("callback_id") == "order_form"
            and "was created in Mplus" in shown(v)
            and v
        ),
        timeout=30,
        what="the form with the customer",
    )
    chosen = relation_block(back)["element"]["initial_option"]
    number = int(chosen["value"])
    assert chosen["text"]["text"] == f"Bakkerij Vermeer (#{number})"
    made = rig.runtime.mplus.get_relation(number)
    assert (made.email, made.telephone, made.zipcode, made.company_name) == (
        "info@vermeer.example.nl",
        "+31 23 555 0101",
        "2011AB",
        "Bakkerij Vermeer B.V.",
    )
    assert len(calls(rig, "createRelation")) == 1
    assert "form_line_1_article" in str(back) and '"value": "1001"' in str(back).replace("'", '"')
    with rig.runtime.deps.db.transaction() as session:
        rows = list(session.scalars(select(AuditRow).where(AuditRow.action == "create_relation")))
    assert [(r.user_id, r.result, r.params) for r in rows] == [(ALICE, "ok", {"relation_number": number})]
    # The form goes on to create the order for the new customer.
    values = {
        relation_block(back)["block_id"]: {RELATION: chosen},
        **line(0, "1001", "3"),
        **line(1, "2001", "1"),
    }
    submit(rig, back, values)
    wait_view(rig, "was created in Mplus", timeout=30)
    order = rig.runtime.mplus.find_order(calls(rig, "createOrder")[0]["extOrderId"])
    assert order.relation_number == number


@ALLOW
def test_new_customer_fields_are_checked_on_the_field(rig: BotRig) -> None:
    sync(rig)
    modal = pick_new_customer(rig, open_new(rig), "x@")
    answer = submit(rig, modal, {"nc_name": {"name": "Iemand"}, "nc_phone": {"phone": "12"}})
    assert answer["response_action"] == "errors"
    assert "e-mail address" in answer["errors"]["nc_email"] and "6 digits" in answer["errors"]["nc_phone"]
    assert calls(rig, "createRelation") == []


@pytest.mark.bot_settings(allow_create="U0SOMEONE", allow_edit="*")
def test_new_customer_needs_allow_create(rig: BotRig) -> None:
    sync(rig)
    order = editable_order(rig)
    rig.slack.command("/order", f"edit {order.number}", user=ALICE, channel=CHANNEL)
    form = wait_for(
        lambda: (v := current(rig)) and v.get("callback_id") == "order_form" and v, what="edit form"
    )
    new = next(o for o in suggest(rig, form, RELATION, "Nieuw") if o["value"].startswith("new:"))
    rig.slack.select_option(form, RELATION, value=new, user=ALICE)
    refusal = wait_view(rig, "ORDERBOT_ALLOW_CREATE")
    assert refusal.get("callback_id") != "new_customer"
    with rig.runtime.deps.db.transaction() as session:
        rows = list(session.scalars(select(AuditRow).where(AuditRow.action == "create")))
    assert [(r.user_id, r.result) for r in rows] == [(ALICE, "refused")]


def mirrored_relations(rig: BotRig, number: int) -> list[tuple[int, str | None, int]]:
    with rig.runtime.deps.db.transaction() as session:
        found = session.scalars(select(MirrorRelationRow).where(MirrorRelationRow.relation_number == number))
        return [(r.relation_number, r.zipcode, r.sync_marker) for r in found]


@ALLOW
def test_a_new_customer_is_findable_at_once_before_any_mirror_pass(rig: BotRig) -> None:
    sync(rig)
    relations_marker = MirrorStore(rig.runtime.deps.db).state("relations")
    modal = pick_new_customer(rig, open_new(rig), "Quirijn Verbeek-Oudshoorn")
    submit(rig, modal, {"nc_phone": {"phone": "06-7788 9900"}, "nc_zipcode": {"zipcode": "3583 xk"}})
    back = back_in_the_form(rig, "was created in Mplus")
    number = int(relation_block(back)["element"]["initial_option"]["value"])
    # No mirror pass has run: the relations stream is where it was, yet every way of finding works.
    assert MirrorStore(rig.runtime.deps.db).state("relations") == relations_marker
    label = f"Quirijn Verbeek-Oudshoorn (#{number})"
    for typed in ("quirijn verbeek", "+31 6 77889900", "3583XK", str(number)):
        assert labels(suggest(rig, back, RELATION, typed))[0] == label, typed
    found = rig.run("find verbeek oudshoorn")
    assert "no orders" in shown(found) and label.split(" (")[0] in shown(found)
    # The next pass reads the relation from Mplus and replaces the row by its number: still one.
    sync(rig)
    ((_, zipcode, marker),) = mirrored_relations(rig, number)
    assert marker > 0 and zipcode == rig.runtime.mplus.get_relation(number).zipcode
    assert labels(suggest(rig, back, RELATION, "quirijn"))[:1] == [label]


@ALLOW
def test_the_form_loads_no_relations_from_mplus_once_the_mirror_has_them(rig: BotRig) -> None:
    # The in-memory relation directory is only the fallback before the mirror's first sync; loading
    # it anyway meant every relation parsed in the bot's process (the type-ahead's slow tail).
    sync(rig)
    rig.emulator.clear_calls()
    view = open_new(rig)  # the directory would be warmed before the form is filled in
    assert not [t for t in threading.enumerate() if t.name == "relations-refresh"]
    assert labels(suggest(rig, view, RELATION, "zoe berg"))[0] == "Zoë van den Berg (#16)"
    assert calls(rig, "getRelations") == []
