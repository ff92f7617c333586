"""A real Bolt app over HTTP, driven by SignedSlackClient: signatures, routing, visible effects."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient

from slack_sandbox.bolt_rig import BoltRig
from slack_sandbox.payloads import ClientSideError

Probe = dict[str, list[Any]]


def test_command_ack_text_is_shown_as_ephemeral(rig: BoltRig, probe: Probe) -> None:
    result = rig.client.command("/order", "list today", user="U0ALICE", channel="C0ORDERS")

    assert result.status == 200 and result.within_deadline
    body = probe["bodies"][0]
    assert body["command"] == "/order" and body["text"] == "list today"
    assert body["user_id"] == "U0ALICE" and body["user_name"] == "alice"
    assert body["channel_id"] == "C0ORDERS" and body["channel_name"] == "orders"
    assert body["response_url"].startswith(rig.fake.base_url + "/response/")
    assert result.outcome is not None
    assert result.outcome == {"shown": "ephemeral", "ts": result.outcome["ts"]}
    [shown] = rig.fake.ephemerals("C0ORDERS", "U0ALICE")
    assert shown["text"] == "Working on 'list today'"


def test_in_channel_ack_echoes_the_command(rig: BoltRig) -> None:
    rig.client.command("/order", "public", user="U0BOB")
    texts = [(m["user"], m["text"]) for m in rig.fake.messages("orders")]
    assert texts == [("U0BOB", "/order public"), ("U0BOT", "Everyone sees this")]


@pytest.mark.fake_options(ack_deadline=0.2)
def test_late_ack_shows_slack_timeout_to_the_user(rig: BoltRig) -> None:
    result = rig.client.command("/order", "slow")
    assert result.status == 200 and result.elapsed > 0.2
    assert (
        rig.fake.ephemerals(user="U0ALICE")[-1]["text"] == '/order failed with the error "operation_timeout"'
    )


def test_command_response_url_reaches_the_fake(rig: BoltRig) -> None:
    rig.client.command("/order", "later")
    assert [e["source"] for e in rig.fake.ephemerals("C0ORDERS")] == ["response_url"]
    assert rig.fake.calls("response_url")[0]["ok"] is True


def test_button_press_replaces_message_through_response_url(rig: BoltRig, probe: Probe) -> None:
    rig.client.command("/order", "list")
    message = rig.fake.last_message("orders")
    assert message is not None

    result = rig.client.press_button(message, action_id="approve", user="U0BOB")

    assert result.status == 200
    payload = probe["bodies"][-1]
    assert payload["type"] == "block_actions"
    assert payload["container"] == {
        "type": "message",
        "message_ts": message["ts"],
        "channel_id": "C0ORDERS",
        "is_ephemeral": False,
    }
    assert payload["actions"][0]["value"] == "42" and payload["actions"][0]["block_id"] == "order_42"
    assert payload["user"]["username"] == "bob" and payload["trigger_id"]
    [current] = rig.fake.messages("orders")
    assert current["ts"] == message["ts"]
    assert current["text"] == "Order 42 approved by <@U0BOB>" and "blocks" not in current


def test_button_on_ephemeral_message_replaces_it(rig: BoltRig, probe: Probe, web: WebClient) -> None:
    approve = {
        "type": "button",
        "action_id": "approve",
        "value": "7",
        "text": {"type": "plain_text", "text": "OK"},
    }
    web.chat_postEphemeral(
        channel="C0ORDERS", user="U0BOB", text="Order 7?", blocks=[{"type": "actions", "elements": [approve]}]
    )
    [shown] = rig.fake.ephemerals(user="U0BOB")

    rig.client.press_button(shown, action_id="approve", user="U0BOB")

    payload = probe["bodies"][-1]
    assert payload["container"]["is_ephemeral"] is True and "message" not in payload
    [replaced] = rig.fake.ephemerals(user="U0BOB")
    assert replaced["text"] == "Order 7 approved by <@U0BOB>" and replaced["replaced"] == 1


def test_button_found_by_text_updates_and_threads(rig: BoltRig) -> None:
    rig.client.command("/order", "list")
    message = rig.fake.last_message("C0ORDERS")
    assert message is not None

    rig.client.press_button(message, text="Reject")

    [current] = rig.fake.messages("C0ORDERS")
    assert current["text"] == "Order 42 rejected" and current["edited"]["user"] == "U0BOT"
    assert [r["text"] for r in rig.fake.thread("C0ORDERS", message["ts"])] == ["Why?"]


def test_select_option_sends_selected_option(rig: BoltRig, probe: Probe) -> None:
    rig.client.command("/order", "list")
    message = rig.fake.last_message("orders")
    assert message is not None
    rig.client.select_option(message, "priority", text="Low")
    action = probe["bodies"][-1]["actions"][0]
    assert action["type"] == "static_select"
    assert action["selected_option"] == {"text": {"type": "plain_text", "text": "Low"}, "value": "low"}


def test_unknown_button_lists_candidates(rig: BoltRig) -> None:
    rig.client.command("/order", "list")
    message = rig.fake.last_message("orders")
    assert message is not None
    with pytest.raises(LookupError, match="approve"):
        rig.client.press_button(message, action_id="cancel")


def open_modal(rig: BoltRig) -> dict[str, Any]:
    rig.client.command("/order", "open", user="U0ALICE")
    view = rig.fake.current_view("U0ALICE")
    assert view is not None and view["callback_id"] == "order_modal"
    return view


def test_view_submission_errors_keep_modal_open(rig: BoltRig) -> None:
    view = open_modal(rig)

    result = rig.client.submit_view(view, {"qty": "three", "customer": "acme"}, user="U0ALICE")

    assert result.json() == {"response_action": "errors", "errors": {"qty_block": "Must be a whole number"}}
    assert result.outcome == {"result": "errors", "errors": {"qty_block": "Must be a whole number"}}
    still_open = rig.fake.current_view("U0ALICE")
    assert still_open is not None and still_open["id"] == view["id"]
    assert still_open["state"]["values"]["qty_block"]["qty"] == {"type": "plain_text_input", "value": "three"}


def test_view_submission_state_and_success(rig: BoltRig, probe: Probe) -> None:
    view = open_modal(rig)

    result = rig.client.submit_view(view, {"qty_block": {"qty": "3"}, "customer": "acme"}, user="U0ALICE")

    assert result.status == 200 and result.outcome == {"result": "closed"}
    values = probe["bodies"][-1]["view"]["state"]["values"]
    assert values["customer_block"]["customer"]["selected_option"]["value"] == "acme"
    # Untouched inputs carry their initial value, as Slack sends them.
    assert values["when_block"]["when"] == {"type": "datepicker", "selected_date": "2024-05-01"}
    assert rig.fake.views("U0ALICE") == []
    assert rig.fake.last_message("orders")["text"] == "<@U0ALICE> ordered 3 for acme"  # type: ignore[index]


def test_view_submission_update_replaces_view_in_place(rig: BoltRig) -> None:
    view = open_modal(rig)
    result = rig.client.submit_view(view, {"qty": "0", "customer": "acme"})
    assert result.outcome == {"result": "updated", "view_id": view["id"]}
    current = rig.fake.current_view("U0ALICE")
    assert current is not None and current["title"]["text"] == "Sure?" and current["hash"] != view["hash"]


def test_required_input_is_enforced_client_side(rig: BoltRig, probe: Probe) -> None:
    view = open_modal(rig)
    calls_before = len(probe["bodies"])
    with pytest.raises(ClientSideError) as caught:
        rig.client.submit_view(view, {"qty": "3"})
    assert set(caught.value.errors) == {"customer_block"}
    assert len(probe["bodies"]) == calls_before


def test_close_view_notifies_and_closes(rig: BoltRig, probe: Probe) -> None:
    view = open_modal(rig)
    result = rig.client.close_view(view, user="U0ALICE")
    assert result is not None and result.status == 200
    assert probe["closed"] == [view["id"]]
    assert rig.fake.current_view("U0ALICE") is None


def test_block_suggestion_returns_filtered_options(rig: BoltRig, probe: Probe) -> None:
    view = open_modal(rig)
    options = rig.client.block_suggestion(view, "customer", "ac")
    assert [o["value"] for o in options] == ["acme", "acorn bakery"]
    payload = probe["bodies"][-1]
    assert payload["type"] == "block_suggestion" and payload["container"] == {
        "type": "view",
        "view_id": view["id"],
    }


def test_block_suggestion_with_invalid_options_shows_nothing(rig: BoltRig) -> None:
    view = open_modal(rig)
    assert rig.client.block_suggestion(view, "customer", "huge") == []
    assert rig.client.last_errors == ["must be less than 76 characters [json-pointer:/options/0/text/text]"]


def test_app_mention_event_with_retry_headers(rig: BoltRig, probe: Probe) -> None:
    posted = rig.fake.post_user_message("orders", "U0ALICE", "<@U0BOT> status?")
    event = {
        "type": "app_mention",
        "user": "U0ALICE",
        "text": posted["text"],
        "ts": posted["ts"],
        "channel": "C0ORDERS",
        "event_ts": posted["ts"],
    }
    first = rig.client.event(event, event_id="Ev0001")
    assert first.status == 200
    assert [m["text"] for m in rig.fake.thread("orders", posted["ts"])] == ["You rang?"]
    # Bolt runs listeners for redeliveries too: the duplicate reply is what a bot must guard against.
    retry = rig.client.event(event, event_id="Ev0001", retry_num=1, retry_reason="http_timeout")
    assert retry.status == 200
    assert [b["event_id"] for b in probe["bodies"]] == ["Ev0001", "Ev0001"]
    assert len(rig.fake.thread("orders", posted["ts"])) == 2


@pytest.mark.parametrize("signing", ["none", "bad", "stale"])
def test_bolt_rejects_bad_signatures(rig: BoltRig, probe: Probe, signing: str) -> None:
    body = rig.client.command_body("/order", "list")
    result = rig.client.send(body, signing=signing)  # type: ignore[arg-type]
    assert result.status == 401
    assert probe["bodies"] == []


def test_helpers_for_bad_requests(rig: BoltRig) -> None:
    body = rig.client.command_body("/order", "x")
    assert rig.client.send_unsigned(body).status == 401
    assert rig.client.send_bad_signature(body).status == 401
    assert rig.client.send_stale(body).status == 401
    assert rig.client.send(body).status == 200
