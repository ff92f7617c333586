"""The page's renderers in Chromium: mrkdwn cases, and a modal with every supported input type."""

from __future__ import annotations

from tests.sandbox_web.conftest import Ui, expect

# Each case: mrkdwn in → a compact serialisation of the DOM the page builds (tag[text] or text).
SERIALISE = """(text) => {
  const walk = (node) => [...node.childNodes].map((c) => c.nodeType === 3 ? c.textContent
    : c.tagName.toLowerCase() + (c.getAttribute("href") ? "(" + c.getAttribute("href") + ")" : "")
      + (c.className ? "." + c.className.split(" ").join(".") : "") + "[" + walk(c) + "]").join("");
  return walk(SB.mrkdwn(text, {users: {U0BOB: {name: "bob"}}, channelNames: {C0OPS: "ops"}}));
}"""
CASES = [
    ("*bold* _it_ ~st~ `a*b*`", "strong[bold] em[it] s[st] code[a*b*]"),
    ("2*3*4 snake_case_name", "2*3*4 snake_case_name"),
    ("* not bold* and *not bold *", "* not bold* and *not bold *"),
    ("&lt;b&gt; &amp;lt; a &amp; b", "<b> &lt; a & b"),
    (
        "<https://x.test/a?b=1|the site> <mailto:a@b.test>",
        "a(https://x.test/a?b=1)[the site] a(mailto:a@b.test)[mailto:a@b.test]",
    ),
    ("<javascript:alert(1)|click> <foo>", "<javascript:alert(1)|click> <foo>"),
    (
        "<@U0BOB> <@U0ZED> <#C0OPS> <#C0X|named>",
        "span.mention[@bob] span.mention[@U0ZED] span.mention.channel[#ops] span.mention.channel[#named]",
    ),
    (
        "<!here> <!subteam^S0OPS|@ops-team> <!date^1700000000^{date}|Nov 14>",
        "span.mention.broadcast[@here] span.mention[@ops-team] Nov 14",
    ),
    ("> quoted *q*\nplain", "blockquote[quoted strong[q]]plain"),
    ("one\ntwo", "one\ntwo"),
    ("```\nline *1*\n&lt;x&gt;```after", "pre.pre[line *1*\n<x>]after"),
    ("``` never closed", "``` never closed"),
    (":white_check_mark: done :not_an_emoji:", "✅ done :not_an_emoji:"),
]


def test_mrkdwn_renders_slack_formatting_as_dom_never_html(ui: Ui) -> None:
    got = [ui.page.evaluate(SERIALISE, text) for text, _ in CASES]
    assert dict(zip([t for t, _ in CASES], got, strict=True)) == dict(CASES)


def test_every_input_type_submits_the_state_slack_would_send(ui: Ui) -> None:
    page, count = ui.page, "0"
    ui.run("/order sink")
    modal = page.get_by_test_id("modal")
    expect(modal.get_by_test_id("modal-title")).to_have_text("Everything")
    expect(modal.get_by_test_id("block-sink_ctx").locator(".img-placeholder")).to_have_text("[image: logo]")
    expect(modal.locator("img")).to_have_count(0)

    modal.get_by_test_id("select-accessory_pick").select_option("b")  # a section accessory: block_actions
    action = ui.eventually(lambda: ui.bodies("block_actions")[-1])
    assert action["actions"][0]["selected_option"]["value"] == "b" and action["view"]["id"]

    modal.get_by_test_id("select-pick").select_option("tea")
    modal.get_by_test_id("select-many").select_option(["a", "c"])
    modal.get_by_test_id("checkboxes-boxes").get_by_test_id("option-b").check()
    modal.get_by_test_id("time-time").fill("09:30")
    modal.get_by_test_id("text-count").fill(count)
    modal.get_by_test_id("select-who").select_option("U0BOB")
    modal.get_by_test_id("select-where").select_option("C0OPS")
    tags = modal.get_by_test_id("select-tags").locator("input")
    tags.focus()  # min_query_length 0: options at once
    expect(modal.get_by_test_id("options-tags").locator("li")).to_have_text(["Red", "Green", "Blue"])
    tags.press("Escape")  # closes the list, not the modal
    expect(modal.get_by_test_id("options-tags")).to_be_hidden()
    tags.fill("re")
    expect(modal.get_by_test_id("options-tags").locator("li")).to_have_text(["Red", "Green"])
    modal.get_by_test_id("option-red").click()
    tags.fill("bl")
    expect(modal.get_by_test_id("options-tags").locator("li")).to_have_text(["Blue"])
    tags.press("Enter")
    expect(modal.get_by_test_id("select-tags").locator(".chip")).to_have_text(["Red", "Blue"])

    modal.get_by_test_id("modal-submit").click()  # the Slack client's own checks: nothing is sent
    expect(modal.get_by_test_id("field-error-count_block")).to_have_text("Must be at least 1.")
    assert ui.bodies("view_submission") == []

    modal.get_by_test_id("button-push_more").click()  # views.push: a second view on the stack
    expect(modal.get_by_test_id("modal-stack")).to_have_text("2 of 2")
    expect(modal.get_by_test_id("modal-title")).to_have_text("More")
    modal.get_by_test_id("text-extra").fill("x")
    modal.get_by_test_id("modal-submit").click()
    expect(modal.get_by_test_id("modal-title")).to_have_text("Everything")
    expect(modal.get_by_test_id("text-count")).to_have_value(count)  # typed values survive the push

    modal.get_by_test_id("text-count").fill("4")
    modal.get_by_test_id("modal-submit").click()
    expect(page.get_by_test_id("modal")).to_have_count(0)
    values = ui.bodies("view_submission")[-1]["view"]["state"]["values"]
    picked = {
        "pick": values["pick_block"]["pick"]["selected_option"]["value"],
        "many": [o["value"] for o in values["many_block"]["many"]["selected_options"]],
        "boxes": [o["value"] for o in values["boxes_block"]["boxes"]["selected_options"]],
        "time": values["time_block"]["time"]["selected_time"],
        "count": values["count_block"]["count"]["value"],
        "mail": values["mail_block"]["mail"]["value"],
        "who": values["who_block"]["who"]["selected_user"],
        "where": values["where_block"]["where"]["selected_conversation"],
        "tags": [o["value"] for o in values["tags_block"]["tags"]["selected_options"]],
        "at": values["at_block"]["at"]["selected_date_time"],
    }
    assert picked == {
        "pick": "tea",
        "many": ["a", "c"],
        "boxes": ["b"],
        "time": "09:30",
        "count": "4",
        "mail": None,
        "who": "U0BOB",
        "where": "C0OPS",
        "tags": ["red", "blue"],
        "at": None,
    }
    assert values["sink_intro"]["accessory_pick"]["selected_option"]["value"] == "b"
