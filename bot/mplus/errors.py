"""Typed failures of the Mplus client.

Every message here is safe to log: the client never puts ident, secret or a credentialed URL
into an exception, so callers may show ``str(err)`` to operators.
"""

from __future__ import annotations


class MplusError(Exception):
    """Base class: anything the Mplus client can raise."""


class NotFound(MplusError):
    """The order or relation does not exist in Mplus."""

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"{kind} {key} was not found in Mplus")
        self.kind = kind
        self.key = key


class DuplicateExtOrderId(MplusError):
    """createOrder/updateOrder refused an extOrderId that another order already carries."""

    def __init__(self, ext_order_id: str) -> None:
        super().__init__(f"an order with external id {ext_order_id} already exists")
        self.ext_order_id = ext_order_id


class Refused(MplusError):
    """Mplus answered with a business result other than OK (HTTP 200, not a fault)."""

    def __init__(self, result: str, message: str = "") -> None:
        super().__init__(f"{result}: {message}" if message else result)
        self.result = result
        self.message = message


class Unavailable(MplusError):
    """Mplus could not be reached or answered with a server error; the call did not happen."""


class Timeout(Unavailable):
    """A read timed out (reads are retried before this surfaces)."""


class OutcomeUnknown(MplusError):
    """A write may or may not have happened and re-reading Mplus could not settle it.

    Callers must not retry blindly; they should tell the user to check the order first.
    """


class AuthFailed(MplusError):
    """Mplus refused the ident/secret (a SOAP ``Client.Authentication``-style fault)."""


class ProtocolError(MplusError):
    """Mplus answered something the client cannot understand (a bug on one side)."""


class UnreadableAnswer(ProtocolError):
    """Mplus answered, but the answer cannot be read (malformed, oversized, a DTD, an invalid value).

    For a write this says nothing about whether it was applied, so writes settle it by reading
    Mplus back, like a lost answer.
    """
