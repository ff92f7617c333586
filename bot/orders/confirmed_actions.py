"""Cancel, pay and deliver: proposed first, run only when an authorised person confirms.

The order of events on Confirm is what keeps a shop's money safe:
1. claim the single-use token (exactly one caller ever gets past this, across processes);
2. re-read the order: if its sync marker moved since the prompt, nothing is done — the person is
   shown the current order and asked again;
3. note the order as it is (recovery compares Mplus with it), make the one SOAP call (the client
   settles lost answers by re-reading Mplus);
4. record the outcome on the token and audit it. Once Mplus has answered, its outcome is what the
   person is told, even if the store cannot record it right now (``LateRecords`` writes it later).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from enum import StrEnum
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict

from bot.marks import N_
from bot.mplus.client import MplusClient
from bot.mplus.errors import MplusError, NotFound, OutcomeUnknown, Refused, Unavailable
from bot.mplus.gate import CallWithdrawn, send_only_if
from bot.mplus.models import Order, OrderCategory, PaymentInput
from bot.orders.late_records import LateRecords
from bot.orders.permissions import Action
from bot.orders.recovery import never_sent
from bot.store.audit import AuditLog
from bot.store.confirmations import ClaimOutcome, Confirmation, ConfirmationStore

log = logging.getLogger(__name__)


class PayParams(BaseModel):
    model_config = ConfigDict(frozen=True)

    amount_cents: int
    method: str
    prepay: bool


class Outcome(StrEnum):
    DONE = "done"
    REFUSED = "refused"
    """Mplus said no (already delivered, payment insufficient, …): nothing changed."""
    NOT_APPLIED = "not_applied"
    """Mplus could not be reached: nothing changed, safe to start again."""
    UNKNOWN = "unknown"
    CHECKING = "checking"
    """The write was sent and Mplus gave no clear answer: the claim stays running and recovery
    settles it from Mplus after ``settle_after``, then tells the person how it ended."""
    STALE = "stale"
    ALREADY_DONE = "already_done"
    IN_PROGRESS = "in_progress"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    NOT_FOUND = "not_found"


class ConfirmResult(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    outcome: Outcome
    confirmation: Confirmation | None = None
    order: Order | None = None
    """The order as it is now (after the action, or the current state when stale)."""
    message: str = ""
    details: dict[str, Any] = {}
    error: MplusError | None = None
    unrecorded_error_id: str | None = None
    """Set when the store could not record the outcome just now: it is logged under this id and
    written as soon as the store answers again."""


class NotApplicable(NamedTuple):
    """Why an action cannot apply now: an English sentence (also its gettext msgid) and its values,
    so the Slack layer can say it in the reader's language; ``str()`` is the English, for the audit."""

    template: str
    values: dict[str, str]

    def __str__(self) -> str:
        return self.template.format(**self.values)


NOT_APPLICABLE_CANCELLED = N_("Order {number} is cancelled.")
NOT_APPLICABLE_DELIVERED = N_("Order {number} is already delivered.")
NOT_APPLICABLE_PAID = N_("Order {number} is already paid in full.")
NOT_APPLICABLE_NOTHING_OPEN = N_("Order {number} has nothing outstanding.")
NOT_APPLICABLE_CANCEL_DELIVERED = N_("Order {number} is delivered, so it cannot be cancelled.")
NOT_APPLICABLE_CANCEL_INVOICED = N_("Order {number} is invoiced, so it cannot be cancelled.")
NOT_APPLICABLE_CATEGORY = N_("Orders in category {category} cannot be cancelled.")


