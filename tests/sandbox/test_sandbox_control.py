"""The /_fake/ HTTP control surface, RemoteFake, out-of-process use and the CLI."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
from slack_sdk import WebClient

from slack_sandbox.bolt_rig import BoltRig
from slack_sandbox.cli import main
from slack_sandbox.fake_slack import FakeSlack
from slack_sandbox.http_util import http_request, json_request
from slack_sandbox.remote import RemoteFake
from slack_sandbox.signed_client import SignedSlackClient

REPO = Path(__file__).resolve().parents[2]


def test_remote_fake_mirrors_in_process_api(fake: FakeSlack, web: WebClient) -> None:
    remote = RemoteFake(fake.api_url)
    parent = web.chat_postMessage(channel="C0ORDERS", text="hello")
    web.chat_postMessage(channel="C0ORDERS", text="reply", thread_ts=parent["ts"])
    web.chat_postEphemeral(channel="C0ORDERS", user="U0BOB", text="psst")

    assert remote.messages("orders") == fake.messages("orders")
    assert remote.last_message("C0ORDERS") == fake.last_message("C0ORDERS")
    assert remote.thread("C0ORDERS", parent["ts"]) == fake.thread("C0ORDERS", parent["ts"])
    assert remote.ephemerals(user="U0BOB") == fake.ephemerals(user="U0BOB")
    assert remote.calls("chat.postMessage") == fake.calls("chat.postMessage")

    remote.add_user("U0EVE", "eve")
    remote.add_usergroup("S0EVE", ["U0EVE"])
    assert web.users_info(user="U0EVE")["user"]["name"] == "eve"
    assert web.usergroups_users_list(usergroup="S0EVE")["users"] == ["U0EVE"]
    assert remote.add_channel("stock") == fake.add_channel("stock")

    view = web.views_open(
        trigger_id=remote.new_trigger_id("U0BOB"),
        view={"type": "modal", "title": {"type": "plain_text", "text": "Hi"}, "blocks": []},
    )["view"]
    assert remote.current_view("U0BOB")["id"] == view["id"]  # type: ignore[index]
    assert remote.view(view["id"])["id"] == view["id"]  # type: ignore[index]

    remote.rate_limit("auth.test", times=2, retry_after=3)
    remote.fail("users.info", "user_not_found")
    remote.server_error("chat.update")
    assert remote.pending_faults() == {"auth.test": 2, "users.info": 1, "chat.update": 1}
    remote.advance(5)
    remote.clear_calls()
    assert remote.calls() == []
    remote.reset()
    assert fake.messages("orders") == [] and fake.pending_faults() == {}


def test_control_route_errors(fake: FakeSlack) -> None:
    assert json_request(f"{fake.base_url}/_fake/nope", {}).status == 404
    assert http_request(f"{fake.base_url}/_fake/reset", method="GET").status == 405
    missing = json_request(f"{fake.base_url}/_fake/ratelimit", {})
    assert (missing.status, missing.json()["error"]) == (400, "missing parameter method")
    assert http_request(f"{fake.base_url}/_fake/messages?channel=orders").json() == {"messages": []}


def test_signed_client_against_a_fake_in_another_process(rig: BoltRig) -> None:
    # Only the fake's URL is known, as when the fake runs under `python -m slack_sandbox`.
    remote_client = SignedSlackClient(
        rig.client.events_url, rig.client.signing_secret, fake_url=rig.fake.base_url
    )
    remote_client.command("/order", "open", user="U0BOB")
    view = RemoteFake(rig.fake.base_url).current_view("U0BOB")
    assert view is not None

    result = remote_client.submit_view(view, {"qty": "x", "customer": "acme"}, user="U0BOB")
    assert result.outcome == {"result": "errors", "errors": {"qty_block": "Must be a whole number"}}
    assert remote_client.close_view(view, user="U0BOB") is not None
    assert rig.fake.views("U0BOB") == []

    remote_client.command("/order", "list")
    message = rig.fake.last_message("orders")
    assert message is not None
    remote_client.press_button(message, action_id="approve")
    assert rig.fake.last_message("orders")["text"].startswith("Order 42 approved")  # type: ignore[index]


def test_offline_client_still_signs(rig: BoltRig) -> None:
    offline = SignedSlackClient(rig.client.events_url, rig.client.signing_secret)
    assert offline.command("/order", "hi").status == 200
    assert offline.command("/order", "hi", signing="bad").status == 401


def test_cli_runs_as_a_separate_process() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "slack_sandbox", "--port", "0", "--bot-token", "xoxb-cli"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline().strip()
        assert first.startswith("FakeSlack api_url=http://127.0.0.1:")
        api_url = first.split("=", 1)[1]
        web = WebClient(base_url=api_url, token="xoxb-cli")
        web.chat_postMessage(channel="C0OPS", text="from another process")
        assert [m["text"] for m in RemoteFake(api_url).messages("ops")] == ["from another process"]
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0


def test_cli_refuses_non_loopback_hosts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--host", "0.0.0.0", "--port", "0"]) == 2
    assert "loopback" in capsys.readouterr().err
