"""Limits and small building helpers shared by the view modules.

Slack rejects a whole message when one block breaks a limit, and some limits (blocks per message, field
length, total text) are not checked by ``slack_sdk``'s ``to_dict()``; so every view is built to stay
inside them by construction and ``finish`` checks the block count once more before handing blocks out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock

from bot.mplus.money import format_cents
from bot.slack import text

MAX_MESSAGE_BLOCKS = 50
HEADER_MAX = 150
SECTION_TEXT_MAX = 3000
SECTION_FIELDS_MAX = 10
FIELD_TEXT_MAX = 2000
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
CONFIRM_TEXT_MAX = 300
TOTAL_TEXT_BUDGET = 12_000
"""Above roughly 12k characters of block text Slack may answer ``msg_blocks_too_long``."""

EMPTY = "—"
"""Shown for a missing value: Slack refuses empty text, and a dash reads as "none"."""

# A single compact line (a list row, an order line) never gets longer than this. Our own parts are
# short; this only bites for absurd numbers, and guarantees that packing always makes progress.
LINE_MAX = 600


def one_line(value: object) -> str:
    """Collapse all whitespace to single spaces.

    Used before escaping text that sits inside a one-line row: a newline in a relation name or line
    text would otherwise start a new row that looks like one of ours.
    """
    return " ".join(("" if value is None else str(value)).split())


def safe_line(value: object, limit: int) -> str:
    """``text.literal`` of the one-line form (Mplus data: backticks shown as typed); ``EMPTY`` when
    nothing is left."""
    return text.literal(one_line(value), limit) or EMPTY


def clip_mrkdwn(mrkdwn: str, limit: int) -> str:
    """Cut already-escaped mrkdwn to ``limit`` without leaving half an ``&amp;``-style entity.

    Only a safety net for lines built from our own parts plus escaped text; untrusted text is cut
    before escaping by ``text.safe``.
    """
    if len(mrkdwn) <= limit:
        return mrkdwn
    cut = mrkdwn[: max(limit - 1, 0)]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + text.ELLIPSIS


NBSP = "\u00a0"


def money(cents: int) -> str:
    """``€ 1.234,56`` with a non-breaking space: at phone width € never wraps away from its number."""
    return format_cents(cents).replace(" ", NBSP)


def format_date(value: date | None) -> str | None:
    """Dutch day-first date, ``31-12-2026``, as shop staff write it."""
    return None if value is None else f"{value.day:02d}-{value.month:02d}-{value.year:04d}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count:,} {singular if count == 1 else (plural_form or singular + 's')}".replace(",", ".")


@dataclass(frozen=True)
class Packed:
    sections: list[SectionBlock]
    shown: int
    """How many of the given rows made it in; the rest were cut by the row or text budget."""
    length: int
    """Characters of text in ``sections``."""


def pack_rows(
    rows: Sequence[str],
    *,
    block_id: str,
    max_rows: int,
    budget: int,
    rows_per_section: int = 10,
    more: str | None = None,
) -> Packed:
    """Put newline-joined rows into as few section blocks as the limits allow.

    Stops at ``max_rows`` rows or ``budget`` characters, whichever comes first. When rows are left
    over and ``more`` is given (a format string with ``{n}``), it is appended as a last row; room for
    it is reserved in every section so it always fits.
    """
    reserve = 80 if more else 0
    capacity = SECTION_TEXT_MAX - reserve
    groups: list[list[str]] = []
    current: list[str] = []
    current_len = used = shown = 0
    for raw in rows[:max_rows]:
        row = clip_mrkdwn(raw, LINE_MAX)
        cost = len(row) + 1  # the joining newline
        if used + cost > budget:
            break
        if current and (len(current) >= rows_per_section or current_len + cost > capacity):
            groups.append(current)
            current, current_len = [], 0
        current.append(row)
        current_len += cost
        used += cost
        shown += 1
    if current:
        groups.append(current)
    left = len(rows) - shown
    if left and more:
        note = text.escape(more.format(n=f"{left:,}".replace(",", ".")))
        if groups:
            groups[-1].append(note)
        else:
            groups.append([note])
    sections = [
        SectionBlock(
            block_id=block_id if i == 0 else f"{block_id}_{i + 1}", text=MarkdownTextObject(text="\n".join(g))
        )
        for i, g in enumerate(groups)
    ]
    return Packed(sections=sections, shown=shown, length=sum(len(s.text.text) for s in sections if s.text))


def finish(blocks: Sequence[Block]) -> list[dict]:
    """Validate (``to_dict`` checks several limits) and check what ``slack_sdk`` does not."""
    if len(blocks) > MAX_MESSAGE_BLOCKS:
        # A bug in a view, not bad input: every view bounds its block count by construction.
        raise ValueError(f"{len(blocks)} blocks exceed Slack's {MAX_MESSAGE_BLOCKS} per message")
    return [block.to_dict() for block in blocks]
