"""MplusClient: one typed method per Mplus operation the bot uses.

Rules that matter for a shop's money:
- Reads retry transient failures (connection, timeout, server fault) with backoff.
- Writes are never retried blindly. When a write was sent but no answer came back, the client asks
  Mplus what happened (findOrder for a create, getOrder for the rest) and reports that.
- Ident and secret never reach a log line, an exception or a repr.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import requests
import zeep
import zeep.exceptions
import zeep.helpers
from pydantic import ValidationError

from bot.config import MplusSettings
from bot.mplus import products, wire
from bot.mplus.errors import (
    AuthFailed,
    DuplicateExtOrderId,
    MplusError,
    NotFound,
    OutcomeUnknown,
    ProtocolError,
    Refused,
    Timeout,
    Unavailable,
)
from bot.mplus.models import (
    ApiVersion,
    CancelOutcome,
    CreatedOrder,
    DeliverOutcome,
    DeliveryMethod,
    NewOrder,
    NewRelation,
    Order,
    OrderCategory,
    OrderChange,
    OrderQuery,
    PaymentInput,
    PaymentMethod,
    PayOutcome,
    Relation,
    RelationQuery,
    SyncMarkers,
    UpdateResult,
)
from bot.mplus.products import Article, ProductQuery
from bot.mplus.transport import (
    ZEEP_SETTINGS,
    Redactor,
    install_log_redaction,
    load_document,
    make_session,
    make_transport,
    request_was_sent,
)

log = logging.getLogger(__name__)

SERVICE = "{urn:mplusqapi}MplusQapi"
T = TypeVar("T")

# Older servers report "no changes" as a failure with this exact text; [P] treats it as success.
_LEGACY_NO_CHANGES = "Order not saved because there were no changes in the order."


class _NoAnswer(Exception):
    """Internal: a write was sent and no answer came back, so it may have been applied."""


class MplusClient:
    def __init__(self, settings: MplusSettings) -> None:
        self._settings = settings
        self._redact = Redactor(settings)
        install_log_redaction(self._redact)
        self._transport = make_transport(settings, make_session(settings))
        self._zeep: zeep.Client | None = None
        self._service: Any = None
        self._type_fields: dict[str, list[str]] = {}
        self._init_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"MplusClient(url={self._settings.endpoint!r})"

    @property
    def endpoint(self) -> str:
        return self._settings.endpoint

    # --- plumbing -------------------------------------------------------------------------

    def _bind(self) -> Any:
        if self._service is None:
            with self._init_lock:
                if self._service is None:
                    try:
                        document = load_document(self._settings.wsdl_location, self._transport)
                    except requests.RequestException as exc:
                        raise Unavailable(
                            f"could not load the Mplus WSDL from {self._settings.wsdl_location} "
                            f"({type(exc).__name__})"
                        ) from None
                    except (zeep.exceptions.Error, OSError) as exc:
                        raise ProtocolError(
                            f"the Mplus WSDL could not be read: {self._redact(str(exc))}"
                        ) from None
                    client = zeep.Client(wsdl=document, transport=self._transport, settings=ZEEP_SETTINGS)
                    # Bind to MPLUS_URL whatever address the WSDL names (the official one has a placeholder).
                    self._service = client.create_service(SERVICE, self._settings.endpoint)
                    self._zeep = client
        return self._service

    def _fields_of(self, type_name: str) -> list[str]:
        fields = self._type_fields.get(type_name)
        if fields is None:
            self._bind()
            assert self._zeep is not None
            try:
                zeep_type = self._zeep.get_type(f"{{urn:mplusqapi}}{type_name}")
                fields = [name for name, _ in zeep_type.elements]
            except (LookupError, zeep.exceptions.Error):
                fields = []
            self._type_fields[type_name] = fields
        return fields

    def _fault(self, code: str, message: str, operation: str) -> MplusError:
        code = code.rsplit(":", 1)[-1]
        text = self._redact(message)
        if not code:
            # zeep's stand-in when an HTTP 500 carried no SOAP fault: a broken server, not a caller error.
            return Unavailable(f"Mplus answered {operation} with an HTTP 500 error page")
        if "Authentication" in code or "auth" in text.lower() or "credential" in text.lower():
            return AuthFailed(f"Mplus refused the credentials (MPLUS_IDENT/MPLUS_SECRET): {text}")
        if code.startswith("Server"):
            return Unavailable(f"Mplus had a server error in {operation}: {text}")
        return ProtocolError(f"Mplus rejected the {operation} request ({code}): {text}")

    def _invoke(self, operation: str, *, raw: bool = False, **kwargs: Any) -> Any:
        service = self._bind()
        method = getattr(service, operation)
        try:
            if raw:
                assert self._zeep is not None
                with self._zeep.settings(raw_response=True):
                    return self._check_raw(method(**kwargs), operation)
            return method(**kwargs)
        except zeep.exceptions.Fault as fault:
            raise self._fault(str(fault.code or ""), str(fault.message or ""), operation) from None
        except zeep.exceptions.TransportError as exc:
            raise Unavailable(f"Mplus answered HTTP {exc.status_code} to {operation}") from None
        except (zeep.exceptions.XMLSyntaxError, zeep.exceptions.XMLParseError) as exc:
            raise ProtocolError(f"Mplus's answer to {operation} could not be parsed: {exc}") from None
        except zeep.exceptions.ValidationError as exc:
            raise ProtocolError(f"the {operation} request is invalid for this WSDL: {exc}") from None
        except requests.RequestException as exc:
            if request_was_sent(exc):
                raise _NoAnswer(operation) from None
            raise Unavailable(f"Mplus at {self.endpoint} is not reachable ({type(exc).__name__})") from None

    def _check_raw(self, response: requests.Response, operation: str) -> Any:
        if response.status_code != 200 and b"Fault" not in response.content[:2000]:
            raise Unavailable(f"Mplus answered HTTP {response.status_code} to {operation}")
        element = wire.parse_envelope(response.content)
        fault = wire.fault_of(element)
        if fault is not None:
            raise self._fault(fault[0], fault[1], operation)
        return element

    def _read(self, operation: str, **kwargs: Any) -> Any:
        """A read with retries; a read has no side effects, so a lost answer is just retried."""
        attempts = self._settings.read_retries
        for attempt in range(1, attempts + 1):
            try:
                return self._invoke(operation, **kwargs)
            except _NoAnswer:
                error: Unavailable = Timeout(f"Mplus did not answer {operation} in time")
            except Unavailable as exc:
                error = exc
            if attempt == attempts:
                raise error
            delay = self._settings.retry_backoff_s * 2 ** (attempt - 1)
            log.warning(
                "mplus %s failed (%s), retry %d/%d in %.1fs", operation, error, attempt, attempts, delay
            )
            time.sleep(delay)
        raise AssertionError("unreachable")

    def _write(self, operation: str, **kwargs: Any) -> Any:
        return self._invoke(operation, **kwargs)

    @staticmethod
    def _plain(value: Any) -> Any:
        return _without_none(zeep.helpers.serialize_object(value, dict))

    @staticmethod
    def _items(data: Any, *path: str) -> list[Any]:
        # zeep unwraps single-child responses, so a wrapper may or may not still be there.
        for key in path:
            if isinstance(data, dict) and key in data:
                data = data[key]
        if data is None:
            return []
        return data if isinstance(data, list) else [data]

    # --- reads ------------------------------------------------------------------------------

    def get_api_version(self) -> ApiVersion:
        return ApiVersion.model_validate(self._plain(self._read("getApiVersion")))

    def get_current_sync_markers(self) -> SyncMarkers:
        return SyncMarkers.model_validate(self._plain(self._read("getCurrentSyncMarkers")))

    def get_orders(self, query: OrderQuery | None = None) -> list[Order]:
        request = wire.order_query_request(query or OrderQuery(), self._fields_of("GetOrdersRequest"))
        return self._orders(self._read_raw("getOrders", request=request), "getOrders")

    @staticmethod
    def _orders(element: Any, operation: str) -> list[Order]:
        try:
            return [Order.model_validate(wire.shape_order(e)) for e in wire.order_elements(element)]
        except (ValueError, ValidationError) as err:
            raise ProtocolError(
                f"Mplus's {operation} answer holds an order the client cannot read: {err}"
            ) from None

    def iter_order_changes(
        self, since: int, limit: int = 500, include_lines: bool = True
    ) -> Iterator[list[Order]]:
        """Pages of orders changed at or after marker ``since``, ascending, each change once.

        The next page starts at the highest marker seen + 1 (reference §10), so an order that
        changes again while we page reappears later with its new marker rather than being skipped.
        """
        marker = since
        while True:
            page = self.get_orders(
                OrderQuery(sync_marker=marker, sync_marker_limit=limit, include_lines=include_lines)
            )
            if not page:
                return
            yield page
            marker = max(order.sync_marker or 0 for order in page) + 1
            if len(page) < limit:
                return

    def _read_raw(self, operation: str, **kwargs: Any) -> Any:
        return self._read(operation, raw=True, **kwargs)

    def find_order(self, ext_order_id: str) -> Order:
        return self._order_result(
            self._read_raw("findOrder", extOrderId=ext_order_id), f"with external id {ext_order_id}"
        )

    def get_order(self, order_id: str) -> Order:
        return self._order_result(self._read_raw("getOrder", orderId=order_id), order_id)

    def _order_result(self, element: Any, key: str) -> Order:
        # Orders are read from the raw XML like list pages: one parser, so one shape, for all of them.
        result = wire.child_text(element, "result")
        orders = self._orders(element, "getOrder")
        if result != "GET-ORDER-RESULT-OK" or not orders:
            if result in (None, "GET-ORDER-RESULT-NOT-FOUND"):
                raise NotFound("order", key)
            raise Refused(str(result))
        return orders[0]

    def get_delivery_methods(self) -> list[DeliveryMethod]:
        data = self._plain(self._read("getDeliveryMethods"))
        return [
            DeliveryMethod.model_validate(d)
            for d in self._items(data, "deliveryMethodList", "deliveryMethod")
        ]

    def get_order_categories(self) -> list[OrderCategory]:
        data = self._plain(self._read("getOrderCategories"))
        return [OrderCategory.model_validate(c) for c in self._items(data, "orderCategory")]

    def get_payment_methods(self) -> list[PaymentMethod]:
        data = self._plain(self._read("getPaymentMethods"))
        return [
            PaymentMethod.model_validate(m) for m in self._items(data, "paymentMethodList", "paymentMethod")
        ]

    def find_relation(self, query: RelationQuery) -> Relation:
        mask = {k: v for k, v in query.model_dump(by_alias=False).items() if v}
        mask = {_camel(k): v for k, v in mask.items()}
        data = self._plain(self._read("findRelation", relation=mask))
        if data.get("result") != "FIND-RELATION-RESULT-OK" or not data.get("relation"):
            raise NotFound("relation", ", ".join(f"{k}={v}" for k, v in mask.items()) or "(empty search)")
        return Relation.model_validate(data["relation"])

    def get_relation(self, relation_number: int) -> Relation:
        data = self._plain(self._read("getRelation", relationNumber=relation_number))
        relation = data.get("relation")
        if (
            data.get("result") != "GET-RELATION-RESULT-OK"
            or not relation
            or not relation.get("relationNumber")
        ):
            raise NotFound("relation", str(relation_number))
        return Relation.model_validate(relation)

    def get_relations(
        self, relation_numbers: Sequence[int] = (), sync_marker: int | None = None, limit: int | None = None
    ) -> list[Relation]:
        request: dict[str, Any] = {"relationNumbers": list(relation_numbers) or None}
        if sync_marker is not None:
            request["syncMarker"] = sync_marker
            request["syncMarkerLimit"] = limit
        request = {k: v for k, v in request.items() if v is not None}
        element = self._read_raw("getRelations", request=request)
        return [
            Relation.model_validate(item) for item in wire.iter_items(element, "relationList", "relation")
        ]

    def get_products(self, query: ProductQuery | None = None) -> list[Article]:
        """Articles (flattened out of their products), read from the raw XML; see ``bot.mplus.products``."""
        element = self._read_raw("getProducts", request=products.product_request(query or ProductQuery()))
        return products.parse_articles(element)

    def iter_article_changes(
        self, since: int, limit: int = products.PRODUCTS_PAGE
    ) -> Iterator[list[Article]]:
        """Pages of articles changed at or after marker ``since``, ascending (like ``iter_order_changes``)."""
        marker = since
        while True:
            page = self.get_products(ProductQuery(sync_marker=marker, sync_marker_limit=limit))
            if not page:
                return
            yield page
            marker = products.next_marker(page, marker)
            if len(page) < limit:
                return

    def ping(self) -> ApiVersion:
        """A cheap call for health checks: no retries, so an outage shows at once."""
        try:
            return ApiVersion.model_validate(self._plain(self._invoke("getApiVersion")))
        except _NoAnswer:
            raise Timeout("Mplus did not answer getApiVersion in time") from None

    # --- writes -----------------------------------------------------------------------------

    def create_order(self, order: NewOrder) -> CreatedOrder:
        """Create once. If the answer is lost, findOrder(extOrderId) tells whether it landed.

        extOrderId is unique in Mplus, so one retry after a confirmed miss cannot make a duplicate.
        """
        request = wire.order_request(order, self._fields_of("Order"))
        for attempt in (1, 2):
            try:
                data = self._plain(self._write("createOrder", order=request))
            except _NoAnswer:
                landed = self._settle(lambda: self._find_or_none(order.ext_order_id), "createOrder")
                if landed is not None:
                    log.warning("createOrder answer lost; order %s found by ext id", landed.order_id)
                    return CreatedOrder(order_id=landed.order_id, order_string="", recovered=True)
                if attempt == 2:
                    raise Unavailable(
                        "Mplus did not answer createOrder twice; the order was NOT created"
                    ) from None
                log.warning("createOrder answer lost and the order is not there; sending it once more")
                continue
            result = data.get("result")
            if result == "CREATE-ORDER-RESULT-OK":
                info = data.get("info") or {}
                return CreatedOrder(
                    order_id=info.get("orderId") or "",
                    order_string=info.get("orderString") or "",
                    order_queued=bool(info.get("orderQueued")),
                )
            if result == "CREATE-ORDER-RESULT-EXT-ORDER-ID-ALREADY-EXISTS":
                raise DuplicateExtOrderId(order.ext_order_id)
            raise Refused(str(result), self._redact(str(data.get("errorMessage") or "")))
        raise AssertionError("unreachable")

    def _find_or_none(self, ext_order_id: str) -> Order | None:
        try:
            return self.find_order(ext_order_id)
        except NotFound:
            return None

    def _settle(self, reread: Callable[[], T], operation: str) -> T:
        try:
            return reread()
        except Unavailable:
            raise OutcomeUnknown(
                f"Mplus did not answer {operation} and could not be asked what happened; "
                "check the order in Mplus before trying again"
            ) from None

    def update_order(self, change: OrderChange) -> UpdateResult:
        request = wire.order_request(change, self._fields_of("Order"))
        try:
            data = self._plain(self._write("updateOrder", order=request))
        except _NoAnswer:
            after = self._settle(lambda: self.get_order(change.order_id), "updateOrder")
            if change.version_number is not None and (after.version_number or 0) > change.version_number:
                return UpdateResult.OK
            raise OutcomeUnknown(
                "Mplus did not answer updateOrder; reload the order to see whether the change was saved"
            ) from None
        result = data.get("result")
        message = self._redact(str(data.get("errorMessage") or ""))
        if result == UpdateResult.OK:
            return UpdateResult.OK
        if result == UpdateResult.NO_CHANGES or message == _LEGACY_NO_CHANGES:
            return UpdateResult.NO_CHANGES
        if result == "UPDATE-ORDER-RESULT-NOT-FOUND":
            raise NotFound("order", change.order_id)
        if result == "UPDATE-ORDER-RESULT-EXT-ORDER-ID-ALREADY-EXISTS":
            raise DuplicateExtOrderId(change.ext_order_id)
        raise Refused(str(result), message)

    def cancel_order(
        self, order_id: str, *, before: Order | None = None, branch_number: int | None = None
    ) -> CancelOutcome:
        before = before or self.get_order(order_id)
        kwargs: dict[str, Any] = {"orderId": order_id}
        if branch_number is not None:
            kwargs["request"] = {"branchNumber": branch_number}
        try:
            data = self._plain(self._write("cancelOrder", **kwargs))
        except _NoAnswer:
            after = self._settle(lambda: self.get_order(order_id), "cancelOrder")
            if after.is_cancelled and not before.is_cancelled:
                return CancelOutcome(result="CANCEL-ORDER-RESULT-OK", recovered=True)
            raise Unavailable("Mplus did not answer cancelOrder; the order is NOT cancelled") from None
        result = str(data.get("result"))
        message = self._redact(str(data.get("message") or ""))
        if result in ("CANCEL-ORDER-RESULT-OK", "CANCEL-ORDER-RESULT-PENDING"):
            return CancelOutcome(result=result, message=message, pending=result.endswith("PENDING"))
        if result == "CANCEL-ORDER-RESULT-NOT-FOUND":
            raise NotFound("order", order_id)
        raise Refused(result, message)

    def pay_order(
        self, order_id: str, payments: Sequence[PaymentInput], *, prepay: bool, before: Order | None = None
    ) -> PayOutcome:
        """prepay=True records a deposit only; prepay=False pays in full, delivers and invoices."""
        before = before or self.get_order(order_id)
        request = {"orderId": order_id, "prepay": prepay, "paymentList": wire.payment_list(payments)}
        try:
            data = self._plain(self._write("payOrder", request=request))
        except _NoAnswer:
            after = self._settle(lambda: self.get_order(order_id), "payOrder")
            if len(after.payments) > len(before.payments) or (after.fully_paid and not before.fully_paid):
                new_invoices = [i for i in after.invoice_ids if i not in before.invoice_ids]
                return PayOutcome(invoice_id=new_invoices[-1] if new_invoices else None, recovered=True)
            raise Unavailable("Mplus did not answer payOrder; the payment was NOT recorded") from None
        result = str(data.get("result"))
        if result == "PAY-ORDER-RESULT-OK":
            return PayOutcome(invoice_id=data.get("invoiceId") or None)
        raise Refused(result, self._redact(str(data.get("errorMessage") or "")))

    def deliver_order(self, order_id: str, *, before: Order | None = None) -> DeliverOutcome:
        before = before or self.get_order(order_id)
        try:
            data = self._plain(self._write("deliverOrder", request={"orderId": order_id}))
        except _NoAnswer:
            after = self._settle(lambda: self.get_order(order_id), "deliverOrder")
            if after.is_delivered and not before.is_delivered:
                new_slips = [s for s in after.packing_slip_ids if s not in before.packing_slip_ids]
                return DeliverOutcome(packing_slip_id=new_slips[-1] if new_slips else None, recovered=True)
            raise Unavailable("Mplus did not answer deliverOrder; the order is NOT delivered") from None
        result = str(data.get("result"))
        if result == "DELIVER-ORDER-RESULT-OK":
            return DeliverOutcome(
                packing_slip_id=data.get("packingSlipId") or None, invoice_id=data.get("invoiceId") or None
            )
        raise Refused(result, self._redact(str(data.get("errorMessage") or "")))

    def create_relation(self, relation: NewRelation) -> int:
        fields = self._fields_of("Relation")
        values = {_camel(k): v for k, v in relation.model_dump().items() if v is not None}
        values = {k: v for k, v in values.items() if not fields or k in fields}
        try:
            data = self._plain(self._write("createRelation", relation=values))
        except _NoAnswer:
            raise OutcomeUnknown(
                "Mplus did not answer createRelation; search for the relation before creating it again"
            ) from None
        if data.get("result") == "CREATE-RELATION-RESULT-OK":
            return int(data["relationNumber"])
        raise Refused(str(data.get("result")), self._redact(str(data.get("errorMessage") or "")))


def _without_none(value: Any) -> Any:
    """zeep reports absent optional elements as None; absent means "use the model's default"."""
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
