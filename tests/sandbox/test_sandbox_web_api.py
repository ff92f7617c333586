"""The fake Web API through the real slack_sdk WebClient (and raw HTTP for encodings)."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import FixedValueRetryIntervalCalculator, RateLimitErrorRetryHandler
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler

from slack_sandbox.fake_slack import FakeSlack
from slack_sandbox.http_util import http_request

MODAL: dict[str, Any] = {"type": "modal", "title": {"type": "plain_text", "text": "Hi"}, "blocks": []}


def error_of(call: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as caught:
        call()
    return dict(caught.value.response.data)


def test_auth(fake: FakeSlack, web: WebClient) -> None:
    assert web.auth_test()["user_id"] == "U0BOT"
    assert error_of(WebClient(base_url=fake.api_url, token="xoxb-wrong").auth_test)["error"] == "invalid_auth"
    assert error_of(WebClient(base_url=fake.api_url).auth_test)["error"] == "not_authed"


def test_post_update_delete_and_threads(fake: FakeSlack, web: WebClient) -> None:
    first = web.chat_postMessage(channel="#orders", text="one")
    second = web.chat_postMessage(channel="C0ORDERS", text="two")
    reply = web.chat_postMessage(channel="C0ORDERS", text="in thread", thread_ts=first["ts"])
    assert first["channel"] == "C0ORDERS" and float(second["ts"]) > float(first["ts"])
    assert reply["message"]["thread_ts"] == first["ts"]

    web.chat_update(channel="C0ORDERS", ts=second["ts"], text="two (edited)")
    web.chat_delete(channel="C0ORDERS", ts=first["ts"])

    assert [m["text"] for m in fake.messages("orders")] == ["two (edited)"]
    assert fake.last_message("orders")["edited"]["user"] == "U0BOT"  # type: ignore[index]
    assert [m["text"] for m in fake.thread("C0ORDERS", first["ts"])] == ["in thread"]
    assert error_of(lambda: web.chat_update(channel="C0ORDERS", ts=first["ts"], text="x"))["error"] == (
        "message_not_found"
    )
    assert error_of(lambda: web.chat_postMessage(channel="C0NOPE", text="x"))["error"] == "channel_not_found"
    with pytest.warns(UserWarning, match="text"):  # slack_sdk itself nags about this too
        assert error_of(lambda: web.chat_postMessage(channel="C0ORDERS"))["error"] == "no_text"


def test_broadcast_reply_and_user_messages(fake: FakeSlack, web: WebClient) -> None:
    parent = fake.post_user_message("orders", "U0ALICE", "help")
    web.chat_postMessage(channel="C0ORDERS", text="seen", thread_ts=parent["ts"], reply_broadcast=True)
    assert [m["text"] for m in fake.messages("orders")] == ["help", "seen"]
    denied = error_of(lambda: web.chat_update(channel="C0ORDERS", ts=parent["ts"], text="x"))
    assert denied["error"] == "cant_update_message"


def test_dm_by_user_id_and_new_channels(fake: FakeSlack, web: WebClient) -> None:
    posted = web.chat_postMessage(channel="U0BOB", text="psst")
    assert posted["channel"] == "D0BOB" and fake.messages("U0BOB")[0]["text"] == "psst"
    channel_id = fake.add_channel("kitchen")
    assert web.conversations_info(channel=channel_id)["channel"]["name"] == "kitchen"


def test_ephemeral(fake: FakeSlack, web: WebClient) -> None:
    answer = web.chat_postEphemeral(channel="C0ORDERS", user="U0BOB", text="only you")
    assert answer["message_ts"]
    assert [e["text"] for e in fake.ephemerals(user="U0BOB")] == ["only you"]
    assert fake.ephemerals(user="U0ALICE") == [] and fake.messages("orders") == []
    lost = error_of(lambda: web.chat_postEphemeral(channel="C0ORDERS", user="U0GHOST", text="x"))
    assert lost["error"] == "user_not_in_channel"


def test_directory_methods(fake: FakeSlack, web: WebClient) -> None:
    fake.add_user("U0DAVE", "dave", "Dave Example")
    fake.add_usergroup("S0KITCHEN", ["U0DAVE"])
    user = web.users_info(user="U0DAVE")["user"]
    assert (user["name"], user["real_name"], user["profile"]["display_name"]) == (
        "dave",
        "Dave Example",
        "dave",
    )
    assert user["tz"]
    assert web.usergroups_users_list(usergroup="S0KITCHEN")["users"] == ["U0DAVE"]
    assert web.conversations_info(channel="C0NOTIFY")["channel"]["name"] == "notifications"
    assert error_of(lambda: web.users_info(user="U0NOBODY"))["error"] == "user_not_found"
    assert error_of(lambda: web.conversations_info(channel="C0NOPE"))["error"] == "channel_not_found"
    assert error_of(lambda: web.usergroups_users_list(usergroup="S0NOPE"))["error"] == "no_such_subteam"


def test_form_and_json_bodies_are_both_accepted(fake: FakeSlack) -> None:
    blocks = json.dumps([{"type": "section", "text": {"type": "mrkdwn", "text": "form"}}])
    form = f"channel=C0OPS&text=form&blocks={blocks}".encode()
    headers = {"Authorization": "Bearer xoxb-sandbox-test"}
    as_form = http_request(
        fake.api_url + "chat.postMessage",
        form,
        {**headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    as_json = http_request(
        fake.api_url + "chat.postMessage",
        json.dumps({"channel": "C0OPS", "text": "json"}).encode(),
        {**headers, "Content-Type": "application/json; charset=utf-8"},
    )
    token_in_body = http_request(
        fake.api_url + "auth.test",
        b"token=xoxb-sandbox-test",
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert as_form.json()["ok"] and as_json.json()["ok"] and token_in_body.json()["ok"]
    assert fake.messages("ops")[0]["blocks"][0]["text"]["text"] == "form"
    assert (
        fake.calls("chat.postMessage")[0]["args"]["blocks"][0]["type"] == "section"
    )  # decoded, not a string
    bad = http_request(
        fake.api_url + "chat.postMessage",
        b"channel=C0OPS&blocks=[oops",
        {**headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert bad.json()["error"] == "invalid_blocks_format"


def test_trigger_ids_are_single_use_and_expire(fake: FakeSlack, web: WebClient) -> None:
    trigger = fake.new_trigger_id("U0BOB")
    opened = web.views_open(trigger_id=trigger, view=MODAL)["view"]
    assert fake.current_view("U0BOB")["id"] == opened["id"]  # type: ignore[index]
    assert error_of(lambda: web.views_open(trigger_id=trigger, view=MODAL))["error"] == "expired_trigger_id"
    late = fake.new_trigger_id("U0BOB")
    fake.advance(3.1)
    assert error_of(lambda: web.views_open(trigger_id=late, view=MODAL))["error"] == "expired_trigger_id"
    assert (
        error_of(lambda: web.views_open(trigger_id="123.456.abc", view=MODAL))["error"]
        == "invalid_trigger_id"
    )


def test_view_push_update_publish(fake: FakeSlack, web: WebClient) -> None:
    root = web.views_open(trigger_id=fake.new_trigger_id("U0ALICE"), view={**MODAL, "external_id": "ext-1"})[
        "view"
    ]
    pushed = web.views_push(trigger_id=fake.new_trigger_id("U0ALICE"), view=MODAL)["view"]
    assert pushed["root_view_id"] == root["id"] and pushed["previous_view_id"] == root["id"]
    assert [v["id"] for v in fake.views("U0ALICE")] == [root["id"], pushed["id"]]

    updated = web.views_update(
        external_id="ext-1", view={**MODAL, "title": {"type": "plain_text", "text": "New"}}
    )
    assert updated["view"]["id"] == root["id"] and updated["view"]["hash"] != root["hash"]
    stale = error_of(lambda: web.views_update(view_id=root["id"], hash=root["hash"], view=MODAL))
    assert stale["error"] == "hash_conflict"
    assert error_of(lambda: web.views_update(view_id="V0NOPE", view=MODAL))["error"] == "view_not_found"

    web.views_push(trigger_id=fake.new_trigger_id("U0ALICE"), view=MODAL)
    full = error_of(lambda: web.views_push(trigger_id=fake.new_trigger_id("U0ALICE"), view=MODAL))
    assert full["error"] == "push_limit_reached"

    home = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}]}
    web.views_publish(user_id="U0BOB", view=home)
    assert fake.home_view("U0BOB")["blocks"][0]["text"]["text"] == "Hi"  # type: ignore[index]


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _button(**overrides: Any) -> dict[str, Any]:
    return {"type": "button", "action_id": "b", "text": {"type": "plain_text", "text": "Go"}, **overrides}


def _option(text: str = "o", value: str = "v") -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text}, "value": value}


def _select(*options: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "actions",
        "elements": [{"type": "static_select", "action_id": "s", "options": list(options)}],
    }


INVALID_MESSAGES: dict[str, tuple[list[dict[str, Any]], str]] = {
    "51 blocks": ([{"type": "divider"}] * 51, "must be less than 51 items [json-pointer:/blocks]"),
    "header 151": (
        [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}],
        "/blocks/0/text/text",
    ),
    "section 3001": (
        [_section("s" * 3001)],
        "must be less than 3001 characters [json-pointer:/blocks/0/text/text]",
    ),
    "11 fields": (
        [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}],
        "/blocks/0/fields]",
    ),
    "field 2001": (
        [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * 2001}]}],
        "/fields/0/text]",
    ),
    "button text 76": (
        [{"type": "actions", "elements": [_button(text={"type": "plain_text", "text": "b" * 76})]}],
        "/elements/0/text/text]",
    ),
    "button value 2001": (
        [{"type": "actions", "elements": [_button(value="v" * 2001)]}],
        "/elements/0/value]",
    ),
    "action_id 256": (
        [{"type": "actions", "elements": [_button(action_id="a" * 256)]}],
        "/elements/0/action_id]",
    ),
    "block_id 256": ([{**_section("x"), "block_id": "b" * 256}], "/blocks/0/block_id]"),
    "26 actions": ([{"type": "actions", "elements": [_button()] * 26}], "/blocks/0/elements]"),
    "11 context": (
        [{"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}],
        "/blocks/0/elements]",
    ),
    "option text 76": ([_select(_option(text="o" * 76))], "/options/0/text/text]"),
    "option value 151": ([_select(_option(value="v" * 151))], "/options/0/value]"),
    "unknown block": ([{"type": "carousel"}], "unsupported type: carousel"),
}


@pytest.mark.parametrize("case", sorted(INVALID_MESSAGES))
def test_invalid_message_blocks(fake: FakeSlack, web: WebClient, case: str) -> None:
    blocks, expected = INVALID_MESSAGES[case]
    answer = error_of(lambda: web.chat_postMessage(channel="C0ORDERS", text="x", blocks=blocks))
    assert answer["error"] == "invalid_blocks"
    assert any(expected in e for e in answer["errors"]), answer["errors"]
    assert fake.messages("orders") == []


def test_limits_are_inclusive(web: WebClient) -> None:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "h" * 150}},
        *[{"type": "divider"}] * 49,
    ]
    assert web.chat_postMessage(channel="C0ORDERS", text="x", blocks=blocks)["ok"]


INVALID_VIEWS: dict[str, tuple[dict[str, Any], str]] = {
    "title 25": ({**MODAL, "title": {"type": "plain_text", "text": "t" * 25}}, "/view/title/text]"),
    "submit 25": ({**MODAL, "submit": {"type": "plain_text", "text": "s" * 25}}, "/view/submit/text]"),
    "close 25": ({**MODAL, "close": {"type": "plain_text", "text": "c" * 25}}, "/view/close/text]"),
    "metadata 3001": ({**MODAL, "private_metadata": "m" * 3001}, "/view/private_metadata]"),
    "101 blocks": ({**MODAL, "blocks": [{"type": "divider"}] * 101}, "/view/blocks]"),
    "input without submit": (
        {
            **MODAL,
            "blocks": [
                {
                    "type": "input",
                    "label": {"type": "plain_text", "text": "L"},
                    "element": {"type": "plain_text_input"},
                }
            ],
        },
        "/view/submit]",
    ),
}


@pytest.mark.parametrize("case", sorted(INVALID_VIEWS))
def test_invalid_views(fake: FakeSlack, web: WebClient, case: str) -> None:
    view, expected = INVALID_VIEWS[case]
    answer = error_of(lambda: web.views_open(trigger_id=fake.new_trigger_id(), view=view))
    assert answer["error"] == "invalid_blocks"
    assert any(expected in e for e in answer["errors"]), answer["errors"]


def test_rate_limit_is_honoured_by_slack_sdk_retry_handler(fake: FakeSlack) -> None:
    client = WebClient(
        base_url=fake.api_url,
        token="xoxb-sandbox-test",
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    fake.rate_limit("chat.postMessage", times=1, retry_after=1)
    started = time.monotonic()
    assert client.chat_postMessage(channel="C0ORDERS", text="eventually")["ok"]
    assert time.monotonic() - started >= 1.0
    statuses = [(c["status"], c["error"]) for c in fake.calls("chat.postMessage")]
    assert statuses == [(429, "ratelimited"), (200, None)]


def test_rate_limit_without_retry_handler(fake: FakeSlack, web: WebClient) -> None:
    fake.rate_limit("chat.postMessage", times=1, retry_after=7)
    with pytest.raises(SlackApiError) as caught:
        web.chat_postMessage(channel="C0ORDERS", text="x")
    assert caught.value.response.status_code == 429
    assert caught.value.response.headers["Retry-After"] == "7"


def test_scripted_failures_and_server_errors(fake: FakeSlack, web: WebClient) -> None:
    fake.fail("users.info", error="user_not_found", times=2)
    for _ in range(2):
        assert error_of(lambda: web.users_info(user="U0ALICE"))["error"] == "user_not_found"
    assert web.users_info(user="U0ALICE")["ok"]

    fake.server_error("auth.test", times=1)
    retrying = WebClient(
        base_url=fake.api_url,
        token="xoxb-sandbox-test",
        retry_handlers=[ServerErrorRetryHandler(1, FixedValueRetryIntervalCalculator(0.0))],
    )
    assert retrying.auth_test()["ok"]
    assert [c["status"] for c in fake.calls("auth.test")] == [503, 200]
    assert fake.pending_faults() == {}


def test_wait_for_effects_made_after_the_ack(fake: FakeSlack, web: WebClient) -> None:
    threading.Timer(0.05, lambda: web.chat_postMessage(channel="C0OPS", text="later")).start()
    assert fake.wait_for(lambda: fake.messages("ops"))[0]["text"] == "later"
    with pytest.raises(TimeoutError):
        fake.wait_for(lambda: fake.messages("general"), timeout=0.05)


def test_call_log_and_reset(fake: FakeSlack, web: WebClient) -> None:
    web.chat_postMessage(channel="C0ORDERS", text="x")
    [record] = fake.calls("chat.postMessage")
    assert record["args"] == {"channel": "C0ORDERS", "text": "x"}
    assert record["ok"] is True and record["status"] == 200 and record["time"] > 0
    fake.clear_calls()
    assert fake.calls() == []
    fake.add_user("U0TEMP")
    fake.reset()
    assert fake.messages("orders") == [] and fake.user_info("U0TEMP") is None
