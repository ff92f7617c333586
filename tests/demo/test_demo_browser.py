"""`orderbot demo` end to end in a real browser: the sandbox page, the real bot, the emulator."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from bot.demo import Demo
from tests.factories import create_order

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "demo"


def _type(page: Page, line: str) -> None:
    composer = page.get_by_test_id("composer")
    composer.fill(line)
    composer.press("Enter")
    expect(composer).to_have_value("")


def _new_order_on_emulator(demo: Demo) -> str:
    return create_order(demo.runtime.mplus, quantity=3, price_cents=1250, prefix="DEMO").number


def test_find_shows_the_order_card(page: Page, demo: Demo) -> None:
    order = demo.runtime.mplus.get_orders()[0]
    _type(page, f"/order find {order.ext_order_id}")
    card = page.get_by_test_id("message-ephemeral").filter(has_text=f"Order {order.number}")
    expect(card.first).to_be_visible()
    expect(card.first.get_by_test_id("button-order_refresh")).to_be_visible()
    expect(card.first.get_by_test_id("ephemeral-note")).to_have_text("Only visible to you")


def test_notification_card_pay_confirm_and_audit_note(page: Page, demo: Demo) -> None:
    number = _new_order_on_emulator(demo)
    customer = next(o for o in demo.runtime.mplus.get_orders() if o.number == number).relation_name
    page.get_by_test_id("channel-notifications").click()
    card = page.locator("#messages > [data-testid=message]").filter(has_text=f"Order {number}")
    expect(card).to_have_count(1, timeout=30000)
    expect(card.get_by_test_id("block-order_state")).to_contain_text("€37.50 open")

    card.get_by_test_id("button-order_pay").click()
    modal = page.get_by_test_id("modal")
    expect(modal.get_by_test_id("modal-title")).to_have_text("Pay order")
    # The demo user reads English: the amount is written the way they read it (a Dutch reader: 37,50).
    expect(modal.get_by_test_id("input-pay_amount").locator("input")).to_have_value("37.50")
    # Nothing is guessed: how the customer paid and the kind of payment are chosen.
    modal.get_by_test_id("select-method").select_option(label="Contant")
    modal.get_by_test_id("radios-kind").get_by_test_id("option-full").check()
    modal.get_by_test_id("modal-submit").click()
    expect(page.get_by_test_id("modal")).to_have_count(0)

    prompt = page.get_by_test_id("message-ephemeral").filter(has_text="full payment")
    expect(prompt).to_have_count(1)
    prompt.get_by_test_id("button-order_confirm").click()
    expect(page.get_by_test_id("message-ephemeral").filter(has_text="took the payment of")).not_to_have_count(
        0
    )

    # The channel card is updated in place: paid, no Pay button, who did it on its top line, and
    # the note in its thread naming the order, the customer and what is left.
    expect(card.get_by_test_id("button-order_pay")).to_have_count(0)
    expect(card.get_by_test_id("block-order_state")).to_contain_text("Paid €37.50")
    expect(card.get_by_test_id("block-order_event")).to_contain_text("Paid €37.50 by @alice")
    expect(card.get_by_test_id("edited")).to_have_text("(edited)")
    card.get_by_test_id("thread-toggle").first.click()
    expect(card.get_by_test_id("thread")).to_contain_text(
        re.compile(rf"@alice took the payment of €37\.50 on {re.escape(number)} · {re.escape(customer)}")
    )
    expect(card.get_by_test_id("thread")).to_contain_text("— paid in full")
    assert any(o.fully_paid for o in demo.runtime.mplus.get_orders() if o.number == number)
    # The README's screenshot (docs/demo.png) is this picture: copy it from test-artifacts/demo/.
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "readme-demo.png"))


def test_the_card_fits_a_phone(page: Page, demo: Demo) -> None:
    number = _new_order_on_emulator(demo)
    page.set_viewport_size({"width": 390, "height": 844})
    _type(page, f"/order show {number}")
    card = page.get_by_test_id("message-ephemeral").filter(has_text=f"Order {number}")
    expect(card).to_have_count(1)
    state = card.get_by_test_id("block-order_state")
    expect(state).to_contain_text("€37.50 open")
    # Nothing runs off the side of the screen, and no amount breaks between € and its number.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert "€37.50" in state.inner_text() and "€ " not in state.inner_text()  # English: no space at all
    box = card.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    for button in card.get_by_role("button").all():
        assert button.get_attribute("aria-label"), "every card button says what it does, to whom"
    expect(card).to_contain_text("As of")


def test_new_order_bad_price_field_error_then_card(page: Page, demo: Demo) -> None:
    client = demo.runtime.mplus
    relation = client.get_relations()[0]
    article = client.get_orders()[0].lines[0].article_number
    _type(page, "/order new")
    modal = page.get_by_test_id("modal")
    expect(modal.get_by_test_id(f"select-{'order_form_relation'}")).to_be_visible()

    modal.get_by_test_id("select-order_form_relation").locator("input").fill(relation.name.split()[0])
    options = modal.get_by_test_id("options-order_form_relation").locator("li")
    expect(options.first).to_contain_text(relation.name.split()[0])
    options.filter(has_text=relation.name).first.click()
    line = modal.locator('[data-testid^="input-form_line_"]')
    # The article is a type-ahead: type its number, pick it from the options.
    modal.get_by_test_id("select-order_form_article").locator("input").fill(str(article))
    modal.get_by_test_id("options-order_form_article").locator("li").first.click()
    line.locator("xpath=self::*[contains(@data-testid, '_quantity')]").locator("input").fill("2")
    price = line.locator("xpath=self::*[contains(@data-testid, '_price')]")
    price.locator("input").fill("12,505")
    modal.get_by_test_id("modal-submit").click()

    error = modal.locator('[data-testid^="field-error-form_line_"]').filter(has_text="ambiguous")
    expect(error).to_be_visible()
    price.locator("input").fill("12,50")
    modal.get_by_test_id("modal-submit").click()

    card = page.locator("#messages > [data-testid=message]").filter(has_text="€25.00")
    expect(card.first).to_be_visible(timeout=30000)
    expect(card.first).to_contain_text(relation.name)
    expect(page.get_by_test_id("modal")).to_contain_text("was created in Mplus")
    creates = [c for c in demo.emulator.calls() if c["operation"] == "createOrder"]
    assert len(creates) == 1
