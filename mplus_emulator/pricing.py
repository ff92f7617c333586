"""Money arithmetic: integer cents, quantity = quantity / 10**decimalPlaces, round half up to the cent."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .model import Article, Line


def round_cents(value: Decimal) -> int:
    # ROUND_HALF_UP on Decimal rounds ties away from zero, which equals "half up" for the positive amounts
    # the emulator accepts.
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def excl_vat(amount_incl: int, vat_percentage: int) -> int:
    return round_cents(Decimal(amount_incl) * 100 / (100 + vat_percentage))


def line_total(quantity: int, decimal_places: int, price: int) -> int:
    return round_cents(Decimal(quantity) * price / (Decimal(10) ** decimal_places))


def build_line(line_id: str, article: Article, text: str, quantity: int, decimal_places: int,
               price: int) -> Line:
    total_incl = line_total(quantity, decimal_places, price)
    return Line(
        line_id=line_id, article_number=article.number, text=text, quantity=quantity,
        decimal_places=decimal_places, price=price, price_excl=excl_vat(price, article.vat_percentage),
        vat_code=article.vat_code, vat_percentage=article.vat_percentage,
        turnover_group=article.turnover_group,
        total_incl=total_incl, total_excl=excl_vat(total_incl, article.vat_percentage),
    )


def vat_groups(lines: list[Line]) -> list[tuple[int, int, int, int]]:
    """(vatCode, vatPercentage, exclAmount, vatAmount) per VAT code, summed from the line totals."""
    groups: dict[int, list[int]] = {}
    for line in lines:
        g = groups.setdefault(line.vat_code, [line.vat_percentage, 0, 0])
        g[1] += line.total_excl
        g[2] += line.total_incl - line.total_excl
    return [(code, g[0], g[1], g[2]) for code, g in sorted(groups.items())]


def format_cents(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"
