"""Money and quantity handling for the Mplus order API.

Mplus stores amounts as integer cents (``xsd:long``) and quantities as an integer
``quantity`` plus ``decimalPlaces``. Everything here stays in ``int`` / ``Decimal``:
a float can't represent 0,10 exactly and a wrong cent on an order is a real bug.

Input comes from Dutch shop staff typing in Slack, so both ``12,50`` and ``12.50``
must work. Where a typed amount could mean two different things we refuse it with
a message that says how to write it unambiguously instead of guessing: guessing
wrong on money is much worse than asking again.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Self

from pydantic import BaseModel, ConfigDict, Field

from bot.marks import N_, Said

__all__ = [
    "MAX_CENTS",
    "MAX_QUANTITY",
    "MAX_QUANTITY_DECIMALS",
    "MoneyError",
    "Quantity",
    "format_cents",
    "format_quantity",
    "line_total_cents",
    "parse_cents",
    "parse_quantity",
]

# €10 million: far above any realistic order line, low enough that a pasted
# article number or a slipped finger is caught instead of sent to the till.
MAX_CENTS = 10_000_000_00

MAX_QUANTITY = Decimal(100_000)
MAX_QUANTITY_DECIMALS = 6

# Mplus quantity is an xsd:long; anything outside would be rejected by the server anyway.
_LONG_MIN = -(2**63)
_LONG_MAX = 2**63 - 1

# Long enough to recognise the input, short enough not to flood a Slack message.
_QUOTE_LIMIT = 40

_DIGITS = re.compile(r"[0-9]+")  # explicit ASCII: str.isdigit() also accepts "²" and "٣"
_LEADING_GROUP = re.compile(r"[1-9][0-9]{0,2}")
_THREE_DIGITS = re.compile(r"[0-9]{3}")
_AMOUNT_CHARS = re.compile(r"[0-9., ]+")
_QUANTITY_BODY = re.compile(r"(?P<int>[0-9]*)(?:(?P<sep>[.,])(?P<frac>[0-9]*))?")
_WHITESPACE = re.compile(r"\s")  # Slack and copy/paste bring in NBSP and narrow NBSP
_CURRENCY_PREFIX = re.compile(r"^(?:€|euro?)\s*", re.IGNORECASE)
_CURRENCY_SUFFIX = re.compile(r"\s*(?:€|euro?)$", re.IGNORECASE)
# Slack/phones sometimes turn "-" into a typographic minus or dash.
_MINUS_SIGNS = ("-", "−", "–")


class MoneyError(ValueError):
    """An amount or quantity the user typed could not be accepted.

    ``str()`` is meant to be shown to the user as-is, so it always says what was
    wrong and, where possible, how to write it instead. Its argument is a ``Said`` (a marked
    sentence and its values), so the Slack layer can say it in the reader's language.
    """


def _quote(text: str) -> str:
    shown = text.strip()
    if len(shown) > _QUOTE_LIMIT:
        shown = shown[: _QUOTE_LIMIT - 1] + "…"
    return f'"{shown}"'


def _group_thousands(digits: str) -> str:
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return ".".join(groups)


# --------------------------------------------------------------------------- amounts


def _not_an_amount(text: str) -> MoneyError:
    return MoneyError(Said(N_("{text} is not an amount — use e.g. 12,50"), text=_quote(text)))


def _misplaced(text: str) -> MoneyError:
    return MoneyError(Said(N_(
        "{text} is not a valid amount — thousands separators must group digits by 3, "
        "e.g. 1.234,56 or 1234,56"
    ), text=_quote(text)))


def _too_many_decimals(text: str) -> MoneyError:
    return MoneyError(
        Said(N_("{text} has too many decimals — amounts have at most 2 decimals (cents)"), text=_quote(text))
    )


def _join_groups(text: str, int_part: str, sep: str) -> str:
    """Return the digits of an integer part that may use ``sep`` to group thousands."""
    if int_part == "":
        return ""  # ",50" — a leading decimal separator is clear enough
    groups = int_part.split(sep)
    if len(groups) == 1:
        if not _DIGITS.fullmatch(int_part):
            raise _misplaced(text)
        return int_part
    if not _LEADING_GROUP.fullmatch(groups[0]) or not all(_THREE_DIGITS.fullmatch(g) for g in groups[1:]):
        raise _misplaced(text)
    return "".join(groups)


def _check_cents_digits(text: str, frac: str) -> None:
    # "12," or "12,5 0": a decimal separator must be followed by digits only.
    if not _DIGITS.fullmatch(frac):
        raise _not_an_amount(text)


def _split_amount(text: str, body: str) -> tuple[str, str]:
    """Split ``body`` into (euro digits, cent digits), deciding which separator is the decimal one."""
    dots, commas = body.count("."), body.count(",")

    if dots and commas:
        # "1.234,56" vs "1,234.56": whichever comes last is the decimal separator.
        dec = "." if body.rfind(".") > body.rfind(",") else ","
        grp = "," if dec == "." else "."
        if body.count(dec) > 1:
            raise _misplaced(text)
        int_part, frac = body.split(dec)
        _check_cents_digits(text, frac)
        if " " in int_part:
            # Two different grouping styles in one number is a typo, not a format.
            raise _misplaced(text)
        return _join_groups(text, int_part, grp), frac

    if dots or commas:
        sep = "." if dots else ","
        if body.count(sep) > 1:
            # "1.234.567": several of the same separator can only be thousands grouping.
            if " " in body:
                raise _misplaced(text)
            return _join_groups(text, body, sep), ""
        int_part, frac = body.split(sep)
        _check_cents_digits(text, frac)
        if len(frac) == 3 and _LEADING_GROUP.fullmatch(int_part):
            # "1.234" is €1234 to a Dutch reader and €1.234 to an English one; the
            # second is invalid (3 decimals) but may just be a typo for €1,23. Don't guess.
            euros = int_part + frac
            raise MoneyError(Said(N_(
                "{text} is ambiguous — thousands separator or 3 decimals? "
                "Amounts have at most 2 decimals (cents); for {euros} euros write {euros} "
                "or {grouped},00"
            ), text=_quote(text), euros=euros, grouped=_group_thousands(euros)))
        # Anything else with one separator is a decimal separator: "0,505" or "1234,567" can't
        # be grouping, and "1 234,56" already groups with spaces.
        return _join_groups(text, int_part, " "), frac

    return _join_groups(text, body, " "), ""


def parse_cents(text: str) -> int:
    """Parse an amount typed by a user into integer cents.

    Accepts Dutch and English notation (``12,50``, ``12.50``, ``1.234,56``, ``1,234.56``,
    ``1 234,56``), an optional ``€``/``EUR`` and the Dutch whole-euro ``12,-``.
    Zero is accepted; whether it makes sense is up to the caller.

    Raises:
        MoneyError: with a user-facing message for every refused input.
    """
    s = _WHITESPACE.sub(" ", text).strip()
    if not s:
        raise MoneyError(Said(N_("No amount given — type an amount, e.g. 12,50")))

    negative = False
    # Accept the minus before or after the currency ("-€ 5", "€ -5") so that we can say
    # "negative" rather than "not an amount".
    if s.startswith(_MINUS_SIGNS):
        negative, s = True, s[1:].lstrip()
    s = _CURRENCY_PREFIX.sub("", s)
    if not negative and s.startswith(_MINUS_SIGNS):
        negative, s = True, s[1:].lstrip()
    s = _CURRENCY_SUFFIX.sub("", s)

    whole_euros = s.endswith((",-", ".-"))  # Dutch price-tag notation: "12,-" is €12,00
    if whole_euros:
        s = s[:-2]

    if not _AMOUNT_CHARS.fullmatch(s) or not any(c.isdigit() for c in s):
        # Also rejects "1e3", "NaN", "inf", "1_000" and "+5", which Decimal() would accept.
        raise _not_an_amount(text)

    euros, frac = _split_amount(text, s)
    if frac and whole_euros:
        raise _not_an_amount(text)  # "12,50,-"
    if len(frac) > 2:
        raise _too_many_decimals(text)
    if negative:
        raise MoneyError(Said(N_("{text} is negative — amounts cannot be negative"), text=_quote(text)))

    euros = euros.lstrip("0")
    # Check the length first: int() refuses strings over 4300 digits with an unrelated error.
    if len(euros) <= len(str(MAX_CENTS // 100)):
        cents = int(euros or "0") * 100 + int(frac.ljust(2, "0"))
        if cents <= MAX_CENTS:
            return cents
    raise MoneyError(Said(
        N_("{text} is too large — the maximum is {maximum}"),
        text=_quote(text),
        maximum=format_cents(MAX_CENTS),
    ))


def format_cents(cents: int) -> str:
    """Format integer cents the Dutch way: ``€ 1.234,56``, ``€ -12,50``."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"€ {sign}{_group_thousands(str(euros))},{rest:02d}"


