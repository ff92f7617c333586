"""Identifier and timestamp minting with Slack's shapes (``C…``, ``V…``, ``"1700000000.000100"``)."""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from typing import Any

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_NOT_INTERACTIVE = frozenset({"image", "mrkdwn", "plain_text"})


def _base36(number: int, width: int) -> str:
    digits = ""
    while number:
        number, rem = divmod(number, 36)
        digits = _ALPHABET[rem] + digits
    return digits.rjust(width, "0")


class IdMinter:
    """Sequential ids: deterministic runs make failing tests easier to read and compare."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
        self._last_ts_us = 0

    def new_id(self, prefix: str, width: int = 10) -> str:
        with self._lock:
            return prefix + _base36(next(self._counter), width)

    def new_ts(self) -> str:
        # Wall-clock based like Slack's, but strictly increasing so two messages in the
        # same microsecond still sort and compare distinctly.
        with self._lock:
            now_us = int(time.time() * 1_000_000)
            self._last_ts_us = max(now_us, self._last_ts_us + 1)
            seconds, micros = divmod(self._last_ts_us, 1_000_000)
            return f"{seconds}.{micros:06d}"


def generated_id(*parts: Any) -> str:
    """Slack fills in missing block_id/action_id with short opaque strings; ours are stable."""
    digest = hashlib.sha1("/".join(str(p) for p in parts).encode()).hexdigest()
    return digest[:5]


def fill_generated_ids(blocks: list[Any]) -> list[Any]:
    """Return a copy of ``blocks`` where every block and interactive element has its ids."""
    result: list[Any] = []
    for index, block in enumerate(blocks):
        if not isinstance(block, dict):
            result.append(block)
            continue
        block = dict(block)
        block.setdefault("block_id", generated_id("block", index, block.get("type")))
        for key in ("elements", "accessory", "element"):
            if key not in block:
                continue
            if key == "elements" and block.get("type") == "actions":
                block[key] = [_with_action_id(e, block["block_id"], i) for i, e in enumerate(block[key])]
            elif key in ("accessory", "element"):
                block[key] = _with_action_id(block[key], block["block_id"], 0)
        result.append(block)
    return result


def _with_action_id(element: Any, block_id: str, index: int) -> Any:
    if not isinstance(element, dict) or element.get("type") in _NOT_INTERACTIVE:
        return element
    element = dict(element)
    element.setdefault("action_id", generated_id("action", block_id, index, element.get("type")))
    return element
