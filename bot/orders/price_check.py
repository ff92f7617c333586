"""Typed prices against the catalogue: "€ 12,50 instead of € 24,95", said where the order is confirmed.

A price typed into the form is what Mplus will charge; a different catalogue price is not an error
(discounts, agreements), but it is worth pointing out so a slip of the keyboard is caught.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict

from bot.mplus.money import format_cents
from bot.orders.drafts import ValidOrder


class CatalogueEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    description: str
    price_cents: int


class PriceNote(BaseModel):
    model_config = ConfigDict(frozen=True)

    position: int
    """1-based, as the lines were sent."""
    article_number: int
    description: str
    typed_cents: int
    catalogue_cents: int

    def __str__(self) -> str:
        name = " ".join(self.description.split()) or f"article {self.article_number}"
        return (
            f"Line {self.position} ({name}): {format_cents(self.typed_cents)} instead of "
            f"{format_cents(self.catalogue_cents)}"
        )


def price_differences(order: ValidOrder, catalogue: Mapping[int, CatalogueEntry]) -> list[PriceNote]:
    """Lines whose typed price differs from the catalogue price; empty prices take the catalogue's."""
    notes = []
    for position, line in enumerate(order.lines, start=1):
        entry = catalogue.get(line.article_number)
        if line.price_cents is None or entry is None or line.price_cents == entry.price_cents:
            continue
        notes.append(PriceNote(position=position, article_number=line.article_number,
                               description=entry.description, typed_cents=line.price_cents,
                               catalogue_cents=entry.price_cents))
    return notes
