"""The mirror's query layer on SQLite (FTS5) and PostgreSQL (tsvector): search, exact keys, keyset lists."""

from __future__ import annotations

from datetime import date

import pytest

from bot.mirror import queries
from bot.mirror.models import OrderFilters
from bot.mirror.store import ORDERS, RELATIONS, MirrorStore
from bot.mplus.models import Order, Relation
from bot.mplus.products import Article
from bot.store.db import Database

ARTICLES = "articles"


def relation(number: int, name: str, **fields: object) -> Relation:
    return Relation.model_validate({"relation_number": number, "name": name, "sync_marker": number, **fields})


def order(number: int, relation_number: int, **fields: object) -> Order:
    values: dict[str, object] = {
        "order_id": f"{number:032x}",
        "order_number": {"year": 2026, "number": number},
        "relation_number": relation_number,
        "financial_date": date(2026, 3, 1 + number % 28),
        "total_incl_amount": 1000 * number,
        "sync_marker": number,
    }
    values.update(fields)
    return Order.model_validate(values)


@pytest.fixture
def mirror(database: Database) -> MirrorStore:
    store = MirrorStore(database)
    for stream in (ORDERS, RELATIONS, ARTICLES):
        store.begin(stream, initial_top=0)
    store.save_relations(
        [
            relation(1, "Zoë van den Berg", telephone="+31 6 1234 5678", zipcode="3511 AB", city="Utrecht"),
            relation(
                2,
                "Pieter Bakker",
                company_name="Bakkerij Çelik",
                email="pieter@bakker.nl",
                mobile="0031 20-123 4567",
                zipcode="1016GV",
                city="Amsterdam",
            ),
            relation(3, "Ĳsselmeer Visserij", telephone="0527-123456", city="Urk"),
            relation(4, "Weg Ermee", active=False),
        ],
        since=0,
    )
    store.save_orders(
        [
            order(40, 1, reference="Taart voor Zoë"),
            order(41, 2, cancel_state="ORDER-CANCEL-STATE-COMPLETE"),
            order(42, 2, lines=[{"article_number": 7001, "quantity": {"quantity": 1}}]),
            order(
                43,
                2,
                complete_state="ORDER-COMPLETE-STATE-COMPLETE",
                fully_paid=True,
                delivery_state="ORDER-DELIVERY-STATE-COMPLETE",
            ),
        ],
        keep=lambda _o: True,
        since=0,
    )
    store.save_articles(
        [
            Article(
                article_number=7001,
                description="Koffiemolen Deluxe",
                plu="KM1",
                barcodes=("8712345678906",),
                price_incl_cents=2495,
                sync_marker=1,
            ),
            Article(article_number=7002, description="Koffiebonen", price_incl_cents=995, sync_marker=2),
        ],
        since=0,
    )
    return store


def names(relations: list) -> list[str]:
    return [r.name for r in relations]


def test_relations_match_word_prefixes_without_case_or_accents(mirror: MirrorStore) -> None:
    db = mirror.db
    assert names(queries.search_relations(db, "zoe berg")) == ["Zoë van den Berg"]
    assert names(queries.search_relations(db, "ZOË")) == ["Zoë van den Berg"]
    assert names(queries.search_relations(db, "celik")) == ["Pieter Bakker"]
    assert names(queries.search_relations(db, "ijssel")) == ["Ĳsselmeer Visserij"]
    assert queries.search_relations(db, "berg zoe pieter") == []
    assert queries.search_relations(db, "erg") == [], "prefixes only, not infixes"


