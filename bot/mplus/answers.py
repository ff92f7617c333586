"""What a write's answer says, read from the raw XML by element name.

zeep reads a sequence by position: one element a newer server inserts before ``result`` made every
write look refused, one inserted after it lost ``invoiceId``/``packingSlipId``/``orderId``. Here
each field is looked up by name wherever it sits, and the ``result`` is classified against the
values the official WSDL lists for the operation. A missing ``result`` or one the client does not
know is neither success nor refusal: the caller settles it by reading the order back.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from lxml import etree

from bot.mplus import wire


class Verdict(Enum):
    OK = "ok"
    REFUSED = "refused"
    UNKNOWN = "unknown"


# Results per operation as the official WSDL enumerates them (reference §7–§9). Anything else is
# UNKNOWN, never a refusal: the write may have been applied.
_OK = {
    "createOrder": {"CREATE-ORDER-RESULT-OK"},
    "updateOrder": {"UPDATE-ORDER-RESULT-OK", "UPDATE-ORDER-RESULT-NO-CHANGES"},
    "cancelOrder": {"CANCEL-ORDER-RESULT-OK", "CANCEL-ORDER-RESULT-PENDING"},
    "payOrder": {"PAY-ORDER-RESULT-OK"},
    "deliverOrder": {"DELIVER-ORDER-RESULT-OK"},
    "createRelation": {"CREATE-RELATION-RESULT-OK"},
}
_REFUSED = {
    "createOrder": {
        "CREATE-ORDER-RESULT-FAILED",
        "CREATE-ORDER-RESULT-EXT-ORDER-ID-ALREADY-EXISTS",
        "CREATE-ORDER-RESULT-PAYMENT-FAILED",
    },
    "updateOrder": {
        "UPDATE-ORDER-RESULT-FAILED",
        "UPDATE-ORDER-RESULT-NOT-FOUND",
        "UPDATE-ORDER-RESULT-ORDER-HAS-CHANGED",
        "UPDATE-ORDER-RESULT-EXT-ORDER-ID-ALREADY-EXISTS",
    },
    "cancelOrder": {
        "CANCEL-ORDER-RESULT-FAILED",
        "CANCEL-ORDER-RESULT-NOT-FOUND",
        "CANCEL-ORDER-RESULT-ALREADY-CANCELLED",
    },
    "payOrder": {
        "PAY-ORDER-RESULT-FAILED",
        "PAY-ORDER-RESULT-ORDER-ALREADY-INVOICED",
        "PAY-ORDER-RESULT-ORDER-HAS-CHANGED",
        "PAY-ORDER-RESULT-PAYMENT-INSUFFICIENT",
    },
    "deliverOrder": {"DELIVER-ORDER-RESULT-FAILED", "DELIVER-ORDER-RESULT-ALREADY-DELIVERED"},
    "createRelation": {
        "CREATE-RELATION-RESULT-FAILED",
        "CREATE-RELATION-RESULT-FAILED-RELATION-NUMBER-ALREADY-TAKEN",
    },
}


@dataclass(frozen=True)
class WriteAnswer:
    operation: str
    result: str | None
    fields: dict[str, Any]

    @property
    def verdict(self) -> Verdict:
        if self.result in _OK[self.operation]:
            return Verdict.OK
        if self.result in _REFUSED[self.operation]:
            return Verdict.REFUSED
        return Verdict.UNKNOWN

    def text(self, *path: str) -> str:
        """The trimmed text at ``path`` (e.g. ``"info", "orderId"``); "" when absent or not text."""
        value: Any = self.fields
        for name in path:
            value = value.get(name) if isinstance(value, dict) else None
        if isinstance(value, list):  # a repeated element: the first one counts
            value = value[0]
        return value.strip() if isinstance(value, str) else ""

    @property
    def message(self) -> str:
        """errorMessage (most writes) or message (cancelOrder)."""
        return self.text("errorMessage") or self.text("message")

    def describe(self) -> str:
        """The result for people: what Mplus said, or that it said nothing the client knows."""
        return self.result or "no result"


def read(element: etree._Element, operation: str) -> WriteAnswer:
    fields = wire.element_to_dict(element)
    result = wire.child_text(element, "result") or None
    return WriteAnswer(operation=operation, result=result, fields=fields)
