from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.mplus.money import (
    MAX_CENTS,
    MAX_QUANTITY,
    MoneyError,
    Quantity,
    format_cents,
    format_quantity,
    line_total_cents,
    parse_cents,
    parse_quantity,
)


def Q(quantity: int, decimal_places: int = 0) -> Quantity:
    return Quantity(quantity=quantity, decimal_places=decimal_places)


# ------------------------------------------------------------------------ parse_cents

GOOD_AMOUNTS = [
    ("12,50", 1250),
    ("12.50", 1250),
    ("€ 12.50", 1250),
    ("€12,50", 1250),
    ("EUR 12,50", 1250),
    ("eur12,50", 1250),
    ("12,50 €", 1250),
    ("12,50 EUR", 1250),
    ("12", 1200),
    ("12,-", 1200),
    ("€ 12,-", 1200),
    ("12.-", 1200),
    ("12,5", 1250),
    ("1.234,56", 123456),
    ("1,234.56", 123456),
    ("1 234,56", 123456),
    ("1\u00a0234,56", 123456),  # NBSP from copy/paste
    ("1 234", 123400),
    ("1.234.567", 123456700),
    ("1,234,567", 123456700),
    ("1.234.567,89", 123456789),
    ("1,234,567.89", 123456789),
    ("0,05", 5),
    (",50", 50),
    ("0", 0),
    ("0,00", 0),
    ("007", 700),
    ("  12,50  ", 1250),
    ("10.000.000,00", MAX_CENTS),
    ("10000000", MAX_CENTS),
]


@pytest.mark.parametrize(("text", "cents"), GOOD_AMOUNTS)
def test_parse_cents_accepts(text: str, cents: int) -> None:
    assert parse_cents(text) == cents


BAD_AMOUNTS = [
    ("", "No amount given"),
    ("   ", "No amount given"),
    ("abc", '"abc" is not an amount — use e.g. 12,50'),
    ("€", "is not an amount"),
    ("12,", '"12," is not an amount'),
    ("12,50,-", "is not an amount"),
    ("12,5 0", "is not an amount"),
    ("+5", "is not an amount"),
    ("1e3", "is not an amount"),
    ("1E3", "is not an amount"),
    ("NaN", "is not an amount"),
    ("inf", "is not an amount"),
    ("Infinity", "is not an amount"),
    ("1_000", "is not an amount"),
    ("²", "is not an amount"),
    ("-5", '"-5" is negative — amounts cannot be negative'),
    ("-12,50", "cannot be negative"),
    ("€ -12,50", "cannot be negative"),
    ("-€ 12,50", "cannot be negative"),
    ("−5", "cannot be negative"),  # typographic minus
    ("-abc", "is not an amount"),
    ("12,5055", '"12,5055" has too many decimals — amounts have at most 2 decimals (cents)'),
    ("0,505", "at most 2 decimals (cents)"),
    ("1234,567", "at most 2 decimals (cents)"),
    ("1.234,567", "at most 2 decimals (cents)"),
    ("1 234,567", "at most 2 decimals (cents)"),
    (",505", "at most 2 decimals (cents)"),
    ("12,505", '"12,505" is ambiguous'),
    ("12,505", "write 12505 or 12.505,00"),
    ("1,234", '"1,234" is ambiguous — thousands separator or 3 decimals?'),
    ("1,234", "at most 2 decimals (cents)"),
    ("1,234", "write 1234 or 1.234,00"),
    ("1.234", '"1.234" is ambiguous'),
    ("1.234", "write 1234 or 1.234,00"),
    ("1.2.3", '"1.2.3" is not a valid amount — thousands separators must group digits by 3'),
    ("12,5,0", "must group digits by 3"),
    ("1.234.56", "must group digits by 3"),
    ("12,34.56", "must group digits by 3"),
    ("1.234.567,89,1", "must group digits by 3"),
    ("1 234.567,89", "must group digits by 3"),
    ("1 234.567.890", "must group digits by 3"),
    ("12 50", "must group digits by 3"),
    ("0.123.456", "must group digits by 3"),
    ("10.000.000,01", "is too large — the maximum is € 10.000.000,00"),
    ("10000001", "the maximum is € 10.000.000,00"),
    ("99999999999999999999", "is too large"),
    ("9" * 5000, "is too large"),
]


@pytest.mark.parametrize(("text", "fragment"), BAD_AMOUNTS)
def test_parse_cents_refuses(text: str, fragment: str) -> None:
    with pytest.raises(MoneyError) as info:
        parse_cents(text)
    assert fragment in str(info.value)


def test_money_error_is_value_error_and_quotes_long_input_briefly() -> None:
    assert issubclass(MoneyError, ValueError)
    with pytest.raises(MoneyError) as info:
        parse_cents("x" * 500)
    message = str(info.value)
    assert message.startswith('"xxxx')
    assert "…" in message
    assert len(message) < 100


# ----------------------------------------------------------------------- format_cents

