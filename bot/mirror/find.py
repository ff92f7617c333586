"""``/order find <text>``: whatever a person knows about an order, to the order (or its customer).

Tried in this order, first hit wins:

1. an order number, ``2026-42`` or ``42`` (this year's);
2. a 32-character order id;
3. an external order id (the mirror, then findOrder for ids that look like ids);
4. free text over relations (name, company, contact, e-mail, phone, postcode, city) and order
   references: orders of the matching customers, open first, then newest.

A single order found is returned as Mplus has it *now* (getOrder), since its card offers actions.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, SkipValidation

from bot.marks import N_, Said
from bot.mirror import queries
from bot.mirror.health import health
from bot.mirror.models import MirrorOrder, MirrorRelation
from bot.mirror.normalise import looks_like_phone, query_tokens
from bot.mplus.client import MplusClient
from bot.mplus.errors import NotFound
from bot.mplus.models import Order, OrderQuery, YearNumber
from bot.store.db import Database

FULL_NUMBER = re.compile(r"^(\d{4})-(\d{1,9})$")
SHORT_NUMBER = re.compile(r"^\d{1,9}$")
ORDER_ID = re.compile(r"^[0-9a-fA-F]{32}$")
MAX_EXT_ID = 100
MAX_FIND_TEXT = 200
FIND_LIMIT = 20


class FindKind(StrEnum):
    ORDER = "order"
    ORDERS = "orders"
    CUSTOMERS = "customers"
    NOTHING = "nothing"


class FindOutcome(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: FindKind
    query: str
    searched: list[SkipValidation[str]]  # kept as given: each a ``Said``
    """What was looked for, in words ("order number 2026-42", "customers and references …"): marked
    texts (``Said``), so the reply says them in the reader's language."""
    order: Order | None = None
    orders: list[MirrorOrder] = []
    relations: list[MirrorRelation] = []
    more: bool = False
    """More matched than are shown."""
    mirror_incomplete: bool = False
    """The mirror's first sync is still running: free text may miss what it has not read yet."""


def find(db: Database, mplus: MplusClient, text: str, today: date) -> FindOutcome:
    text = " ".join(text.split())[:MAX_FIND_TEXT]
    searched: list[str] = []
    full = FULL_NUMBER.match(text)
    if full:
        number = YearNumber(year=int(full[1]), number=int(full[2]))
        searched.append(Said(N_("order number {number}"), number=number))
        return _one(text, searched, _by_number(db, mplus, number))
    if SHORT_NUMBER.match(text):
        number = YearNumber(year=today.year, number=int(text))
        searched.append(Said(N_("order number {number}"), number=number))
        order = _by_number(db, mplus, number)
        if order is not None:
            return _one(text, searched, order)
    elif ORDER_ID.match(text):
        searched.append(N_("order id"))
        return _one(text, searched, _by_id(mplus, text.lower()))
    if " " not in text and len(text) <= MAX_EXT_ID:
        searched.append(N_("external order id"))
        order = _by_ext_id(db, mplus, text, ask_mplus=not looks_like_phone(text))
        if order is not None:
            return _one(text, searched, order)
    return _free_text(db, mplus, text, searched)


def _free_text(db: Database, mplus: MplusClient, text: str, searched: list[str]) -> FindOutcome:
    incomplete = health(db)["first_sync"] != "done"
    if not query_tokens(text):
        return FindOutcome(kind=FindKind.NOTHING, query=text, searched=searched, mirror_incomplete=incomplete)
    searched.append(
        N_("customers (name, company, contact, e-mail, phone, postcode, city) and order references")
    )
    orders = queries.search_orders(db, text, FIND_LIMIT + 1)
    more = len(orders) > FIND_LIMIT
    orders = orders[:FIND_LIMIT]
    if len(orders) == 1:
        order = _by_id(mplus, orders[0].order_id)
        if order is not None:
            return _one(text, searched, order)
    if orders:
        return FindOutcome(
            kind=FindKind.ORDERS,
            query=text,
            searched=searched,
            orders=orders,
            more=more,
            mirror_incomplete=incomplete,
        )
    relations = queries.search_relations(db, text, FIND_LIMIT + 1)
    if relations:
        return FindOutcome(
            kind=FindKind.CUSTOMERS,
            query=text,
            searched=searched,
            relations=relations[:FIND_LIMIT],
            more=len(relations) > FIND_LIMIT,
            mirror_incomplete=incomplete,
        )
    return FindOutcome(kind=FindKind.NOTHING, query=text, searched=searched, mirror_incomplete=incomplete)


def _one(text: str, searched: list[str], order: Order | None) -> FindOutcome:
    if order is None:
        return FindOutcome(kind=FindKind.NOTHING, query=text, searched=searched)
    return FindOutcome(kind=FindKind.ORDER, query=text, searched=searched, order=order)


def _by_number(db: Database, mplus: MplusClient, number: YearNumber) -> Order | None:
    for known in queries.orders_by_key(db, year=number.year, number=number.number):
        order = _by_id(mplus, known.order_id)
        if order is not None:
            return order
    # Not mirrored (older than the window, or the mirror is still filling): ask Mplus.
    found = mplus.get_orders(OrderQuery(order_numbers=(number,)))
    return found[0] if found else None


def _by_id(mplus: MplusClient, order_id: str) -> Order | None:
    try:
        return mplus.get_order(order_id)
    except NotFound:
        return None


def _by_ext_id(db: Database, mplus: MplusClient, ext_id: str, *, ask_mplus: bool) -> Order | None:
    for known in queries.orders_by_key(db, ext_order_id=ext_id):
        order = _by_id(mplus, known.order_id)
        if order is not None:
            return order
    if not ask_mplus or ext_id.isalpha():
        return None  # a plain word is a name, not an id: spare Mplus the call
    try:
        return mplus.find_order(ext_id)
    except NotFound:
        return None
