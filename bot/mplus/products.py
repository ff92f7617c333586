"""Articles from getProducts: the request shape, the raw-XML reader and the article model.

A getProducts answer groups articles under products (a product's variants: sizes, colours); an order line
names an *article*, so the bot works with articles and keeps the product number only for reference.
Answers are read straight from the XML, by element name (the official Article type has 80 optional
elements, and newer servers add more), like relation and order pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lxml import etree
from pydantic import BaseModel, ConfigDict, Field

from bot.mplus.errors import ProtocolError
from bot.mplus.wire import MPLUS_NS

# The official API pages relations by at most 1000; the emulator caps articles the same way.
PRODUCTS_PAGE = 1000


class Article(BaseModel):
    """One sellable article, as an index or a type-ahead needs it. Prices are integer cents incl. VAT."""

    model_config = ConfigDict(frozen=True)

    article_number: int
    product_number: int | None = None
    description: str = ""
    plu: str | None = None
    barcodes: tuple[str, ...] = ()
    price_incl_cents: int | None = None
    price_excl_cents: int | None = None
    vat_percentage: int | None = None
    turnover_group: int | None = None
    active: bool = True
    sync_marker: int | None = None

    @property
    def name(self) -> str:
        return self.description


class ProductQuery(BaseModel):
    model_config = ConfigDict(frozen=True)

    article_numbers: tuple[int, ...] = ()
    product_numbers: tuple[int, ...] = ()
    plu_numbers: tuple[str, ...] = ()
    only_active: bool = False
    sync_marker: int | None = None
    sync_marker_limit: int | None = Field(default=None, gt=0)


def product_request(query: ProductQuery) -> dict[str, Any]:
    """The GetProductsRequest dict zeep renders. ``pluNumbers`` is required by the official WSDL, so it is
    always sent (``<pluNumbers/>`` when not filtering)."""
    request: dict[str, Any] = {
        "pluNumbers": {"text": [{"text": plu} for plu in query.plu_numbers]} if query.plu_numbers else {},
    }
    if query.article_numbers:
        request["articleNumbers"] = list(query.article_numbers)
    if query.product_numbers:
        request["productNumbers"] = list(query.product_numbers)
    if query.only_active:
        request["onlyActive"] = True
    if query.sync_marker is not None:
        # As the PHP client does for getOrders: a limit only travels with a marker.
        request["syncMarker"] = query.sync_marker
        if query.sync_marker_limit:
            request["syncMarkerLimit"] = query.sync_marker_limit
    return request


def _q(name: str) -> str:
    return f"{{{MPLUS_NS}}}{name}"


_INTS = {"articleNumber": "article_number", "priceIncl": "price_incl_cents", "priceExcl": "price_excl_cents",
         "vatPercentage": "vat_percentage", "turnoverGroup": "turnover_group", "syncMarker": "sync_marker"}
_TEXTS = {"description": "description", "pluNumber": "plu"}


def _article(element: etree._Element, product_number: int | None, product_text: str) -> Article:
    fields: dict[str, Any] = {"product_number": product_number}
    barcodes: list[str] = []
    for child in element:
        if not isinstance(child.tag, str):
            continue
        name = etree.QName(child).localname
        text = (child.text or "").strip()
        if name in _INTS and text:
            fields[_INTS[name]] = int(text)
        elif name in _TEXTS and text:
            fields[_TEXTS[name]] = text
        elif name == "active" and text:
            fields["active"] = text.lower() in ("true", "1")
        elif name == "barcode" and text:
            barcodes.append(text)
        elif name == "barcodeList":
            barcodes.extend(
                code for item in child.iterchildren(_q("barcode"))
                if (code := (item.findtext(_q("barcode")) or "").strip())
            )
    fields["barcodes"] = tuple(dict.fromkeys(barcodes))  # `barcode` repeats the list's first entry
    fields.setdefault("description", product_text)
    return Article.model_validate(fields)


def iter_articles(element: etree._Element) -> Iterator[Article]:
    """Every article of a GetProductsResponse, flattened out of its products, in answer order."""
    for container in element.iterchildren(_q("productList")):
        for product in container.iterchildren(_q("product")):
            number_text = product.findtext(_q("productNumber"))
            product_number = int(number_text) if number_text and number_text.strip() else None
            product_text = (product.findtext(_q("description")) or "").strip()
            for articles in product.iterchildren(_q("articleList")):
                for item in articles.iterchildren(_q("article")):
                    yield _article(item, product_number, product_text)


def parse_articles(element: etree._Element) -> list[Article]:
    try:
        return list(iter_articles(element))
    except (ValueError, TypeError) as err:
        raise ProtocolError(
            f"Mplus's getProducts answer holds an article the client cannot read: {err}"
        ) from None


def next_marker(page: list[Article], current: int) -> int:
    """Where the next page starts: highest article marker seen + 1 (reference §10)."""
    markers = [a.sync_marker for a in page if a.sync_marker is not None]
    return max(markers) + 1 if markers else current
