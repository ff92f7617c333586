"""``bot.marks.Said``: what a lower layer says is the English text itself (logs and old callers read it
unchanged), and the Slack layer says it again in the reader's language — nested marked values too,
a typed word as typed."""

from __future__ import annotations

import pytest

from bot.marks import Said
from bot.mplus.money import MoneyError, parse_cents, parse_quantity
from bot.orders.periods import PeriodError, parse_period
from bot.slack.i18n import ENGLISH, translator

DUTCH = translator("nl")


def test_said_is_the_english_sentence_and_keeps_what_it_was_made_of() -> None:
    said = Said("`{word}` is not a list filter", word="Show")
    assert said == "`Show` is not a list filter" and isinstance(said, str)
    assert said.msgid == "`{word}` is not a list filter" and said.values == {"word": "Show"}
    # "Show" is a msgid too ("Toon"), but a typed word is shown as typed.
    assert DUTCH.said(said) == "`Show` is geen lijstfilter"
    assert ENGLISH.said(said) == said


def test_a_nested_marked_value_is_translated_too() -> None:
    said = Said("`{subcommand}` needs exactly one {what}", subcommand="show", what=Said("order number or id"))
    assert str(said) == "`show` needs exactly one order number or id"
    assert DUTCH.said(said) == "`show` heeft precies één ordernummer of order-id nodig"


def test_a_plain_text_is_looked_up_and_otherwise_shown_as_mplus_gave_it() -> None:
    assert DUTCH.said("today") == "vandaag"
    assert DUTCH.said("Artikel 1001 bestaat niet") == "Artikel 1001 bestaat niet"
    assert DUTCH.said("") == ""


@pytest.mark.parametrize(
    ("typed", "english", "dutch"),
    [
        ("0,505", '"0,505" has too many decimals', '"0,505" heeft te veel decimalen'),
        ("1.234", '"1.234" is ambiguous', '"1.234" is dubbelzinnig'),
        ("-5", '"-5" is negative — amounts cannot be negative', '"-5" is negatief'),
        ("", "No amount given", "Geen bedrag ingevuld"),
    ],
)
def test_the_money_parser_explains_in_the_readers_language(typed: str, english: str, dutch: str) -> None:
    with pytest.raises(MoneyError) as caught:
        parse_cents(typed)
    assert str(caught.value).startswith(english)  # below Slack: the English text, as before
    assert ENGLISH.error(caught.value).startswith(english)
    assert DUTCH.error(caught.value).startswith(dutch)


def test_quantities_and_periods_too() -> None:
    with pytest.raises(MoneyError) as quantity:
        parse_quantity("0")
    assert DUTCH.error(quantity.value) == '"0" kan niet — het aantal moet meer dan 0 zijn'
    with pytest.raises(PeriodError) as period:
        parse_period("2026-02-01..2026-01-01")
    said = DUTCH.error(period.value)
    assert said == "`2026-02-01..2026-01-01` eindigt voordat het begint — zet de vroegste datum voorop"
