"""The tiny Bolt app the sandbox tests drive: a message with buttons, a modal, errors, threads, ephemerals."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App, Respond, Say
from slack_sdk import WebClient

from slack_sandbox.fake_slack import FakeSlack

BOT_TOKEN = "xoxb-web-test"
SIGNING_SECRET = "web-signing-secret"
CUSTOMERS = ["Acme", "Acorn Bakery", "Bistro Zuid", "Café Noord"]
HOSTILE = "<img src=x onerror=alert(1)> <!channel> & <script>alert(2)</script>"
Probe = dict[str, list[Any]]


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def button(action_id: str, text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "button", "action_id": action_id, "text": plain(text), **extra}


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text), "value": value}


def order_blocks(status: str = "open", qty: str = "2", customer: str = "Acme") -> list[dict[str, Any]]:
    return [
        {"type": "header", "block_id": "order_header", "text": plain(f"Order 2026-42 ({status})")},
        {
            "type": "section",
            "block_id": "order_details",
            "fields": [
                {"type": "mrkdwn", "text": f"*Customer*\n{escape(customer)}"},
                {"type": "mrkdwn", "text": f"*Quantity*\n{qty} × _coffee_"},
            ],
            "accessory": {
                "type": "overflow",
                "action_id": "more",
                "options": [option("Copy reference", "copy"), option("Show raw", "raw")],
            },
        },
        {
            "type": "context",
            "block_id": "order_meta",
            "elements": [{"type": "mrkdwn", "text": "Created by <@U0ALICE> · ~draft~ `2026-42`"}],
        },
        {"type": "divider", "block_id": "order_divider"},
        {
            "type": "actions",
            "block_id": "order_actions",
            "elements": [
                button("approve", "Approve", style="primary", value="42"),
                button(
                    "cancel",
                    "Cancel order",
                    style="danger",
                    value="42",
                    confirm={
                        "title": plain("Cancel order 2026-42?"),
                        "text": {"type": "mrkdwn", "text": "This *cannot* be undone."},
                        "confirm": plain("Yes, cancel"),
                        "deny": plain("Keep it"),
                        "style": "danger",
                    },
                ),
                button("edit", "Edit", value="42"),
                {
                    "type": "static_select",
                    "action_id": "priority",
                    "placeholder": plain("Priority"),
                    "options": [option("High", "high"), option("Low", "low")],
                },
            ],
        },
    ]


def edit_modal(metadata: str, with_note: bool = False) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {
            "type": "input",
            "block_id": "qty_block",
            "label": plain("Quantity"),
            "element": {"type": "plain_text_input", "action_id": "qty", "initial_value": "2"},
        },
        {
            "type": "input",
            "block_id": "customer_block",
            "label": plain("Customer"),
            "element": {"type": "external_select", "action_id": "customer", "min_query_length": 1},
        },
        {
            "type": "input",
            "block_id": "when_block",
            "optional": True,
            "label": plain("Delivery"),
            "element": {"type": "datepicker", "action_id": "when", "initial_date": "2026-05-01"},
        },
        {
            "type": "input",
            "block_id": "size_block",
            "label": plain("Size"),
            "element": {
                "type": "radio_buttons",
                "action_id": "size",
                "options": [option("Small", "s"), option("Large", "l")],
                "initial_option": option("Small", "s"),
            },
        },
        {"type": "actions", "block_id": "modal_actions", "elements": [button("add_note", "Add a note")]},
    ]
    if with_note:
        blocks.insert(
            1,
            {
                "type": "input",
                "block_id": "note_block",
                "optional": True,
                "label": plain("Note"),
                "element": {"type": "plain_text_input", "action_id": "note", "multiline": True},
            },
        )
    return {
        "type": "modal",
        "callback_id": "edit_order",
        "notify_on_close": True,
        "private_metadata": metadata,
        "title": plain("Edit order"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "blocks": blocks,
    }


def labelled_input(
    block_id: str, label: str, element: dict[str, Any], optional: bool = False
) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "optional": optional,
        "element": element,
    }


def sink_modal() -> dict[str, Any]:
    """Every input the page supports, in one modal (plus a section accessory and a push button)."""
    choices = [option("A", "a"), option("B", "b"), option("C", "c")]
    return {
        "type": "modal",
        "callback_id": "sink",
        "title": plain("Everything"),
        "submit": plain("Go"),
        "blocks": [
            {
                "type": "section",
                "block_id": "sink_intro",
                "text": {"type": "mrkdwn", "text": "*Everything* at once"},
                "accessory": {"type": "static_select", "action_id": "accessory_pick", "options": choices[:2]},
            },
            {
                "type": "context",
                "block_id": "sink_ctx",
                "elements": [
                    {"type": "image", "image_url": "https://example.invalid/logo.png", "alt_text": "logo"},
                    plain("remote images are not fetched"),
                ],
            },
            labelled_input(
                "pick_block",
                "Drink",
                {
                    "type": "static_select",
                    "action_id": "pick",
                    "option_groups": [
                        {
                            "label": plain("Hot"),
                            "options": [option("Coffee", "coffee"), option("Tea", "tea")],
                        },
                        {"label": plain("Cold"), "options": [option("Juice", "juice")]},
                    ],
                },
            ),
            labelled_input(
                "many_block", "Many", {"type": "multi_static_select", "action_id": "many", "options": choices}
            ),
            labelled_input(
                "boxes_block", "Boxes", {"type": "checkboxes", "action_id": "boxes", "options": choices[:2]}
            ),
            labelled_input("time_block", "Time", {"type": "timepicker", "action_id": "time"}, optional=True),
            labelled_input(
                "count_block",
                "Count",
                {"type": "number_input", "action_id": "count", "is_decimal_allowed": False, "min_value": "1"},
            ),
            labelled_input(
                "mail_block", "Mail", {"type": "email_text_input", "action_id": "mail"}, optional=True
            ),
            labelled_input("who_block", "Who", {"type": "users_select", "action_id": "who"}),
            labelled_input(
                "where_block", "Where", {"type": "conversations_select", "action_id": "where"}, optional=True
            ),
            labelled_input(
                "tags_block",
                "Tags",
                {"type": "multi_external_select", "action_id": "tags", "min_query_length": 0},
            ),
            labelled_input("at_block", "At", {"type": "datetimepicker", "action_id": "at"}, optional=True),
            {"type": "actions", "block_id": "sink_actions", "elements": [button("push_more", "More…")]},
        ],
    }


MORE_VIEW = {
    "type": "modal",
    "callback_id": "more_view",
    "title": plain("More"),
    "submit": plain("OK"),
    "close": plain("Back"),
    "blocks": [labelled_input("extra_block", "Extra", {"type": "plain_text_input", "action_id": "extra"})],
}


def build_bot(fake: FakeSlack, probe: Probe) -> App:
    app = App(
        signing_secret=SIGNING_SECRET,
        client=WebClient(base_url=fake.api_url, token=BOT_TOKEN),
        process_before_response=True,
    )

    @app.command("/order")
    def order(ack: Ack, body: dict[str, Any], say: Say, client: WebClient) -> None:
        probe["bodies"].append(body)
        text = body.get("text", "")
        if text == "list":
            ack()
            say(text="Order 2026-42", blocks=order_blocks())
        elif text == "secret":
            ack()
            client.chat_postEphemeral(
                channel=body["channel_id"],
                user=body["user_id"],
                text="Psst, *secret*",
                blocks=[
                    {
                        "type": "section",
                        "block_id": "secret",
                        "text": {"type": "mrkdwn", "text": "Psst, *secret*"},
                    },
                    {
                        "type": "actions",
                        "block_id": "secret_actions",
                        "elements": [button("dismiss", "Dismiss")],
                    },
                ],
            )
        elif text == "hostile":
            ack()
            say(
                text=escape(HOSTILE),
                blocks=[
                    {"type": "header", "block_id": "hostile_header", "text": plain(HOSTILE)},
                    {
                        "type": "section",
                        "block_id": "hostile",
                        "text": {"type": "mrkdwn", "text": escape(HOSTILE)},
                    },
                ],
            )
        elif text == "odd":
            ack()
            say(
                text="odd",
                blocks=[{"type": "file", "block_id": "odd_file", "external_id": "F1", "source": "remote"}],
            )
        elif text == "sink":
            ack()
            client.views_open(trigger_id=body["trigger_id"], view=sink_modal())
        elif text == "public":
            ack(response_type="in_channel", text="Everyone sees *this*")
        elif text == "ops":
            ack("Posted to #ops")
            client.chat_postMessage(channel="#ops", text="Hello *ops*")
        else:
            ack(f"Usage: /order list | secret | hostile — you said {text!r}")

    def metadata(body: dict[str, Any]) -> dict[str, str]:
        return json.loads(body["view"]["private_metadata"])

    @app.action("approve")
    def approve(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        probe["bodies"].append(body)
        channel, ts = body["channel"]["id"], body["message"]["ts"]
        client.chat_update(channel=channel, ts=ts, text="approved", blocks=order_blocks("approved"))
        client.chat_postMessage(channel=channel, thread_ts=ts, text=f"Approved by <@{body['user']['id']}>")

    @app.action("cancel")
    def cancel(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        probe["bodies"].append(body)
        respond(replace_original=True, text="Order 2026-42 was *cancelled*")

    @app.action("dismiss")
    def dismiss(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        probe["bodies"].append(body)
        respond(delete_original=True)

    @app.action("edit")
    def edit(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        probe["bodies"].append(body)
        where = json.dumps({"channel": body["channel"]["id"], "ts": body["message"]["ts"]})
        client.views_open(trigger_id=body["trigger_id"], view=edit_modal(where))

    @app.action("add_note")
    def add_note(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        probe["bodies"].append(body)
        view = body["view"]
        client.views_update(
            view_id=view["id"], hash=view["hash"], view=edit_modal(view["private_metadata"], with_note=True)
        )

    @app.action("priority")
    @app.action("more")
    def record(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        probe["bodies"].append(body)

    @app.action("push_more")
    def push_more(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        probe["bodies"].append(body)
        client.views_push(trigger_id=body["trigger_id"], view=MORE_VIEW)

    @app.action("accessory_pick")
    def accessory_pick(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        probe["bodies"].append(body)

    @app.view("sink")
    @app.view("more_view")
    def sink_submitted(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        probe["bodies"].append(body)

    @app.options("tags")
    def tags(ack: Ack, body: dict[str, Any]) -> None:
        typed = body["value"].lower()
        colours = ["red", "green", "blue"]
        ack(options=[option(c.title(), c) for c in colours if typed in c])

    @app.options("customer")
    def customers(ack: Ack, body: dict[str, Any]) -> None:
        typed = body["value"].lower()
        ack(options=[option(c, c.lower()) for c in CUSTOMERS if typed in c.lower()])

    @app.view("edit_order")
    def save(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        probe["bodies"].append(body)
        values = view["state"]["values"]
        qty = values["qty_block"]["qty"]["value"] or ""
        if not qty.isdigit():
            ack(response_action="errors", errors={"qty_block": "Quantity must be a whole number"})
            return
        ack()
        where = metadata(body)
        customer = values["customer_block"]["customer"]["selected_option"]["text"]["text"]
        client.chat_update(
            channel=where["channel"],
            ts=where["ts"],
            text="edited",
            blocks=order_blocks("edited", qty, customer),
        )
        client.chat_postMessage(
            channel=where["channel"], thread_ts=where["ts"], text=f"Quantity set to {qty} for {customer}"
        )

    @app.view_closed("edit_order")
    def closed(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        probe["closed"].append(body["view"]["id"])

    return app
