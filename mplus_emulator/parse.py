"""Request XML → rule inputs. Lenient: any element order, any namespace, missing optional parts."""

from __future__ import annotations

from lxml import etree

from .orders import LineInput, OrderInput
from .products import ProductQuery
from .queries import OrderQuery
from .relations import TEXT_FIELDS, RelationInput
from .soap import (
    child,
    children,
    get_bool,
    get_date,
    get_datetime,
    get_int,
    get_ints,
    get_text,
    text_of,
)
from .transitions import PaymentInput


def parse_line(line: etree._Element) -> LineInput:
    data = child(line, "data")
    return LineInput(
        article_number=get_int(line, "articleNumber"),
        text=get_text(line, "text"),
        quantity=get_int(data, "quantity"),
        decimal_places=get_int(data, "decimalPlaces"),
        price=get_int(data, "price"),
        discount_percentage=get_int(data, "discountPercentage"),
        discount_amount=get_int(data, "discountAmount"),
    )


def parse_order(order: etree._Element | None) -> OrderInput | None:
    if order is None:
        return None
    return OrderInput(
        order_id=get_text(order, "orderId") or "",
        ext_order_id=get_text(order, "extOrderId") or "",
        relation_number=get_int(order, "relationNumber"),
        reference=get_text(order, "reference"),
        financial_date=get_date(order, "financialDate"),
        financial_branch_number=get_int(order, "financialBranchNumber"),
        entry_branch_number=get_int(order, "entryBranchNumber"),
        employee_number=get_int(order, "employeeNumber"),
        delivery_method=get_text(order, "deliveryMethod"),
        delivery_date=get_date(order, "deliveryDate"),
        order_category_number=get_int(order, "orderCategoryNumber"),
        change_counter=get_int(order, "changeCounter"),
        version_number=get_int(order, "versionNumber"),
        lines=[parse_line(ln) for ln in children(child(order, "lineList"), "line")],
    )


def parse_payments(payment_list: etree._Element | None) -> list[PaymentInput]:
    return [
        PaymentInput(
            method=get_text(p, "method") or "",
            amount=get_int(p, "amount"),
            description=get_text(p, "description") or "",
            branch_number=get_int(p, "branchNumber"),
            external_payment_id=get_text(p, "externalPaymentId") or "",
            external_reference=get_text(p, "externalReference") or "",
        )
        for p in children(payment_list, "payment")
    ]


def parse_relation(relation: etree._Element | None) -> RelationInput | None:
    if relation is None:
        return None
    texts = {name: value for name in TEXT_FIELDS if (value := get_text(relation, name)) is not None}
    return RelationInput(
        relation_number=get_int(relation, "relationNumber"),
        texts=texts,
        birth_date=get_date(relation, "birthDate"),
        category_id=get_int(relation, "categoryId"),
        active=get_bool(relation, "active"),
    )


def parse_order_query(request: etree._Element | None) -> OrderQuery:
    include = get_bool(request, "includeLineList")
    return OrderQuery(
        sync_marker=get_int(request, "syncMarker"),
        sync_marker_limit=get_int(request, "syncMarkerLimit"),
        from_financial_date=get_date(request, "fromFinancialDate"),
        through_financial_date=get_date(request, "throughFinancialDate"),
        branch_numbers=get_ints(request, "branchNumbers"),
        employee_numbers=get_ints(request, "employeeNumbers"),
        relation_numbers=get_ints(request, "relationNumbers"),
        article_numbers=get_ints(request, "articleNumbers"),
        order_types=[t for c in children(child(request, "orderTypeList"), "orderType") if (t := text_of(c))],
        order_ids=[t for c in children(request, "orderIds") if (t := text_of(c))],
        order_numbers=[
            (year, number) for yn in children(request, "orderNumbers")
            if (year := get_int(yn, "year")) is not None and (number := get_int(yn, "number")) is not None
        ],
        include_line_list=True if include is None else include,
    )


def parse_product_query(request: etree._Element | None) -> ProductQuery:
    # pluNumbers is a TextList: <pluNumbers><text><text>101</text></text></pluNumbers>.
    plus = [t for item in children(child(request, "pluNumbers"), "text") if (t := get_text(item, "text"))]
    return ProductQuery(
        article_numbers=get_ints(request, "articleNumbers"),
        group_numbers=get_ints(request, "groupNumbers"),
        plu_numbers=plus,
        product_numbers=get_ints(request, "productNumbers"),
        only_active=bool(get_bool(request, "onlyActive")),
        sync_marker=get_int(request, "syncMarker"),
        sync_marker_limit=get_int(request, "syncMarkerLimit"),
        changed_since=get_datetime(request, "changedSinceTimestamp"),
        include_all_articles_of_selected_products=bool(
            get_bool(request, "includeAllArticlesOfSelectedProducts")),
    )
