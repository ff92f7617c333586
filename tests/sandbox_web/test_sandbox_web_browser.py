"""The sandbox page in headless Chromium (Debian's, driven by Playwright), in front of a real Bolt app."""

from __future__ import annotations

import re

from tests.sandbox_web.bot import HOSTILE
from tests.sandbox_web.conftest import Ui, expect


def test_command_renders_the_exact_block_kit(ui: Ui) -> None:
    page = ui.page
    expect(page.get_by_test_id("sandbox-banner")).to_contain_text(
        "not Slack; for development and evaluation only"
    )
    expect(page.get_by_test_id("channel-orders")).to_have_attribute("aria-current", "page")
    ui.run("/order list")

    message = ui.messages().first
    expect(message.get_by_test_id("block-order_header")).to_have_text("Order 2026-42 (open)")
    details = message.get_by_test_id("block-order_details")
    expect(details.locator("strong").first).to_have_text("Customer")
    expect(details.locator("em")).to_have_text("coffee")
    meta = message.get_by_test_id("block-order_meta")
    expect(meta.locator(".mention")).to_have_text("@alice")
    expect(meta.locator("s")).to_have_text("draft")
    expect(meta.locator("code")).to_have_text("2026-42")
    expect(message.get_by_test_id("block-order_divider").locator("hr")).to_have_count(1)
    expect(message.get_by_test_id("button-approve")).to_have_class(re.compile(r"\bprimary\b"))
    expect(message.get_by_test_id("button-cancel")).to_have_class(re.compile(r"\bdanger\b"))
    expect(message.get_by_test_id("select-priority").locator("option")).to_have_text(
        ["Priority", "High", "Low"]
    )
    expect(message.get_by_test_id("overflow-more")).to_be_visible()

    own = page.locator("#messages > [data-testid=message-ephemeral]").first
    expect(own.get_by_test_id("command-line")).to_have_text("/order list")
    expect(own.get_by_test_id("ephemeral-note")).to_have_text("Only visible to you")


def test_confirm_dialog_guards_the_danger_button_and_the_update_stays_in_place(ui: Ui) -> None:
    page = ui.page
    ui.run("/order list")
    ui.run("/order hostile")
    expect(ui.messages()).to_have_count(2)
    first_ts = ui.messages().first.get_attribute("data-ts")

    ui.messages().first.get_by_test_id("button-cancel").click()
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog.get_by_test_id("confirm-title")).to_have_text("Cancel order 2026-42?")
    expect(dialog.locator("strong")).to_have_text("cannot")
    ui.shot("confirm-dialog")
    dialog.get_by_test_id("confirm-deny").click()
    expect(dialog).to_have_count(0)
    ui.messages().first.get_by_test_id("button-cancel").click()
    page.keyboard.press("Escape")  # Escape denies too
    expect(dialog).to_have_count(0)
    assert [b for b in ui.bodies("block_actions") if b["actions"][0]["action_id"] == "cancel"] == []

    ui.messages().first.get_by_test_id("button-cancel").click()
    page.get_by_test_id("confirm-ok").click()
    first = ui.messages().first
    expect(first.locator(".msg-text")).to_have_text("Order 2026-42 was cancelled")
    expect(first.locator(".msg-text strong")).to_have_text("cancelled")
    expect(first.get_by_test_id("edited")).to_have_text("(edited)")
    assert first.get_attribute("data-ts") == first_ts  # same place, not appended


