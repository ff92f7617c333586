"""Fixtures for the Slack sandbox: a fake on a free port, a real WebClient, a small Bolt app."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import Ack, App, BoltContext, Respond, Say
from slack_sdk import WebClient

from slack_sandbox.bolt_rig import BoltRig, serve_bolt
from slack_sandbox.fake_slack import FakeSlack

BOT_TOKEN = "xoxb-sandbox-test"
SIGNING_SECRET = "sandbox-signing-secret"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fake_options(**kwargs): extra FakeSlack constructor arguments")


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> Iterator[FakeSlack]:
    marker = request.node.get_closest_marker("fake_options")
    options: dict[str, Any] = dict(marker.kwargs) if marker else {}
    with FakeSlack(bot_token=BOT_TOKEN, **options) as running:
        yield running


@pytest.fixture
def web(fake: FakeSlack) -> WebClient:
    return WebClient(base_url=fake.api_url, token=BOT_TOKEN)


def order_modal(metadata: str = "C0ORDERS") -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "order_modal",
        "notify_on_close": True,
        "private_metadata": metadata,
        "title": {"type": "plain_text", "text": "New order"},
        "submit": {"type": "plain_text", "text": "Create"},
        "blocks": [
            {
                "type": "input",
                "block_id": "qty_block",
                "label": {"type": "plain_text", "text": "Quantity"},
                "element": {"type": "plain_text_input", "action_id": "qty"},
            },
            {
                "type": "input",
                "block_id": "customer_block",
                "label": {"type": "plain_text", "text": "Customer"},
                "element": {"type": "external_select", "action_id": "customer", "min_query_length": 0},
            },
            {
                "type": "input",
                "block_id": "when_block",
                "optional": True,
                "label": {"type": "plain_text", "text": "Delivery"},
                "element": {"type": "datepicker", "action_id": "when", "initial_date": "2024-05-01"},
            },
        ],
    }


ORDER_LIST_BLOCKS: list[dict[str, Any]] = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "*Order 42* – 3 × coffee"}},
    {
        "type": "actions",
        "block_id": "order_42",
        "elements": [
            {
                "type": "button",
                "action_id": "approve",
                "value": "42",
                "text": {"type": "plain_text", "text": "Approve"},
            },
            {
                "type": "button",
                "action_id": "reject",
                "value": "42",
                "text": {"type": "plain_text", "text": "Reject"},
            },
            {
                "type": "static_select",
                "action_id": "priority",
                "placeholder": {"type": "plain_text", "text": "Priority"},
                "options": [
                    {"text": {"type": "plain_text", "text": "High"}, "value": "high"},
                    {"text": {"type": "plain_text", "text": "Low"}, "value": "low"},
                ],
            },
        ],
    },
]

CUSTOMERS = ["Acme", "Acorn Bakery", "Bistro Zuid", "Café Noord"]


# What the test bot saw: "bodies" (every request body) and "closed" (view ids), for routing asserts.
Probe = dict[str, list[Any]]


def build_bolt_app(fake: FakeSlack, probe: Probe) -> App:
    app = App(
        token=BOT_TOKEN,
        signing_secret=SIGNING_SECRET,
        client=WebClient(base_url=fake.api_url, token=BOT_TOKEN),
        # Listeners finish before the HTTP answer, so tests need no polling.
        process_before_response=True,
    )

    @app.command("/order")
    def order(ack: Ack, body: dict[str, Any], say: Say, client: WebClient, respond: Respond) -> None:
        probe["bodies"].append(body)
        text = body.get("text", "")
        if text == "open":
            ack()
            client.views_open(trigger_id=body["trigger_id"], view=order_modal(body["channel_id"]))
        elif text == "list":
            ack()
            say(text="Order 42", blocks=ORDER_LIST_BLOCKS)
        elif text == "later":
            ack()
            respond(text="Here is your late answer")
        elif text == "slow":
            time.sleep(0.3)
            ack("too late")
        elif text == "public":
            ack(response_type="in_channel", text="Everyone sees this")
        else:
            ack(f"Working on {text!r}")

    @app.action("approve")
    def approve(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        probe["bodies"].append(body)
        respond(
            replace_original=True,
            text=f"Order {body['actions'][0]['value']} approved by <@{body['user']['id']}>",
        )

    @app.action("reject")
    def reject(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        probe["bodies"].append(body)
        client.chat_update(
            channel=body["channel"]["id"], ts=body["message"]["ts"], text="Order 42 rejected", blocks=[]
        )
        client.chat_postMessage(channel=body["channel"]["id"], thread_ts=body["message"]["ts"], text="Why?")

    @app.action("priority")
    def priority(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        probe["bodies"].append(body)

    @app.view("order_modal")
    def submit(
        ack: Ack, view: dict[str, Any], body: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        probe["bodies"].append(body)
        values = view["state"]["values"]
        qty = values["qty_block"]["qty"]["value"]
        if not qty.isdigit():
            ack(response_action="errors", errors={"qty_block": "Must be a whole number"})
            return
        if qty == "0":
            ack(
                response_action="update",
                view={**order_modal(), "title": {"type": "plain_text", "text": "Sure?"}},
            )
            return
        ack()
        customer = values["customer_block"]["customer"]["selected_option"]["value"]
        client.chat_postMessage(
            channel=view["private_metadata"], text=f"<@{context.user_id}> ordered {qty} for {customer}"
        )

    @app.view_closed("order_modal")
    def closed(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        probe["closed"].append(body["view"]["id"])

    @app.options("customer")
    def customers(ack: Ack, body: dict[str, Any]) -> None:
        probe["bodies"].append(body)
        typed = body["value"].lower()
        if typed == "huge":
            ack(options=[{"text": {"type": "plain_text", "text": "x" * 80}, "value": "x"}])
            return
        ack(
            options=[
                {"text": {"type": "plain_text", "text": c}, "value": c.lower()}
                for c in CUSTOMERS
                if typed in c.lower()
            ]
        )

    @app.event("app_mention")
    def mention(event: dict[str, Any], say: Say, body: dict[str, Any]) -> None:
        probe["bodies"].append(body)
        say(text="You rang?", thread_ts=event["ts"])

    return app


@pytest.fixture
def probe() -> Probe:
    return {"bodies": [], "closed": []}


@pytest.fixture
def rig(fake: FakeSlack, probe: Probe) -> Iterator[BoltRig]:
    with serve_bolt(build_bolt_app(fake, probe), fake, SIGNING_SECRET) as running:
        yield running
