"""The sandbox's JSON API over real HTTP, in front of a real Bolt app and FakeSlack (no browser)."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
from slack_sdk import WebClient

from slack_sandbox.bolt_rig import BoltRig
from slack_sandbox.http_util import HttpResult, http_request, json_request
from slack_sandbox.signed_client import SignedSlackClient
from slack_sandbox.web.app import SandboxWeb
from tests.sandbox_web.bot import BOT_TOKEN, HOSTILE, SIGNING_SECRET, Probe, button, escape

JsonDict = dict[str, Any]


def get(web: SandboxWeb, path: str) -> JsonDict:
    result = http_request(web.url + path.lstrip("/"))
    assert result.status == 200, result.body
    return json.loads(result.body)


def post(web: SandboxWeb, path: str, body: JsonDict, status: int = 200) -> JsonDict:
    result = json_request(web.url + path.lstrip("/"), body)
    assert result.status == status, result.body
    return json.loads(result.body)


def state(web: SandboxWeb) -> JsonDict:
    return get(web, "/api/state")


def order_message(web: SandboxWeb) -> JsonDict:
    post(web, "/api/command", {"channel": "orders", "text": "/order list"})
    return state(web)["messages"]["C0ORDERS"][-1]


def act(
    web: SandboxWeb, message: JsonDict, action_id: str, block_id: str = "order_actions", **extra: Any
) -> JsonDict:
    body = {
        "source": "message",
        "channel": "C0ORDERS",
        "ts": message["ts"],
        "block_id": block_id,
        "action_id": action_id,
    }
    return post(web, "/api/action", {**body, **extra})


# ---------------------------------------------------------------------- page and state
def test_page_and_assets_are_served_labelled_and_locked_down(sandbox: SandboxWeb) -> None:
    page = http_request(sandbox.url)
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "not Slack; for development and evaluation only" in page.body
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    for name, kind in [
        ("app.js", "text/javascript"),
        ("style.css", "text/css"),
        ("mrkdwn.js", "text/javascript"),
    ]:
        asset = http_request(sandbox.url + "static/" + name)
        assert asset.status == 200 and asset.headers["Content-Type"].startswith(kind)
    assert http_request(sandbox.url + "static/../app.py").status == 404
    assert http_request(sandbox.url + "static/nope.js").status == 404
    assert state(sandbox)["label"] == "Orderbot sandbox — not Slack; for development and evaluation only"


def test_state_lists_channels_and_version_moves_only_on_change(sandbox: SandboxWeb) -> None:
    first = state(sandbox)
    names = [(c["name"], c["kind"]) for c in first["channels"]]
    assert names == [
        ("orders", "channel"),
        ("notifications", "channel"),
        ("ops", "channel"),
        ("orderbot", "dm"),
    ]
    assert first["user_id"] == "U0ALICE" and first["users"]["U0ALICE"]["name"] == "alice"
    assert first["views"] == [] and first["home"] is None

    quiet = get(sandbox, f"/api/state?since={first['version']}")
    assert quiet == {"version": first["version"], "changed": False}

    sandbox.fake.post_user_message("C0OPS", "U0BOB", "morning")
    moved = get(sandbox, f"/api/state?since={first['version']}")
    assert moved["changed"] and moved["version"] == first["version"] + 1
    assert [m["text"] for m in moved["messages"]["C0OPS"]] == ["morning"]


def test_long_poll_answers_as_soon_as_something_changes(sandbox: SandboxWeb) -> None:
    version = state(sandbox)["version"]
    timer = threading.Timer(0.3, lambda: sandbox.fake.post_user_message("C0ORDERS", "U0BOB", "hi"))
    timer.start()
    started = time.monotonic()
    answer = get(sandbox, f"/api/state?since={version}&wait=10")
    # Answered on the change, well before the 10 s wait would have run out.
    assert answer["changed"] and 0.2 < time.monotonic() - started < 9
    timer.join()


# ---------------------------------------------------------------------- composer
def test_command_reaches_the_bot_signed_and_its_blocks_come_back(sandbox: SandboxWeb, probe: Probe) -> None:
    answer = post(sandbox, "/api/command", {"channel": "orders", "text": "/order list"})
    assert (
        answer["ok"]
        and answer["status"] == 200
        and answer["command"] == "/order"
        and answer["text"] == "list"
    )
    body = probe["bodies"][0]
    assert (body["command"], body["text"], body["user_id"], body["channel_id"]) == (
        "/order",
        "list",
        "U0ALICE",
        "C0ORDERS",
    )

    now = state(sandbox)
    [message] = now["messages"]["C0ORDERS"]
    assert [b["type"] for b in message["blocks"]] == ["header", "section", "context", "divider", "actions"]
    [own_line] = now["ephemerals"]["C0ORDERS"]
    assert (own_line["source"], own_line["text"], own_line["user"]) == (
        "sandbox_command",
        "/order list",
        "U0ALICE",
    )


def test_command_may_come_as_arguments_and_ephemeral_answers_show(sandbox: SandboxWeb) -> None:
    post(sandbox, "/api/command", {"channel": "C0ORDERS", "command": "/order", "text": "secret"})
    ephemerals = state(sandbox)["ephemerals"]["C0ORDERS"]
    assert [(e["source"], e["text"]) for e in ephemerals] == [
        ("sandbox_command", "/order secret"),
        ("chat.postEphemeral", "Psst, *secret*"),
    ]


def test_in_channel_answer_replaces_the_local_command_line_with_slacks_echo(sandbox: SandboxWeb) -> None:
    post(sandbox, "/api/command", {"channel": "orders", "text": "/order public"})
    now = state(sandbox)
    assert [(m["user"], m["text"]) for m in now["messages"]["C0ORDERS"]] == [
        ("U0ALICE", "/order public"),
        ("U0BOT", "Everyone sees *this*"),
    ]
    assert now["ephemerals"] == {}


def test_unknown_command_gets_slacks_notice_and_nothing_is_sent(sandbox: SandboxWeb, probe: Probe) -> None:
    answer = post(sandbox, "/api/command", {"channel": "orders", "text": "/nope x"})
    assert answer == {"ok": False, "error": "unknown_command", "command": "/nope"}
    assert probe["bodies"] == []
    notice = state(sandbox)["ephemerals"]["C0ORDERS"][-1]
    assert notice["user"] == "USLACKBOT" and notice["text"].startswith("/nope is not a valid command.")


def test_bot_answer_in_another_channel_shows_there(sandbox: SandboxWeb) -> None:
    post(sandbox, "/api/command", {"channel": "orders", "text": "/order ops"})
    now = state(sandbox)
    assert [m["text"] for m in now["messages"]["C0OPS"]] == ["Hello *ops*"]
    assert now["ephemerals"]["C0ORDERS"][-1]["text"] == "Posted to #ops"


def test_plain_message_is_escaped_and_mentions_resolved_like_slack(sandbox: SandboxWeb) -> None:
    state(sandbox)  # learn the user names
    answer = post(sandbox, "/api/message", {"channel": "orders", "text": "hi @bob <b>&</b>"})
    assert answer["message"]["text"] == "hi <@U0BOB> &lt;b&gt;&amp;&lt;/b&gt;"
    reply = post(
        sandbox,
        "/api/message",
        {"channel": "orders", "text": "in thread", "thread_ts": answer["message"]["ts"]},
    )
    assert reply["message"]["thread_ts"] == answer["message"]["ts"]
    [parent] = state(sandbox)["messages"]["C0ORDERS"]
    assert [r["text"] for r in parent["replies"]] == ["in thread"]


def test_hostile_text_stays_escaped_data(sandbox: SandboxWeb) -> None:
    post(sandbox, "/api/command", {"channel": "orders", "text": "/order hostile"})
    [message] = state(sandbox)["messages"]["C0ORDERS"]
    assert message["text"] == escape(HOSTILE)
    assert message["blocks"][0]["text"]["text"] == HOSTILE  # plain_text: shown literally by the page


# ---------------------------------------------------------------------- block actions
def test_button_updates_message_in_place_and_replies_in_thread(sandbox: SandboxWeb, probe: Probe) -> None:
    message = order_message(sandbox)
    answer = act(sandbox, message, "approve")
    assert answer["ok"] and answer["element_type"] == "button"
    payload = probe["bodies"][-1]
    assert payload["type"] == "block_actions" and payload["container"]["message_ts"] == message["ts"]
    assert payload["actions"][0]["value"] == "42"

    [updated] = state(sandbox)["messages"]["C0ORDERS"]
    assert updated["ts"] == message["ts"] and updated["sandbox_edited"] is True
    assert updated["blocks"][0]["text"]["text"] == "Order 2026-42 (approved)"
    assert [r["text"] for r in updated["replies"]] == ["Approved by <@U0ALICE>"]


def test_replace_original_through_response_url_is_marked_edited(sandbox: SandboxWeb) -> None:
    message = order_message(sandbox)
    act(sandbox, message, "cancel")
    [updated] = state(sandbox)["messages"]["C0ORDERS"]
    assert updated["text"] == "Order 2026-42 was *cancelled*" and "blocks" not in updated
    assert updated["sandbox_edited"] is True


def test_select_and_overflow_send_the_chosen_option(sandbox: SandboxWeb, probe: Probe) -> None:
    message = order_message(sandbox)
    act(sandbox, message, "priority", value="high")  # "value" is taken as the choice too
    assert probe["bodies"][-1]["actions"][0]["selected_option"]["value"] == "high"
    act(sandbox, message, "more", block_id="order_details", selected="raw")
    assert probe["bodies"][-1]["actions"][0]["selected_option"]["text"]["text"] == "Show raw"


def test_ephemeral_button_can_delete_its_message(sandbox: SandboxWeb, probe: Probe) -> None:
    post(sandbox, "/api/command", {"channel": "orders", "text": "/order secret"})
    [_, secret] = state(sandbox)["ephemerals"]["C0ORDERS"]
    body = {
        "source": "ephemeral",
        "channel": "orders",
        "ts": secret["ts"],
        "block_id": "secret_actions",
        "action_id": "dismiss",
    }
    assert post(sandbox, "/api/action", body)["ok"]
    assert "message" not in probe["bodies"][-1] and probe["bodies"][-1]["container"]["is_ephemeral"] is True
    assert [e["source"] for e in state(sandbox)["ephemerals"]["C0ORDERS"]] == ["sandbox_command"]


# ---------------------------------------------------------------------- modals
def open_modal(web: SandboxWeb) -> tuple[JsonDict, JsonDict]:
    message = order_message(web)
    act(web, message, "edit")
    [view] = state(web)["views"]
    return message, view


def test_modal_errors_update_and_submit(sandbox: SandboxWeb, probe: Probe) -> None:
    message, view = open_modal(sandbox)
    assert view["title"]["text"] == "Edit order" and view["callback_id"] == "edit_order"

    options = get(sandbox, f"/api/suggest?view_id={view['id']}&action_id=customer&value=ac")
    assert [o["value"] for o in options["options"]] == ["acme", "acorn bakery"] and options["ok"]
    acorn = options["options"][1]

    bad = {"qty_block": {"qty": "lots"}, "customer_block": {"customer": acorn}, "stale": {"x": 1}}
    answer = post(sandbox, "/api/submit", {"view_id": view["id"], "values": bad})
    assert answer["errors"] == {"qty_block": "Quantity must be a whole number"}
    submitted = probe["bodies"][-1]["view"]["state"]["values"]
    assert submitted["qty_block"]["qty"]["value"] == "lots" and "stale" not in submitted
    assert submitted["size_block"]["size"]["selected_option"]["value"] == "s"  # untouched: initial_option
    assert [v["id"] for v in state(sandbox)["views"]] == [view["id"]]

    typed = {"qty_block": {"qty": "3"}, "customer_block": {"customer": acorn}}
    body = {
        "source": "view",
        "view_id": view["id"],
        "block_id": "modal_actions",
        "action_id": "add_note",
        "values": typed,
    }
    assert post(sandbox, "/api/action", body)["ok"]
    assert probe["bodies"][-1]["view"]["state"]["values"]["qty_block"]["qty"]["value"] == "3"
    [updated] = state(sandbox)["views"]
    assert updated["id"] == view["id"] and updated["hash"] != view["hash"]
    assert "note_block" in [b["block_id"] for b in updated["blocks"]]

    values = {**typed, "note_block": {"note": "ring twice"}, "size_block": {"size": "l"}}
    answer = post(sandbox, "/api/submit", {"view_id": view["id"], "values": values})
    assert answer["ok"] and answer["outcome"] == {"result": "closed"}
    after = state(sandbox)
    assert after["views"] == []
    [edited] = after["messages"]["C0ORDERS"]
    assert edited["ts"] == message["ts"] and edited["sandbox_edited"] and edited["edited"]["user"] == "U0BOT"
    assert edited["blocks"][1]["fields"][0]["text"] == "*Customer*\nAcorn Bakery"
    assert [r["text"] for r in edited["replies"]] == ["Quantity set to 3 for Acorn Bakery"]


def test_required_field_is_refused_client_side_without_calling_the_bot(
    sandbox: SandboxWeb, probe: Probe
) -> None:
    _, view = open_modal(sandbox)
    sent = len(probe["bodies"])
    answer = post(sandbox, "/api/submit", {"view_id": view["id"], "values": {"qty_block": {"qty": "3"}}})
    assert answer == {
        "ok": False,
        "error": "client_side",
        "errors": {"customer_block": "Please complete this required field."},
    }
    assert len(probe["bodies"]) == sent


def test_closing_the_modal_tells_the_bot(sandbox: SandboxWeb, probe: Probe) -> None:
    _, view = open_modal(sandbox)
    answer = post(sandbox, "/api/close", {"view_id": view["id"]})
    assert answer["ok"] and answer["notified"]
    assert probe["closed"] == [view["id"]] and state(sandbox)["views"] == []
    gone = post(sandbox, "/api/submit", {"view_id": view["id"], "values": {}}, status=400)
    assert "not open" in gone["detail"]


# ---------------------------------------------------------------------- failures and safety
def test_unreachable_bot_shows_slacks_dispatch_failed(rig: BoltRig) -> None:
    dead = SignedSlackClient("http://127.0.0.1:9/slack/events", SIGNING_SECRET, fake=rig.fake, timeout=2)
    with SandboxWeb(fake=rig.fake, client=dead) as web:
        answer = post(web, "/api/command", {"channel": "orders", "text": "/order list"})
        assert answer["ok"] is False and answer["error"] == "bot_unreachable"
        assert (
            state(web)["ephemerals"]["C0ORDERS"][-1]["text"]
            == '/order failed with the error "dispatch_failed"'
        )


def test_bad_requests_are_answered_not_crashed(sandbox: SandboxWeb) -> None:
    missing = {"source": "message", "channel": "orders", "ts": "1.000001", "action_id": "approve"}
    assert post(sandbox, "/api/action", missing, status=400)["error"] == "bad_request"
    message = order_message(sandbox)
    assert post(sandbox, "/api/action", {**missing, "ts": message["ts"], "action_id": "nope"}, status=400)
    assert post(sandbox, "/api/nope", {}, status=404)["error"] == "unknown_route"


def raw(web: SandboxWeb, headers: dict[str, str], body: bytes = b"{}") -> HttpResult:
    return http_request(web.url + "api/command", body, headers, "POST")


def test_other_sites_cannot_drive_the_sandbox(sandbox: SandboxWeb) -> None:
    form = raw(sandbox, {"Content-Type": "text/plain"})
    assert form.status == 403 and json.loads(form.body)["error"] == "json_required"
    foreign = raw(sandbox, {"Content-Type": "application/json", "Origin": "http://evil.example"})
    assert json.loads(foreign.body)["error"] == "bad_origin"
    rebound = raw(sandbox, {"Content-Type": "application/json", "Host": f"evil.example:{sandbox.port}"})
    assert json.loads(rebound.body)["error"] == "bad_host"


def test_only_loopback_is_accepted(rig: BoltRig) -> None:
    with pytest.raises(ValueError, match="loopback"):
        SandboxWeb(fake=rig.fake, client=rig.client, host="0.0.0.0")


def test_home_tab_is_shown_and_its_elements_act_on_the_view(sandbox: SandboxWeb, probe: Probe) -> None:
    home = {
        "type": "home",
        "blocks": [{"type": "actions", "block_id": "home_actions", "elements": [button("priority", "Go")]}],
    }
    WebClient(base_url=sandbox.fake.api_url, token=BOT_TOKEN).views_publish(user_id="U0ALICE", view=home)
    view = state(sandbox)["home"]
    assert view["type"] == "home" and view["blocks"][0]["block_id"] == "home_actions"
    body = {"source": "view", "view_id": view["id"], "block_id": "home_actions", "action_id": "priority"}
    assert post(sandbox, "/api/action", body)["ok"]
    assert probe["bodies"][-1]["container"] == {"type": "view", "view_id": view["id"]}