# ------------------------------------------------------------------------ quantities


class Quantity(BaseModel):
    """An Mplus quantity: ``quantity / 10**decimal_places`` (0,530 kg is ``530, 3``).

    Equality compares the fields, so ``Quantity(quantity=15, decimal_places=1)`` and
    ``Quantity(quantity=150, decimal_places=2)`` differ although they have the same value;
    use :meth:`from_decimal` to get the normalized form.
    """

    model_config = ConfigDict(frozen=True)

    quantity: int = Field(ge=_LONG_MIN, le=_LONG_MAX)
    decimal_places: int = Field(default=0, ge=0, le=MAX_QUANTITY_DECIMALS)

    @classmethod
    def from_decimal(cls, d: Decimal) -> Self:
        """Build the quantity with the fewest decimal places that represents ``d`` exactly.

        Raises:
            MoneyError: if ``d`` is not finite, needs more than 6 decimals or does not fit Mplus.
        """
        if not d.is_finite():
            raise MoneyError(Said(N_("{text} is not a quantity — use e.g. 2 or 1,5"), text=f'"{d}"'))
        # Checked before building the int: Decimal("1E+999999999") is valid and would hang.
        if d and d.adjusted() >= 19:
            raise MoneyError(Said(N_("{text} is too large for a quantity"), text=f'"{d}"'))
        # Work on the digit tuple instead of Decimal.normalize(), which rounds to the
        # context precision (28 digits) and so is not guaranteed exact.
        sign, digits, exponent = d.as_tuple()
        assert isinstance(exponent, int)  # finite, checked above
        value = int("".join(map(str, digits)) or "0")
        if value == 0:
            return cls(quantity=0)  # "0E+999999999" is zero too; don't build 10**exponent
        if exponent >= 0:
            value *= 10**exponent
            places = 0
        else:
            places = -exponent
            while places and value % 10 == 0:
                value //= 10
                places -= 1
        if places > MAX_QUANTITY_DECIMALS:
            raise MoneyError(Said(
                N_("{text} has too many decimals — quantities have at most {places} decimals"),
                text=f'"{d}"', places=MAX_QUANTITY_DECIMALS,
            ))
        if sign:
            value = -value
        if not _LONG_MIN <= value <= _LONG_MAX:
            raise MoneyError(Said(N_("{text} is too large for a quantity"), text=f'"{d}"'))
        return cls(quantity=value, decimal_places=places)

    def as_decimal(self) -> Decimal:
        # Built from a string so it is exact regardless of the Decimal context.
        return Decimal(f"{self.quantity}E-{self.decimal_places}")

    def __str__(self) -> str:
        return format_quantity(self)


