"""Property tests: accents and case, phone formats and postcodes compare the way people expect."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.mirror import queries
from bot.mirror.normalise import fold, index_text, phone_digits, query_tokens, words
from bot.mirror.store import RELATIONS, MirrorStore
from bot.mplus.models import Relation
from bot.store.db import Database

ACCENTS = ["\u0301", "\u0300", "\u0308", "\u0302", "\u0327", "\u030c", "\u0303"]  # ´ ` ¨ ^ ¸ ˇ ~

plain_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)


@st.composite
def accented(draw: st.DrawFn, word: str) -> str:
    """``word`` with random accents and random case, composed as people type it (NFC)."""
    out = []
    for ch in word:
        ch = ch.upper() if draw(st.booleans()) else ch
        if draw(st.integers(0, 3)) == 0:
            ch += draw(st.sampled_from(ACCENTS))
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


@given(plain_words.flatmap(lambda w: st.tuples(st.just(w), accented(w))))
def test_accents_and_case_fold_away(pair: tuple[str, str]) -> None:
    plain, typed = pair
    assert words(typed) == [plain]
    assert fold(fold(typed)) == fold(typed)


@given(st.text(max_size=60))
def test_tokens_are_plain_letters_and_digits(text: str) -> None:
    for token in [*words(text), *query_tokens(text)]:
        assert token and all(ch.isalnum() for ch in token)
        assert token == fold(token)


subscriber = st.from_regex(r"[1-9][0-9]{8}", fullmatch=True)


@st.composite
def dutch_formats(draw: st.DrawFn, number: str) -> str:
    prefix = draw(st.sampled_from(["0", "+31", "+31 ", "0031", "0031 ", "+31 (0)"]))
    sep = draw(st.sampled_from(["", " ", "-", "."]))
    cut = draw(st.integers(1, 4))
    body = number[:cut] + sep + number[cut:]
    return prefix + body


@given(subscriber.flatmap(lambda n: st.tuples(st.just(n), dutch_formats(n))))
def test_every_dutch_phone_format_gives_the_same_digits(pair: tuple[str, str]) -> None:
    number, typed = pair
    assert phone_digits(typed) == "0" + number
    assert query_tokens(typed) == ["0" + number]


@given(
    st.from_regex(r"[1-9][0-9]{3}", fullmatch=True),
    st.from_regex(r"[A-Za-z]{2}", fullmatch=True),
    st.sampled_from(["", " "]),
)
def test_postcodes_match_with_or_without_the_space(digits: str, letters: str, space: str) -> None:
    expected = [digits + letters.lower()]
    assert words(f"{digits}{space}{letters}") == expected
    assert query_tokens(f"{digits} {letters.upper()}") == expected


names = st.lists(plain_words, min_size=1, max_size=3).map(" ".join)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_database_finds_a_name_by_any_accented_prefix_of_its_words(
    data: st.DataObject, tmp_path: Path
) -> None:
    name = data.draw(names)
    db = Database(f"sqlite:///{tmp_path / f'n{abs(hash(name))}.sqlite3'}")
    db.create_schema()
    try:
        store = MirrorStore(db)
        store.begin(RELATIONS, 0)
        store.save_relations([Relation(relation_number=1, name=name, sync_marker=1)], since=0)
        query = " ".join(
            data.draw(accented(word[: data.draw(st.integers(1, len(word)))])) for word in name.split()
        )
        assert [r.relation_number for r in queries.search_relations(db, query)] == [1], (name, query)
        assert index_text([name]).split() == list(dict.fromkeys(name.split()))
    finally:
        db.dispose()
