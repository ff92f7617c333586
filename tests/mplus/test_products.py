"""MplusClient.get_products / iter_article_changes and relation paging by marker, against the emulator
(run with the emulator's WSDL and with the official one: the required pluNumbers must be sent)."""

from __future__ import annotations

import pytest

from bot.mplus.client import MplusClient
from bot.mplus.envelope import read as read_answer
from bot.mplus.errors import ProtocolError
from bot.mplus.products import Article, ProductQuery, parse_articles
from mplus_emulator.server import EmulatorServer


def test_get_products_reads_index_fields(client: MplusClient, emulator: EmulatorServer) -> None:
    articles = client.get_products()
    assert len(articles) == 200
    by_number = {a.article_number: a for a in articles}
    coffee = by_number[1001]
    assert coffee.name == "Koffiebonen Huismelange 1 kg"
    assert coffee.price_incl_cents == 2495 and coffee.price_excl_cents == 2289
    assert coffee.plu == "1001" and len(coffee.barcodes) == 1 and coffee.barcodes[0].startswith("87")
    assert coffee.active and coffee.sync_marker is not None and coffee.product_number == 1001
    variants = [a for a in articles if a.product_number == 40001]
    assert [a.description for a in variants] == [
        "Koffiebonen Ethiopië Yirgacheffe 250 g", "Koffiebonen Ethiopië Yirgacheffe 500 g",
        "Koffiebonen Ethiopië Yirgacheffe 1 kg"]
    assert any(not a.active for a in articles)
    assert all(a.active for a in client.get_products(ProductQuery(only_active=True)))


def test_get_products_filters(client: MplusClient, emulator: EmulatorServer) -> None:
    assert [a.article_number for a in client.get_products(ProductQuery(article_numbers=(2005, 1001)))] == [
        1001, 2005]
    assert [a.article_number for a in client.get_products(ProductQuery(plu_numbers=("3001",)))] == [3001]
    assert [a.article_number for a in client.get_products(ProductQuery(product_numbers=(40001,)))] == [
        4001, 4002, 4003]


def test_article_changes_page_by_marker(client: MplusClient, emulator: EmulatorServer) -> None:
    pages = list(client.iter_article_changes(0, limit=64))
    assert [len(p) for p in pages] == [64, 64, 64, 8]
    markers = [a.sync_marker for p in pages for a in p]
    assert markers == sorted(markers) and len(set(markers)) == 200
    top = client.get_current_sync_markers().article_sync_marker
    assert top == max(m for m in markers if m is not None)
    assert list(client.iter_article_changes(top + 1)) == []
    emulator.edit_article(2005, price=6495, active=False)
    changed = [a for p in client.iter_article_changes(top + 1) for a in p]
    assert [(a.article_number, a.price_incl_cents, a.active) for a in changed] == [(2005, 6495, False)]
    assert changed[0].sync_marker == top + 1


def test_relations_page_by_marker(client: MplusClient, emulator: EmulatorServer) -> None:
    top = client.get_current_sync_markers().relation_sync_marker
    first = client.get_relations(sync_marker=0, limit=100)
    assert len(first) == 100
    marker = max(r.sync_marker or 0 for r in first) + 1
    rest = client.get_relations(sync_marker=marker, limit=1000)
    assert len(first) + len(rest) == top
    emulator.edit_relation(17, mobile="06-99887766")
    changed = client.get_relations(sync_marker=top + 1)
    assert [(r.relation_number, r.mobile, r.name) for r in changed] == [(17, "06-99887766", "Emre Çelik")]


def test_a_product_answer_the_client_cannot_read_is_a_protocol_error() -> None:
    envelope = (
        b'<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="urn:mplusqapi"><S:Body>'
        b"<ns:GetProductsResponse><ns:productList><ns:product><ns:productNumber>1</ns:productNumber>"
        b"<ns:articleList><ns:article><ns:articleNumber>x1</ns:articleNumber></ns:article></ns:articleList>"
        b"</ns:product></ns:productList></ns:GetProductsResponse></S:Body></S:Envelope>"
    )
    with pytest.raises(ProtocolError, match="getProducts"):
        parse_articles(read_answer([envelope], "getProducts").element)


def test_unknown_elements_and_a_missing_description_are_tolerated() -> None:
    envelope = (
        b'<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="urn:mplusqapi"><S:Body>'
        b"<ns:GetProductsResponse><ns:productList><ns:product><ns:productNumber>7</ns:productNumber>"
        b"<ns:description>Thee</ns:description><ns:articleList><ns:article>"
        b"<ns:articleNumber>70</ns:articleNumber><ns:futureField>x</ns:futureField>"
        b"<ns:barcode>8710000000001</ns:barcode><ns:priceIncl>450</ns:priceIncl>"
        b"</ns:article></ns:articleList></ns:product></ns:productList></ns:GetProductsResponse>"
        b"</S:Body></S:Envelope>"
    )
    assert parse_articles(read_answer([envelope], "getProducts").element) == [
        Article(article_number=70, product_number=7, description="Thee", barcodes=("8710000000001",),
                price_incl_cents=450)]
