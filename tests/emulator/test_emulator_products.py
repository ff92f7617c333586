"""getProducts, article and relation sync markers, the edit hooks, bulk generation and the demo catalogue."""

from __future__ import annotations

import re
from typing import Any

import pytest
from lxml.builder import ElementMaker

from mplus_emulator.server import EmulatorServer

NS = "urn:mplusqapi"
E = ElementMaker(namespace=NS, nsmap={"ns1": NS})


def _products(soap: Any, *filters: Any) -> list[Any]:
    return soap.all(soap.call(E.getProducts(E.request(*filters))), "productList/product")


def _article_numbers(soap: Any, *filters: Any) -> list[int]:
    return [int(soap.text(a, "articleNumber")) for p in _products(soap, *filters)
            for a in soap.all(p, "articleList/article")]


def _plu(*values: str) -> Any:
    return E.pluNumbers(*[E.text(E.text(v)) for v in values])


def test_get_products_groups_variants_and_carries_index_fields(soap: Any) -> None:
    products = _products(soap, _plu())
    assert len(products) > 100
    by_number = {soap.text(p, "productNumber"): p for p in products}
    mugs = by_number["40001"]  # a family with three variants is one product with three articles
    articles = soap.all(mugs, "articleList/article")
    assert [soap.text(a, "description") for a in articles] == [
        "Koffiebonen Ethiopië Yirgacheffe 250 g", "Koffiebonen Ethiopië Yirgacheffe 500 g",
        "Koffiebonen Ethiopië Yirgacheffe 1 kg"]
    assert soap.text(mugs, "description") == "Koffiebonen Ethiopië Yirgacheffe 250 g"
    assert int(soap.text(mugs, "syncMarker")) == max(int(soap.text(a, "syncMarker")) for a in articles)
    single = by_number["1001"]  # the classic articles are products of their own
    art = soap.all(single, "articleList/article")[0]
    assert soap.text(art, "pluNumber") == "1001"
    assert soap.text(art, "priceIncl") == "2495" and soap.text(art, "priceExcl") == "2289"
    assert soap.text(art, "active") == "true"
    barcode = soap.text(art, "barcode")
    assert barcode and len(barcode) == 13 and barcode.startswith("87")
    assert [soap.text(b, "barcode") for b in soap.all(art, "barcodeList/barcode")] == [barcode]
    assert soap.text(single, "groupNumbers") == "10"


def test_get_products_filters(soap: Any) -> None:
    assert _article_numbers(soap, E.articleNumbers("2005"), E.articleNumbers("1001"), _plu()) == [1001, 2005]
    assert _article_numbers(soap, _plu("1002", "3001")) == [1002, 3001]
    assert _article_numbers(soap, E.articleNumbers("4002"), _plu()) == [4002]
    whole = _article_numbers(
        soap, E.articleNumbers("4002"), _plu(), E.includeAllArticlesOfSelectedProducts("true"))
    assert whole == [4001, 4002, 4003]
    assert _article_numbers(soap, _plu(), E.productNumbers("40001")) == [4001, 4002, 4003]
    assert set(_article_numbers(soap, E.groupNumbers("30"), _plu())) == {3001}
    everything = _article_numbers(soap, _plu())
    active = _article_numbers(soap, _plu(), E.onlyActive("true"))
    inactive = set(everything) - set(active)
    assert len(everything) == 200 and inactive  # the demo has articles no longer sold
    for number in inactive:
        assert _article_numbers(soap, E.articleNumbers(str(number)), _plu(), E.onlyActive("true")) == []
    # the emulator is lenient: the required pluNumbers may be left out, as with getOrders' TextLists
    assert _article_numbers(soap, E.articleNumbers("1001")) == [1001]


