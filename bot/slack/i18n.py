"""The words and formats one reader sees: a ``Translator`` per language, from gettext catalogues.

English msgids are the English texts themselves (``bot.slack.messages``), so English needs no
catalogue and reads exactly as before. Other languages live in
``bot/slack/locale/<lang>/LC_MESSAGES/orderbot.po``, compiled with Babel when first used (no build
step can be forgotten; a ``.po`` is small). Dates and amounts follow the reader's locale via Babel.

Views take a ``Translator`` (never a language string); handlers pick it with ``bot.slack.language``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from gettext import NullTranslations
from pathlib import Path

from babel import Locale
from babel.dates import format_date as babel_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import Translations

from bot.marks import N_, Said
from bot.mplus.money import format_cents

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "orderbot"
SOURCE_LANGUAGE = "en"
LANGUAGES = ("en", "nl")
"""What a person may choose; the first is the language the msgids are written in."""
NBSP = "\u00a0"
__all__ = ["ENGLISH", "LANGUAGES", "N_", "Said", "Translator", "language_of", "translator"]


def language_of(value: str | None) -> str | None:
    """``nl``, ``nl-NL``, ``nl_BE``, ``Dutch``… → ``nl``; None for a language Orderbot does not speak."""
    if not value:
        return None
    word = value.strip().lower().replace("_", "-")
    aliases = {"dutch": "nl", "nederlands": "nl", "english": "en", "engels": "en"}
    code = aliases.get(word, word.split("-", 1)[0])
    return code if code in LANGUAGES else None


def _catalogue(language: str) -> NullTranslations:
    po = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == SOURCE_LANGUAGE or not po.exists():
        return NullTranslations()
    with po.open("rb") as f:
        catalog = read_po(f, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)  # a fuzzy (unreviewed) entry falls back to English
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


@dataclass(frozen=True)
class Translator:
    """One reader's words, amounts and dates."""

    language: str
    _catalogue: NullTranslations

    def gettext(self, message: str) -> str:
        return self._catalogue.gettext(message)

    def __call__(self, message: str, **values: object) -> str:
        """The translated text with its named placeholders filled: ``tr(messages.X, amount=...)``."""
        said = self._catalogue.gettext(message)
        return said.format(**values) if values else said

    def said(self, text: str) -> str:
        """A text a lower layer said (``bot.marks.Said``: its msgid and values) in this reader's
        language; a plain ``str`` is looked up as a msgid and otherwise shown as it is (Mplus's own
        words). Only values that are ``Said`` themselves are translated: a typed word stays as typed."""
        if isinstance(text, Said):
            values = {k: self.said(v) if isinstance(v, Said) else v for k, v in text.values.items()}
            return self(text.msgid, **values) if values else self.gettext(text.msgid)
        return self.gettext(text) if text else text

    def error(self, err: BaseException) -> str:
        """An exception's message (a ``Said`` as its first argument) in this reader's language."""
        first = err.args[0] if len(err.args) == 1 else None
        return self.said(first) if isinstance(first, str) else str(err)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalogue.ngettext(singular, plural, n)

    def money(self, cents: int) -> str:
        """``€ 1.234,56`` in Dutch (as the shop writes it), ``€1,234.56`` in English; a non-breaking
        space so € never wraps away from its number on a phone."""
        if self.language == "nl":
            return format_cents(cents).replace(" ", NBSP)
        said = format_currency(Decimal(cents) / 100, "EUR", locale=self._babel_locale)
        return said.replace(" ", NBSP)

    def amount_plain(self, cents: int) -> str:
        """An amount for an input field, without the euro sign (``12,50`` / ``12.50``)."""
        # No thousands separator: the field is typed back, and "1.234,56" vs "1,234.56" is the kind of
        # amount the money parser refuses as ambiguous.
        return format_decimal(Decimal(cents) / 100, format="0.00", locale=self._babel_locale)

    def number(self, value: int) -> str:
        return format_decimal(value, locale=self._babel_locale)

    def date(self, value: date) -> str:
        """``1 dec. 2026`` in Dutch, ``1 Dec 2026`` in English."""
        if self.language != "nl":
            return babel_date(value, "d MMM y", locale=self._babel_locale)
        # Dutch writes a shortened month with a full stop (jan., mrt., dec.; CLDR's traditional form),
        # a month that is not shortened without (mei). Babel up to 2.19 prints them bare ("1 dec 2026").
        month = babel_date(value, "MMM", locale=self._babel_locale).rstrip(".")
        if month != babel_date(value, "MMMM", locale=self._babel_locale):
            month += "."
        return f"{value.day} {month} {value.year}"

    @property
    def _babel_locale(self) -> Locale:
        # British English: day-first dates and € amounts as Europe writes them in English.
        return Locale.parse("en_GB" if self.language == "en" else self.language)


@cache
def translator(language: str | None) -> Translator:
    """The translator for ``language`` (anything ``language_of`` understands); English otherwise."""
    code = language_of(language) or SOURCE_LANGUAGE
    return Translator(code, _catalogue(code))


ENGLISH = translator(SOURCE_LANGUAGE)
"""What a view shows when no reader is known (and what tests written before issue #14 read)."""
