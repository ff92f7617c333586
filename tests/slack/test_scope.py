"""Issue #10, item 3: who may press what, from which workspace, and where results are posted."""

from __future__ import annotations

import threading

import pytest

from bot.slack.ids import OrderFormMeta
from bot.store.subscriptions import SubscriptionStore
from slack_sandbox.signed_client import SignedSlackClient
from tests.slack.conftest import ALICE, CHANNEL, SIGNING_SECRET, BotRig, wait_for
from tests.slack.test_confirm_flow import EVERYONE, last_ephemeral_with, new_order, prompt_for, writes
from tests.slack.test_order_form import RELATION, line, open_new, submit, values, wait_view
from tests.slack.test_read_path import shown

BOB = "U0BOB"
OTHER_CHANNEL = "C0OTHER"


@pytest.mark.bot_settings(**EVERYONE)
def test_a_prompt_belongs_to_the_person_who_asked(rig: BotRig) -> None:
    order = new_order(rig)
    prompt = prompt_for(rig, f"deliver {order.number}")
    # Bob may deliver too, but this prompt is Alice's: he can neither confirm it nor withdraw it.
    for action in ("order_confirm", "order_back"):
        rig.slack.press_button(prompt, action_id=action, user=BOB, channel=CHANNEL)
        said = last_ephemeral_with(rig, "belongs to", user=BOB)
        assert "only they can confirm it" in said["text"]
    assert writes(rig, "deliverOrder") == 0
    rig.slack.press_button(prompt, action_id="order_confirm", user=ALICE, channel=CHANNEL)
    last_ephemeral_with(rig, "Delivered by")
    assert writes(rig, "deliverOrder") == 1


@pytest.mark.bot_settings(slack_team_id="T0001")
def test_requests_from_another_workspace_are_refused(rig: BotRig) -> None:
    stranger = SignedSlackClient(rig.events_url, SIGNING_SECRET, fake=rig.fake, team_id="T0EVIL")
    answer = stranger.command("/order", "methods", user=ALICE, channel=CHANNEL)
    assert answer.status == 200 and "not installed in this Slack workspace" in answer.body
    assert "Delivery methods" in shown(rig.run("methods"))  # our own workspace still works
    assert not any("Delivery methods" in shown(e) for e in rig.ephemerals()[:-1])


def test_the_workspace_is_learned_from_auth_test_when_not_set(rig: BotRig) -> None:
    stranger = SignedSlackClient(rig.events_url, SIGNING_SECRET, fake=rig.fake, team_id="T0EVIL")
    wait_for(
        lambda: "not installed" in stranger.command("/order", "help", user=ALICE, channel=CHANNEL).body,
        what="the team learned from auth.test",
    )


@pytest.mark.bot_settings(allow_create="*", channels=CHANNEL)
def test_a_form_posts_where_it_was_opened_whatever_its_metadata_says(rig: BotRig) -> None:
    view = open_new(rig)
    meta = OrderFormMeta.decode(view["private_metadata"])
    forged = {**view, "private_metadata": meta.model_copy(update={"channel": OTHER_CHANNEL}).encode()}
    submit(rig, forged, values(rig, view, line(0, "1001", "1", "12,50")))
    wait_view(rig, "was created in Mplus")
    wait_for(lambda: rig.fake.messages(CHANNEL), what="the card where the form was opened")
    assert rig.fake.messages(OTHER_CHANNEL) == []


@pytest.mark.bot_settings(allow_create="*", channels=CHANNEL)
def test_forms_and_type_ahead_not_opened_here_are_refused(rig: BotRig) -> None:
    view = open_new(rig)
    assert rig.slack.block_suggestion(view, RELATION, "Jan")  # the real form: answered
    forged = {**view, "id": "V0FORGED"}
    assert rig.slack.block_suggestion(forged, RELATION, "Jan") == []
    answer = submit(rig, forged, values(rig, view, line(0, "1001", "1", "12,50")))
    assert answer["response_action"] == "update" and "not opened by Orderbot" in shown(answer["view"])
    assert writes(rig, "createOrder") == 0


@pytest.mark.bot_settings(allow_subscribe="*")
def test_a_bare_unsubscribe_asks_which_subscription(rig: BotRig) -> None:
    store = SubscriptionStore(rig.runtime.deps.db)
    rig.slack.command("/order", "subscribe", user=ALICE, channel=CHANNEL)
    wait_for(lambda: store.for_channel(CHANNEL), what="the all-changes subscription")
    said = shown(rig.run("unsubscribe"))
    assert "say which subscription to remove" in said
    assert len(store.for_channel(CHANNEL)) == 1


@pytest.mark.bot_settings(channels=CHANNEL)
def test_a_button_without_a_channel_is_refused_when_channels_are_limited(rig: BotRig) -> None:
    card = rig.run("methods")
    before = len(rig.fake.calls("chat.postEphemeral")) + len(rig.ephemerals())
    payload = {
        "type": "block_actions",
        "team": {"id": "T0001", "domain": "sandbox"},
        "user": {"id": ALICE, "team_id": "T0001"},
        "api_app_id": "A0ORDERBOT",
        "trigger_id": "1.2.3",
        "actions": [{"action_id": "order_refresh", "block_id": "b", "type": "button", "value": '{"o":"x"}'}],
    }
    answer = rig.slack.send_payload(payload)
    assert answer.status == 200 and card
    threading.Event().wait(1.0)  # give a wrongly accepted press every chance to answer
    assert len(rig.fake.calls("chat.postEphemeral")) + len(rig.ephemerals()) == before
    assert not any(c["operation"] == "getOrder" for c in rig.emulator.calls())