def why_not_applicable(
    action: Action, order: Order, categories: list[OrderCategory]
) -> NotApplicable | None:
    """The reason ``action`` cannot apply to ``order`` now; None if it can."""
    number = {"number": order.number}
    if order.is_cancelled:
        return NotApplicable(NOT_APPLICABLE_CANCELLED, number)
    if action == Action.DELIVER and order.is_delivered:
        return NotApplicable(NOT_APPLICABLE_DELIVERED, number)
    if action == Action.PAY:
        if order.is_invoiced or order.fully_paid:
            return NotApplicable(NOT_APPLICABLE_PAID, number)
        if order.outstanding_cents <= 0:
            return NotApplicable(NOT_APPLICABLE_NOTHING_OPEN, number)
    if action == Action.CANCEL:
        if order.is_delivered:
            return NotApplicable(NOT_APPLICABLE_CANCEL_DELIVERED, number)
        if order.is_invoiced:
            return NotApplicable(NOT_APPLICABLE_CANCEL_INVOICED, number)
        category = next((c for c in categories if c.number == order.order_category_number), None)
        if category is not None and not category.allow_cancel:
            # The category's description is Mplus's own word: shown as Mplus gives it.
            return NotApplicable(NOT_APPLICABLE_CATEGORY, {"category": category.description})
    return None


def why_not(action: Action, order: Order, categories: list[OrderCategory]) -> str | None:
    """The reason ``action`` cannot apply to ``order`` now, in plain English words; None if it can."""
    reason = why_not_applicable(action, order, categories)
    return None if reason is None else str(reason)


_CLAIM_OUTCOMES = {
    ClaimOutcome.ALREADY_DONE: Outcome.ALREADY_DONE,
    ClaimOutcome.ALREADY_RUNNING: Outcome.IN_PROGRESS,
    ClaimOutcome.EXPIRED: Outcome.EXPIRED,
    ClaimOutcome.WITHDRAWN: Outcome.WITHDRAWN,
    ClaimOutcome.UNKNOWN: Outcome.NOT_FOUND,
}


