"""Pure helpers: state building, client-side checks, generated ids, validator details."""

from __future__ import annotations

from typing import Any

import pytest

from slack_sandbox.ids import fill_generated_ids
from slack_sandbox.payloads import ClientSideError, build_state, client_side_errors, find_element
from slack_sandbox.signing import signature
from slack_sandbox.validation import validate_options_response, validate_view


def _input(block_id: str, element: dict[str, Any], optional: bool = False) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": {"type": "plain_text", "text": block_id},
        "element": element,
    }


def _opt(value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": value.title()}, "value": value}


BLOCKS = [
    _input("note", {"type": "plain_text_input", "action_id": "note", "max_length": 5}, optional=True),
    _input("tags", {"type": "multi_static_select", "action_id": "tags", "options": [_opt("a"), _opt("b")]}),
    _input("who", {"type": "users_select", "action_id": "who"}),
    _input("many", {"type": "multi_users_select", "action_id": "many"}, optional=True),
    _input(
        "checks",
        {"type": "checkboxes", "action_id": "checks", "options": [_opt("x")], "initial_options": [_opt("x")]},
    ),
    _input(
        "qty", {"type": "number_input", "action_id": "qty", "is_decimal_allowed": False, "min_value": "1"}
    ),
    _input("mail", {"type": "email_text_input", "action_id": "mail"}, optional=True),
]


def test_build_state_uses_slack_value_keys() -> None:
    state = build_state(BLOCKS, {"tags": ["b"], "who": "U0BOB", "many": "U0ALICE", "qty": 2})
    assert state["note"]["note"] == {"type": "plain_text_input", "value": None}
    assert state["tags"]["tags"]["selected_options"] == [_opt("b")]
    assert state["who"]["who"] == {"type": "users_select", "selected_user": "U0BOB"}
    assert state["many"]["many"]["selected_users"] == ["U0ALICE"]
    assert state["checks"]["checks"]["selected_options"] == [_opt("x")]
    assert state["qty"]["qty"]["value"] == "2"
    assert client_side_errors(BLOCKS, state) == {}


def test_client_side_errors() -> None:
    state = build_state(BLOCKS, {"note": "toolong", "qty": "1.5", "mail": "nope"})
    errors = client_side_errors(BLOCKS, state)
    assert set(errors) == {"note", "tags", "who", "qty", "mail"}
    assert errors["tags"] == "Please complete this required field."
    assert "whole number" in errors["qty"]
    assert str(ClientSideError(errors)).startswith("note:")


def test_unknown_option_and_ambiguous_action_ids_raise() -> None:
    with pytest.raises(LookupError, match="choices"):
        build_state(BLOCKS, {"tags": ["zzz"]})
    twice = [
        _input("one", {"type": "plain_text_input", "action_id": "same"}),
        _input("two", {"type": "plain_text_input", "action_id": "same"}),
    ]
    with pytest.raises(LookupError, match="2 inputs"):
        build_state(twice, {"same": "x"})
    assert build_state(twice, {"two": {"same": "x"}})["two"]["same"]["value"] == "x"


def test_generated_ids_are_stable_and_findable() -> None:
    blocks: list[dict[str, Any]] = [
        {"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Go"}}]},
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "x"},
            "accessory": {"type": "image", "image_url": "http://x", "alt_text": "x"},
        },
    ]
    filled = fill_generated_ids(blocks)
    assert filled == fill_generated_ids(blocks) and "block_id" not in blocks[0]
    _, button = find_element(filled, text="Go")
    assert button["action_id"] and "action_id" not in filled[1]["accessory"]


def test_options_response_and_view_checks() -> None:
    assert validate_options_response({"options": [_opt("a")]}) == []
    long_value = {"text": {"type": "plain_text", "text": "V"}, "value": "v" * 151}
    group = {"option_groups": [{"label": {"type": "plain_text", "text": "G"}, "options": [long_value]}]}
    assert validate_options_response(group) == [
        "must be less than 151 characters [json-pointer:/option_groups/0/options/0/value]"
    ]
    assert validate_options_response({"nope": 1})
    assert validate_view({"type": "dialog"}) == ["unsupported type: dialog [json-pointer:/view/type]"]


def test_signature_matches_slack_sdk_verifier() -> None:
    from slack_sdk.signature import SignatureVerifier

    body = b"token=x&text=hello"
    expected = SignatureVerifier("secret").generate_signature(timestamp="1700000000", body=body)
    assert signature("secret", "1700000000", body) == expected
