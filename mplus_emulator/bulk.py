"""The demo seed's larger catalogue and relation list, and fast bulk generation of relations and articles.

Bulk generation builds models directly (the createRelation rule looks for the highest number on every call,
which is fine for one relation and quadratic for 100 000), but follows the same marker rules.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from .catalogue import VAT_HIGH, VAT_LOW
from .model import Article, Relation, State
from .names import (
    ARTICLE_FAMILIES,
    NAMED_RELATIONS,
    company,
    ean13,
    filler_article_name,
    person,
)
from .products import stamp
from .relations import RelationInput, create_relation, next_relation_marker

DEMO_RELATIONS = 150
DEMO_ARTICLES = 200
FIRST_DEMO_ARTICLE = 4001
FIRST_DEMO_PRODUCT = 40001
_VAT = {"low": VAT_LOW, "high": VAT_HIGH}


def ago(now: datetime, days: int, hours: int = 0) -> datetime:
    """Go back in real time, kept in UTC: an Amsterdam wall-clock moment in the ambiguous DST hour
    does not survive the JSON round trip of --state (rendering converts to Amsterdam anyway)."""
    return now.astimezone(UTC) - timedelta(days=days, hours=hours)


def add_article(state: State, now: datetime, number: int, text: str, price: int, vat: tuple[int, int],
                group: int, product_number: int = 0, active: bool = True) -> Article:
    article = Article(number=number, text=text, price=price, vat_code=vat[0], vat_percentage=vat[1],
                      turnover_group=group, product_number=product_number, plu=str(number),
                      barcodes=[ean13(number)], active=active)
    state.catalogue.articles.append(article)
    stamp(state, article, now)
    return article


def seed_demo_articles(state: State, now: datetime, rng: random.Random) -> None:
    """Families with variants (one product, several articles), then single articles up to DEMO_ARTICLES."""
    number = FIRST_DEMO_ARTICLE
    for i, (family, variants, base, vat, group) in enumerate(ARTICLE_FAMILIES):
        product = FIRST_DEMO_PRODUCT + i if len(variants) > 1 else 0
        for k, variant in enumerate(variants):
            price = base + k * rng.choice((0, 100, 250, 500))
            add_article(state, ago(now, rng.randint(30, 400)), number, f"{family} {variant}",
                        price, _VAT[vat], group, product)
            number += 1
    seen = {a.text for a in state.catalogue.articles}
    while len(state.catalogue.articles) < DEMO_ARTICLES:
        text = filler_article_name(rng)
        if text in seen:
            continue
        seen.add(text)
        # Every 40th filler is no longer sold: inactive articles must not be offered.
        add_article(state, ago(now, rng.randint(30, 400)), number, text,
                    rng.randint(199, 4999), VAT_LOW if rng.random() < 0.5 else VAT_HIGH,
                    rng.choice((10, 11, 12, 20, 21)), active=number % 40 != 0)
        number += 1


def seed_demo_relations(state: State, now: datetime, rng: random.Random) -> None:
    rows = list(NAMED_RELATIONS)
    emails = {r.texts.get("email") for r in state.relations.values()} | {r["email"] for r in rows}
    while len(state.relations) + len(rows) < DEMO_RELATIONS:
        row = company(rng, 0) if rng.random() < 0.25 else person(rng, 0)
        if row["email"] not in emails:  # two people never share an address by accident in the demo
            emails.add(row["email"])
            rows.append(row)
    for i, row in enumerate(rows):
        texts = {k: str(v) for k, v in row.items() if k != "categoryId"}
        texts.setdefault("country", "NL")
        created = ago(now, 90 - i * 90 // len(rows), rng.randint(0, 8))
        out = create_relation(state, RelationInput(texts=texts, category_id=int(row["categoryId"])), created)
        # A few customers left: Mplus reports them inactive (a mirror must not offer them).
        if out.relation is not None and i % 50 == 49:
            out.relation.active = False


def generate_relations(state: State, now: datetime, count: int, rng: random.Random) -> int:
    """Append `count` relations with fresh numbers and markers (benches: 100 000 in a few seconds)."""
    number = max(state.relations, default=0)
    for k in range(count):
        number += 1
        row = company(rng, number) if k % 5 == 4 else person(rng, number)
        texts = {key: str(v) for key, v in row.items() if key != "categoryId"}
        texts["country"] = "NL"
        state.relations[number] = Relation(
            relation_number=number, sync_marker=next_relation_marker(state), create_timestamp=now,
            change_timestamp=now, active=True, category_id=int(row["categoryId"]), texts=texts,
        )
    return count


def generate_articles(state: State, now: datetime, count: int, rng: random.Random) -> int:
    """Append `count` articles with fresh numbers, PLUs, barcodes and markers."""
    number = max((a.number for a in state.catalogue.articles), default=0)
    for _ in range(count):
        number += 1
        add_article(state, now, number, f"{filler_article_name(rng)} #{number}", rng.randint(99, 19999),
                    VAT_LOW if rng.random() < 0.5 else VAT_HIGH, rng.choice((10, 11, 12, 20, 21)))
    return count
