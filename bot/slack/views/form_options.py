"""Type-ahead options of the order form: relations, articles and the "New customer" entry.

Slack shows at most 100 options, each label ≤ 75 characters; everything from Mplus is escaped.
A relation option's value is its number; the New customer entry's value starts with ``new:`` and
carries what was typed, so the new-customer modal can start from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import Option

from bot.mirror.models import MirrorArticle, MirrorRelation
from bot.mplus.models import Relation
from bot.orders.drafts import NEW_CUSTOMER_VALUE, relation_label
from bot.slack import form_messages as say
from bot.slack import text
from bot.slack.i18n import ENGLISH, Translator

OPTION_TEXT_MAX = 75
MAX_OPTIONS = 100
NEW_CUSTOMER_PREFIX = NEW_CUSTOMER_VALUE
NEW_CUSTOMER_TYPED_MAX = 60


def option(label: str, value: str, description: str | None = None) -> Option:
    desc = text.safe(" ".join(description.split()), OPTION_TEXT_MAX) if description else None
    return Option(value=value, text=text.safe(label, OPTION_TEXT_MAX) or "?", description=desc or None)


def relation_option(relation: Relation | MirrorRelation) -> dict[str, Any]:
    """``Name (#12)``, with city (and company or e-mail) underneath to tell namesakes apart."""
    company = getattr(relation, "company_name", None)
    extra = [part for part in (relation.city, company, relation.email) if part]
    label = relation_label(relation.name, relation.relation_number)
    return option(label, str(relation.relation_number), " · ".join(extra[:2]) or None).to_dict()


def new_customer_option(typed: str, tr: Translator = ENGLISH) -> dict[str, Any]:
    typed = " ".join(typed.split())[:NEW_CUSTOMER_TYPED_MAX]
    label = tr(say.NEW_CUSTOMER_TYPED, typed=typed) if typed else tr(say.NEW_CUSTOMER)
    return option(label, NEW_CUSTOMER_PREFIX + typed, tr(say.NEW_CUSTOMER_HINT)).to_dict()


def relation_options(
    found: Sequence[Relation | MirrorRelation], typed: str, *, offer_new: bool, tr: Translator = ENGLISH
) -> list[dict]:
    options = [relation_option(r) for r in found[: MAX_OPTIONS - 1]]
    if offer_new:
        options.append(new_customer_option(typed, tr))
    return options


def article_label(description: str, number: int, price_cents: int | None, tr: Translator = ENGLISH) -> str:
    """``Koffiemolen handmatig · € 59,95``: the price is what staff check while typing an order."""
    name = " ".join(description.split()) or f"#{number}"
    price = f" · {tr.money(price_cents)}" if price_cents is not None else ""
    room = OPTION_TEXT_MAX - len(price)
    if len(name) > room:
        name = name[: room - 1] + "…"
    return name + price


def article_option(article: MirrorArticle, tr: Translator = ENGLISH) -> dict[str, Any]:
    details = [f"#{article.article_number}"]
    if article.plu and article.plu != str(article.article_number):
        details.append(f"PLU {article.plu}")
    details.extend(article.barcodes[:1])
    label = article_label(article.description, article.article_number, article.price_cents, tr)
    return option(label, str(article.article_number), " · ".join(details)).to_dict()


def unknown_article_option(number: int, tr: Translator = ENGLISH) -> dict[str, Any]:
    """A number Orderbot's catalogue copy does not know (yet): still offered, Mplus decides."""
    label = tr(say.ARTICLE_NUMBER, number=number)
    return option(label, str(number), tr(say.UNKNOWN_ARTICLE_HINT)).to_dict()