class ConfirmedActions:
    def __init__(
        self,
        client: MplusClient,
        confirmations: ConfirmationStore,
        audit: AuditLog,
        ttl: timedelta,
        *,
        late: LateRecords | None = None,
    ) -> None:
        self._client = client
        self._confirmations = confirmations
        self._audit = audit
        self._ttl = ttl
        self.late = late or LateRecords()

    def propose(
        self, action: Action, order: Order, *, user_id: str, channel_id: str, params: dict[str, Any]
    ) -> Confirmation:
        return self._confirmations.create(
            action=action.value,
            order_id=order.order_id,
            user_id=user_id,
            channel_id=channel_id,
            params=params,
            order_sync_marker=order.sync_marker,
            ttl=self._ttl,
        )

    def withdraw(self, token: str) -> bool:
        return self._confirmations.withdraw(token)

    def confirm(self, token: str, user_id: str) -> ConfirmResult:
        claim = self._confirmations.claim(token)
        if claim.outcome != ClaimOutcome.WON or claim.confirmation is None:
            return ConfirmResult(outcome=_CLAIM_OUTCOMES[claim.outcome], confirmation=claim.confirmation)
        confirmation = claim.confirmation
        action = Action(confirmation.action)
        try:
            before = self._client.get_order(confirmation.order_id)
        except MplusError as err:
            return self._fail(confirmation, user_id, Outcome.NOT_APPLIED, err, None)
        if before.sync_marker != confirmation.order_sync_marker:
            self._confirmations.finish(token, ok=False, result={"outcome": Outcome.STALE})
            return ConfirmResult(outcome=Outcome.STALE, confirmation=confirmation, order=before)
        # From here on a write may be sent: recovery compares Mplus with this snapshot.
        if not self._confirmations.record_before(token, before.model_dump(mode="json")):
            return self._settled_meanwhile(token)
        try:
            with send_only_if(lambda: self._still_mine(token)):
                details = self._run(action, confirmation, before)
        except CallWithdrawn:
            # Recovery settled the claim while this call waited for a free Mplus slot; the write
            # was not sent by this call, and recovery's outcome is the one to tell.
            return self._settled_meanwhile(token)
        except Refused as err:
            return self._fail(confirmation, user_id, Outcome.REFUSED, err, before, result=err.result)
        except NotFound as err:
            return self._fail(confirmation, user_id, Outcome.NOT_APPLIED, err, before)
        except (Unavailable, OutcomeUnknown) as err:
            if isinstance(err, Unavailable) and never_sent(err):
                return self._fail(confirmation, user_id, Outcome.NOT_APPLIED, err, before)
            # Sent, and no clear answer: Mplus may still carry it out. Saying "nothing changed" now
            # could be false, so the claim stays running for recovery to settle from Mplus.
            log.warning(
                "%s of %s: no clear answer from Mplus (%s); recovery will settle it",
                action.value,
                confirmation.order_id,
                err,
            )
            return ConfirmResult(
                outcome=Outcome.CHECKING, confirmation=confirmation, order=before, message=str(err), error=err
            )
        # Mplus did it. Whatever the store does now, that is what the person is told.
        after = self._reread(confirmation.order_id) or before
        error_id = self._record(
            confirmation,
            ok=True,
            result={"outcome": Outcome.DONE, **details},
            audit={
                "user_id": user_id,
                "action": action.value,
                "result": "ok",
                "order_id": before.order_id,
                "order_number": before.number,
                "channel_id": confirmation.channel_id,
                "params": {**confirmation.params, **details},
                "sync_marker_after": after.sync_marker if after is not before else None,
            },
        )
        return ConfirmResult(
            outcome=Outcome.DONE,
            confirmation=confirmation,
            order=after,
            details=details,
            unrecorded_error_id=error_id,
        )

    def _record(
        self, confirmation: Confirmation, *, ok: bool, result: dict[str, Any], audit: dict[str, Any]
    ) -> str | None:
        """Finish the claim and write its audit row in one transaction — once: if recovery settled
        the claim first, recovery audited it.

        Returns an error id when the store could not take it now (it is written later)."""

        def write() -> None:
            self._confirmations.finish(confirmation.token, ok=ok, result=result, audit=audit)

        return self.late.write(f"{confirmation.action} {confirmation.order_id}: {audit}", write)

    def _run(self, action: Action, confirmation: Confirmation, before: Order) -> dict[str, Any]:
        order_id = confirmation.order_id
        if action == Action.CANCEL:
            cancelled = self._client.cancel_order(order_id, before=before)
            return {"result": cancelled.result, "recovered": cancelled.recovered}
        if action == Action.DELIVER:
            delivered = self._client.deliver_order(order_id, before=before)
            return {
                "packing_slip_id": delivered.packing_slip_id,
                "invoice_id": delivered.invoice_id,
                "recovered": delivered.recovered,
            }
        pay = PayParams.model_validate(confirmation.params)
        paid = self._client.pay_order(
            order_id,
            [PaymentInput(method=pay.method, amount_cents=pay.amount_cents)],
            prepay=pay.prepay,
            before=before,
        )
        return {
            "invoice_id": paid.invoice_id,
            "packing_slip_id": paid.packing_slip_id,
            "recovered": paid.recovered,
        }

    def _still_mine(self, token: str) -> bool:
        try:
            return self._confirmations.still_mine(token)
        except Exception as err:  # store down: go on as before; the bound still covers one call
            log.warning("could not date the claim before an Mplus call: %s", type(err).__name__)
            return True

    def _settled_meanwhile(self, token: str) -> ConfirmResult:
        current = self._confirmations.get(token)
        log.warning("claim %s… was settled by recovery before its write went out; not sending it", token[:6])
        return ConfirmResult(outcome=Outcome.ALREADY_DONE, confirmation=current)

    def _reread(self, order_id: str) -> Order | None:
        try:
            return self._client.get_order(order_id)
        except MplusError:
            return None

    def _fail(
        self,
        confirmation: Confirmation,
        user_id: str,
        outcome: Outcome,
        err: MplusError,
        order: Order | None,
        *,
        result: str | None = None,
    ) -> ConfirmResult:
        message = err.message if isinstance(err, Refused) else str(err)
        error_id = self._record(
            confirmation,
            ok=False,
            result={"outcome": outcome, "error": message},
            audit={
                "user_id": user_id,
                "action": confirmation.action,
                "result": result or outcome.value,
                "order_id": confirmation.order_id,
                "order_number": order.number if order else None,
                "channel_id": confirmation.channel_id,
                "params": confirmation.params,
                "error": f"{type(err).__name__}: {message}",
            },
        )
        return ConfirmResult(
            outcome=outcome,
            confirmation=confirmation,
            order=order,
            message=message,
            error=err,
            unrecorded_error_id=error_id,
        )
