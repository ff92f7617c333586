"""Relation rules: create, find (search mask), get, list with sync-marker paging."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from .model import Relation, State

# Free-text Relation fields the emulator stores, in the official sequence order.
TEXT_FIELDS: tuple[str, ...] = (
    "extRelationId", "name", "address", "zipcode", "city", "country", "deliveryAddress", "deliveryZipcode",
    "deliveryCity", "deliveryCountry", "contact", "telephone", "mobile", "email", "website", "relationCode",
    "cardNumber", "bankAccountNumber", "vatNumber", "commerceNumber", "companyName",
)
# Searched with spaces and dashes removed, so "1016gv" finds "1016 GV" and "0612345678" finds "06-12345678".
_COMPACT_FIELDS = frozenset({
    "zipcode", "deliveryZipcode", "telephone", "mobile", "bankAccountNumber", "cardNumber",
})

RELATIONS_DEFAULT_LIMIT = 1000
RELATIONS_MAX_LIMIT = 1000

OK = "CREATE-RELATION-RESULT-OK"
FAILED = "CREATE-RELATION-RESULT-FAILED"
TAKEN = "CREATE-RELATION-RESULT-FAILED-RELATION-NUMBER-ALREADY-TAKEN"


@dataclass
class RelationInput:
    relation_number: int | None = None
    texts: dict[str, str] = field(default_factory=dict)
    birth_date: date | None = None
    category_id: int | None = None
    active: bool | None = None


@dataclass
class CreateRelationOutcome:
    result: str
    message: str = ""
    relation: Relation | None = None


def next_relation_marker(state: State) -> int:
    state.relation_seq += 1
    return state.relation_seq


def create_relation(state: State, inp: RelationInput | None, now: datetime) -> CreateRelationOutcome:
    if inp is None:
        return CreateRelationOutcome(FAILED, "No relation given.")
    name = inp.texts.get("name", "").strip()
    if not name:
        return CreateRelationOutcome(FAILED, "A relation needs a name.")
    number = inp.relation_number or 0
    if number < 0:
        return CreateRelationOutcome(FAILED, f"Invalid relation number {number}.")
    if number and number in state.relations:
        return CreateRelationOutcome(TAKEN, f"Relation number {number} is already taken.")
    ext_id = inp.texts.get("extRelationId", "").strip()
    if ext_id and any(r.texts.get("extRelationId") == ext_id for r in state.relations.values()):
        return CreateRelationOutcome(FAILED, f"A relation with extRelationId {ext_id} already exists.")
    if not number:
        number = max(state.relations, default=0) + 1
    texts = {k: v for k, v in inp.texts.items() if k in TEXT_FIELDS and v != ""}
    texts["name"] = name
    relation = Relation(
        relation_number=number, sync_marker=next_relation_marker(state), create_timestamp=now,
        change_timestamp=now, active=True if inp.active is None else inp.active, birth_date=inp.birth_date,
        category_id=inp.category_id, texts=texts,
    )
    state.relations[number] = relation
    return CreateRelationOutcome(OK, "", relation)


def _compact(value: str) -> str:
    return value.replace(" ", "").replace("-", "").lower()


def _matches(relation: Relation, mask: RelationInput) -> bool:
    if mask.relation_number and relation.relation_number != mask.relation_number:
        return False
    if mask.category_id is not None and relation.category_id != mask.category_id:
        return False
    if mask.birth_date is not None and relation.birth_date != mask.birth_date:
        return False
    for name, wanted in mask.texts.items():
        if not wanted:
            continue
        have = relation.texts.get(name, "")
        if name in _COMPACT_FIELDS:
            if _compact(wanted) not in _compact(have):
                return False
        elif wanted.lower() not in have.lower():
            return False
    return True


def _has_criteria(mask: RelationInput) -> bool:
    return bool(mask.relation_number or mask.category_id is not None or mask.birth_date is not None
                or any(v for v in mask.texts.values()))


def find_relation(state: State, mask: RelationInput | None) -> Relation | None:
    """First match by relationNumber; an empty mask finds nothing rather than an arbitrary relation."""
    if mask is None or not _has_criteria(mask):
        return None
    for number in sorted(state.relations):
        relation = state.relations[number]
        if _matches(relation, mask):
            return relation
    return None


def get_relations(state: State, numbers: list[int], category_id: int | None, sync_marker: int | None,
                  limit: int | None) -> list[Relation]:
    found = [r for r in state.relations.values()
             if (not numbers or r.relation_number in numbers)
             and (category_id is None or r.category_id == category_id)]
    if sync_marker is None:
        return sorted(found, key=lambda r: r.relation_number)
    cap = RELATIONS_DEFAULT_LIMIT if not limit or limit <= 0 else min(limit, RELATIONS_MAX_LIMIT)
    found = sorted((r for r in found if r.sync_marker >= sync_marker), key=lambda r: r.sync_marker)
    return found[:cap]


def edit_relation(state: State, number: int, texts: dict[str, str], active: bool | None,
                  now: datetime) -> Relation:
    """Apply a test-hook edit (as if someone changed the relation in Mplus): new marker, new changeTimestamp.
    An empty string removes a field."""
    relation = state.relations.get(number)
    if relation is None:
        raise ValueError(f"relation {number} not found")
    unknown = sorted(set(texts) - set(TEXT_FIELDS))
    if unknown:
        raise ValueError(f"unknown relation field(s): {', '.join(unknown)}")
    if "name" in texts and not texts["name"].strip():
        raise ValueError("a relation needs a name")
    for key, value in texts.items():
        if value == "":
            relation.texts.pop(key, None)
        else:
            relation.texts[key] = value
    if active is not None:
        relation.active = active
    relation.sync_marker = next_relation_marker(state)
    relation.change_timestamp = now
    return relation


def delete_relation(state: State, number: int) -> None:
    """Remove a relation outright (test hook): no marker moves, so a mirror cannot see it go by sync alone."""
    if state.relations.pop(number, None) is None:
        raise ValueError(f"relation {number} not found")
