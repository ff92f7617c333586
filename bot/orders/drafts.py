"""Order form values → a validated NewOrder / OrderChange, or one specific message per bad field.

Pure and fast on purpose: this runs inside Slack's 3 s view_submission ack, so every refusal here
can be shown on the field itself (``response_action: errors``) before Mplus is asked anything.
Values arrive as the strings people typed; money and quantities go through ``bot.mplus.money`` so
the form accepts exactly what the rest of the bot accepts (``12,50``, ``1.234,56``, ``0,530``).
"""

from __future__ import annotations

import re
import secrets
import string
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from bot.marks import N_, Said
from bot.mplus.models import NewOrder, NewOrderLine, Order, OrderChange
from bot.mplus.money import MAX_QUANTITY, MoneyError, format_quantity, parse_cents, parse_quantity
from bot.orders.chars import CONTROL_CHAR_TEXT, has_control_chars, strip_bidi

EXT_ID_MAX = 64
REFERENCE_MAX = 200
LINE_TEXT_MAX = 250
BRANCH_MAX = 9999
ARTICLE_DIGITS_MAX = 15
_ARTICLE = re.compile(rf"[1-9][0-9]{{0,{ARTICLE_DIGITS_MAX - 1}}}")  # ASCII digits only
EXT_ID_PREFIX = "SLACK"

# User-facing texts of the form: marked (``Said`` where they carry values), so the Slack layer says
# them in the reader's language. Plain text: views escape whatever they show.
NO_RELATION = N_("Choose a relation: type part of its name or its number, then pick it from the list.")
BAD_RELATION = N_("That relation is not one Orderbot offered. Pick the relation from the list again.")
NO_EXT_ID = N_("Give the order an external id, e.g. SLACK-20260101-AB12.")
EXT_ID_TOO_LONG = Said(N_("The external id can be at most {n} characters."), n=EXT_ID_MAX)
EXT_ID_SPACES = N_("The external id cannot contain spaces or line breaks.")
NO_LINES = N_("Add at least one line with an article number and a quantity.")
MAX_FORM_LINES = 10
"""Order lines in one form: 5 blocks each keeps Slack's modal far below its 100 blocks."""
TOO_MANY_LINES = Said(N_("An order made here can have at most {n} lines."), n=MAX_FORM_LINES)
NO_ARTICLE = N_("Pick the article: type part of its name, its number, PLU or barcode, then choose it.")
NEW_CUSTOMER_PENDING = N_(
    "The new customer was not created yet. Pick “➕ New customer…” again, or an existing relation."
)
NEW_CUSTOMER_VALUE = "new:"
"""Value prefix of the type-ahead's "New customer" entry (what was typed follows)."""
NO_QUANTITY = N_("Type a quantity, e.g. 2 or 1,5.")
LINE_TEXT_TOO_LONG = Said(N_("The line text can be at most {n} characters."), n=LINE_TEXT_MAX)
REFERENCE_TOO_LONG = Said(N_("The reference can be at most {n} characters."), n=REFERENCE_MAX)
BAD_BRANCH = Said(N_("The branch is a number from 1 to {n}, e.g. 1."), n=BRANCH_MAX)
BAD_DATE = N_("Pick the delivery date with the date picker.")
BAD_CATEGORY = N_("Pick the order category from the list again.")


def bad_article(raw: str) -> str:
    return Said(
        N_("{text} is not an article number — use the number from Mplus, e.g. 1001."),
        text=f'"{raw.strip()[:30]}"',
    )


class FormField(StrEnum):
    RELATION = "relation"
    EXT_ORDER_ID = "ext_order_id"
    ARTICLE = "article"
    QUANTITY = "quantity"
    PRICE = "price"
    TEXT = "text"
    DELIVERY_METHOD = "delivery_method"
    CATEGORY = "category"
    DELIVERY_DATE = "delivery_date"
    REFERENCE = "reference"
    BRANCH = "branch"


LINE_FIELDS = (FormField.ARTICLE, FormField.QUANTITY, FormField.PRICE, FormField.TEXT)


class FieldRef(NamedTuple):
    """One field of the form; ``line`` is the line slot's key for the per-line fields."""

    field: FormField
    line: int | None = None