def test_article_sync_markers_page_and_move_on_edit(srv: EmulatorServer, soap: Any, hooks: Any) -> None:
    top = int(soap.text(soap.call(E.getCurrentSyncMarkers()), "articleSyncMarker"))
    assert top == 200

    def page(marker: int, limit: int | None = None) -> list[tuple[int, int]]:
        filters = [_plu(), E.syncMarker(str(marker))]
        if limit is not None:
            filters.append(E.syncMarkerLimit(str(limit)))
        return [(int(soap.text(a, "articleNumber")), int(soap.text(a, "syncMarker")))
                for p in _products(soap, *filters) for a in soap.all(p, "articleList/article")]

    first = page(1, 50)
    assert [m for _, m in first] == list(range(1, 51))
    assert [m for _, m in page(51, 50)] == list(range(51, 101))
    assert page(top + 1) == []
    edit = {"text": "Koffiebonen Huismelange 1 kg (nieuw)", "price": 2595}
    resp = hooks("POST", "articles/1001", json=edit)
    assert resp.status_code == 200 and resp.json()["syncMarker"] == top + 1
    assert page(top + 1) == [(1001, top + 1)]
    assert int(soap.text(soap.call(E.getCurrentSyncMarkers()), "articleSyncMarker")) == top + 1
    art = soap.all(_products(soap, E.articleNumbers("1001"), _plu())[0], "articleList/article")[0]
    assert soap.text(art, "description") == "Koffiebonen Huismelange 1 kg (nieuw)"
    assert soap.text(art, "priceIncl") == "2595"
    srv.edit_article(2005, active=False, barcodes=["8712345678906", "5012345678900"])
    art = soap.all(_products(soap, E.articleNumbers("2005"), _plu())[0], "articleList/article")[0]
    assert soap.text(art, "active") == "false"
    assert [soap.text(b, "barcode") for b in soap.all(art, "barcodeList/barcode")] == [
        "8712345678906", "5012345678900"]
    assert page(top + 1) == [(1001, top + 1), (2005, top + 2)]
    # a big page is capped at 1000 articles, like getRelations
    srv.generate(relations=0, articles=1500)
    assert len(page(1, 5000)) == 1000 and len(page(1)) == 1000


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        ({"price": -1}, 400, "negative"),
        ({"price": "12"}, 400, "price"),
        ({"colour": "red"}, 400, "colour"),
        ({"barcodes": "871"}, 400, "barcodes"),
    ],
)
def test_article_hook_refusals(hooks: Any, body: dict[str, Any], status: int, needle: str) -> None:
    resp = hooks("POST", "articles/1001", json=body)
    assert resp.status_code == status and needle in resp.json()["error"]


def test_relation_edit_hook_moves_the_relation_marker(srv: EmulatorServer, soap: Any, hooks: Any) -> None:
    def page(marker: int) -> list[tuple[str, str]]:
        resp = soap.call(E.getRelations(E.request(E.syncMarker(str(marker)))))
        return [(soap.text(r, "relationNumber"), soap.text(r, "syncMarker"))
                for r in soap.all(resp, "relationList/relation")]

    assert page(151) == []
    resp = hooks("POST", "relations/3", json={"fields": {"telephone": "+31 50 555 0000", "email": ""}})
    assert resp.status_code == 200 and resp.json() == {"relationNumber": 3, "syncMarker": 151, "active": True}
    assert page(151) == [("3", "151")]
    rel = soap.call(E.getRelation(E.relationNumber("3"))).find(f"{{{NS}}}relation")
    assert soap.text(rel, "telephone") == "+31 50 555 0000"
    assert soap.text(rel, "email") is None  # an empty string removes the field
    assert hooks("POST", "relations/4", json={"active": False}).json()["syncMarker"] == 152
    rel = soap.call(E.getRelation(E.relationNumber("4"))).find(f"{{{NS}}}relation")
    assert soap.text(rel, "active") == "false"
    assert soap.text(soap.call(E.getCurrentSyncMarkers()), "relationSyncMarker") == "152"
    assert hooks("DELETE", "relations/4").json() == {"deleted": 4}
    missing = soap.call(E.getRelation(E.relationNumber("4")))
    assert soap.text(missing, "result") == "GET-RELATION-RESULT-NOT-FOUND"
    assert page(151) == [("3", "151")]
    for body, needle in (({"fields": {"shoeSize": "44"}}, "shoeSize"), ({"fields": {"name": " "}}, "name"),
                         ({"active": "no"}, "active"), ({"colour": 1}, "colour")):
        bad = hooks("POST", "relations/3", json=body)
        assert bad.status_code == 400 and needle in bad.json()["error"]
    assert hooks("POST", "relations/9999", json={"active": False}).status_code == 400
    assert hooks("GET", "relations/3").status_code == 405


def test_get_relations_pages_at_most_1000(srv: EmulatorServer, soap: Any) -> None:
    made = srv.generate(relations=1200)
    assert made["relationsCreated"] == 1200 and made["relationSyncMarker"] == 1350

    def count(*filters: Any) -> int:
        return len(soap.all(soap.call(E.getRelations(E.request(*filters))), "relationList/relation"))

    assert count(E.syncMarker("0"), E.syncMarkerLimit("5000")) == 1000
    assert count(E.syncMarker("1001")) == 350
    assert count(E.syncMarker("1"), E.syncMarkerLimit("10")) == 10


