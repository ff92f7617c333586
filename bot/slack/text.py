"""Escaping and truncation for Slack text: the one place untrusted text is made safe.

Slack treats ``<…>`` as control sequences (``<!channel>``, ``<@U…>``, ``<http://x|y>``), so every
piece of text from Mplus or from a user goes through ``escape`` before it reaches mrkdwn or a
message's ``text``. Truncation counts the escaped length, since that is what Slack measures.

``escape`` also drops bidirectional override characters (U+202A–U+202E, U+2066–U+2069), which can
make "29,90" read as "09,92", and puts an invisible zero-width space before a ``*``, ``_`` or ``~`` that
could open a style (Slack opens one only at the start or after a space or punctuation), so they
show as typed instead of turning the text bold, italic or struck through. ``literal``
additionally shows backticks as typed, for data from Mplus in cards.
Commands strip the zero-width space again, so text copied from a card can be typed back in.
"""

from __future__ import annotations

import re

from bot.orders.chars import BIDI_CONTROLS, strip_bidi

_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
ELLIPSIS = "…"
ZERO_WIDTH_SPACE = "\u200b"
_STYLE_MARKS = re.compile(r"(?<![^\s(\[{\"'.,;:!?*_~-])([*_~])")
"""A style mark where Slack could open a style: at the start, or after a space or punctuation
(``ORDER_ID`` cannot open one, so identifiers stay exactly as they are)."""
BACKTICK_LOOKALIKE = "\u02cb"


def escape(text: object) -> str:
    result = strip_bidi("" if text is None else str(text))
    for raw, entity in _ESCAPES:
        result = result.replace(raw, entity)
    return _STYLE_MARKS.sub(ZERO_WIDTH_SPACE + r"\1", result)


def literal(text: object, limit: int) -> str:
    """Like ``safe``, and a backtick shows as a backtick instead of starting code."""
    raw = "" if text is None else str(text)
    return safe(raw.replace("`", BACKTICK_LOOKALIKE), limit)


def _escaped_len(char: str) -> int:
    if char in "*_~":
        return 2  # at most: the mark and a zero-width space
    return {"&": 5, "<": 4, ">": 4}.get(char, 0 if BIDI_CONTROLS.match(char) else 1)


def safe(text: object, limit: int) -> str:
    """Escape, then cut so the escaped result fits ``limit`` without splitting an entity."""
    raw = "" if text is None else str(text)
    escaped = escape(raw)
    if len(escaped) <= limit:
        return escaped
    budget = limit - 1
    used = 0
    kept: list[str] = []
    for char in raw:
        cost = _escaped_len(char)
        if used + cost > budget:
            break
        kept.append(char)
        used += cost
    return escape("".join(kept)) + ELLIPSIS
