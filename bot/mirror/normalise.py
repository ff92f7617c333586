"""Search normalisation: what the mirror indexes and what a typed query becomes.

Both sides go through the same functions, so "Zoë" finds "zoe", "+31 6-1234 5678" finds
"0612345678" and "3511ab" finds "3511 AB". The database does the matching (FTS5 on SQLite, a
``simple`` tsvector GIN index on PostgreSQL); Python only folds text into plain lowercase ASCII-ish
tokens, which both engines tokenise identically (letters and digits, split on anything else).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Letters that Unicode does not decompose into base letter + accent.
_EXTRA_FOLDS = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ŀ": "l"}
)
_TOKEN = re.compile(r"[^\W_]+")
_POSTCODE = re.compile(r"\b(\d{4})\s?([a-z]{2})\b")
_PHONE_QUERY = re.compile(r"^\+?[\d\s\-().\/]+$")
MIN_PHONE_DIGITS = 6
MAX_QUERY_TOKENS = 8
MAX_TOKEN = 40


def fold(text: str) -> str:
    """Lower case without accents: "Zoë Çelik-Ĳssel" → "zoe celik-ijssel"."""
    # Compatibility forms first (𝐀, ﬁ, Ĳ), then case, then once more: casefolding can compose again.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.translate(_EXTRA_FOLDS)


def words(text: str | None) -> list[str]:
    """Folded word tokens, with Dutch postcodes joined ("3511 AB" → "3511ab")."""
    if not text:
        return []
    folded = _POSTCODE.sub(r"\1\2", fold(text))
    return [token[:MAX_TOKEN] for token in _TOKEN.findall(folded)]


def phone_digits(text: str | None) -> str:
    """A phone number as national digits: +31 / 0031 / 0 prefixes compare equal.

    "+31 6 1234 5678", "0031612345678" and "06-12345678" all give "0612345678". Other country codes
    keep the international form ("+32 …" → "0032…"), so they never collide with Dutch numbers.
    """
    if not text:
        return ""
    digits = re.sub(r"\D", "", text.replace("(0)", ""))  # "+31 (0)6 …": the trunk 0 in brackets
    if text.strip().startswith("+"):
        digits = "00" + digits
    if digits.startswith("0031"):
        digits = "0" + digits[4:]
    return digits


def phone_tokens(text: str | None) -> list[str]:
    """Index tokens for a phone: its national form, and without the trunk 0 ("612345678")."""
    digits = phone_digits(text)
    if len(digits) < MIN_PHONE_DIGITS:
        return []
    tokens = [digits]
    if digits.startswith("0") and not digits.startswith("00"):
        tokens.append(digits[1:])
    return tokens


def index_text(texts: Iterable[str | None] = (), phones: Iterable[str | None] = ()) -> str:
    """The ``search_text`` stored for one row: unique tokens in first-seen order, space separated."""
    seen: dict[str, None] = {}
    for text in texts:
        for token in words(text):
            seen.setdefault(token, None)
    for phone in phones:
        for token in phone_tokens(phone):
            seen.setdefault(token, None)
    return " ".join(seen)


def looks_like_phone(text: str) -> bool:
    return bool(_PHONE_QUERY.match(text.strip())) and len(re.sub(r"\D", "", text)) >= MIN_PHONE_DIGITS


def query_tokens(text: str) -> list[str]:
    """What a typed search becomes: word prefixes that must all match (empty: nothing to search).

    A query that is only a phone number ("+31 6 1234 5678", "06-12 34 56 78") becomes one token of
    national digits, so it matches however the number was written in Mplus.
    """
    if looks_like_phone(text):
        return [phone_digits(text)[:MAX_TOKEN]]
    tokens: dict[str, None] = {}
    for token in words(text):
        tokens.setdefault(token, None)
    return list(tokens)[:MAX_QUERY_TOKENS]