def format_quantity(q: Quantity) -> str:
    """Format a quantity the Dutch way: ``1,5``, ``0,53``, ``2``.

    Trailing zeros are dropped (``530, 3`` shows as ``0,53``) and there is deliberately
    no thousands separator: :func:`parse_quantity` reads ``1.000`` as one, not a thousand.
    """
    value, places = q.quantity, q.decimal_places
    while places and value % 10 == 0:
        value //= 10
        places -= 1
    sign = "-" if value < 0 else ""
    whole, frac = divmod(abs(value), 10**places)
    return f"{sign}{whole},{frac:0{places}d}" if places else f"{sign}{whole}"


def _not_a_quantity(text: str) -> MoneyError:
    return MoneyError(Said(N_("{text} is not a quantity — use e.g. 2 or 1,5"), text=_quote(text)))


def parse_quantity(text: str) -> Quantity:
    """Parse a quantity typed by a user, e.g. ``2``, ``1,5``, ``1.5``, ``0,530``.

    A single ``.`` or ``,`` is the decimal separator, except where a point could as well group
    thousands: ``1.000`` or ``1.250`` (one to three digits, not starting with 0, a point, then
    exactly three) is refused as ambiguous, as the amount fields do, since reading it either way
    can turn an order a thousand-fold wrong. The Dutch decimal comma (``2,449`` kg from a scale,
    and what the edit form shows), ``0.530``, ``1.25`` and ``1250`` are clear. Other thousands
    separators are refused outright: large counts are typed as ``1250``.

    Raises:
        MoneyError: with a user-facing message for every refused input.
    """
    s = _WHITESPACE.sub(" ", text).strip()
    if not s:
        raise MoneyError(Said(N_("No quantity given — type a quantity, e.g. 2 or 1,5")))

    negative = s.startswith(_MINUS_SIGNS)
    if negative:
        s = s[1:].lstrip()

    separators = s.count(".") + s.count(",")
    if separators > 1 or re.fullmatch(r"[0-9.,]+(?: [0-9.,]+)+", s):
        raise MoneyError(Said(N_(
            "{text} is not a valid quantity — use one decimal comma and no thousands "
            "separators, e.g. 1250 or 1,5"
        ), text=_quote(text)))
    m = _QUANTITY_BODY.fullmatch(s)
    if (
        m is None
        or not (m["int"] or m["frac"])
        # "2," — a trailing separator is more likely an unfinished number than a whole one.
        or (m["sep"] and not m["frac"])
    ):
        raise _not_a_quantity(text)

    if m["sep"] == "." and len(m["frac"] or "") == 3 and _LEADING_GROUP.fullmatch(m["int"] or ""):
        # "1.000" is a thousand to a Dutch reader and one to an English one: like amounts, don't
        # guess. The decimal comma ("2,449" kg, as the order form itself writes a weighed
        # quantity) and "0.530" (a leading 0 is never a thousands group) stay clear.
        whole, three = m["int"], m["frac"]
        raise MoneyError(Said(N_(
            "{text} is ambiguous — thousands separator or 3 decimals? "
            "For {number} write {number}; for {whole} and {three} thousandths write {decimal}"
        ), text=_quote(text), number=whole + three, whole=whole, three=three,
            decimal=f"{whole},{three.rstrip('0') or '0'}"))
    frac = (m["frac"] or "").rstrip("0")  # "1,5000000" is exactly 1,5: trailing zeros add no precision
    if len(frac) > MAX_QUANTITY_DECIMALS:
        raise MoneyError(Said(
            N_("{text} has too many decimals — quantities have at most {places} decimals"),
            text=_quote(text), places=MAX_QUANTITY_DECIMALS,
        ))
    value = Decimal(f"{m['int'] or '0'}.{frac or '0'}")
    if negative or value == 0:
        raise MoneyError(Said(N_("{text} is not allowed — quantity must be more than 0"), text=_quote(text)))
    if value > MAX_QUANTITY:
        raise MoneyError(Said(
            N_("{text} is too large — the maximum quantity is {maximum}"),
            text=_quote(text),
            maximum=MAX_QUANTITY,
        ))
    return Quantity.from_decimal(value)


# ----------------------------------------------------------------------------- totals


def line_total_cents(unit_price_cents: int, qty: Quantity) -> int:
    """Return price × quantity in cents, rounded half-up (ties away from zero) to the cent.

    Same result as ``Decimal.quantize(..., ROUND_HALF_UP)``, but done on integers:
    a Decimal product is rounded to the context precision (28 digits) before we
    get to quantize it, integers never are.
    """
    numerator = unit_price_cents * qty.quantity
    denominator = 10**qty.decimal_places
    whole, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        whole += 1
    return -whole if numerator < 0 else whole