FORMATTED = [
    (0, "€ 0,00"),
    (5, "€ 0,05"),
    (1200, "€ 12,00"),
    (1250, "€ 12,50"),
    (99999, "€ 999,99"),
    (100000, "€ 1.000,00"),
    (123456, "€ 1.234,56"),
    (123456789, "€ 1.234.567,89"),
    (MAX_CENTS, "€ 10.000.000,00"),
    (-1250, "€ -12,50"),
    (-5, "€ -0,05"),
    (-123456, "€ -1.234,56"),
]


@pytest.mark.parametrize(("cents", "text"), FORMATTED)
def test_format_cents(cents: int, text: str) -> None:
    assert format_cents(cents) == text


@given(st.integers(min_value=0, max_value=MAX_CENTS))
@example(0)
@example(MAX_CENTS)
@example(100000)
def test_cents_round_trip(cents: int) -> None:
    assert parse_cents(format_cents(cents)) == cents


# ---------------------------------------------------------------------- parse_quantity

GOOD_QUANTITIES = [
    ("2", Q(2)),
    ("1,5", Q(15, 1)),
    ("1.5", Q(15, 1)),
    ("0,530", Q(53, 2)),
    ("0.530", Q(53, 2)),
    ("1,25", Q(125, 2)),
    ("1,0", Q(1)),
    ("12,5", Q(125, 1)),
    ("1,250", Q(125, 2)),  # the Dutch decimal comma, as a scale shows kilos
    ("2,449", Q(2449, 3)),  # and as the edit form writes a weighed quantity
    ("1,5000000", Q(15, 1)),  # trailing zeros add no precision
    (",5", Q(5, 1)),
    ("0,000001", Q(1, 6)),
    ("  3 ", Q(3)),
    ("100000", Q(100_000)),
    ("100000,000", Q(100_000)),
    ("1250", Q(1250)),
    ("10", Q(10)),
]


@pytest.mark.parametrize(("text", "quantity"), GOOD_QUANTITIES)
def test_parse_quantity_accepts(text: str, quantity: Quantity) -> None:
    assert parse_quantity(text) == quantity


BAD_QUANTITIES = [
    ("", "No quantity given"),
    ("  ", "No quantity given"),
    ("abc", '"abc" is not a quantity — use e.g. 2 or 1,5'),
    ("2,", "is not a quantity"),
    # Like amounts: a thousand or one? Not guessed.
    ("1.000", '"1.000" is ambiguous — thousands separator or 3 decimals? For 1000 write 1000'),
    ("1.250", "for 1 and 250 thousandths write 1,25"),
    ("250.500", "is ambiguous"),
    ("2 st", "is not a quantity"),
    ("1e3", "is not a quantity"),
    ("NaN", "is not a quantity"),
    ("inf", "is not a quantity"),
    ("+2", "is not a quantity"),
    ("-abc", "is not a quantity"),
    ("0", '"0" is not allowed — quantity must be more than 0'),
    ("0,000", "quantity must be more than 0"),
    ("-2", "quantity must be more than 0"),
    ("-0,5", "quantity must be more than 0"),
    ("0,0000001", "quantities have at most 6 decimals"),
    ("1,2345678", '"1,2345678" has too many decimals — quantities have at most 6 decimals'),
    ("1.234,5", "use one decimal comma and no thousands separators"),
    ("1,234.5", "no thousands separators"),
    ("1.234.567", "no thousands separators"),
    ("1,2,3", "no thousands separators"),
    ("1 000", "no thousands separators"),
    ("100000,000001", "is too large — the maximum quantity is 100000"),
    ("100001", "the maximum quantity is 100000"),
    ("9" * 5000, "is too large"),
]


@pytest.mark.parametrize(("text", "fragment"), BAD_QUANTITIES)
def test_parse_quantity_refuses(text: str, fragment: str) -> None:
    with pytest.raises(MoneyError) as info:
        parse_quantity(text)
    assert fragment in str(info.value)


# ---------------------------------------------------------------------------- Quantity

FORMATTED_QUANTITIES = [
    (Q(15, 1), "1,5"),
    (Q(53, 2), "0,53"),
    (Q(530, 3), "0,53"),  # Mplus sends weights with a fixed scale; show the value
    (Q(2), "2"),
    (Q(2000, 3), "2"),
    (Q(100_000), "100000"),  # no thousands separator: parse_quantity would read 100,000 as 100
    (Q(1, 6), "0,000001"),
    (Q(-15, 1), "-1,5"),
    (Q(0), "0"),
]


@pytest.mark.parametrize(("quantity", "text"), FORMATTED_QUANTITIES)
def test_format_quantity(quantity: Quantity, text: str) -> None:
    assert format_quantity(quantity) == text
    assert str(quantity) == text


FROM_DECIMAL = [
    ("1.50", Q(15, 1)),
    ("0.530", Q(53, 2)),
    ("2", Q(2)),
    ("2.000", Q(2)),
    ("1E+2", Q(100)),
    ("0", Q(0)),
    ("0E-10", Q(0)),
    ("0E+999999999", Q(0)),
    ("-1.5", Q(-15, 1)),
    ("0.000001", Q(1, 6)),
    ("1.0000000", Q(1)),
]


