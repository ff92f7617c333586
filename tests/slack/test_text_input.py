"""Issue #10, item 5: text from Mplus and people is shown as typed and never turns into mentions,
styles or reversed digits; control characters and forged values get clear refusals."""

from __future__ import annotations

import json

import pytest

from bot.mplus.models import Order
from bot.slack import text
from bot.slack.views import Catalogue, order_card
from slack_sandbox.payloads import build_state
from tests.slack.conftest import ALICE, CHANNEL, BotRig
from tests.slack.test_order_form import ALLOW, line, open_new, submit, values

ZWSP = "\u200b"


def test_escape_drops_bidi_overrides_and_keeps_style_marks_literal() -> None:
    said = text.escape("total \u202e09,92\u202c *now* _x_ ~y~ ORDER_ID <!here>")
    assert "\u202e" not in said and "\u202c" not in said and "09,92" in said
    assert "&lt;!here&gt;" in said and "ORDER_ID" in said  # identifiers are left exactly as they are
    # Each style mark that could open a style has an invisible space in front, so Slack shows it.
    assert f"{ZWSP}*now*" in said and f"{ZWSP}_x_" in said and f"{ZWSP}~y~" in said
    assert said.replace(ZWSP, "") == "total 09,92 *now* _x_ ~y~ ORDER_ID &lt;!here&gt;"


def test_cards_show_mplus_marks_and_backticks_as_typed() -> None:
    order = Order.model_validate(
        {
            "orderId": "o-1",
            "extOrderId": "WEB_1",
            "relationName": "*Bold* `code` \u2066Shop\u2069",
            "reference": "~gone~ `x`",
        }
    )
    card = json.dumps(order_card(order, Catalogue()), ensure_ascii=False)
    assert "`" not in card and "\u2066" not in card and "\u2069" not in card
    assert f"{ZWSP}*Bold*" in card and f"{ZWSP}~gone~" in card and "WEB_1" in card


def test_error_replies_escape_their_text_field_too(rig: BotRig) -> None:
    reply = rig.run("find <!here>")
    assert "<!here>" not in reply["text"] and "&lt;!here&gt;" in reply["text"]


def test_help_on_an_unknown_topic_escapes_the_typed_word_in_its_text_field(rig: BotRig) -> None:
    reply = rig.run("help <!here>")
    assert "<!here>" not in reply["text"] and "&lt;!here&gt;" in reply["text"], reply["text"]
    assert "<!here>" not in json.dumps(reply["blocks"])


def test_a_nul_in_a_command_is_a_usage_message(rig: BotRig) -> None:
    result = rig.slack.command("/order", "show 2026-1\x00", user=ALICE, channel=CHANNEL)
    assert result.status == 200 and "control character" in result.body
    assert "Something went wrong" not in result.body


@ALLOW
def test_control_characters_in_form_fields_are_field_errors(rig: BotRig) -> None:
    view = open_new(rig)
    answer = submit(rig, view, values(rig, view, line(0, "1001", "1", text="bad\x00text")))
    assert answer["response_action"] == "errors"
    assert "control character" in str(answer["errors"])


@ALLOW
@pytest.mark.parametrize(
    "forged",
    [
        {"form_line_0_quantity": {"quantity": {"type": "plain_text_input", "value": 12}}},
        {"form_line_0_article": {"article": {"type": "plain_text_input", "value": ["1001"]}}},
        {"form_relation": {"form_relation": {"type": "external_select", "selected_option": "x"}}},
        {"form_reference": "not an object"},
    ],
    ids=["int", "list", "option-string", "block-string"],
)
def test_forged_wrong_type_values_are_refused_clearly(rig: BotRig, forged: dict) -> None:
    view = open_new(rig)
    good = values(rig, view, line(0, "1001", "1"))
    real = rig.slack.user(ALICE)
    state = {**build_state(view["blocks"], good, None), **forged}
    payload = {**rig.slack._envelope("view_submission", real), "view": {**view, "state": {"values": state}}}
    result = rig.slack.send_payload(payload)
    assert result.status == 200, result.body
    answer = result.json() or {}
    assert answer.get("response_action") in ("errors", "update"), answer
    assert "Something went wrong" not in result.body
