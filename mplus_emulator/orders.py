"""Order rules for createOrder and updateOrder: validation, server-side totals, numbering."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .context import Ctx
from .model import Article, Line, Order, State
from .pricing import build_line, format_cents

CREATE_OK = "CREATE-ORDER-RESULT-OK"
CREATE_EXISTS = "CREATE-ORDER-RESULT-EXT-ORDER-ID-ALREADY-EXISTS"
CREATE_FAILED = "CREATE-ORDER-RESULT-FAILED"
UPDATE_OK = "UPDATE-ORDER-RESULT-OK"
UPDATE_NOT_FOUND = "UPDATE-ORDER-RESULT-NOT-FOUND"
UPDATE_HAS_CHANGED = "UPDATE-ORDER-RESULT-ORDER-HAS-CHANGED"
UPDATE_NO_CHANGES = "UPDATE-ORDER-RESULT-NO-CHANGES"
UPDATE_FAILED = "UPDATE-ORDER-RESULT-FAILED"
# The exact text older servers used; the PHP client recognises it.
NO_CHANGES_MESSAGE = "Order not saved because there were no changes in the order."
MAX_DECIMAL_PLACES = 6


@dataclass
class LineInput:
    article_number: int | None = None
    text: str | None = None
    quantity: int | None = None
    decimal_places: int | None = None
    price: int | None = None
    discount_percentage: int | None = None
    discount_amount: int | None = None


@dataclass
class OrderInput:
    order_id: str = ""
    ext_order_id: str = ""
    relation_number: int | None = None
    reference: str | None = None
    financial_date: date | None = None
    financial_branch_number: int | None = None
    entry_branch_number: int | None = None
    employee_number: int | None = None
    delivery_method: str | None = None
    delivery_date: date | None = None
    order_category_number: int | None = None
    change_counter: int | None = None
    version_number: int | None = None
    lines: list[LineInput] = field(default_factory=list)


@dataclass
class Outcome:
    result: str
    message: str = ""
    order: Order | None = None


@dataclass
class _Content:
    """The effective, validated content of a create or update request."""

    ext_order_id: str
    relation_number: int
    reference: str
    delivery_method: str
    delivery_date: date | None
    order_category_number: int | None
    financial_branch_number: int
    lines: list[tuple[Article, str, int, int, int]]  # article, text, quantity, decimalPlaces, price

    def key(self) -> tuple[object, ...]:
        return (self.ext_order_id, self.relation_number, self.reference, self.delivery_method,
                self.delivery_date, self.order_category_number, self.financial_branch_number,
                tuple((a.number, q, d, p, t) for a, t, q, d, p in self.lines))


def _order_key(order: Order) -> tuple[object, ...]:
    return (order.ext_order_id, order.relation_number, order.reference, order.delivery_method,
            order.delivery_date, order.order_category_number, order.financial_branch_number,
            tuple((ln.article_number, ln.quantity, ln.decimal_places, ln.price, ln.text)
                  for ln in order.lines))


def _validate_lines(state: State, lines: list[LineInput]) -> list[tuple[Article, str, int, int, int]] | str:
    if not lines:
        return "The order has no lines; at least one line is required."
    out: list[tuple[Article, str, int, int, int]] = []
    for i, line in enumerate(lines, start=1):
        if not line.article_number:
            return f"Line {i} has no article number."
        article = state.catalogue.article(line.article_number)
        if article is None:
            return f"Unknown article number {line.article_number} (line {i})."
        quantity = 1 if line.quantity is None else line.quantity
        decimal_places = line.decimal_places or 0
        if quantity <= 0:
            return f"Line {i} (article {article.number}) has quantity {quantity}; it must be positive."
        if not 0 <= decimal_places <= MAX_DECIMAL_PLACES:
            return f"Line {i} has decimalPlaces {decimal_places}; allowed are 0 to {MAX_DECIMAL_PLACES}."
        price = article.price if line.price is None else line.price
        if price < 0:
            return f"Line {i} (article {article.number}) has a negative price."
        if line.discount_percentage or line.discount_amount:
            return f"Line {i}: discounts are not supported by the emulator."
        text = line.text if line.text else article.text
        out.append((article, text, quantity, decimal_places, price))
    return out


def _validate(state: State, inp: OrderInput, current: Order | None) -> _Content | str:
    ext_id = inp.ext_order_id.strip() or (current.ext_order_id if current else "")
    if not ext_id:
        return "extOrderId is required."
    if not inp.relation_number:
        return "relationNumber is required: every order needs a relation."
    if inp.relation_number not in state.relations:
        return f"Relation {inp.relation_number} not found."
    lines = _validate_lines(state, inp.lines)
    if isinstance(lines, str):
        return lines
    method = (inp.delivery_method or "").strip()
    if method:
        dm = state.catalogue.delivery_method(method)
        if dm is None:
            return f"Unknown delivery method {method!r}."
        if not dm.enabled:
            return f"Delivery method {method!r} is disabled."
    category = inp.order_category_number or None
    if category is not None and state.catalogue.category(category) is None:
        return f"Unknown order category {category}."
    branch = inp.financial_branch_number or (current.financial_branch_number if current else 0) \
        or inp.entry_branch_number or state.catalogue.default_branch
    if state.catalogue.branch(branch) is None:
        return f"Unknown branch {branch}."
    return _Content(ext_order_id=ext_id, relation_number=inp.relation_number, reference=inp.reference or "",
                    delivery_method=method, delivery_date=inp.delivery_date, order_category_number=category,
                    financial_branch_number=branch, lines=lines)


def _build_lines(ctx: Ctx, content: _Content, previous: list[Line]) -> list[Line]:
    lines = []
    for i, (article, text, quantity, decimal_places, price) in enumerate(content.lines):
        # Keep a line's id when the same article stays at the same position, so clients can track lines.
        same = i < len(previous) and previous[i].article_number == article.number
        line_id = previous[i].line_id if same else ctx.ids.hex()
        lines.append(build_line(line_id, article, text, quantity, decimal_places, price))
    return lines


def _apply(order: Order, content: _Content, lines: list[Line]) -> None:
    order.ext_order_id = content.ext_order_id
    order.relation_number = content.relation_number
    order.reference = content.reference
    order.delivery_method = content.delivery_method
    order.delivery_date = content.delivery_date
    order.order_category_number = content.order_category_number
    order.financial_branch_number = content.financial_branch_number
    order.lines = lines
    order.total_incl = sum(ln.total_incl for ln in lines)
    order.total_excl = sum(ln.total_excl for ln in lines)


def create_order(ctx: Ctx, inp: OrderInput | None) -> Outcome:
    state = ctx.state
    if inp is None:
        return Outcome(CREATE_FAILED, "No order given.")
    ext_id = inp.ext_order_id.strip()
    if ext_id and ext_id in state.ext_order_ids:
        return Outcome(CREATE_EXISTS, f"An order with extOrderId {ext_id!r} already exists.")
    content = _validate(state, inp, None)
    if isinstance(content, str):
        return Outcome(CREATE_FAILED, content)
    year = ctx.now.year
    number = state.order_numbers.get(year, 0) + 1
    state.order_numbers[year] = number
    order = Order(
        order_id=ctx.ids.hex(), ext_order_id=content.ext_order_id, sync_marker=0,
        entry_branch_number=inp.entry_branch_number or content.financial_branch_number,
        employee_number=inp.employee_number or 0, entry_timestamp=ctx.now,
        relation_number=content.relation_number, financial_date=inp.financial_date or ctx.now.date(),
        financial_branch_number=content.financial_branch_number, order_year=year, order_number=number,
    )
    _apply(order, content, _build_lines(ctx, content, []))
    ctx.touch(order, counted=False)
    state.orders[order.order_id] = order
    state.ext_order_ids[order.ext_order_id] = order.order_id
    return Outcome(CREATE_OK, "", order)


def update_order(ctx: Ctx, inp: OrderInput | None) -> Outcome:
    state = ctx.state
    if inp is None:
        return Outcome(UPDATE_FAILED, "No order given.")
    order = state.orders.get(inp.order_id.strip())
    if order is None:
        return Outcome(UPDATE_NOT_FOUND, f"Order {inp.order_id!r} not found.")
    if order.cancelled:
        return Outcome(UPDATE_FAILED, "The order is cancelled and can no longer be changed.", order)
    if order.invoiced:
        return Outcome(UPDATE_FAILED, "The order is invoiced and can no longer be changed.", order)
    if (inp.change_counter is not None and inp.change_counter != order.change_counter) or (
            inp.version_number is not None and inp.version_number != order.version_number):
        return Outcome(UPDATE_HAS_CHANGED,
                       "Order has changed. Please send up-to-date version versionNumber and changeCounter "
                       f"(current versionNumber {order.version_number}, "
                       f"changeCounter {order.change_counter}).",
                       order)
    content = _validate(state, inp, order)
    if isinstance(content, str):
        return Outcome(UPDATE_FAILED, content, order)
    new_ext = content.ext_order_id
    if new_ext != order.ext_order_id and new_ext in state.ext_order_ids:
        return Outcome(UPDATE_FAILED, f"extOrderId {new_ext!r} is already used by another order.", order)
    financial_date = inp.financial_date or order.financial_date
    if content.key() == _order_key(order) and financial_date == order.financial_date:
        return Outcome(UPDATE_NO_CHANGES, NO_CHANGES_MESSAGE, order)
    lines = _build_lines(ctx, content, order.lines)
    new_total = sum(ln.total_incl for ln in lines)
    if new_total < order.prepaid_amount:
        return Outcome(UPDATE_FAILED, f"The new total {format_cents(new_total)} is below the amount already "
                                      f"prepaid ({format_cents(order.prepaid_amount)}).", order)
    _apply(order, content, lines)
    order.financial_date = financial_date
    order.version_number += 1
    ctx.touch(order)
    # Old ext ids stay reserved: an extOrderId can never be reused.
    state.ext_order_ids[new_ext] = order.order_id
    return Outcome(UPDATE_OK, "", order)
