"""Escaping and truncation for Slack text: the one place untrusted text is made safe.

Slack treats ``<…>`` as control sequences (``<!channel>``, ``<@U…>``, ``<http://x|y>``), so every
piece of text from Mplus or from a user goes through ``escape`` before it reaches mrkdwn or a
message's ``text``. Truncation counts the escaped length, since that is what Slack measures.
"""

from __future__ import annotations

_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
ELLIPSIS = "…"


def escape(text: object) -> str:
    result = "" if text is None else str(text)
    for raw, entity in _ESCAPES:
        result = result.replace(raw, entity)
    return result


def _escaped_len(char: str) -> int:
    return {"&": 5, "<": 4, ">": 4}.get(char, 1)


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