def test_generate_relations_articles_and_mixed_orders(make_server: Any, raw_client: Any) -> None:
    s = make_server(seed="empty")
    made = s.generate(300, relations=500, articles=400, days=90, mixed=True)
    assert made["created"] == 300 and made["relationsCreated"] == 500 and made["articlesCreated"] == 400
    state = s.state()
    assert state["relations"] == 515 and state["articles"] == 420 and state["articleSyncMarker"] == 420
    raw = raw_client(s)
    orders = raw.orders(E.syncMarker("0"), E.syncMarkerLimit("1000"))
    assert len(orders) == 300
    dates = {tuple(raw.text(o, f"financialDate/{part}") for part in ("year", "mon", "day")) for o in orders}
    assert len(dates) > 60  # spread over the last 90 days
    assert {raw.text(o, "cancelState") for o in orders} == {"ORDER-CANCEL-STATE-NOTHING",
                                                            "ORDER-CANCEL-STATE-COMPLETE"}
    assert {raw.text(o, "deliveryState") for o in orders} == {"ORDER-DELIVERY-STATE-NOTHING",
                                                              "ORDER-DELIVERY-STATE-COMPLETE"}
    assert any(raw.text(o, "fullyPaid") == "true" for o in orders)
    assert any(raw.text(o, "prepaidAmount") not in ("0", None) and raw.text(o, "fullyPaid") == "false"
               for o in orders)
    assert len({raw.text(o, "relationNumber") for o in orders}) > 250
    generated = raw.call(E.getRelation(E.relationNumber("300"))).find(f"{{{NS}}}relation")
    assert raw.text(generated, "name") and raw.text(generated, "zipcode")


def test_generate_hook_validation(hooks: Any) -> None:
    assert hooks("POST", "generate", json={}).status_code == 400
    assert hooks("POST", "generate", json={"relations": -1}).status_code == 400
    assert hooks("POST", "generate", json={"articles": 2, "mixed": "yes"}).status_code == 400
    ok = hooks("POST", "generate", json={"relations": 2, "articles": 3})
    assert ok.status_code == 200 and ok.json()["relationsCreated"] == 2 and ok.json()["articlesCreated"] == 3


def test_demo_relations_are_messy_like_real_data(soap: Any) -> None:
    relations = soap.all(soap.call(E.getRelations()), "relationList/relation")
    assert 140 <= len(relations) <= 160
    names = [soap.text(r, "name") or "" for r in relations]
    for needle in ("Zoë van den Berg", "Emre Çelik", "Zeilschool Ĳsselmeer B.V."):
        assert needle in names
    phones = [soap.text(r, f) for r in relations for f in ("telephone", "mobile") if soap.text(r, f)]
    formats = {
        "+31": any(p.startswith("+31") for p in phones), "0031": any(p.startswith("0031") for p in phones),
        "06-": any(p.startswith("06-") for p in phones),
        "landline": any(re.match(r"0[1-57-9]", p) for p in phones),
    }
    assert all(formats.values()), formats
    zipcodes = [soap.text(r, "zipcode") or "" for r in relations]
    assert any(re.fullmatch(r"\d{4} [A-Z]{2}", z) for z in zipcodes)
    assert any(re.fullmatch(r"\d{4}[A-Z]{2}", z) for z in zipcodes)
    assert any(soap.text(r, "active") == "false" for r in relations)
    emails = [soap.text(r, "email") for r in relations]
    assert len(set(emails)) == len(emails)


def test_get_products_through_zeep(zeep_service: Any) -> None:
    """pluNumbers is required by the official WSDL: zeep sends <pluNumbers/> for {}."""
    svc = zeep_service
    products = svc.getProducts(request={"articleNumbers": [1001, 4002], "pluNumbers": {}})
    articles = [a for p in products for a in p.articleList.article]
    assert [a.articleNumber for a in articles] == [1001, 4002]
    assert articles[0].priceIncl == 2495 and articles[0].barcode.startswith("87")
    assert articles[1].description == "Koffiebonen Ethiopië Yirgacheffe 500 g"
    by_plu = svc.getProducts(request={"pluNumbers": {"text": [{"text": "3001"}]}})
    assert [a.articleNumber for p in by_plu for a in p.articleList.article] == [3001]
    page = svc.getProducts(request={"pluNumbers": {}, "syncMarker": 190, "syncMarkerLimit": 5})
    assert [a.syncMarker for p in page for a in p.articleList.article] == [190, 191, 192, 193, 194]
    markers = svc.getCurrentSyncMarkers()
    assert markers.articleSyncMarker == 200 and markers.relationSyncMarker == 150
