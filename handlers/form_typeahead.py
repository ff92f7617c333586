"""The order form's type-aheads: relations and articles, answered from the mirror inside Slack's 3 s.

Relations come from the mirror once its first relation sync is done (name, company, contact, e-mail,
phone in any format, postcode, city, number); before that, from the in-memory relation directory the
form used so far. Every relation answer ends with "➕ New customer…". Articles come from the mirror
(name, number, PLU, barcode) with their catalogue price; a bare number the mirror does not know is
still offered, and Mplus decides.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App

from bot.mirror import queries
from bot.mirror.customers import stream_ready
from bot.mirror.models import MirrorRelation
from bot.mirror.normalise import query_tokens, words
from bot.mplus.models import Relation
from bot.slack.deps import Deps
from bot.slack.i18n import ENGLISH, Translator
from bot.slack.ids import ActionId, InvalidValue, OrderFormMeta
from bot.slack.views import form_options, modals
from handlers.form_commands import forms_for

log = logging.getLogger(__name__)

RELATION_RESULTS = 20
ARTICLE_RESULTS = 30
NUMBER_DIGITS_MAX = 15


def find_relations(deps: Deps, typed: str, fallback: Any) -> list[Relation | MirrorRelation]:
    """The relations to offer for ``typed``: an exact number first, then the mirror's search."""
    if not stream_ready(deps.db, "relations"):
        return list(fallback.search(typed, limit=RELATION_RESULTS))
    found: list[Relation | MirrorRelation] = []
    wanted = typed.strip().lstrip("#")
    if wanted.isdigit() and len(wanted) <= NUMBER_DIGITS_MAX:
        exact = queries.get_relation(deps.db, int(wanted))
        if exact is not None:
            found.append(exact)
    numbers = {r.relation_number for r in found}
    matches = [r for r in queries.search_relations(deps.db, typed, limit=2 * RELATION_RESULTS)
               if r.relation_number not in numbers]
    # Whose *name* matches what was typed comes before a match on contact, e-mail or address:
    # "Jan" should offer Jan de Vries before the company whose contact is a Jan.
    tokens = query_tokens(typed)

    def by_name(relation: MirrorRelation) -> bool:
        name = words(relation.name)
        return not all(any(w.startswith(t) for w in name) for t in tokens)

    found.extend(sorted(matches, key=by_name))
    return found[:RELATION_RESULTS]


def article_options(deps: Deps, typed: str, tr: Translator = ENGLISH) -> list[dict[str, Any]]:
    found = queries.search_articles(deps.db, typed, limit=ARTICLE_RESULTS)
    options = [form_options.article_option(a, tr) for a in found]
    wanted = typed.strip().lstrip("#")
    if wanted.isdigit() and wanted[0] != "0" and len(wanted) <= NUMBER_DIGITS_MAX \
            and all(a.article_number != int(wanted) for a in found):
        options.append(form_options.unknown_article_option(int(wanted), tr))
    return options[: form_options.MAX_OPTIONS]


def register(app: App, deps: Deps) -> None:
    forms = forms_for(deps)

    def reader(body: dict[str, Any]) -> Translator:
        """The form's own language (from its metadata): the options are the ack, nobody is asked."""
        try:
            return modals.reader_of(OrderFormMeta.decode((body.get("view") or {}).get("private_metadata")))
        except InvalidValue:
            return deps.languages.cached((body.get("user") or {}).get("id"))

    def relation_options(ack: Ack, body: dict[str, Any]) -> None:
        typed = str(body.get("value") or "")
        try:
            found = find_relations(deps, typed, forms.relations)
        except Exception:  # Slack shows nothing after 3 s: answer with what we can, never hang
            log.exception("relation type-ahead failed")
            found = []
        offer_new = bool(typed.strip())
        ack(options=form_options.relation_options(found, typed, offer_new=offer_new, tr=reader(body)))

    def article_choices(ack: Ack, body: dict[str, Any]) -> None:
        typed = str(body.get("value") or "")
        try:
            options = article_options(deps, typed, reader(body))
        except Exception:
            log.exception("article type-ahead failed")
            options = []
        ack(options=options)

    app.options(ActionId.FORM_RELATION.value)(relation_options)
    app.options(ActionId.FORM_ARTICLE.value)(article_choices)
