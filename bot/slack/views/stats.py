"""`/order stats`: the chart as an image block beside its text summary (for screen readers too)."""

from __future__ import annotations

from slack_sdk.models.blocks import HeaderBlock, ImageBlock, MarkdownTextObject, SectionBlock

from bot.slack import text
from bot.slack.i18n import ENGLISH, N_, Translator
from bot.slack.views._common import HEADER_MAX, finish, safe_line

BLOCK_STATS_HEADER = "stats_header"
BLOCK_STATS_SUMMARY = "stats_summary"
BLOCK_STATS_CHART = "stats_chart"
ALT_MAX = 2000


STATS_TITLE = N_("Orders and revenue, {what}")


def stats_title(what: str, tr: Translator = ENGLISH) -> str:
    return tr(STATS_TITLE, what=what)


def stats_message(title: str, summary: str, file_id: str | None) -> list[dict]:
    """Header, the summary in words, then the uploaded chart (when the upload worked)."""
    blocks = [
        HeaderBlock(block_id=BLOCK_STATS_HEADER, text=safe_line(title, HEADER_MAX)),
        SectionBlock(block_id=BLOCK_STATS_SUMMARY, text=MarkdownTextObject(text=text.safe(summary, 2900))),
    ]
    if file_id:
        blocks.append(
            ImageBlock(
                block_id=BLOCK_STATS_CHART,
                slack_file={"id": file_id},
                alt_text=summary[:ALT_MAX],
                title=safe_line(title, 150),
            )
        )
    return finish(blocks)
