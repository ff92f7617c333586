"""The App Home tab and `/order stats` in the browser sandbox, against `orderbot demo`.

Their screenshots (test-artifacts/demo/) are the README's pictures (docs/app-home.png, docs/stats-chart.png).
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from bot.demo import Demo
from bot.mirror.queries import counts
from tests.slack.conftest import wait_for


def _mirror_ready(demo: Demo) -> None:
    """The demo's notifier fills the mirror in the background; the overview reads only the mirror."""
    wait_for(lambda: counts(demo.runtime.deps.db)["orders"] > 0, timeout=60, what="the demo's mirror")


def test_app_home(page: Page, demo: Demo) -> None:
    _mirror_ready(demo)
    page.get_by_test_id("channel-home").click()
    home = page.get_by_test_id("home")
    for title in ("Needs action", "Today", "Your last actions", "Your channels"):
        expect(home).to_contain_text(title)
    expect(home).to_contain_text("Delivered, not paid")
    # The demo user may pay and deliver: the rows carry the card's own buttons.
    expect(home.get_by_test_id("button-order_pay").first).to_be_visible()
    expect(home.get_by_test_id("button-order_list_show").first).to_be_visible()


def test_stats_chart(page: Page, demo: Demo) -> None:
    _mirror_ready(demo)
    composer = page.get_by_test_id("composer")
    composer.fill("/order stats month")
    composer.press("Enter")
    reply = page.get_by_test_id("message-ephemeral").filter(has_text="Orders and revenue")
    expect(reply).to_have_count(1, timeout=30000)
    expect(reply).to_contain_text("orders, revenue €")
    chart = reply.locator("img.block-img")
    expect(chart).to_be_visible()
    wait_for(lambda: chart.evaluate("img => img.complete && img.naturalWidth") == 1000, what="the chart")
    chart.scroll_into_view_if_needed()