@pytest.mark.parametrize(("text", "quantity"), FROM_DECIMAL)
def test_from_decimal_uses_smallest_exponent(text: str, quantity: Quantity) -> None:
    assert Quantity.from_decimal(Decimal(text)) == quantity


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("0.0000001", "at most 6 decimals"),
        ("NaN", "is not a quantity"),
        ("Infinity", "is not a quantity"),
        ("1E+999999999", "too large"),
        ("9223372036854775808", "too large"),
    ],
)
def test_from_decimal_refuses(text: str, fragment: str) -> None:
    with pytest.raises(MoneyError) as info:
        Quantity.from_decimal(Decimal(text))
    assert fragment in str(info.value)


def test_quantity_as_decimal_and_model() -> None:
    assert Q(530, 3).as_decimal() == Decimal("0.53")
    assert str(Q(530, 3).as_decimal()) == "0.530"
    assert Q(2).as_decimal() == 2
    assert Q(2).decimal_places == 0
    assert Q(9_223_372_036_854_775_807, 6).as_decimal() == Decimal("9223372036854.775807")
    with pytest.raises(ValidationError):
        Q(1, 7)
    with pytest.raises(ValidationError):
        Q(1, -1)
    with pytest.raises(ValidationError):
        Q(2**63)
    with pytest.raises(ValidationError):
        Q(1).quantity = 2  # type: ignore[misc]
    assert hash(Q(15, 1)) == hash(Q(15, 1))
    assert Q(15, 1) != Q(150, 2)  # field equality; from_decimal normalizes


normalized_quantities = st.builds(
    Quantity.from_decimal,
    st.decimals(min_value=Decimal("0.000001"), max_value=MAX_QUANTITY, places=6),
)


@given(normalized_quantities)
@example(Q(100_000))
@example(Q(1, 6))
@example(Q(53, 2))
def test_quantity_round_trip(q: Quantity) -> None:
    assert parse_quantity(format_quantity(q)) == q


@given(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.integers(min_value=0, max_value=6),
)
def test_from_decimal_as_decimal(quantity: int, places: int) -> None:
    q = Q(quantity, places)
    normalized = Quantity.from_decimal(q.as_decimal())
    assert normalized.as_decimal() == q.as_decimal()
    assert normalized.decimal_places == 0 or normalized.quantity % 10 != 0
    assert Quantity.from_decimal(normalized.as_decimal()) == normalized
    if places == 0 or quantity % 10 != 0:
        assert normalized == q


# ----------------------------------------------------------------------- line totals

LINE_TOTALS = [
    (1250, Q(2), 2500),
    (1250, Q(15, 1), 1875),
    (999, Q(53, 2), 529),  # 529.47 rounds down
    (1000, Q(5, 3), 5),  # exactly 5
    (1, Q(5, 1), 1),  # 0.5 rounds half up
    (3, Q(5, 1), 2),  # 1.5 rounds half up
    (5, Q(5, 1), 3),  # 2.5 rounds half up, not to even
    (1, Q(49, 2), 0),  # 0.49 rounds down
    (1999, Q(333, 3), 666),  # 665.667 rounds up
    (250, Q(530, 3), 133),  # 132.5: non-normalized quantities work too
    (-5, Q(5, 1), -3),  # ties go away from zero, like Decimal ROUND_HALF_UP
    (1250, Q(0), 0),
    (MAX_CENTS, Q(100_000), MAX_CENTS * 100_000),
]


@pytest.mark.parametrize(("price", "quantity", "total"), LINE_TOTALS)
def test_line_total_cents(price: int, quantity: Quantity, total: int) -> None:
    assert line_total_cents(price, quantity) == total


@given(
    st.integers(min_value=-MAX_CENTS, max_value=MAX_CENTS),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.integers(min_value=0, max_value=6),
)
def test_line_total_matches_decimal_round_half_up(price: int, quantity: int, places: int) -> None:
    q = Q(quantity, places)
    with localcontext() as ctx:
        ctx.prec = 100  # enough that the product itself is never rounded
        expected = (Decimal(price) * q.as_decimal()).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert line_total_cents(price, q) == int(expected)


# ---------------------------------------------------------------------- robustness

_TYPED = st.text(alphabet="0123456789.,- €EURe\u00a0x", max_size=20) | st.text(max_size=20)


@given(_TYPED)
def test_parse_cents_only_raises_money_error(text: str) -> None:
    try:
        cents = parse_cents(text)
    except MoneyError as error:
        assert str(error)
    else:
        assert 0 <= cents <= MAX_CENTS


@given(_TYPED)
def test_parse_quantity_only_raises_money_error(text: str) -> None:
    try:
        q = parse_quantity(text)
    except MoneyError as error:
        assert str(error)
    else:
        assert 0 < q.as_decimal() <= MAX_QUANTITY
