"""Article rules: getProducts filters and sync-marker paging, article markers, edits (test hook)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .model import Article, State

# The official API caps getRelations at 1000 per call; articles get the same default and cap (our choice,
# nothing is published for getProducts).
PRODUCTS_DEFAULT_LIMIT = 1000
PRODUCTS_MAX_LIMIT = 1000


@dataclass
class ProductQuery:
    article_numbers: list[int] = field(default_factory=list)
    group_numbers: list[int] = field(default_factory=list)
    plu_numbers: list[str] = field(default_factory=list)
    product_numbers: list[int] = field(default_factory=list)
    only_active: bool = False
    sync_marker: int | None = None
    sync_marker_limit: int | None = None
    changed_since: datetime | None = None
    include_all_articles_of_selected_products: bool = False


@dataclass
class Product:
    """One product as getProducts answers it: the selected articles grouped under their product number."""

    number: int
    articles: list[Article]

    @property
    def sync_marker(self) -> int:
        return max(a.sync_marker for a in self.articles)

    @property
    def description(self) -> str:
        return self.articles[0].text

    @property
    def group_numbers(self) -> list[int]:
        return sorted({a.turnover_group for a in self.articles})


def next_article_marker(state: State) -> int:
    state.article_seq += 1
    return state.article_seq


def stamp(state: State, article: Article, now: datetime) -> None:
    """Record a change to an article: the next article sync marker and a change timestamp."""
    article.sync_marker = next_article_marker(state)
    article.change_timestamp = now
    if article.create_timestamp is None:
        article.create_timestamp = now


def _selected(a: Article, q: ProductQuery, articles: set[int], products: set[int], plus: set[str],
              groups: set[int]) -> bool:
    return ((not articles or a.number in articles)
            and (not products or a.product in products)
            and (not plus or a.plu in plus)
            and (not groups or a.turnover_group in groups))


def get_products(state: State, q: ProductQuery) -> list[Product]:
    """Every filter combines with AND. With syncMarker: articles with marker ≥ it, ascending, at most the
    limit, grouped into products in the order their first article appears. Without: every match, grouped
    by product number, ascending."""
    articles, products = set(q.article_numbers), set(q.product_numbers)
    plus, groups = {p for p in q.plu_numbers if p}, set(q.group_numbers)
    chosen = [a for a in state.catalogue.articles if _selected(a, q, articles, products, plus, groups)]
    if q.include_all_articles_of_selected_products and (articles or plus):
        wanted = {a.product for a in chosen}
        chosen = [a for a in state.catalogue.articles if a.product in wanted]
    if q.only_active:
        chosen = [a for a in chosen if a.active]
    if q.changed_since is not None:
        since = q.changed_since
        chosen = [a for a in chosen if a.change_timestamp is not None and a.change_timestamp >= since]
    if q.sync_marker is not None:
        limit = q.sync_marker_limit
        cap = PRODUCTS_DEFAULT_LIMIT if not limit or limit <= 0 else min(limit, PRODUCTS_MAX_LIMIT)
        chosen = sorted((a for a in chosen if a.sync_marker >= q.sync_marker), key=lambda a: a.sync_marker)
        chosen = chosen[:cap]
    else:
        chosen = sorted(chosen, key=lambda a: (a.product, a.number))
    grouped: dict[int, list[Article]] = {}
    for a in chosen:
        grouped.setdefault(a.product, []).append(a)
    return [Product(number, items) for number, items in grouped.items()]


# Fields the /_emulator/ article hook may change, with their types.
EDITABLE: dict[str, type] = {"text": str, "price": int, "active": bool, "plu": str}


def edit_article(state: State, number: int, changes: dict[str, object], now: datetime) -> Article:
    """Apply a test-hook edit (as if someone changed the article in Mplus) and give it a new marker."""
    article = state.catalogue.article(number)
    if article is None:
        raise ValueError(f"article {number} not found")
    for key, value in changes.items():
        if key == "barcodes":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError("barcodes must be a list of strings")
            article.barcodes = list(value)
            continue
        kind = EDITABLE.get(key)
        if kind is None:
            raise ValueError(f"{key} cannot be edited; choose from barcodes, {', '.join(EDITABLE)}")
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ValueError(f"{key} must be {kind.__name__}")
        if key == "price" and isinstance(value, int) and value < 0:
            raise ValueError("price must not be negative")
        setattr(article, key, value)
    stamp(state, article, now)
    return article
