"""The write operations of ``MplusClient`` and how each one is settled when its outcome is unclear.

Writes are never retried blindly. When a write was sent and no usable answer came back — the
connection dropped, the call ran past MPLUS_CALL_DEADLINE_S, or the answer had no ``result`` or
one the client does not know — the client reads Mplus back (findOrder for a create, getOrder for
the rest) and reports what actually happened. Only a result the official WSDL lists as a refusal
is reported as a refusal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from bot.mplus import answers, wire
from bot.mplus.answers import Verdict, WriteAnswer
from bot.mplus.errors import (
    DuplicateExtOrderId,
    MplusError,
    NotFound,
    OutcomeUnknown,
    Refused,
    Unavailable,
    UnreadableAnswer,
)
from bot.mplus.models import (
    CancelOutcome,
    CreatedOrder,
    DeliverOutcome,
    NewOrder,
    NewRelation,
    Order,
    OrderChange,
    PaymentInput,
    PayOutcome,
    UpdateResult,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

# Older servers report "no changes" as a failure with this exact text; [P] treats it as success.
_LEGACY_NO_CHANGES = "Order not saved because there were no changes in the order."


class NoAnswer(Exception):
    """Internal: a write was sent and no answer came back, so it may have been applied."""


class WriteOperations:
    """Mixed into ``MplusClient``, which provides the plumbing and the reads used to settle."""

    _redact: Callable[[str], str]

    def _invoke(self, operation: str, **kwargs: Any) -> Any:  # pragma: no cover - provided by the client
        raise NotImplementedError

    def _fields_of(self, type_name: str) -> list[str]:  # pragma: no cover - provided by the client
        raise NotImplementedError

    def get_order(self, order_id: str) -> Order:  # pragma: no cover - provided by the client
        raise NotImplementedError

    def find_order(self, ext_order_id: str) -> Order:  # pragma: no cover - provided by the client
        raise NotImplementedError

    def _write(self, operation: str, **kwargs: Any) -> WriteAnswer:
        """One write call; raises NoAnswer when it was sent and no readable answer came back."""
        try:
            answer = answers.read(self._invoke(operation, **kwargs).element, operation)
        except UnreadableAnswer as err:
            log.warning("mplus %s answer unreadable (%s); reading the order back", operation, err)
            raise NoAnswer(str(err)) from None
        if answer.verdict is Verdict.UNKNOWN:
            log.warning(
                "mplus %s answered without a known result (%s); reading it back", operation, answer.describe()
            )
        return answer

    def _refused(self, answer: WriteAnswer) -> Refused:
        return Refused(answer.describe(), self._redact(answer.message))

    def _settle(self, reread: Callable[[], T], operation: str) -> T:
        try:
            return reread()
        except Unavailable:
            raise OutcomeUnknown(
                f"Mplus did not answer {operation} clearly and could not be asked what happened; "
                "check the order in Mplus before trying again"
            ) from None

    def _find_or_none(self, ext_order_id: str) -> Order | None:
        try:
            return self.find_order(ext_order_id)
        except NotFound:
            return None

    # --- createOrder ---------------------------------------------------------------------------

    def create_order(self, order: NewOrder) -> CreatedOrder:
        """Create once. If the answer is lost or unclear, findOrder(extOrderId) tells whether it landed.

        extOrderId is unique in Mplus, so one retry after a confirmed miss cannot make a duplicate.
        """
        request = wire.order_request(order, self._fields_of("Order"))
        for attempt in (1, 2):
            try:
                answer = self._write("createOrder", order=request)
            except NoAnswer:
                landed = self._settle(lambda: self._find_or_none(order.ext_order_id), "createOrder")
                if landed is not None:
                    log.warning("createOrder answer lost; order %s found by ext id", landed.order_id)
                    return CreatedOrder(order_id=landed.order_id, order_string="", recovered=True)
                if attempt == 2:
                    raise Unavailable(
                        "Mplus did not answer createOrder twice; the order was NOT created"
                    ) from None
                log.warning("createOrder answer lost and the order is not there; sending it once more")
                continue
            return self._created(order, answer)
        raise AssertionError("unreachable")

    def _created(self, order: NewOrder, answer: WriteAnswer) -> CreatedOrder:
        if answer.result == "CREATE-ORDER-RESULT-EXT-ORDER-ID-ALREADY-EXISTS":
            raise DuplicateExtOrderId(order.ext_order_id)
        if answer.verdict is Verdict.REFUSED:
            raise self._refused(answer)
        order_id = answer.text("info", "orderId")
        queued = answer.text("info", "orderQueued") in ("true", "1")
        if answer.verdict is Verdict.OK and order_id:
            return CreatedOrder(
                order_id=order_id, order_string=answer.text("info", "orderString"), order_queued=queued
            )
        # OK without an orderId, or a result we do not know: the order itself says what happened.
        landed = self._settle(lambda: self._find_or_none(order.ext_order_id), "createOrder")
        if landed is not None:
            return CreatedOrder(
                order_id=landed.order_id,
                order_string=answer.text("info", "orderString"),
                order_queued=queued,
                recovered=True,
            )
        if answer.verdict is Verdict.OK and queued:
            return CreatedOrder(
                order_id="", order_string=answer.text("info", "orderString"), order_queued=True
            )
        if answer.verdict is Verdict.OK:
            raise OutcomeUnknown(
                f"Mplus accepted createOrder without an order id and order {order.ext_order_id} is not "
                "there yet; look it up by its external id before creating it again"
            )
        raise Unavailable(
            f"Mplus answered createOrder with {answer.describe()} and the order is not there; "
            "the order was NOT created"
        )

    # --- updateOrder ---------------------------------------------------------------------------

    def update_order(self, change: OrderChange) -> UpdateResult:
        request = wire.order_request(change, self._fields_of("Order"))
        try:
            answer = self._write("updateOrder", order=request)
        except NoAnswer:
            return self._settle_update(change, "did not answer updateOrder")
        message = self._redact(answer.message)
        if answer.result == UpdateResult.OK:
            return UpdateResult.OK
        if answer.result == UpdateResult.NO_CHANGES or message == _LEGACY_NO_CHANGES:
            return UpdateResult.NO_CHANGES
        if answer.result == "UPDATE-ORDER-RESULT-NOT-FOUND":
            raise NotFound("order", change.order_id)
        if answer.result == "UPDATE-ORDER-RESULT-EXT-ORDER-ID-ALREADY-EXISTS":
            raise DuplicateExtOrderId(change.ext_order_id)
        if answer.verdict is Verdict.REFUSED:
            raise self._refused(answer)
        return self._settle_update(change, f"answered updateOrder with {answer.describe()}")

    def _settle_update(self, change: OrderChange, what: str) -> UpdateResult:
        after = self._settle(lambda: self.get_order(change.order_id), "updateOrder")
        if change.version_number is not None and (after.version_number or 0) > change.version_number:
            return UpdateResult.OK
        raise OutcomeUnknown(f"Mplus {what}; reload the order to see whether the change was saved")

    # --- cancelOrder ---------------------------------------------------------------------------

    def cancel_order(
        self, order_id: str, *, before: Order | None = None, branch_number: int | None = None
    ) -> CancelOutcome:
        before = before or self.get_order(order_id)
        kwargs: dict[str, Any] = {"orderId": order_id}
        if branch_number is not None:
            kwargs["request"] = {"branchNumber": branch_number}
        try:
            answer = self._write("cancelOrder", **kwargs)
        except NoAnswer:
            return self._settle_cancel(order_id, before, "did not answer cancelOrder")
        result, message = answer.describe(), self._redact(answer.message)
        if answer.verdict is Verdict.OK:
            return CancelOutcome(result=result, message=message, pending=result.endswith("PENDING"))
        if result == "CANCEL-ORDER-RESULT-NOT-FOUND":
            raise NotFound("order", order_id)
        if answer.verdict is Verdict.REFUSED:
            raise Refused(result, message)
        return self._settle_cancel(order_id, before, f"answered cancelOrder with {result}")

    def _settle_cancel(self, order_id: str, before: Order, what: str) -> CancelOutcome:
        after = self._settle(lambda: self.get_order(order_id), "cancelOrder")
        if after.is_cancelled and not before.is_cancelled:
            return CancelOutcome(result="CANCEL-ORDER-RESULT-OK", recovered=True)
        raise Unavailable(f"Mplus {what}; the order is NOT cancelled")

    # --- payOrder ------------------------------------------------------------------------------

    def pay_order(
        self, order_id: str, payments: Sequence[PaymentInput], *, prepay: bool, before: Order | None = None
    ) -> PayOutcome:
        """prepay=True records a deposit only; prepay=False pays in full, delivers and invoices.

        After a full payment the order is read back for the packing slip the payment created, so
        the confirmation can name it next to the invoice.
        """
        before = before or self.get_order(order_id)
        request = {"orderId": order_id, "prepay": prepay, "paymentList": wire.payment_list(payments)}
        try:
            answer = self._write("payOrder", request=request)
        except NoAnswer:
            return self._settle_pay(order_id, before, "did not answer payOrder")
        if answer.verdict is Verdict.REFUSED:
            raise self._refused(answer)
        if answer.verdict is Verdict.UNKNOWN:
            return self._settle_pay(order_id, before, f"answered payOrder with {answer.describe()}")
        invoice_id = answer.text("invoiceId") or None
        if prepay:
            return PayOutcome(invoice_id=invoice_id)
        after = self._reread_quietly(order_id)
        return PayOutcome(
            invoice_id=invoice_id or (_new(before.invoice_ids, after.invoice_ids) if after else None),
            packing_slip_id=_new(before.packing_slip_ids, after.packing_slip_ids) if after else None,
        )

    def _settle_pay(self, order_id: str, before: Order, what: str) -> PayOutcome:
        after = self._settle(lambda: self.get_order(order_id), "payOrder")
        if len(after.payments) > len(before.payments) or (after.fully_paid and not before.fully_paid):
            return PayOutcome(
                invoice_id=_new(before.invoice_ids, after.invoice_ids),
                packing_slip_id=_new(before.packing_slip_ids, after.packing_slip_ids),
                recovered=True,
            )
        raise Unavailable(f"Mplus {what}; the payment was NOT recorded")

    def _reread_quietly(self, order_id: str) -> Order | None:
        # The payment is done whatever happens here: a failed re-read only leaves the slip unnamed.
        try:
            return self.get_order(order_id)
        except MplusError as err:
            log.warning("order %s paid, but reading it back for its packing slip failed: %s", order_id, err)
            return None

    # --- deliverOrder --------------------------------------------------------------------------

    def deliver_order(self, order_id: str, *, before: Order | None = None) -> DeliverOutcome:
        before = before or self.get_order(order_id)
        try:
            answer = self._write("deliverOrder", request={"orderId": order_id})
        except NoAnswer:
            return self._settle_deliver(order_id, before, "did not answer deliverOrder")
        if answer.verdict is Verdict.OK:
            return DeliverOutcome(
                packing_slip_id=answer.text("packingSlipId") or None,
                invoice_id=answer.text("invoiceId") or None,
            )
        if answer.verdict is Verdict.REFUSED:
            raise self._refused(answer)
        return self._settle_deliver(order_id, before, f"answered deliverOrder with {answer.describe()}")

    def _settle_deliver(self, order_id: str, before: Order, what: str) -> DeliverOutcome:
        after = self._settle(lambda: self.get_order(order_id), "deliverOrder")
        if after.is_delivered and not before.is_delivered:
            return DeliverOutcome(
                packing_slip_id=_new(before.packing_slip_ids, after.packing_slip_ids),
                invoice_id=_new(before.invoice_ids, after.invoice_ids),
                recovered=True,
            )
        raise Unavailable(f"Mplus {what}; the order is NOT delivered")

    # --- createRelation ------------------------------------------------------------------------

    def create_relation(self, relation: NewRelation) -> int:
        fields = self._fields_of("Relation")
        values = {_camel(k): v for k, v in relation.model_dump().items() if v is not None}
        values = {k: v for k, v in values.items() if not fields or k in fields}
        try:
            answer = self._write("createRelation", relation=values)
        except NoAnswer:
            raise OutcomeUnknown(
                "Mplus did not answer createRelation; search for the relation before creating it again"
            ) from None
        number = answer.text("relationNumber")
        if answer.verdict is Verdict.OK and number.isdigit() and int(number) > 0:
            return int(number)
        if answer.verdict is Verdict.REFUSED:
            raise self._refused(answer)
        # No key to read a relation back by: say so rather than guess.
        raise OutcomeUnknown(
            f"Mplus answered createRelation with {answer.describe()} and no usable relation number; "
            "search for the relation before creating it again"
        )


def _new(before: Sequence[str], after: Sequence[str]) -> str | None:
    """The last id in ``after`` that was not in ``before``: what this write created."""
    fresh = [i for i in after if i not in before]
    return fresh[-1] if fresh else None


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
