"""MplusClient: one typed method per Mplus operation the bot uses.

Rules that matter for a shop's money:
- Every answer is read from the raw XML by element name (``envelope``, ``wire``, ``answers``);
  zeep only loads the WSDL and builds requests.
- Every call is bounded: MPLUS_CALL_DEADLINE_S from sending to the last byte, MPLUS_MAX_RESPONSE_MB
  for the answer's size.
- Reads retry transient failures (connection, timeout, server fault) with backoff.
- Writes are never retried blindly (see ``writes``): when one was sent and no clear answer came
  back, the client asks Mplus what happened (findOrder for a create, getOrder for the rest).
- Ident and secret never reach a log line, an exception or a repr.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

import requests
import zeep
import zeep.exceptions
from pydantic import TypeAdapter, ValidationError
from pydantic.alias_generators import to_camel

from bot.config import MplusSettings
from bot.mplus import envelope, products, wire
from bot.mplus.envelope import Answer
from bot.mplus.errors import (
    AuthFailed,
    MplusError,
    NotFound,
    ProtocolError,
    Refused,
    Timeout,
    Unavailable,
    UnreadableAnswer,
)
from bot.mplus.models import (
    ApiVersion,
    DeliveryMethod,
    Order,
    OrderCategory,
    OrderQuery,
    PaymentMethod,
    Relation,
    RelationQuery,
    SyncMarkers,
)
from bot.mplus.observe import observed_call
from bot.mplus.products import Article, ProductQuery
from bot.mplus.transport import (
    ZEEP_SETTINGS,
    DeadlineExceeded,
    RawAnswer,
    Redactor,
    ResponseTooLarge,
    install_log_redaction,
    load_document,
    make_session,
    make_transport,
    request_was_sent,
)
from bot.mplus.writes import NoAnswer, WriteOperations, _camel

log = logging.getLogger(__name__)

SERVICE = "{urn:mplusqapi}MplusQapi"
_RELATIONS = TypeAdapter(list[Relation])


class MplusClient(WriteOperations):
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
                        # Includes zeep's XML-security errors (DTD, entities, external references).
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
            return Unavailable(f"Mplus answered {operation} with a SOAP fault without a code: {text}")
        if "Authentication" in code or "auth" in text.lower() or "credential" in text.lower():
            return AuthFailed(f"Mplus refused the credentials (MPLUS_IDENT/MPLUS_SECRET): {text}")
        if code.startswith("Server"):
            return Unavailable(f"Mplus had a server error in {operation}: {text}")
        return ProtocolError(f"Mplus rejected the {operation} request ({code}): {text}")

    def _invoke(self, operation: str, **kwargs: Any) -> Answer:
        with observed_call(operation):
            return self._invoke_unobserved(operation, **kwargs)

    def _invoke_unobserved(self, operation: str, **kwargs: Any) -> Answer:
        """One SOAP call, its answer parsed; a sent request without an answer raises NoAnswer."""
        service = self._bind()
        assert self._zeep is not None
        method = getattr(service, operation)
        try:
            with self._zeep.settings(raw_response=True):
                raw: RawAnswer = method(**kwargs)
            try:
                answer = envelope.read(raw.chunks(), operation)
            except ProtocolError:
                if raw.status_code != 200:  # an HTML error page, say: the server is broken
                    raise Unavailable(f"Mplus answered HTTP {raw.status_code} to {operation}") from None
                raise
            finally:
                raw.close()  # stop the watchdog now, even when the answer was not read to its end
        except DeadlineExceeded:
            raise NoAnswer(
                f"Mplus did not finish answering {operation} within MPLUS_CALL_DEADLINE_S "
                f"({self._transport.deadline_s:g} s)"
            ) from None
        except ResponseTooLarge:
            raise UnreadableAnswer(
                f"Mplus's answer to {operation} was larger than MPLUS_MAX_RESPONSE_MB "
                f"({self._settings.max_response_mb:g} MB); it was not read"
            ) from None
        except requests.RequestException as exc:
            if request_was_sent(exc):
                raise NoAnswer(f"Mplus did not answer {operation} in time") from None
            raise Unavailable(f"Mplus at {self.endpoint} is not reachable ({type(exc).__name__})") from None
        except zeep.exceptions.ValidationError as exc:
            raise ProtocolError(f"the {operation} request is invalid for this WSDL: {exc}") from None
        except zeep.exceptions.Error as exc:
            raise ProtocolError(f"the {operation} call failed in zeep: {self._redact(str(exc))}") from None
        if answer.fault is not None:
            raise self._fault(answer.fault[0], answer.fault[1], operation)
        if raw.status_code != 200:
            raise Unavailable(f"Mplus answered HTTP {raw.status_code} to {operation}")
        return answer

    def _read(self, operation: str, **kwargs: Any) -> Answer:
        """A read with retries; a read has no side effects, so a lost answer is just retried."""
        attempts = self._settings.read_retries
        for attempt in range(1, attempts + 1):
            try:
                return self._invoke(operation, **kwargs)
            except NoAnswer as lost:
                error: Unavailable = Timeout(str(lost))
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

    @staticmethod
    def _model(model: Any, data: Any, operation: str) -> Any:
        try:
            return model.model_validate(data) if isinstance(model, type) else model.validate_python(data)
        except ValidationError as err:
            raise ProtocolError(f"Mplus's {operation} answer cannot be read: {_describe(err)}") from None

    # --- reads ------------------------------------------------------------------------------

    def get_api_version(self) -> ApiVersion:
        element = self._read("getApiVersion").element
        return self._model(ApiVersion, wire.element_to_dict(element), "getApiVersion")

    def get_current_sync_markers(self) -> SyncMarkers:
        element = self._read("getCurrentSyncMarkers").element
        return self._model(SyncMarkers, wire.element_to_dict(element), "getCurrentSyncMarkers")

    def get_orders(self, query: OrderQuery | None = None) -> list[Order]:
        request = wire.order_query_request(query or OrderQuery(), self._fields_of("GetOrdersRequest"))
        return self._read("getOrders", request=request).orders

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

    def find_order(self, ext_order_id: str) -> Order:
        answer = self._read("findOrder", extOrderId=ext_order_id)
        return self._order_result(answer, "findOrder", f"with external id {ext_order_id}")

    def get_order(self, order_id: str) -> Order:
        return self._order_result(self._read("getOrder", orderId=order_id), "getOrder", order_id)

    def _order_result(self, answer: Answer, operation: str, key: str) -> Order:
        # Orders are read from the raw XML like list pages: one parser, so one shape, for all of them.
        result = wire.child_text(answer.element, "result")
        orders = answer.orders
        if result != "GET-ORDER-RESULT-OK" or not orders:
            if result in (None, "", "GET-ORDER-RESULT-NOT-FOUND"):
                raise NotFound("order", key)
            raise Refused(str(result))
        return orders[0]

    def _list(self, model: type[Any], operation: str, wrapper: str | None, item: str) -> list[Any]:
        element = self._read(operation).element
        return [self._model(model, data, operation) for data in wire.iter_items(element, wrapper, item)]

    def get_delivery_methods(self) -> list[DeliveryMethod]:
        return self._list(DeliveryMethod, "getDeliveryMethods", "deliveryMethodList", "deliveryMethod")

    def get_order_categories(self) -> list[OrderCategory]:
        return self._list(OrderCategory, "getOrderCategories", None, "orderCategory")

    def get_payment_methods(self) -> list[PaymentMethod]:
        return self._list(PaymentMethod, "getPaymentMethods", "paymentMethodList", "paymentMethod")

    def find_relation(self, query: RelationQuery) -> Relation:
        mask = {k: v for k, v in query.model_dump(by_alias=False).items() if v}
        mask = {_camel(k): v for k, v in mask.items()}
        data = wire.element_to_dict(self._read("findRelation", relation=mask).element)
        relation = data.get("relation")
        if _first_text(data.get("result")) != "FIND-RELATION-RESULT-OK" or not isinstance(relation, dict):
            raise NotFound("relation", ", ".join(f"{k}={v}" for k, v in mask.items()) or "(empty search)")
        return self._model(Relation, relation, "findRelation")

    def get_relation(self, relation_number: int) -> Relation:
        data = wire.element_to_dict(self._read("getRelation", relationNumber=relation_number).element)
        relation = data.get("relation")
        if (
            _first_text(data.get("result")) != "GET-RELATION-RESULT-OK"
            or not isinstance(relation, dict)
            or not relation.get("relationNumber")
        ):
            raise NotFound("relation", str(relation_number))
        return self._model(Relation, relation, "getRelation")

    def get_relations(
        self, relation_numbers: Sequence[int] = (), sync_marker: int | None = None, limit: int | None = None
    ) -> list[Relation]:
        request: dict[str, Any] = {"relationNumbers": list(relation_numbers) or None}
        if sync_marker is not None:
            request["syncMarker"] = sync_marker
            request["syncMarkerLimit"] = limit
        request = {k: v for k, v in request.items() if v is not None}
        element = self._read("getRelations", request=request).element
        items = list(wire.iter_items(element, "relationList", "relation"))
        return self._model(_RELATIONS, items, "getRelations")

    def get_products(self, query: ProductQuery | None = None) -> list[Article]:
        """Articles (flattened out of their products), read from the raw XML; see ``bot.mplus.products``."""
        element = self._read("getProducts", request=products.product_request(query or ProductQuery())).element
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
            answer = self._invoke("getApiVersion")
        except NoAnswer as lost:
            raise Timeout(str(lost)) from None
        return self._model(ApiVersion, wire.element_to_dict(answer.element), "getApiVersion")


def _first_text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0]
    return value.strip() if isinstance(value, str) else None


def _describe(err: ValidationError) -> str:
    """The first problem, named as Mplus names the element (``<active>``), with the value shown."""
    first = err.errors()[0]
    names = [to_camel(str(part)) for part in first["loc"] if isinstance(part, str)]
    where = f"<{names[-1]}>" if names else "the answer"
    value = first.get("input")
    shown = f" holds {str(value)[:40]!r}" if isinstance(value, str | int) else ""
    return f"{where}{shown}: {first['msg']}"