FieldErrors = dict[FieldRef, str]


class RelationChoice(BaseModel):
    model_config = ConfigDict(frozen=True)

    number: int
    label: str
    """Plain text as shown in the select, e.g. ``Jan de Vries (#1)``."""


def relation_label(name: str, number: int) -> str:
    name = " ".join(name.split())
    return f"{name} (#{number})" if name else f"#{number}"


class LineDraft(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: int
    article: str = ""
    article_label: str = ""
    """How the article type-ahead showed the chosen article (to show it again when the form redraws)."""
    quantity: str = ""
    price: str = ""
    text: str = ""

    @property
    def blank(self) -> bool:
        return not (self.article.strip() or self.quantity.strip() or self.price.strip() or self.text.strip())


class OrderDraft(BaseModel):
    """What the form holds, as typed; also used to fill the form in again."""

    model_config = ConfigDict(frozen=True)

    relation: RelationChoice | None = None
    relation_value: str | None = None
    """The raw value of the chosen option when it was not a relation number (a forged request)."""
    ext_order_id: str = ""
    lines: tuple[LineDraft, ...] = (LineDraft(key=0),)
    delivery_method: str | None = None
    category: str | None = None
    delivery_date: str | None = None
    reference: str = ""
    branch: str = ""


class ValidOrder(BaseModel):
    """A draft that passed every check the bot can make without asking Mplus."""

    model_config = ConfigDict(frozen=True)

    relation_number: int
    ext_order_id: str
    lines: tuple[NewOrderLine, ...]
    line_keys: tuple[int, ...]
    """The form slot each line came from, so an Mplus refusal can be put back on the right line."""
    delivery_method: str | None = None
    category: int | None = None
    delivery_date: date | None = None
    reference: str = ""
    branch: int | None = None

    def new_order(self) -> NewOrder:
        return NewOrder(
            ext_order_id=self.ext_order_id,
            relation_number=self.relation_number,
            lines=self.lines,
            delivery_method=self.delivery_method,
            delivery_date=self.delivery_date,
            order_category_number=self.category,
            reference=self.reference,
            branch_number=self.branch,
        )

    def change(self, order_id: str, change_counter: int | None, version_number: int | None) -> OrderChange:
        return OrderChange(
            **self.new_order().model_dump(),
            order_id=order_id,
            change_counter=change_counter,
            version_number=version_number,
        )


class Checked(NamedTuple):
    order: ValidOrder | None
    errors: FieldErrors


def _check_line(line: LineDraft, errors: FieldErrors) -> NewOrderLine | None:
    article_raw, quantity_raw = line.article.strip(), line.quantity.strip()
    article: int | None = None
    if not article_raw:
        errors[FieldRef(FormField.ARTICLE, line.key)] = NO_ARTICLE
    elif not _ARTICLE.fullmatch(article_raw):
        errors[FieldRef(FormField.ARTICLE, line.key)] = bad_article(article_raw)
    else:
        article = int(article_raw)
    quantity = None
    if not quantity_raw:
        errors[FieldRef(FormField.QUANTITY, line.key)] = NO_QUANTITY
    else:
        try:
            quantity = parse_quantity(quantity_raw)
        except MoneyError as err:  # its text says what was wrong and how to write it
            errors[FieldRef(FormField.QUANTITY, line.key)] = err.args[0]
    price: int | None = None
    price_ok = True
    if line.price.strip():
        try:
            price = parse_cents(line.price)
        except MoneyError as err:
            errors[FieldRef(FormField.PRICE, line.key)] = err.args[0]
            price_ok = False
    text = line.text.strip()
    if len(text) > LINE_TEXT_MAX:
        errors[FieldRef(FormField.TEXT, line.key)] = LINE_TEXT_TOO_LONG
    if article is None or quantity is None or not price_ok or len(text) > LINE_TEXT_MAX:
        return None
    return NewOrderLine(
        article_number=article,
        quantity=quantity,
        price_cents=price,  # None: Mplus takes the article's catalogue price
        text=strip_bidi(text) or None,  # None: Mplus uses the article's own text
    )


def _check_ext_id(raw: str, errors: FieldErrors) -> str:
    ext = raw.strip()
    if not ext:
        errors[FieldRef(FormField.EXT_ORDER_ID)] = NO_EXT_ID
    elif len(ext) > EXT_ID_MAX:
        errors[FieldRef(FormField.EXT_ORDER_ID)] = EXT_ID_TOO_LONG
    elif any(ch.isspace() for ch in ext):
        errors[FieldRef(FormField.EXT_ORDER_ID)] = EXT_ID_SPACES
    return ext


def _optional_int(raw: str | None, ref: FieldRef, message: str, top: int, errors: FieldErrors) -> int | None:
    value = (raw or "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 7 or not 1 <= int(value) <= top:
        errors[ref] = message
        return None
    return int(value)


def _typed_fields(draft: OrderDraft) -> list[tuple[FieldRef, str]]:
    found = [
        (FieldRef(FormField.EXT_ORDER_ID), draft.ext_order_id),
        (FieldRef(FormField.REFERENCE), draft.reference),
    ]
    for line in draft.lines:
        found += [(FieldRef(name, line.key), getattr(line, name.value)) for name in LINE_FIELDS]
    return found


def validate(draft: OrderDraft, *, require_ext_id: bool = True) -> Checked:
    """Every check that needs no Mplus call; errors are keyed by field (and line) for the form.

    ``require_ext_id`` is False for an edit: the external id is not editable there, and an order
    made at the till may have none (Mplus keeps the current one when it is sent empty).
    """
    errors: FieldErrors = {}
    if draft.relation is None:
        value = draft.relation_value or ""
        pending = value.startswith(NEW_CUSTOMER_VALUE)
        errors[FieldRef(FormField.RELATION)] = (
            NEW_CUSTOMER_PENDING if pending else BAD_RELATION if value else NO_RELATION
        )
    ext = _check_ext_id(draft.ext_order_id, errors) if require_ext_id else draft.ext_order_id.strip()

    filled = [line for line in draft.lines if not line.blank]
    lines: list[NewOrderLine] = []
    if not filled:
        first = draft.lines[0].key if draft.lines else 0
        errors[FieldRef(FormField.ARTICLE, first)] = NO_LINES
    elif len(filled) > MAX_FORM_LINES:
        errors[FieldRef(FormField.ARTICLE, filled[MAX_FORM_LINES].key)] = TOO_MANY_LINES
    for line in filled:
        checked = _check_line(line, errors)
        if checked is not None:
            lines.append(checked)

    category = _optional_int(draft.category, FieldRef(FormField.CATEGORY), BAD_CATEGORY, 10**6, errors)
    branch = _optional_int(draft.branch, FieldRef(FormField.BRANCH), BAD_BRANCH, BRANCH_MAX, errors)
    delivery_date: date | None = None
    if draft.delivery_date:
        try:
            delivery_date = date.fromisoformat(draft.delivery_date)
        except ValueError:
            errors[FieldRef(FormField.DELIVERY_DATE)] = BAD_DATE
    reference = strip_bidi(draft.reference.strip())
    if len(reference) > REFERENCE_MAX:
        errors[FieldRef(FormField.REFERENCE)] = REFERENCE_TOO_LONG
    for ref, value in _typed_fields(draft):
        if has_control_chars(value):
            errors[ref] = CONTROL_CHAR_TEXT

    if errors:
        return Checked(None, errors)
    assert draft.relation is not None
    order = ValidOrder(
        relation_number=draft.relation.number,
        ext_order_id=ext,
        lines=tuple(lines),
        line_keys=tuple(line.key for line in filled),
        delivery_method=(draft.delivery_method or "").strip() or None,
        category=category,
        delivery_date=delivery_date,
        reference=reference,
        branch=branch,
    )
    return Checked(order, {})


# ------------------------------------------------------------------------------ prefill


def suggest_ext_order_id(today: date | None = None) -> str:
    """``SLACK-YYYYMMDD-XXXX``: readable, and random enough that two people rarely pick the same.

    Uniqueness is still checked with findOrder before the order is created.
    """
    day = today or date.today()
    alphabet = string.ascii_uppercase + string.digits
    return f"{EXT_ID_PREFIX}-{day:%Y%m%d}-{''.join(secrets.choice(alphabet) for _ in range(4))}"


def price_text(cents: int) -> str:
    """Cents as people type them: ``1234,56`` (no thousands dots, so it parses back exactly)."""
    euros, rest = divmod(cents, 100)
    return f"{euros},{rest:02d}"


def edit_problem(order: Order) -> str | None:
    """Why this order cannot be edited with the form, or None if it can."""
    number = order.number
    if order.is_cancelled:
        return Said(N_("Order {number} is cancelled, so it can no longer be changed."), number=number)
    if order.is_invoiced:
        return Said(N_("Order {number} is already invoiced, so it can no longer be changed."), number=number)
    if len(order.lines) > MAX_FORM_LINES:
        return Said(
            N_("Order {number} has {n} lines; the form handles at most {top}. Change it in Mplus itself."),
            number=number, n=len(order.lines), top=MAX_FORM_LINES,
        )
    for line in order.lines:
        # The form could not show these faithfully, and saving would silently change them.
        if line.quantity.quantity <= 0 or line.quantity.as_decimal() > MAX_QUANTITY or line.price < 0:
            return Said(N_(
                "Order {number} has a line the form cannot show (a return or a discount line). "
                "Change it in Mplus itself."
            ), number=number)
        if len(line.text) > LINE_TEXT_MAX:
            return Said(
                N_("Order {number} has a line text longer than {n} characters."),
                number=number,
                n=LINE_TEXT_MAX,
            )
    return None


def draft_from_order(order: Order) -> OrderDraft:
    """The form filled in with ``order`` as it is in Mplus (line keys 0, 1, …)."""
    relation = None
    if order.relation_number:
        relation = RelationChoice(
            number=order.relation_number, label=relation_label(order.relation_name, order.relation_number)
        )
    lines = tuple(
        LineDraft(
            key=i,
            article=str(line.article_number),
            article_label=f"{line.text} (#{line.article_number})" if line.text else "",
            quantity=format_quantity(line.quantity),
            price=price_text(line.price),
            text=line.text,
        )
        for i, line in enumerate(order.lines)
    ) or (LineDraft(key=0),)
    return OrderDraft(
        relation=relation,
        ext_order_id=order.ext_order_id,
        lines=lines,
        delivery_method=order.delivery_method or None,
        category=str(order.order_category_number) if order.order_category_number else None,
        delivery_date=order.delivery_date.isoformat() if order.delivery_date else None,
        reference=order.reference,
        branch=str(order.financial_branch_number) if order.financial_branch_number else "",
    )


_LINE_NUMBER = re.compile(r"\bline\s+(\d{1,3})\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d+")


def refusal_fields(message: str, order: ValidOrder) -> FieldErrors:
    """Put an Mplus refusal (its errorMessage) on the form field it is about, where it says so.

    Mplus's texts are not documented, so this only looks for what they reliably contain: an
    article number of one of the lines, "line N", or the word relation / delivery / category /
    branch. Anything else is shown above the form instead (an empty result).
    """
    text = message.strip()
    lower = text.lower()
    if not text:
        return {}
    numbers = {int(n) for n in _NUMBER.findall(text)}
    named = [i for i, line in enumerate(order.lines) if line.article_number in numbers]
    by_position = _LINE_NUMBER.search(text)
    index = None
    if by_position and 1 <= int(by_position[1]) <= len(order.lines):
        index = int(by_position[1]) - 1  # Mplus counts the lines as sent: the filled ones, in order
    elif named:
        index = named[0]
    if index is not None:
        field = FormField.ARTICLE
        if "quantity" in lower or "decimal" in lower:
            field = FormField.QUANTITY
        elif "price" in lower:
            field = FormField.PRICE
        return {FieldRef(field, order.line_keys[index]): text}
    for word, field in (
        ("relation", FormField.RELATION),
        ("delivery method", FormField.DELIVERY_METHOD),
        ("category", FormField.CATEGORY),
        ("branch", FormField.BRANCH),
    ):
        if word in lower:
            return {FieldRef(field): text}
    return {}