def test_modal_errors_update_and_submit_then_message_and_thread_update(ui: Ui) -> None:
    page = ui.page
    ui.run("/order list")
    message = ui.messages().first
    ts = message.get_attribute("data-ts")
    message.get_by_test_id("button-edit").click()

    modal = page.get_by_test_id("modal")
    expect(modal.get_by_test_id("modal-title")).to_have_text("Edit order")
    qty = modal.get_by_test_id("input-qty_block").locator("input")
    expect(qty).to_have_value("2")
    qty.fill("lots")
    modal.get_by_test_id("select-customer").locator("input").fill("ac")
    expect(modal.get_by_test_id("options-customer").locator("li")).to_have_text(["Acme", "Acorn Bakery"])
    modal.locator('[data-testid="option-acorn bakery"]').click()
    modal.get_by_test_id("modal-submit").click()
    expect(modal.get_by_test_id("field-error-qty_block")).to_have_text("Quantity must be a whole number")
    ui.shot("modal-field-error")

    modal.get_by_test_id("button-add_note").click()  # views.update: a note input appears, typed values stay
    expect(modal.get_by_test_id("input-note_block")).to_be_visible()
    expect(qty).to_have_value("lots")
    expect(modal.get_by_test_id("field-error-qty_block")).to_be_hidden()
    qty.fill("3")
    modal.get_by_test_id("input-note_block").locator("textarea").fill("ring twice")
    modal.get_by_test_id("radios-size").get_by_test_id("option-l").check()
    modal.get_by_test_id("modal-submit").click()
    expect(page.get_by_test_id("modal")).to_have_count(0)

    values = ui.bodies("view_submission")[-1]["view"]["state"]["values"]
    assert (
        values["qty_block"]["qty"]["value"] == "3" and values["note_block"]["note"]["value"] == "ring twice"
    )
    assert values["customer_block"]["customer"]["selected_option"]["value"] == "acorn bakery"
    assert values["size_block"]["size"]["selected_option"]["value"] == "l"
    assert values["when_block"]["when"]["selected_date"] == "2026-05-01"

    message = ui.messages().first
    expect(message.get_by_test_id("block-order_header")).to_have_text("Order 2026-42 (edited)")
    expect(message.get_by_test_id("block-order_details")).to_contain_text("Acorn Bakery")
    expect(message.get_by_test_id("edited")).to_be_visible()
    assert message.get_attribute("data-ts") == ts and ui.messages().count() == 1

    toggle = message.get_by_test_id("thread-toggle")
    expect(toggle).to_have_text("1 reply")
    toggle.click()
    replies = message.get_by_test_id("thread").get_by_test_id("thread-reply")
    expect(replies).to_have_text([re.compile("Quantity set to 3 for Acorn Bakery")])
    composer = message.get_by_test_id("thread-composer")
    composer.fill("thanks *bot*")
    composer.press("Enter")
    expect(message.get_by_test_id("thread-toggle")).to_have_text("2 replies")
    expect(ui.messages().first.get_by_test_id("thread-reply").last.locator("strong")).to_have_text("bot")


def test_required_field_is_checked_before_sending_and_close_tells_the_bot(ui: Ui) -> None:
    page = ui.page
    ui.run("/order list")
    ui.messages().first.get_by_test_id("button-edit").click()
    modal = page.get_by_test_id("modal")
    modal.get_by_test_id("modal-submit").click()
    expect(modal.get_by_test_id("field-error-customer_block")).to_have_text(
        "Please complete this required field."
    )
    assert ui.bodies("view_submission") == []
    view_id = modal.get_attribute("data-view-id")
    modal.get_by_test_id("modal-close").click()
    expect(page.get_by_test_id("modal")).to_have_count(0)
    assert ui.probe["closed"] == [view_id]


def test_hostile_text_is_shown_literally_and_never_runs(ui: Ui) -> None:
    page = ui.page
    ui.run("/order hostile")
    message = ui.messages().first
    expect(message.get_by_test_id("block-hostile_header")).to_have_text(HOSTILE)
    expect(message.get_by_test_id("block-hostile")).to_have_text(HOSTILE)
    ui.run("<img src=x onerror=alert(1)> <!channel> hi @bob")
    mine = ui.messages().last
    expect(mine.locator(".msg-text")).to_have_text("<img src=x onerror=alert(1)> <!channel> hi @bob")
    expect(mine.locator(".mention")).to_have_text(["@bob"])
    expect(page.locator("#messages img, #messages script, #messages .broadcast")).to_have_count(0)


def test_ephemeral_buttons_other_channels_selects_and_unsupported_blocks(ui: Ui) -> None:
    page = ui.page
    ui.run("/order secret")
    secret = page.locator("[data-testid=message-ephemeral]", has_text="Psst")
    expect(secret.get_by_test_id("ephemeral-note")).to_have_text("Only visible to you")
    expect(secret.get_by_test_id("message-author")).to_have_text("orderbot")
    secret.get_by_test_id("button-dismiss").click()
    expect(secret).to_have_count(0)

    ui.run("/order odd")
    unsupported = ui.messages().last.get_by_test_id("unsupported")
    expect(unsupported.locator("summary")).to_have_text("Unsupported block: file")
    unsupported.locator("summary").click()
    expect(unsupported.locator("pre")).to_contain_text('"external_id": "F1"')

    ui.run("/order list")
    message = ui.messages().filter(has=page.get_by_test_id("block-order_header"))
    message.get_by_test_id("select-priority").select_option("high")
    message.get_by_test_id("overflow-more").click()
    message.get_by_test_id("option-raw").click()
    ui.eventually(
        lambda: [b["actions"][0]["selected_option"]["value"] for b in ui.bodies("block_actions")[-2:]]
    )
    chosen = [b["actions"][0].get("selected_option", {}).get("value") for b in ui.bodies("block_actions")]
    assert chosen[-2:] == ["high", "raw"]

    ui.run("/order ops")
    expect(page.get_by_test_id("unread-ops")).to_be_visible()

    page.get_by_test_id("channel-ops").click()
    expect(page.get_by_test_id("channel-title")).to_have_text("#ops")
    expect(ui.messages().locator("strong")).to_have_text("ops")
    expect(page.get_by_test_id("unread-ops")).to_have_count(0)
    assert page.url.endswith("#ops")