def test_a_broad_prefix_shows_the_newest_matches_by_name(
    mirror: MirrorStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Of the many relations a short prefix matches, the type-ahead sorts only the newest (highest
    # numbers) by name; on PostgreSQL the match is taken from the index before picking the newest.
    mirror.save_relations(
        [relation(n, f"Jansen {chr(ord('E') - n % 5)}{n}", city="Zwolle") for n in range(10, 16)], since=5
    )
    monkeypatch.setattr(queries, "SEARCH_CANDIDATES", 3)
    newest = ["Jansen A14", "Jansen B13", "Jansen E15"]
    assert names(queries.search_relations(mirror.db, "jans zwol")) == newest


def test_phones_match_in_any_dutch_format(mirror: MirrorStore) -> None:
    db = mirror.db
    for typed in ("0612345678", "06-12 34 56 78", "+31612345678", "0031 6 12345678", "612345678"):
        assert names(queries.search_relations(db, typed)) == ["Zoë van den Berg"], typed
    assert names(queries.search_relations(db, "020 1234567")) == ["Pieter Bakker"]
    assert [r.relation_number for r in queries.relations_by_phone(db, "0201234567")] == [2]


def test_postcodes_match_with_or_without_the_space(mirror: MirrorStore) -> None:
    db = mirror.db
    for typed in ("3511ab", "3511 AB", "3511"):
        assert names(queries.search_relations(db, typed)) == ["Zoë van den Berg"], typed
    assert names(queries.search_relations(db, "1016 gv")) == ["Pieter Bakker"]


def test_inactive_relations_are_not_kept(mirror: MirrorStore) -> None:
    assert queries.get_relation(mirror.db, 4) is None
    assert queries.search_relations(mirror.db, "weg ermee") == []


def test_orders_are_found_through_their_relation_open_first_then_newest(mirror: MirrorStore) -> None:
    found = queries.search_orders(mirror.db, "pieter bakker")
    assert [o.number for o in found] == [42, 43, 41]
    assert [o.number for o in queries.search_orders(mirror.db, "taart")] == [40]
    assert [o.number for o in queries.orders_by_key(mirror.db, number=42)] == [42]
    assert [o.number for o in queries.orders_by_key(mirror.db, year=2025, number=42)] == []


def test_articles_by_name_number_plu_and_barcode(mirror: MirrorStore) -> None:
    db = mirror.db
    assert [a.article_number for a in queries.search_articles(db, "koffie")] == [7002, 7001]
    assert [a.article_number for a in queries.search_articles(db, "molen")] == []
    for typed in ("koffiemolen", "7001", "km1", "871234"):
        assert [a.article_number for a in queries.search_articles(db, typed)][:1] == [7001], typed


def test_list_filters(mirror: MirrorStore) -> None:
    db = mirror.db

    def numbers(**filters: object) -> list[int]:
        return [o.number for o in queries.list_orders(db, OrderFilters(**filters)).orders]

    assert numbers() == [43, 42, 41, 40]
    assert numbers(open=True) == [42, 40]
    assert numbers(unpaid=True) == [42, 40]
    assert numbers(undelivered=True) == [42, 40]
    assert numbers(cancelled=True) == [41]
    assert numbers(customer="bakker", open=True) == [42]
    assert numbers(article="koffiemolen") == [42]
    assert numbers(article="7001") == [42]
    assert numbers(relation=1) == [40]
    assert numbers(start=date(2026, 3, 16), end=date(2026, 3, 16)) == [43]


def test_keyset_pages_forward_and_back_stay_stable_when_orders_arrive(mirror: MirrorStore) -> None:
    db = mirror.db
    first = queries.list_orders(db, OrderFilters(), limit=2)
    assert [o.number for o in first.orders] == [43, 42] and first.previous is None
    assert first.next is not None
    mirror.save_orders([order(44, 1)], keep=lambda _o: True, since=44)  # a new order arrives
    second = queries.list_orders(db, OrderFilters(), first.next, limit=2)
    assert [o.number for o in second.orders] == [41, 40] and second.next is None
    back = queries.list_orders(db, OrderFilters(), second.previous, limit=2)
    assert [o.number for o in back.orders] == [43, 42]
    assert back.previous is not None, "the new order 44 is now before them"
