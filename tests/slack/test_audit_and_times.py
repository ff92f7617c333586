"""Issue #12 through signed requests: times in Slack's date formatting, document numbers on the
card, and `/order audit` rows that say what happened (amount, method, documents, the reason)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest

from bot.mplus.models import MPLUS_TZ
from bot.slack.views.order import BLOCK_ORDER_EVENT
from tests.slack.conftest import ALICE, CHANNEL, BotRig, wait_for
from tests.slack.test_confirm_flow import (
    EVERYONE,
    cancel_on_a_channel_card,
    last_ephemeral_with,
    new_order,
    open_pay_form,
    pay_values,
    press_and_wait,
    prompt_for,
)
from tests.slack.test_read_path import buttons, shown

SLACK_DATE = re.compile(r"<!date\^(\d+)\^\{date_short_pretty\} \{time\}\|(\d\d-\d\d-\d{4} \d\d:\d\d)>")
ANY_SLACK_DATE = re.compile(r"<!date\^[^>]*>")
BARE_TIME = re.compile(r"\b\d{1,2}:\d\d\b")


def assert_slack_date(line: str) -> None:
    """``line`` holds a Slack date for about now, whose fallback is the same moment in Mplus's zone."""
    match = SLACK_DATE.search(line)
    assert match, f"no <!date^…^{{date_short_pretty}} {{time}}|…> in {line!r}"
    moment = datetime.fromtimestamp(int(match.group(1)), MPLUS_TZ)
    assert abs((datetime.now(MPLUS_TZ) - moment).total_seconds()) < 600
    assert match.group(2) == moment.strftime("%d-%m-%Y %H:%M")


def times_outside_slack_dates(line: str) -> list[str]:
    """Clock times written out by hand: each reader would see them in the bot's zone, not theirs."""
    return BARE_TIME.findall(ANY_SLACK_DATE.sub("", line))


def event_line(message: dict[str, Any]) -> str:
    block = next(b for b in message.get("blocks") or [] if b.get("block_id") == BLOCK_ORDER_EVENT)
    return " ".join(element.get("text", "") for element in block["elements"])


@pytest.mark.bot_settings(**EVERYONE)
def test_card_top_line_and_note_show_times_in_slacks_date_format(rig: BotRig) -> None:
    order, updated, note = cancel_on_a_channel_card(rig)
    top = event_line(updated)
    assert f"Cancelled by <@{ALICE}>" in top
    assert_slack_date(top)
    assert times_outside_slack_dates(shown(updated)) == []
    # The note is a Slack message of its own (Slack shows its time); it names the order, no clock time.
    assert order.number in shown(note) and times_outside_slack_dates(shown(note)) == []


@pytest.mark.bot_settings(**EVERYONE)
def test_full_payment_shows_document_numbers_on_the_card_and_in_the_audit(rig: BotRig) -> None:
    order = new_order(rig)  # 2 × € 50,00, nothing paid
    form = open_pay_form(rig, order.number)
    result = rig.slack.submit_view(form, pay_values("100,00", "full"), user=ALICE)
    assert result.status == 200 and not (result.json() or {}).get("errors"), result.body

    def payment_prompt() -> dict[str, Any] | None:
        prompts = [e for e in rig.ephemerals() if "order_confirm" in buttons(e)]
        return next((e for e in reversed(prompts) if "Confirm payment" in shown(e)), None)

    prompt = wait_for(payment_prompt, what="the payment prompt")
    rig.slack.press_button(prompt, action_id="order_confirm", user=ALICE, channel=CHANNEL)
    last_ephemeral_with(rig, f"<@{ALICE}> took ")

    paid = rig.runtime.mplus.get_order(order.order_id)
    [slip], [invoice] = paid.packing_slip_ids, paid.invoice_ids
    card = shown(rig.run(f"show {order.number}"))
    assert f"packing slip {slip}" in card and f"🧾 invoice {invoice}" in card

    method = next(m for m in rig.runtime.mplus.get_payment_methods() if m.method == "CASH")
    history = shown(rig.run(f"audit {order.number}"))
    [row] = [line for line in history.splitlines() if "*pay*" in line]
    assert_slack_date(row)
    assert f"<@{ALICE}> *pay* → ok" in row
    assert "payment € 100,00" in row and (method.description or method.method) in row
    assert f"packing slip {slip}" in row and f"invoice {invoice}" in row


@pytest.mark.bot_settings(**EVERYONE)
def test_audit_shows_a_refused_press_with_its_reason_and_a_cancel(rig: BotRig) -> None:
    order = new_order(rig)
    old = prompt_for(rig, f"cancel {order.number}")
    press_and_wait(rig, old, "order_back", "nothing was")
    press_and_wait(rig, old, "order_confirm", "Cancelled — nothing was changed.")  # an old button
    cancel = prompt_for(rig, f"cancel {order.number}")
    rig.slack.press_button(cancel, action_id="order_confirm", user=ALICE, channel=CHANNEL)
    last_ephemeral_with(rig, f"<@{ALICE}> cancelled *{order.number}*")

    rows = [line for line in shown(rig.run(f"audit {order.number}")).splitlines() if line.startswith("• ")]
    refused = [row for row in rows if "*cancel* → refused" in row]
    assert len(refused) == 1 and refused[0].endswith("— withdrawn"), rows
    done = [row for row in rows if "*cancel* → ok" in row]
    assert len(done) == 1, rows
    for row in rows:
        assert_slack_date(row)
        assert f"<@{ALICE}>" in row
