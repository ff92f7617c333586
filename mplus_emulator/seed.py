"""Fresh states for the `demo` and `empty` seeds, and bulk order generation for paging tests.

Everything goes through the same rule functions as SOAP calls, so markers, numbers and totals are consistent.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from .bulk import ago, seed_demo_articles, seed_demo_relations
from .catalogue import RELATIONS, build_catalogue
from .context import Ctx, Ids
from .model import Order, State
from .names import NAMED_RELATIONS
from .orders import LineInput, OrderInput, create_order
from .products import stamp
from .relations import RelationInput, create_relation
from .transitions import PaymentInput, cancel_order, deliver_order, pay_order

SEEDS = ("demo", "empty")
DEMO_ORDERS = 50
_DEMO_RANDOM_SEED = 20260101
_WEIGHT_ARTICLE = 1004  # sold per kg, so the demo has fractional quantities


def fresh_state(seed: str, now: datetime) -> State:
    if seed not in SEEDS:
        raise ValueError(f"unknown seed {seed!r}; choose one of {', '.join(SEEDS)}")
    state = State(seed=seed, catalogue=build_catalogue())
    rng = random.Random(_DEMO_RANDOM_SEED)
    for a in state.catalogue.articles:
        stamp(state, a, ago(now, 400))
    for i, row in enumerate(RELATIONS):
        texts = {k: str(v) for k, v in row.items() if k != "categoryId"}
        texts.setdefault("country", "NL")
        created = now - timedelta(days=120 - i * 3, hours=rng.randint(0, 8))
        category = row.get("categoryId")
        create_relation(state, RelationInput(texts=texts, category_id=int(category) if category else None),
                        created)
    if seed == "demo":
        # A separate generator, so the small relations above stay the same whatever the demo adds.
        extra = random.Random(_DEMO_RANDOM_SEED + 2)
        seed_demo_relations(state, now, extra)
        seed_demo_articles(state, now, extra)
        _seed_demo_orders(state, now, rng)
    return state


def _random_lines(rng: random.Random, state: State) -> list[LineInput]:
    articles = rng.sample([a for a in state.catalogue.articles if a.active], rng.randint(1, 4))
    lines = []
    for a in articles:
        if a.number == _WEIGHT_ARTICLE:
            lines.append(LineInput(article_number=a.number, quantity=rng.randint(250, 2500),
                                   decimal_places=3))
        else:
            lines.append(LineInput(article_number=a.number, quantity=rng.choice((1, 1, 1, 2, 2, 3, 6))))
    return lines


def _business_time(rng: random.Random, now: datetime, days_ago: int) -> datetime:
    moment = (now - timedelta(days=days_ago)).replace(hour=rng.randint(9, 17), minute=rng.randint(0, 59),
                                                      second=rng.randint(0, 59))
    return min(moment, now - timedelta(minutes=5))


# Fates and the follow-up actions each needs: (action, hours after creation).
_FATES: dict[str, list[tuple[str, int]]] = {
    "open": [],
    "deposit": [("deposit", 2)],
    "paid": [("pay", 3)],
    "delivered": [("deliver", 20)],
    "cancelled": [("cancel", 6)],
    "complete": [("deposit", 1), ("deliver", 24), ("pay", 30)],
}
_FATE_WEIGHTS = {"open": 14, "deposit": 7, "paid": 8, "delivered": 8, "cancelled": 5, "complete": 8}


def _seed_demo_orders(state: State, now: datetime, rng: random.Random) -> None:
    ids = Ids(random.Random(_DEMO_RANDOM_SEED + 1))
    fates = rng.choices(list(_FATE_WEIGHTS), weights=list(_FATE_WEIGHTS.values()), k=DEMO_ORDERS)
    customers = [n for n, r in state.relations.items() if r.active]
    named = {str(row["name"]) for row in NAMED_RELATIONS}
    regulars = [n for n in customers if state.relations[n].name in named]
    plans = []
    for i, fate in enumerate(fates):
        created = _business_time(rng, now, rng.randint(0, 27))
        category = rng.choice((1, 1, 1, 2, 2, 3, 4)) if fate != "cancelled" else rng.choice((1, 2, 3))
        inp = OrderInput(
            # The named demo customers (Zoë van den Berg, …) always have an order to find.
            ext_order_id=f"WS-{10001 + i}",
            relation_number=regulars[i] if i < len(regulars) else rng.choice(customers),
            reference=rng.choice(("", "", "Cadeau", "Graag bellen bij aflevering",
                                  f"PO-{rng.randint(100, 999)}")),
            financial_branch_number=rng.choice((1, 2, 3, 3)),
            delivery_method=rng.choice(("PICKUP", "POSTNL", "POSTNL", "DHL", "COURIER")),
            delivery_date=(created + timedelta(days=rng.randint(1, 7))).date(),
            order_category_number=category, lines=_random_lines(rng, state),
        )
        plans.append((created, fate, inp))
    events: list[tuple[datetime, int, str]] = []
    for i, (created, fate, _inp) in enumerate(plans):
        events.append((created, i, "create"))
        for action, hours in _FATES[fate]:
            events.append((min(created + timedelta(hours=hours), now - timedelta(minutes=1)), i, action))
    created_orders: dict[int, Order] = {}
    # Apply in time order so the global sync marker follows the (simulated) wall clock.
    for moment, i, action in sorted(events, key=lambda e: (e[0], e[1])):
        ctx = Ctx(state, moment, ids)
        if action == "create":
            out = create_order(ctx, plans[i][2])
            if out.order is not None:
                created_orders[i] = out.order
            continue
        order = created_orders.get(i)
        if order is None:
            continue
        if action == "deposit":
            amount = max(100, order.total_incl // 2 // 100 * 100)
            pay_order(ctx, order.order_id, True, [PaymentInput(method="IDEAL", amount=amount)])
        elif action == "pay":
            method = rng.choice(("PIN", "CASH", "IDEAL", "BANK"))
            pay_order(ctx, order.order_id, False,
                      [PaymentInput(method=method, amount=order.total_incl - order.prepaid_amount)])
        elif action == "deliver":
            deliver_order(ctx, order.order_id)
        elif action == "cancel":
            cancel_order(ctx, order.order_id)


def generate_orders(ctx: Ctx, count: int, lines: int = 3, relation_number: int | None = None,
                    days: int = 0, mixed: bool = False) -> int:
    """Create `count` orders quickly (paging tests and benches); returns how many were created.

    By default every order is open and dated today. `days` spreads financial dates (and entry times) evenly
    over that many past days, oldest first; `mixed` settles a share of them (deposit, paid, delivered,
    cancelled) so that lists and searches over generated data meet every state.
    """
    state = ctx.state
    relations = [relation_number] if relation_number else sorted(state.relations)
    articles = [a.number for a in state.catalogue.articles if a.active]
    created = 0
    for k in range(count):
        ext = f"GEN-{state.order_seq + 1}"
        while ext in state.ext_order_ids:
            ext += "x"
        moment = ctx.now - timedelta(days=days * (count - k) / count) if days and count else ctx.now
        here = Ctx(state, moment, ctx.ids)
        inp = OrderInput(
            ext_order_id=ext, relation_number=relations[(k * 7919) % len(relations)],
            financial_date=moment.date() if days else None,
            financial_branch_number=1 + k % 3 if mixed else None,
            lines=[LineInput(article_number=articles[(k * 31 + j) % len(articles)], quantity=1 + (k + j) % 3)
                   for j in range(max(1, lines))],
        )
        order = create_order(here, inp).order
        if order is None:
            continue
        created += 1
        if mixed:
            _settle(here, order, k % 10)
    return created


def _settle(ctx: Ctx, order: Order, fate: int) -> None:
    """Fates 0–3 stay open, 4 deposit, 5–6 paid (and so delivered), 7 delivered unpaid, 8 cancelled,
    9 deposit then delivered."""
    if fate in (4, 9):
        deposit = PaymentInput(method="IDEAL", amount=max(1, order.total_incl // 2))
        pay_order(ctx, order.order_id, True, [deposit])
    if fate in (5, 6):
        pay_order(ctx, order.order_id, False, [PaymentInput(method="PIN", amount=order.total_incl)])
    if fate in (7, 9):
        deliver_order(ctx, order.order_id)
    if fate == 8:
        cancel_order(ctx, order.order_id)
