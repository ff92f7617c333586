"""The mirror against the real emulator: first sync, incremental passes, the notifier's shared pass."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.mirror import queries
from bot.mirror.health import health
from bot.mirror.models import OrderFilters
from bot.mirror.sync import today_in_mplus
from bot.mplus.client import MplusClient
from bot.mplus.models import NewRelation
from bot.store.db import Database
from mplus_emulator.server import EmulatorServer
from tests.factories import create_order
from tests.mirror.conftest import (
    expected_orders,
    mirror_sync,
    mirrored_articles,
    mplus_articles,
    soap_calls,
)
from tests.notifier.conftest import NotifierRig


def mirrored_orders(db: Database) -> dict[str, int]:
    page = queries.list_orders(db, OrderFilters(), limit=200)
    assert page.next is None
    return {o.order_id: o.sync_marker for o in page.orders}


def test_first_sync_keeps_every_active_relation_and_recent_or_open_orders(
    emulator: EmulatorServer, sqlite_database: Database, tmp_path: Path, shop: MplusClient
) -> None:
    db = sqlite_database
    # A one-day window: most demo orders are older, so only the open ones among them stay.
    report = mirror_sync(emulator, db, tmp_path, days=1).run_until_level()
    assert report.error is None and not report.more
    relations = {r.relation_number for r in shop.get_relations() if r.active is not False}
    assert queries.counts(db)["relations"] == len(relations)
    articles = mplus_articles(shop)
    assert len(articles) < len(shop.get_products()), "the demo has inactive articles, left out"
    assert queries.counts(db)["articles"] == len(articles)
    assert mirrored_articles(db) == articles
    expected = expected_orders(shop, today_in_mplus() - timedelta(days=1))
    assert mirrored_orders(db) == {oid: o.sync_marker for oid, o in expected.items()}
    assert len(expected) < len(shop.get_orders()), "the window must leave some closed orders out"
    state = health(db)
    assert state["first_sync"] == "done" and state["behind"] == 0
    assert state["orders_marker"] == shop.get_current_sync_markers().order_sync_marker + 1


def test_a_pass_with_nothing_new_asks_mplus_once(
    emulator: EmulatorServer, sqlite_database: Database, tmp_path: Path
) -> None:
    mirror = mirror_sync(emulator, sqlite_database, tmp_path)
    mirror.run_until_level()
    emulator.clear_calls()
    report = mirror.run()
    assert soap_calls(emulator) == ["getCurrentSyncMarkers"] and report.calls == 1


def test_changes_arrive_incrementally(
    emulator: EmulatorServer, sqlite_database: Database, tmp_path: Path, shop: MplusClient
) -> None:
    db = sqlite_database
    mirror = mirror_sync(emulator, db, tmp_path)
    mirror.run_until_level()
    number = shop.create_relation(
        NewRelation(name="Zoë Çelik", telephone="+31 6 9876 5432", zipcode="3511 AB")
    )
    order = create_order(shop)
    shop.cancel_order(order.order_id)
    emulator.clear_calls()
    mirror.run_until_level()
    assert [r.relation_number for r in queries.search_relations(db, "zoe celik")] == [number]
    assert [r.relation_number for r in queries.search_relations(db, "06-98765432")] == [number]
    found = queries.orders_by_key(db, order_id=order.order_id)
    assert len(found) == 1 and found[0].is_cancelled and not found[0].is_open
    assert soap_calls(emulator).count("getOrders") == 1


def test_one_notifier_pass_feeds_the_mirror_with_at_most_three_calls(notify_rig: NotifierRig) -> None:
    rig = notify_rig
    notifier = rig.notifier()
    rig.run()
    while notifier.run_pass().mirror_more:
        pass
    assert health(rig.db)["first_sync"] == "done"
    rig.emulator.clear_calls()
    notifier.run_pass()
    calls = soap_calls(rig.emulator)
    assert len(calls) <= 3 and calls.count("getOrders") == 1, calls
    order = rig.shop.create()
    rig.emulator.clear_calls()
    notifier.run_pass()
    assert soap_calls(rig.emulator).count("getOrders") == 1, "the notifier's read fed the mirror"
    assert queries.orders_by_key(rig.db, order_id=order)


def test_relations_edited_deactivated_or_deleted_in_mplus_follow_in_the_mirror(
    emulator: EmulatorServer, sqlite_database: Database, tmp_path: Path, shop: MplusClient
) -> None:
    db = sqlite_database
    mirror = mirror_sync(emulator, db, tmp_path, reconcile_s=0)
    mirror.run_until_level()
    renamed, deactivated, deleted = (r.relation_number for r in shop.get_relations()[:3])
    emulator.edit_relation(renamed, name="Ĳsbrand Quakkelaar")
    emulator.edit_relation(deactivated, active=False)
    emulator.delete_relation(deleted)
    mirror.run_until_level()
    assert [r.relation_number for r in queries.search_relations(db, "ijsbrand quakkel")] == [renamed]
    assert queries.get_relation(db, deactivated) is None, "inactive in Mplus: dropped"
    assert queries.get_relation(db, deleted) is None, "gone from Mplus: dropped by the daily listing"
    assert queries.get_relation(db, shop.get_relations()[3].relation_number) is not None


def test_articles_edited_or_deactivated_in_mplus_follow_in_the_mirror(
    emulator: EmulatorServer, sqlite_database: Database, tmp_path: Path, shop: MplusClient
) -> None:
    db = sqlite_database
    mirror = mirror_sync(emulator, db, tmp_path)
    mirror.run_until_level()
    assert mirrored_articles(db) == mplus_articles(shop)
    edited, deactivated, untouched = sorted(mplus_articles(shop))[:3]
    old_text = queries.get_article(db, edited)
    gone = queries.get_article(db, deactivated)
    assert old_text is not None and gone is not None
    assert deactivated in [a.article_number for a in queries.search_articles(db, gone.description)]
    emulator.edit_article(edited, text="Koffiemolen Zoë Handgedraaid", price=12345)
    emulator.edit_article(deactivated, active=False)
    emulator.clear_calls()
    report = mirror.run_until_level()
    assert report.error is None
    assert "getProducts" in soap_calls(emulator), "articles arrive through getProducts"
    found = queries.search_articles(db, "koffiemolen zoe handged")
    assert [(a.article_number, a.description, a.price_cents) for a in found] == [
        (edited, "Koffiemolen Zoë Handgedraaid", 12345)
    ]
    assert edited not in [a.article_number for a in queries.search_articles(db, old_text.description)]
    assert queries.get_article(db, deactivated) is None, "inactive in Mplus: gone from the mirror"
    assert deactivated not in [a.article_number for a in queries.search_articles(db, gone.description)]
    assert deactivated not in [a.article_number for a in queries.search_articles(db, str(deactivated))]
    assert queries.get_article(db, untouched) is not None
    assert mirrored_articles(db) == mplus_articles(shop)


def test_closed_orders_past_the_window_are_pruned(
    emulator: EmulatorServer, sqlite_database: Database, tmp_path: Path, shop: MplusClient
) -> None:
    db = sqlite_database
    mirror = mirror_sync(emulator, db, tmp_path, days=1, reconcile_s=0)
    mirror.run_until_level()
    window = today_in_mplus() - timedelta(days=1)
    old_open = next(
        o
        for o in queries.list_orders(db, OrderFilters(open=True), limit=200).orders
        if o.financial_date and o.financial_date < window and not o.prepaid_cents and not o.is_delivered
    )
    shop.cancel_order(old_open.order_id)
    mirror.run_until_level()
    assert queries.orders_by_key(db, order_id=old_open.order_id) == []
    assert queries.list_orders(db, OrderFilters(open=True), limit=200).orders, "open old orders stay"
