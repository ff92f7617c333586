"""response_url semantics: ephemeral default, in_channel, replace/delete original, threads, limits."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from slack_sandbox.fake_slack import FakeSlack
from slack_sandbox.http_util import json_request


def test_default_is_ephemeral_and_in_channel_posts(fake: FakeSlack) -> None:
    hook = WebhookClient(fake.new_response_url("C0ORDERS", "U0BOB"))
    assert hook.send(text="just you").status_code == 200
    assert hook.send(text="everyone", response_type="in_channel").status_code == 200
    assert [e["text"] for e in fake.ephemerals("C0ORDERS", "U0BOB")] == ["just you"]
    assert [(m["text"], m["bot_id"]) for m in fake.messages("orders")] == [("everyone", "B0BOT")]


def test_replace_and_delete_original_message(fake: FakeSlack, web: WebClient) -> None:
    posted = web.chat_postMessage(channel="C0ORDERS", text="Order 7", blocks=[{"type": "divider"}])
    url = fake.new_response_url("C0ORDERS", "U0ALICE", message_ts=posted["ts"])

    replaced = json_request(url, {"replace_original": True, "text": "Order 7 approved"})

    assert replaced.status == 200 and replaced.json() == {"ok": True}
    [message] = fake.messages("orders")
    assert message["ts"] == posted["ts"] and message["text"] == "Order 7 approved" and "blocks" not in message
    assert json_request(url, {"delete_original": True}).status == 200
    assert fake.messages("orders") == []


def test_replace_original_ephemeral(fake: FakeSlack, web: WebClient) -> None:
    ts = web.chat_postEphemeral(channel="C0OPS", user="U0ALICE", text="Confirm?")["message_ts"]
    url = fake.new_response_url("C0OPS", "U0ALICE", message_ts=ts, ephemeral=True)
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "Done"}}]
    json_request(url, {"replace_original": "true", "text": "Done", "blocks": blocks})
    [shown] = fake.ephemerals("C0OPS", "U0ALICE")
    assert shown["text"] == "Done" and shown["replaced"] == 1 and shown["blocks"][0]["text"]["text"] == "Done"
    json_request(url, {"delete_original": True})
    assert fake.ephemerals("C0OPS") == []


def test_slash_command_url_replaces_its_own_last_reply(fake: FakeSlack) -> None:
    url = fake.new_response_url("C0ORDERS", "U0ALICE")
    json_request(url, {"text": "Loading…"})
    json_request(url, {"text": "3 orders", "replace_original": True})
    assert [e["text"] for e in fake.ephemerals(user="U0ALICE")] == ["3 orders"]


def test_thread_ts(fake: FakeSlack, web: WebClient) -> None:
    parent = web.chat_postMessage(channel="C0ORDERS", text="parent")
    url = fake.new_response_url("C0ORDERS", "U0ALICE")
    json_request(url, {"text": "reply", "response_type": "in_channel", "thread_ts": parent["ts"]})
    assert [m["text"] for m in fake.thread("orders", parent["ts"])] == ["reply"]
    assert [m["text"] for m in fake.messages("orders")] == ["parent"]


def test_five_uses_then_used_url(fake: FakeSlack) -> None:
    url = fake.new_response_url("C0ORDERS", "U0ALICE")
    statuses = [json_request(url, {"text": str(i)}).status for i in range(5)]
    sixth = json_request(url, {"text": "6"})
    assert statuses == [200] * 5
    assert (sixth.status, sixth.json()["error"]) == (404, "used_url")
    assert len(fake.ephemerals()) == 5
    assert [c["status"] for c in fake.calls("response_url")] == [200] * 5 + [404]


def test_expiry_and_unknown_urls(fake: FakeSlack) -> None:
    url = fake.new_response_url("C0ORDERS", "U0ALICE")
    fake.advance(30 * 60 + 1)
    expired = json_request(url, {"text": "late"})
    assert (expired.status, expired.json()["error"]) == (404, "expired_url")
    unknown = json_request(fake.base_url + "/response/nope", {"text": "x"})
    assert unknown.status == 404


def test_invalid_blocks_do_not_consume_a_use(fake: FakeSlack) -> None:
    fake_url = fake.new_response_url("C0ORDERS", "U0ALICE")
    bad = json_request(fake_url, {"text": "x", "blocks": [{"type": "divider"}] * 51})
    assert (bad.status, bad.json()["error"]) == (400, "invalid_blocks")
    assert all(json_request(fake_url, {"text": str(i)}).status == 200 for i in range(5))


def test_faults_apply_to_response_urls(fake: FakeSlack) -> None:
    fake.server_error("response_url")
    url = fake.new_response_url("C0ORDERS", "U0ALICE")
    assert json_request(url, {"text": "x"}).status == 503
    assert json_request(url, {"text": "x"}).status == 200
