"""State → response XML. Every writer emits children in the official WSDL sequence order (zeep drops
out-of-order elements silently), and the order-check test holds the emulator to that."""

from __future__ import annotations

from lxml import etree

from .model import VAT_INCLUSIVE, Article, Catalogue, Line, Order, Payment, Relation, State
from .pricing import excl_vat, vat_groups
from .products import Product
from .soap import el, put, put_date, put_datetime

_RELATION_TEXTS_A = ("extRelationId",)
_RELATION_TEXTS_B = ("name", "address", "zipcode", "city", "country", "deliveryAddress", "deliveryZipcode",
                     "deliveryCity", "deliveryCountry", "contact", "telephone", "mobile", "email", "website")
_RELATION_TEXTS_C = ("cardNumber", "bankAccountNumber", "vatNumber", "commerceNumber", "companyName")


def _id_list(parent: etree._Element, name: str, ids: list[str]) -> None:
    node = el(parent, name)
    for i in ids:
        put(node, "id", i)


def line(parent: etree._Element, ln: Line, order: Order) -> None:
    node = el(parent, "line")
    put(node, "lineId", ln.line_id)
    put(node, "articleNumber", ln.article_number)
    put(node, "text", ln.text)
    data = el(node, "data")
    put(data, "quantity", ln.quantity)
    put(data, "decimalPlaces", ln.decimal_places)
    put(data, "deliveredQuantity", ln.quantity if order.delivered else 0)
    put(data, "deliveredDecimalPlaces", ln.decimal_places if order.delivered else 0)
    put(data, "cancelledQuantity", ln.quantity if order.cancelled else 0)
    put(data, "cancelledDecimalPlaces", ln.decimal_places if order.cancelled else 0)
    put(data, "price", ln.price)
    put(data, "priceExcl", ln.price_excl)
    put(data, "turnoverGroup", ln.turnover_group)
    put(data, "vatCode", ln.vat_code)
    put(data, "vatPercentage", ln.vat_percentage)
    put(data, "totalInclAmount", ln.total_incl)
    put(data, "totalExclAmount", ln.total_excl)


def payment(parent: etree._Element, p: Payment) -> None:
    node = el(parent, "payment")
    put(node, "paymentId", p.payment_id)
    put_date(node, "financialDate", p.financial_date)
    put_datetime(node, "entryTimestamp", p.entry_timestamp)
    put(node, "branchNumber", p.branch_number)
    put(node, "method", p.method)
    put(node, "description", p.description)
    put(node, "amount", p.amount)
    put(node, "paymentMethodType", p.payment_method_type)
    put(node, "externalPaymentId", p.external_payment_id or None)
    put(node, "externalReference", p.external_reference or None)


def order(parent: etree._Element, o: Order, state: State, *, name: str = "order",
          include_lines: bool = True) -> None:
    relation = state.relations.get(o.relation_number)
    category = state.catalogue.category(o.order_category_number or 0)
    node = el(parent, name)
    put(node, "orderId", o.order_id)
    put(node, "extOrderId", o.ext_order_id)
    if include_lines:
        _id_list(node, "invoiceIds", o.invoice_ids)
    put(node, "syncMarker", o.sync_marker)
    put(node, "orderType", o.order_type)
    put(node, "entryBranchNumber", o.entry_branch_number)
    put(node, "employeeNumber", o.employee_number)
    put_datetime(node, "entryTimestamp", o.entry_timestamp)
    put(node, "relationNumber", o.relation_number)
    if relation is not None:
        put(node, "relationName", relation.name)
        put(node, "relationCategoryId", relation.category_id)
        put(node, "relationVatNumber", relation.texts.get("vatNumber") or None)
    put_date(node, "financialDate", o.financial_date)
    put(node, "financialBranchNumber", o.financial_branch_number)
    put(node, "reference", o.reference)
    put(node, "totalInclAmount", o.total_incl)
    put(node, "totalExclAmount", o.total_excl)
    put(node, "vatMethod", VAT_INCLUSIVE)
    groups = el(node, "vatGroupList")
    for code, pct, excl, vat in vat_groups(o.lines):
        g = el(groups, "vatGroup")
        put(g, "vatCode", code)
        put(g, "vatPercentage", pct)
        put(g, "exclAmount", excl)
        put(g, "vatAmount", vat)
    put(node, "deliveryMethod", o.delivery_method or None)
    put_date(node, "deliveryDate", o.delivery_date)
    put(node, "changeCounter", o.change_counter)
    put(node, "versionNumber", o.version_number)
    put(node, "prepaidAmount", o.prepaid_amount)
    put(node, "fullyPaid", o.fully_paid)
    put(node, "deliveryState", o.delivery_state)
    put(node, "cancelState", o.cancel_state)
    put(node, "completeState", o.complete_state)
    number = el(node, "orderNumber")
    put(number, "year", o.order_year)
    put(number, "number", o.order_number)
    put(node, "orderCategoryNumber", o.order_category_number)
    put(node, "orderCategoryDescription", category.description if category else None)
    if include_lines:
        lines = el(node, "lineList")
        for ln in o.lines:
            line(lines, ln, o)
        payments = el(node, "paymentList")
        for p in o.payments:
            payment(payments, p)
        _id_list(node, "packingSlipIds", o.packing_slip_ids)


