"""One handler per SOAP operation: request element in, response element out (under the store lock)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from . import render
from .context import Ctx
from .orders import create_order, update_order
from .parse import parse_order, parse_order_query, parse_payments, parse_product_query, parse_relation
from .products import get_products
from .queries import get_orders
from .relations import create_relation, find_relation, get_relations
from .soap import child, get_bool, get_int, get_ints, get_text, put, put_datetime, root
from .transitions import cancel_order, deliver_order, pay_order

API_VERSION = (1, 0, 0)  # the PHP client accepts 0.9.9 … 1.0.0 only
SERVICE_VERSION = (67, 1, 3)


@dataclass
class OpResult:
    body: etree._Element
    result: str | None = None
    order_id: str | None = None
    ext_order_id: str | None = None


Handler = Callable[[Ctx, etree._Element], OpResult]


def _get_api_version(ctx: Ctx, op: etree._Element) -> OpResult:
    body = root("getApiVersionResponse")
    for name, value in zip(("majorNumber", "minorNumber", "revisionNumber"), API_VERSION, strict=True):
        put(body, name, value)
    for name, value in zip(("serviceMajorNumber", "serviceMinorNumber", "serviceRevisionNumber"),
                           SERVICE_VERSION, strict=True):
        put(body, name, value)
    put_datetime(body, "serverDateTime", ctx.now)
    put(body, "inDebugMode", False)
    put(body, "serviceVersionDisplayString", "{}.{}.{} (Orderbot Mplus emulator)".format(*SERVICE_VERSION))
    return OpResult(body)


def _get_current_sync_markers(ctx: Ctx, op: etree._Element) -> OpResult:
    s = ctx.state
    body = root("getCurrentSyncMarkersResponse")
    put(body, "articleSyncMarker", s.article_seq)
    put(body, "relationSyncMarker", s.relation_seq)
    put(body, "employeeSyncMarker", 0)
    put(body, "invoiceSyncMarker", s.invoice_seq)
    put(body, "receiptSyncMarker", 0)
    put(body, "orderSyncMarker", s.order_seq)
    put(body, "packingSlipSyncMarker", s.packing_slip_seq)
    return OpResult(body)


def _get_orders(ctx: Ctx, op: etree._Element) -> OpResult:
    query = parse_order_query(child(op, "request"))
    body = root("GetOrdersResponse")
    lst = render.el(body, "orderList")
    for o in get_orders(ctx.state, query):
        render.order(lst, o, ctx.state, include_lines=query.include_line_list)
    return OpResult(body)


def _info(body: etree._Element, order_id: str, order_string: str) -> None:
    info = render.el(body, "info")
    put(info, "orderId", order_id)
    put(info, "orderString", order_string)
    put(info, "orderQueued", False)


def _create_order(ctx: Ctx, op: etree._Element) -> OpResult:
    inp = parse_order(child(op, "order"))
    out = create_order(ctx, inp)
    body = root("CreateOrderResponse")
    put(body, "result", out.result)
    ok = out.order is not None
    _info(body, out.order.order_id if ok else "", out.order.order_string if ok else "")
    put(body, "errorMessage", out.message)
    return OpResult(body, out.result, out.order.order_id if ok else None, inp.ext_order_id if inp else None)


def _update_order(ctx: Ctx, op: etree._Element) -> OpResult:
    inp = parse_order(child(op, "order"))
    out = update_order(ctx, inp)
    body = root("UpdateOrderResponse")
    put(body, "result", out.result)
    o = out.order
    _info(body, o.order_id if o else "", o.order_string if o else "")
    put(body, "errorMessage", out.message)
    return OpResult(body, out.result, o.order_id if o else (inp.order_id if inp else None),
                    o.ext_order_id if o else (inp.ext_order_id if inp else None))


def _get_order_response(ctx: Ctx, order_id: str | None, ext_id: str | None) -> OpResult:
    s = ctx.state
    found = None
    if order_id is not None:
        found = s.orders.get(order_id)
    elif ext_id:
        candidate = s.orders.get(s.ext_order_ids.get(ext_id, ""))
        # Only the order's current extOrderId finds it; a replaced one stays reserved but unfindable.
        found = candidate if candidate is not None and candidate.ext_order_id == ext_id else None
    body = root("GetOrderResponse")
    result = "GET-ORDER-RESULT-OK" if found else "GET-ORDER-RESULT-NOT-FOUND"
    put(body, "result", result)
    if found is not None:
        render.order(body, found, s)
    if found is None:
        return OpResult(body, result, order_id, ext_id)
    return OpResult(body, result, found.order_id, found.ext_order_id)


def _find_order(ctx: Ctx, op: etree._Element) -> OpResult:
    return _get_order_response(ctx, None, get_text(op, "extOrderId") or "")


def _get_order(ctx: Ctx, op: etree._Element) -> OpResult:
    return _get_order_response(ctx, get_text(op, "orderId") or "", None)


def _request_order_id(op: etree._Element) -> str:
    # orderId sits at the top level of cancelOrder but inside request for pay/deliver; accept both places.
    value = get_text(op, "orderId")
    if value is None:
        value = get_text(child(op, "request"), "orderId")
    return value or ""


def _cancel_order(ctx: Ctx, op: etree._Element) -> OpResult:
    order_id = _request_order_id(op)
    out = cancel_order(ctx, order_id)
    body = root("CancelOrderResponse")
    put(body, "result", out.result)
    put(body, "message", out.message)
    return OpResult(body, out.result, order_id, out.order.ext_order_id if out.order else None)


def _pay_order(ctx: Ctx, op: etree._Element) -> OpResult:
    request = child(op, "request")
    request = op if request is None else request
    order_id = _request_order_id(op)
    prepay = bool(get_bool(request, "prepay"))
    out = pay_order(ctx, order_id, prepay, parse_payments(child(request, "paymentList")))
    body = root("PayOrderResponse")
    put(body, "result", out.result)
    put(body, "invoiceId", out.invoice_id)
    put(body, "errorMessage", out.message)
    return OpResult(body, out.result, order_id, out.order.ext_order_id if out.order else None)


def _deliver_order(ctx: Ctx, op: etree._Element) -> OpResult:
    order_id = _request_order_id(op)
    out = deliver_order(ctx, order_id)
    body = root("DeliverOrderResponse")
    put(body, "result", out.result)
    put(body, "packingSlipId", out.packing_slip_id)
    put(body, "errorMessage", out.message)
    return OpResult(body, out.result, order_id, out.order.ext_order_id if out.order else None)


def _get_delivery_methods(ctx: Ctx, op: etree._Element) -> OpResult:
    body = root("GetDeliveryMethodsResponse")
    render.delivery_methods(body, ctx.state.catalogue)
    return OpResult(body)


def _get_order_categories(ctx: Ctx, op: etree._Element) -> OpResult:
    body = root("GetOrderCategoriesResponse")
    render.order_categories(body, ctx.state.catalogue)
    return OpResult(body)


def _get_payment_methods(ctx: Ctx, op: etree._Element) -> OpResult:
    body = root("GetPaymentMethodsResponse")
    render.payment_methods(body, ctx.state.catalogue)
    return OpResult(body)


def _find_relation(ctx: Ctx, op: etree._Element) -> OpResult:
    found = find_relation(ctx.state, parse_relation(child(op, "relation")))
    body = root("FindRelationResponse")
    result = "FIND-RELATION-RESULT-OK" if found else "FIND-RELATION-RESULT-NOT-FOUND"
    put(body, "result", result)
    if found is not None:
        render.relation(body, found)
    return OpResult(body, result)


def _get_relation(ctx: Ctx, op: etree._Element) -> OpResult:
    found = ctx.state.relations.get(get_int(op, "relationNumber") or 0)
    body = root("GetRelationResponse")
    result = "GET-RELATION-RESULT-OK" if found else "GET-RELATION-RESULT-NOT-FOUND"
    put(body, "result", result)
    # `relation` is required in the WSDL, but an empty one would read as a real relation with no
    # fields; on NOT-FOUND it is omitted (reference §13.3: omit complex elements on failure paths).
    if found is not None:
        render.relation(body, found)
    return OpResult(body, result)


def _get_relations(ctx: Ctx, op: etree._Element) -> OpResult:
    request = child(op, "request")
    found = get_relations(ctx.state, get_ints(request, "relationNumbers"), get_int(request, "categoryId"),
                          get_int(request, "syncMarker"), get_int(request, "syncMarkerLimit"))
    body = root("GetRelationsResponse")
    lst = render.el(body, "relationList")
    for r in found:
        render.relation(lst, r)
    return OpResult(body)


def _get_products(ctx: Ctx, op: etree._Element) -> OpResult:
    found = get_products(ctx.state, parse_product_query(child(op, "request")))
    body = root("GetProductsResponse")
    lst = render.el(body, "productList")
    for p in found:
        render.product(lst, p)
    return OpResult(body)


def _create_relation(ctx: Ctx, op: etree._Element) -> OpResult:
    out = create_relation(ctx.state, parse_relation(child(op, "relation")), ctx.now)
    body = root("CreateRelationResponse")
    put(body, "result", out.result)
    r = out.relation
    put(body, "relationNumber", r.relation_number if r else 0)
    if r is not None:
        put_datetime(body, "changeTimestamp", r.change_timestamp)
        put(body, "syncMarker", r.sync_marker)
    put(body, "errorMessage", out.message)
    return OpResult(body, out.result)


OPERATIONS: dict[str, Handler] = {
    "getApiVersion": _get_api_version,
    "getCurrentSyncMarkers": _get_current_sync_markers,
    "getOrders": _get_orders,
    "createOrder": _create_order,
    "findOrder": _find_order,
    "getOrder": _get_order,
    "updateOrder": _update_order,
    "cancelOrder": _cancel_order,
    "payOrder": _pay_order,
    "deliverOrder": _deliver_order,
    "getDeliveryMethods": _get_delivery_methods,
    "getOrderCategories": _get_order_categories,
    "getPaymentMethods": _get_payment_methods,
    "findRelation": _find_relation,
    "getRelation": _get_relation,
    "getRelations": _get_relations,
    "createRelation": _create_relation,
    "getProducts": _get_products,
}
