"""findRelation, getRelation, getRelations, createRelation over raw SOAP."""

from __future__ import annotations

from typing import Any

import pytest
from lxml.builder import ElementMaker

from mplus_emulator.server import EmulatorServer

NS = "urn:mplusqapi"
E = ElementMaker(namespace=NS, nsmap={"ns1": NS})


def _find(soap: Any, **fields: str) -> str | None:
    resp = soap.call(E.findRelation(E.relation(*[getattr(E, k)(v) for k, v in fields.items()])))
    if soap.text(resp, "result") == "FIND-RELATION-RESULT-NOT-FOUND":
        assert resp.find(f"{{{NS}}}relation") is None
        return None
    assert soap.text(resp, "result") == "FIND-RELATION-RESULT-OK"
    return soap.text(resp, "relation/relationNumber")


@pytest.mark.parametrize(
    ("fields", "number"),
    [
        ({"name": "jan d"}, "1"),
        ({"name": "JANSEN"}, "2"),
        ({"email": "goudenboon"}, "5"),
        ({"zipcode": "3511az"}, "2"),
        ({"mobile": "0612345678"}, "1"),
        ({"city": "utrecht", "name": "noor"}, "11"),
        ({"city": "utrecht"}, "2"),  # several match: the lowest relation number wins
        ({"extRelationId": "crm-0003"}, "3"),
        ({"contact": "yilmaz"}, "7"),
        ({"vatNumber": "NL0034"}, "10"),
        ({"city": "amsterdam", "name": "bouzid"}, "15"),
        ({"city": "utrecht", "name": "bakker"}, None),  # every given field must match
        ({"name": "nobody at all"}, None),
        ({}, None),  # an empty mask finds nothing
    ],
)
def test_find_relation(soap: Any, fields: dict[str, str], number: str | None) -> None:
    assert _find(soap, **fields) == number


def test_find_relation_by_category_and_missing_mask(soap: Any) -> None:
    resp = soap.call(E.findRelation(E.relation(E.categoryId("2"))))
    assert soap.text(resp, "relation/relationNumber") == "5"
    assert soap.text(soap.call(E.findRelation()), "result") == "FIND-RELATION-RESULT-NOT-FOUND"


def test_get_relation(soap: Any) -> None:
    resp = soap.call(E.getRelation(E.relationNumber("7")))
    assert soap.text(resp, "result") == "GET-RELATION-RESULT-OK"
    rel = resp.find(f"{{{NS}}}relation")
    assert soap.text(rel, "name") == "Kantoorservice Utrecht B.V."
    assert soap.text(rel, "deliveryCity") == "Utrecht"
    assert soap.text(rel, "country") == "NL"
    assert soap.text(rel, "active") == "true"
    assert soap.text(rel, "syncMarker") == "7"
    assert soap.text(rel, "createTimestamp/timezone") in ("60", "120")
    missing = soap.call(E.getRelation(E.relationNumber("999")))
    assert soap.text(missing, "result") == "GET-RELATION-RESULT-NOT-FOUND"
    assert missing.find(f"{{{NS}}}relation") is None


def test_create_relation(soap: Any) -> None:
    resp = soap.call(
        E.createRelation(
            E.relation(
                E.name("Bakkerij Vermeer"),
                E.city("Haarlem"),
                E.email("info@vermeer.example.nl"),
                E.birthDate(E.day("0"), E.mon("0"), E.year("0")),
                E.categoryId("2"),
            )
        )
    )
    assert soap.text(resp, "result") == "CREATE-RELATION-RESULT-OK"
    assert soap.text(resp, "relationNumber") == "151"  # the demo seed has 150 relations
    assert soap.text(resp, "syncMarker") == "151"
    assert soap.text(resp, "errorMessage") == ""
    assert soap.text(resp, "changeTimestamp/year")
    assert _find(soap, name="vermeer", city="haarlem") == "151"
    chosen = soap.call(E.createRelation(E.relation(E.relationNumber("500"), E.name("Op nummer"))))
    assert soap.text(chosen, "relationNumber") == "500"
    after = soap.call(E.createRelation(E.relation(E.name("Daarna"))))
    assert soap.text(after, "relationNumber") == "501"
    # the new relation can take orders
    assert soap.create_ok("REL-ORDER", relation=501)


@pytest.mark.parametrize(
    ("relation", "result", "needle"),
    [
        (E.relation(E.email("x@example.nl")), "CREATE-RELATION-RESULT-FAILED", "name"),
        (E.relation(E.name("   ")), "CREATE-RELATION-RESULT-FAILED", "name"),
        (
            E.relation(E.name("Dubbel"), E.relationNumber("3")),
            "CREATE-RELATION-RESULT-FAILED-RELATION-NUMBER-ALREADY-TAKEN",
            "3",
        ),
        (
            E.relation(E.name("Dubbel"), E.extRelationId("CRM-0001")),
            "CREATE-RELATION-RESULT-FAILED",
            "CRM-0001",
        ),
        (None, "CREATE-RELATION-RESULT-FAILED", "No relation"),
    ],
)
def test_create_relation_refusals(soap: Any, relation: Any, result: str, needle: str) -> None:
    resp = soap.call(E.createRelation() if relation is None else E.createRelation(relation))
    assert soap.text(resp, "result") == result
    assert needle in soap.text(resp, "errorMessage")
    assert soap.text(resp, "relationNumber") == "0"
    assert resp.find(f"{{{NS}}}syncMarker") is None
    assert soap.text(soap.call(E.getCurrentSyncMarkers()), "relationSyncMarker") == "150"


def test_get_relations(srv: EmulatorServer, soap: Any) -> None:
    def numbers(*filters: Any) -> list[str]:
        resp = soap.call(E.getRelations(E.request(*filters)))
        return [soap.text(r, "relationNumber") for r in soap.all(resp, "relationList/relation")]

    assert numbers() == [str(n) for n in range(1, 151)]
    assert numbers(E.relationNumbers("3"), E.relationNumbers("1"), E.relationNumbers("777")) == ["1", "3"]
    assert numbers(E.categoryId("2"))[:5] == ["5", "7", "10", "14", "18"]
    assert numbers(E.syncMarker("149")) == ["149", "150"]
    assert numbers(E.syncMarker("1"), E.syncMarkerLimit("3")) == ["1", "2", "3"]
    assert numbers(E.syncMarker("151")) == []
    assert len(soap.all(soap.call(E.getRelations()), "relationList/relation")) == 150
    soap.call(E.createRelation(E.relation(E.name("Nieuw"))))
    assert numbers(E.syncMarker("151")) == ["151"]
