"""The catalogues against the source (issue #14): every text the code marks has a reviewed Dutch
translation, and no translation names a placeholder the English lacks (or drops one it has: a
dropped {amount} would hide money from the reader)."""

from __future__ import annotations

import string
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.slack import confirm_messages, messages
from bot.slack.i18n import LANGUAGES, LOCALE_DIR, SOURCE_LANGUAGE, language_of, translator
from handlers.command_parser import ALIASES
from handlers.commands import SUBCOMMANDS

ROOT = Path(__file__).resolve().parents[2]


def _source_msgids() -> set[str]:
    """What `pybabel extract -F babel.cfg -k N_` finds now (not the committed .pot, which may lag)."""
    found: set[str] = set()
    for folder in ("bot", "handlers"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords={"N_": None, "_": None, "gettext": None}
        ):
            if isinstance(message, str) and message:
                found.add(message)
    return found


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def _catalogue(language: str):
    with (LOCALE_DIR / language / "LC_MESSAGES" / "orderbot.po").open("rb") as f:
        return read_po(f, locale=language)


TRANSLATED = [lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE]


def test_the_source_marks_the_confirmation_wording_and_the_errors() -> None:
    ids = _source_msgids()
    assert confirm_messages.DEPOSIT_WILL in ids and confirm_messages.FULL_WILL in ids
    assert messages.UNEXPECTED in ids and messages.REFUSAL_TEXT["PAY-ORDER-RESULT-FAILED"] in ids
    assert len(ids) > 100


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_marked_text_is_translated_and_reviewed(language: str) -> None:
    catalogue = _catalogue(language)
    missing = sorted(
        msgid
        for msgid in _source_msgids()
        if msgid not in catalogue or not catalogue[msgid].string or catalogue[msgid].fuzzy
    )
    assert not missing, (
        f"{len(missing)} text(s) without a reviewed {language} translation — run the catalogue "
        f"workflow in the README (pybabel extract / update) and translate: {missing[:5]}"
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_use_exactly_the_placeholders_of_the_source(language: str) -> None:
    wrong = []
    for entry in _catalogue(language):
        if not entry.id or not entry.string:
            continue
        source, said = _fields(str(entry.id)), _fields(str(entry.string))
        if said != source:
            wrong.append((entry.id, sorted(said - source), sorted(source - said)))
    assert not wrong, f"placeholders (extra, missing) differ from the source: {wrong[:5]}"


def test_a_placeholder_the_source_lacks_is_caught() -> None:
    # The check above reads placeholders the way str.format fills them.
    assert _fields("Order {number} · {amount}") == {"number", "amount"}
    assert _fields("{amount} nog open") != _fields("{amount} still open {extra}")


def test_amounts_and_dates_per_language() -> None:
    nl, en = translator("nl"), translator("en")
    assert nl.money(123456) == "€\u00a01.234,56" and en.money(123456) == "€1,234.56"
    assert nl.money(-1250) == "€\u00a0-12,50" and en.money(-1250) == "-€12.50"
    assert nl.amount_plain(123456) == "1234,56" and en.amount_plain(123456) == "1234.56"  # typed back
    assert en.date(date(2026, 12, 1)) == "1 Dec 2026"
    assert nl.date(date(2026, 12, 1)).startswith("1 dec") and nl.date(date(2026, 12, 1)).endswith(" 2026")


def test_languages_are_read_from_slack_locales_and_words() -> None:
    assert [language_of(v) for v in ("nl-NL", "nl_BE", "NL", "Nederlands", "en-GB", "en-US")] == [
        "nl", "nl", "nl", "nl", "en", "en"
    ]
    assert language_of("fr-FR") is None and language_of("") is None and language_of(None) is None
    assert translator("fr-FR").language == "en"  # a language Orderbot does not speak: English


def test_a_translated_text_is_filled_like_the_english() -> None:
    nl = translator("nl")
    said = nl(messages.PAY_REMAINS, left=nl(messages.LEFT_OPEN, amount=nl.money(7500)))
    assert said == "Na deze betaling: €\u00a075,00 nog open."
    assert translator("en")(messages.PAY_REMAINS, left="nothing is left to pay") == (
        "After this payment nothing is left to pay."
    )


def test_dutch_command_words_name_real_commands() -> None:
    for alias, name in ALIASES.items():
        assert SUBCOMMANDS.get(alias) is SUBCOMMANDS.get(name) is not None, alias
