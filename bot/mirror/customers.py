"""Customer look-ups for the order form: is the mirror usable, and who might this new customer already be.

Duplicates are the ones a shop actually makes: the same e-mail address, the same phone number however
it was written, or the same name at the same postcode. Matching is exact on those keys (after the
mirror's normalisation), so a warning means something.
"""

from __future__ import annotations

import time
import weakref

from bot.mirror import queries
from bot.mirror.models import MirrorRelation
from bot.mirror.normalise import MIN_PHONE_DIGITS, phone_digits, words
from bot.mirror.store import MirrorStore
from bot.mplus.models import NewRelation, Relation
from bot.store.db import Database

MAX_DUPLICATES = 5


# Once a stream's first sync is done it stays done (short of a rebuild), so a "ready" answer is kept
# for a while: the type-ahead asks on every keystroke and must answer within Slack's 3 s.
READY_TTL_S = 30.0
_ready: weakref.WeakKeyDictionary[Database, dict[str, float]] = weakref.WeakKeyDictionary()


def stream_ready(db: Database, stream: str) -> bool:
    """True once the mirror's first sync of ``stream`` (relations, articles, orders) is complete."""
    seen = _ready.get(db, {}).get(stream)
    if seen is not None and time.monotonic() - seen < READY_TTL_S:
        return True
    ready = any(s.stream == stream and s.initial_done for s in queries.status(db))
    if ready:
        _ready.setdefault(db, {})[stream] = time.monotonic()
    return ready


def _same_words(a: str | None, b: str | None) -> bool:
    return bool(a and b) and words(a) == words(b)


def likely_duplicates(
    db: Database,
    *,
    name: str,
    email: str | None = None,
    phone: str | None = None,
    zipcode: str | None = None,
) -> list[MirrorRelation]:
    """Relations that are probably the same customer, strongest reason first, each once."""
    found: dict[int, MirrorRelation] = {}

    def add(candidates: list[MirrorRelation]) -> None:
        for relation in candidates:
            found.setdefault(relation.relation_number, relation)

    if email and "@" in email:
        wanted = email.strip().casefold()
        same = queries.search_relations(db, email, limit=50)
        add([r for r in same if (r.email or "").casefold() == wanted])
    digits = phone_digits(phone)
    if len(digits) >= MIN_PHONE_DIGITS:
        add(queries.relations_by_phone(db, digits))
    if name.strip() and zipcode and zipcode.strip():
        add([
            r for r in queries.search_relations(db, f"{name} {zipcode}", limit=50)
            if _same_words(r.name, name) and _same_words(r.zipcode, zipcode)
        ])
    return list(found.values())[:MAX_DUPLICATES]


def remember_created(db: Database, relation_number: int, relation: NewRelation) -> None:
    """Put a customer just created through createRelation into the mirror's relations at once.

    Without it the relation type-ahead and ``/order find`` would not know the customer until the
    next mirror pass (up to ORDERBOT_MIRROR_INTERVAL_S later); that pass still reads the relation
    from Mplus and replaces this row by its number.
    """
    typed = relation.model_dump(exclude={"relation_number"})
    MirrorStore(db).add_created_relation(Relation(relation_number=relation_number, active=True, **typed))