def relation(parent: etree._Element, r: Relation, name: str = "relation") -> None:
    node = el(parent, name)
    put(node, "relationNumber", r.relation_number)
    for field in _RELATION_TEXTS_A:
        put(node, field, r.texts.get(field))
    put(node, "syncMarker", r.sync_marker)
    put_datetime(node, "createTimestamp", r.create_timestamp)
    put_datetime(node, "changeTimestamp", r.change_timestamp)
    put(node, "active", r.active)
    for field in _RELATION_TEXTS_B:
        put(node, field, r.texts.get(field))
    put_date(node, "birthDate", r.birth_date)
    put(node, "relationCode", r.texts.get("relationCode"))
    put(node, "categoryId", r.category_id)
    for field in _RELATION_TEXTS_C:
        put(node, field, r.texts.get(field))


def delivery_methods(parent: etree._Element, catalogue: Catalogue) -> None:
    lst = el(parent, "deliveryMethodList")
    for d in catalogue.delivery_methods:
        node = el(lst, "deliveryMethod")
        put(node, "deliveryMethod", d.code)
        put(node, "description", d.description)
        put(node, "buttonText", d.button_text)
        put(node, "enabled", d.enabled)


def order_categories(parent: etree._Element, catalogue: Catalogue) -> None:
    for c in catalogue.order_categories:
        node = el(parent, "orderCategory")
        put(node, "orderCategoryNumber", c.number)
        put(node, "orderCategoryDescription", c.description)
        put(node, "allowCancel", c.allow_cancel)
        put(node, "allowProcess", c.allow_process)


def payment_methods(parent: etree._Element, catalogue: Catalogue) -> None:
    lst = el(parent, "paymentMethodList")
    for p in catalogue.payment_methods:
        node = el(lst, "paymentMethod")
        put(node, "method", p.method)
        put(node, "description", p.description)
        put(node, "buttonText", p.button_text)
        put(node, "allowNegativeAmount", p.allow_negative_amount)
        put(node, "active", p.active)
        put(node, "type", p.type)


def article(parent: etree._Element, a: Article) -> None:
    node = el(parent, "article")
    put(node, "articleNumber", a.number)
    put(node, "pluNumber", a.plu or None)
    put(node, "syncMarker", a.sync_marker)
    put_datetime(node, "changeTimestamp", a.change_timestamp)
    put_datetime(node, "createTimestamp", a.create_timestamp)
    put(node, "active", a.active)
    put(node, "description", a.text)
    put(node, "invoiceText", a.text)
    put(node, "receiptText", a.text)
    put(node, "displayText", a.text)
    put(node, "barcode", a.barcodes[0] if a.barcodes else None)
    put(node, "turnoverGroup", a.turnover_group)
    put(node, "vatCode", a.vat_code)
    put(node, "vatPercentage", a.vat_percentage)
    put(node, "priceIncl", a.price)
    put(node, "priceExcl", excl_vat(a.price, a.vat_percentage))
    put(node, "webshop", True)
    if a.barcodes:
        codes = el(node, "barcodeList")
        for code in a.barcodes:
            put(el(codes, "barcode"), "barcode", code)


def product(parent: etree._Element, p: Product) -> None:
    node = el(parent, "product")
    put(node, "productNumber", p.number)
    put(node, "syncMarker", p.sync_marker)
    put(node, "description", p.description)
    articles = el(node, "articleList")
    for a in p.articles:
        article(articles, a)
    for group in p.group_numbers:
        put(node, "groupNumbers", group)
