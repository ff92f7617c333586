"""Order state transitions: payOrder (deposit or final payment), deliverOrder, cancelOrder."""

from __future__ import annotations

from dataclasses import dataclass, field

from .context import Ctx
from .model import CANCEL_COMPLETE, COMPLETE_COMPLETE, DELIVERY_COMPLETE, Order, Payment
from .pricing import format_cents

PAY_OK = "PAY-ORDER-RESULT-OK"
PAY_FAILED = "PAY-ORDER-RESULT-FAILED"
PAY_INSUFFICIENT = "PAY-ORDER-RESULT-PAYMENT-INSUFFICIENT"
PAY_INVOICED = "PAY-ORDER-RESULT-ORDER-ALREADY-INVOICED"
DELIVER_OK = "DELIVER-ORDER-RESULT-OK"
DELIVER_ALREADY = "DELIVER-ORDER-RESULT-ALREADY-DELIVERED"
DELIVER_FAILED = "DELIVER-ORDER-RESULT-FAILED"
CANCEL_OK = "CANCEL-ORDER-RESULT-OK"
CANCEL_FAILED = "CANCEL-ORDER-RESULT-FAILED"
CANCEL_NOT_FOUND = "CANCEL-ORDER-RESULT-NOT-FOUND"
CANCEL_ALREADY = "CANCEL-ORDER-RESULT-ALREADY-CANCELLED"


@dataclass
class PaymentInput:
    method: str = ""
    amount: int | None = None
    description: str = ""
    branch_number: int | None = None
    external_payment_id: str = ""
    external_reference: str = ""


@dataclass
class TransitionOutcome:
    result: str
    message: str = ""
    order: Order | None = None
    invoice_id: str | None = None
    packing_slip_id: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def _not_found(order_id: str) -> str:
    return f"Order {order_id!r} not found."


def _settle_complete(order: Order) -> None:
    if order.delivered and order.fully_paid:
        order.complete_state = COMPLETE_COMPLETE


def _make_packing_slip(ctx: Ctx, order: Order) -> str:
    slip = ctx.ids.dashed()
    order.packing_slip_ids.append(slip)
    order.delivery_state = DELIVERY_COMPLETE
    ctx.state.packing_slip_seq += 1
    return slip


def _check_payments(ctx: Ctx, payments: list[PaymentInput]) -> str | None:
    for i, p in enumerate(payments, start=1):
        pm = ctx.state.catalogue.payment_method(p.method)
        if pm is None:
            return f"Unknown payment method {p.method!r} (payment {i})."
        if not pm.active:
            return f"Payment method {p.method!r} is not active (payment {i})."
        if p.amount is None:
            return f"Payment {i} has no amount."
        if p.amount <= 0:
            return f"Payment {i} has amount {format_cents(p.amount)}; amounts must be positive."
    return None


def _record_payments(ctx: Ctx, order: Order, payments: list[PaymentInput]) -> None:
    for p in payments:
        pm = ctx.state.catalogue.payment_method(p.method)
        order.payments.append(Payment(
            payment_id=ctx.ids.hex(), financial_date=ctx.now.date(), entry_timestamp=ctx.now,
            branch_number=p.branch_number or order.financial_branch_number, method=p.method,
            description=p.description or (pm.description if pm else ""), amount=p.amount or 0,
            payment_method_type=pm.type if pm else "PAYMENT-METHOD-TYPE-PAYMENT",
            external_payment_id=p.external_payment_id, external_reference=p.external_reference,
        ))


def pay_order(ctx: Ctx, order_id: str, prepay: bool, payments: list[PaymentInput]) -> TransitionOutcome:
    order = ctx.state.orders.get(order_id)
    if order is None:
        return TransitionOutcome(PAY_FAILED, _not_found(order_id))
    if order.invoiced:
        return TransitionOutcome(PAY_INVOICED, "The order is already invoiced.", order)
    if order.cancelled:
        return TransitionOutcome(PAY_FAILED, "The order is cancelled and cannot be paid.", order)
    problem = _check_payments(ctx, payments)
    if problem:
        return TransitionOutcome(PAY_FAILED, problem, order)
    paid = sum(p.amount or 0 for p in payments)
    outstanding = order.total_incl - order.prepaid_amount
    if prepay:
        if not payments:
            return TransitionOutcome(PAY_FAILED, "A deposit needs at least one payment.", order)
        if paid > outstanding:
            return TransitionOutcome(
                PAY_FAILED, f"The deposit of {format_cents(paid)} exceeds the outstanding amount of "
                            f"{format_cents(outstanding)}.", order)
        _record_payments(ctx, order, payments)
        order.prepaid_amount += paid
        ctx.touch(order)
        return TransitionOutcome(PAY_OK, "", order)
    if paid < outstanding:
        return TransitionOutcome(
            PAY_INSUFFICIENT, f"Payments total {format_cents(paid)} but {format_cents(outstanding)} is "
                              "outstanding "
                              f"(order total {format_cents(order.total_incl)}, prepaid "
                              f"{format_cents(order.prepaid_amount)}).", order)
    _record_payments(ctx, order, payments)
    # Overpayment is accepted like change at a till: prepaidAmount caps at the total.
    order.prepaid_amount = order.total_incl
    order.fully_paid = True
    slip = None if order.delivered else _make_packing_slip(ctx, order)
    invoice = ctx.ids.dashed()
    order.invoice_ids.append(invoice)
    ctx.state.invoice_seq += 1
    _settle_complete(order)
    ctx.touch(order)
    return TransitionOutcome(PAY_OK, "", order, invoice_id=invoice, packing_slip_id=slip)


def deliver_order(ctx: Ctx, order_id: str) -> TransitionOutcome:
    order = ctx.state.orders.get(order_id)
    if order is None:
        return TransitionOutcome(DELIVER_FAILED, _not_found(order_id))
    if order.cancelled:
        return TransitionOutcome(DELIVER_FAILED, "The order is cancelled and cannot be delivered.", order)
    if order.delivered:
        return TransitionOutcome(DELIVER_ALREADY, "The order has already been delivered.", order)
    slip = _make_packing_slip(ctx, order)
    _settle_complete(order)
    ctx.touch(order)
    return TransitionOutcome(DELIVER_OK, "", order, packing_slip_id=slip)


def cancel_order(ctx: Ctx, order_id: str) -> TransitionOutcome:
    order = ctx.state.orders.get(order_id)
    if order is None:
        return TransitionOutcome(CANCEL_NOT_FOUND, _not_found(order_id))
    if order.cancelled:
        return TransitionOutcome(CANCEL_ALREADY, "The order is already cancelled.", order)
    if order.invoiced:
        return TransitionOutcome(CANCEL_FAILED, "The order is invoiced and cannot be cancelled.", order)
    if order.delivered:
        return TransitionOutcome(CANCEL_FAILED, "The order has been delivered and cannot be cancelled.",
                                 order)
    category = ctx.state.catalogue.category(order.order_category_number or 0)
    if category is not None and not category.allow_cancel:
        return TransitionOutcome(
            CANCEL_FAILED, f"Orders in category {category.description!r} cannot be cancelled.", order)
    order.cancel_state = CANCEL_COMPLETE
    ctx.touch(order)
    return TransitionOutcome(CANCEL_OK, "", order)
