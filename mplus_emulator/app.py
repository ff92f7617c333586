"""The emulator without HTTP: authentication, fault injection, dispatch, call log."""

from __future__ import annotations

import hmac
import logging
import os
import random
import time
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from .bulk import generate_articles, generate_relations
from .clock import AMSTERDAM
from .context import Ctx
from .faults import CallLog, Faults
from .operations import OPERATIONS
from .products import edit_article
from .relations import delete_relation, edit_relation
from .seed import generate_orders
from .soap import SoapFault, child, envelope, fault_envelope, get_text, local, parse_request
from .store import Store

log = logging.getLogger("mplus_emulator")

AUTH_FAULT = SoapFault("SOAP-ENV:Client.Authentication",
                       "Authentication failed: invalid or missing ident/secret.")
HTTP_500_PAGE = (b"<html><head><title>500 Internal Server Error</title></head>"
                 b"<body><h1>Internal Server Error</h1></body></html>")


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = "text/xml; charset=utf-8"
    drop: bool = False  # close the connection without answering


def _request_ids(op: etree._Element) -> tuple[str | None, str | None]:
    """Best-effort orderId / extOrderId from a request, for the call log."""
    order_id = get_text(op, "orderId")
    ext_id = get_text(op, "extOrderId")
    for wrapper in ("order", "request"):
        inner = child(op, wrapper)
        order_id = order_id if order_id is not None else get_text(inner, "orderId")
        ext_id = ext_id if ext_id is not None else get_text(inner, "extOrderId")
    return order_id or None, ext_id or None


class Emulator:
    def __init__(self, seed: str = "demo", ident: str = "demo", secret: str = "demo", latency_ms: int = 0,
                 state_path: str | os.PathLike[str] | None = None) -> None:
        self.ident = ident
        self.secret = secret
        self.latency_ms = latency_ms
        self.store = Store(seed, state_path)
        self.calls = CallLog()
        self.faults = Faults()

    def authorised(self, query: dict[str, list[str]]) -> bool:
        ident = (query.get("ident") or [""])[0]
        secret = (query.get("secret") or [""])[0]
        return hmac.compare_digest(ident.encode(), self.ident.encode()) and \
            hmac.compare_digest(secret.encode(), self.secret.encode())

    def soap(self, body: bytes, query: dict[str, list[str]]) -> Reply:
        if self.latency_ms > 0:
            time.sleep(self.latency_ms / 1000)
        entry: dict[str, object] = {
            "operation": None, "orderId": None, "extOrderId": None,
            "time": datetime.now(AMSTERDAM).isoformat(), "result": None, "fault": None,
        }
        try:
            return self._soap(body, query, entry)
        except SoapFault as f:
            entry["fault"] = f.code
            return Reply(500, fault_envelope(f.code, f.message))
        except Exception:
            # The traceback goes to the log, never into the response.
            log.exception("internal error while handling %s", entry["operation"])
            entry["fault"] = "SOAP-ENV:Server"
            return Reply(500, fault_envelope("SOAP-ENV:Server", "Internal server error."))
        finally:
            self.calls.record(entry)

    def _soap(self, body: bytes, query: dict[str, list[str]], entry: dict[str, object]) -> Reply:
        op: etree._Element | None = None
        problem: SoapFault | None = None
        try:
            op = parse_request(body)
        except SoapFault as f:
            problem = f
        if op is not None:
            entry["operation"] = local(op)
            entry["orderId"], entry["extOrderId"] = _request_ids(op)
        if not self.authorised(query):
            raise AUTH_FAULT
        if problem is not None or op is None:
            raise problem or SoapFault("SOAP-ENV:Client", "Malformed request.")
        name = local(op)
        handler = OPERATIONS.get(name)
        if handler is None:
            raise SoapFault("SOAP-ENV:Client", f"Unknown operation {name!r}.")
        injection = self.faults.take(name)
        if injection.latency_ms:
            time.sleep(injection.latency_ms / 1000)
        if injection.kind == "soap_fault":
            raise SoapFault("SOAP-ENV:Server", "Injected server fault (emulator).")
        if injection.kind == "http_500":
            entry["fault"] = "http_500"
            return Reply(500, HTTP_500_PAGE, "text/html; charset=utf-8")
        with self.store.session() as ctx:
            result = handler(ctx, op)
        entry["result"] = result.result
        entry["orderId"] = result.order_id or entry["orderId"]
        entry["extOrderId"] = result.ext_order_id or entry["extOrderId"]
        if injection.kind == "commit_then_drop":
            entry["fault"] = "commit_then_drop"
            return Reply(200, b"", drop=True)
        return Reply(200, envelope(result.body))

    # ---- test hooks, shared by the HTTP endpoints and the EmulatorServer methods ----

    def reset(self, seed: str | None = None) -> None:
        self.store.reset(seed)
        self.calls.clear()
        self.faults.clear()

    def generate(self, orders: int = 0, lines: int = 3, relation_number: int | None = None, *,
                 relations: int = 0, articles: int = 0, days: int = 0, mixed: bool = False,
                 ) -> dict[str, int]:
        """Bulk data for paging tests and benches: relations and articles first, then orders over them."""
        for name, value in (("orders", orders), ("relations", relations), ("articles", articles),
                            ("days", days)):
            if value < 0:
                raise ValueError(f"{name} must not be negative")
        if not 1 <= lines <= 50:
            raise ValueError("lines must be between 1 and 50")
        if relation_number is not None and relation_number not in self.store.state.relations:
            raise ValueError(f"relation {relation_number} not found")

        def run(ctx: Ctx) -> dict[str, int]:
            rng = random.Random(ctx.state.relation_seq * 7 + ctx.state.article_seq)
            made_relations = generate_relations(ctx.state, ctx.now, relations, rng)
            made_articles = generate_articles(ctx.state, ctx.now, articles, rng)
            made_orders = generate_orders(ctx, orders, lines, relation_number, days, mixed)
            return {"created": made_orders, "relationsCreated": made_relations,
                    "articlesCreated": made_articles, "orderSyncMarker": ctx.state.order_seq,
                    "relationSyncMarker": ctx.state.relation_seq, "articleSyncMarker": ctx.state.article_seq}

        return self.store.run(run)

    def edit_relation(self, number: int, texts: dict[str, str], active: bool | None) -> dict[str, object]:
        def run(ctx: Ctx) -> dict[str, object]:
            r = edit_relation(ctx.state, number, texts, active, ctx.now)
            return {"relationNumber": r.relation_number, "syncMarker": r.sync_marker, "active": r.active}

        return self.store.run(run)

    def delete_relation(self, number: int) -> None:
        with self.store.lock:
            self.store.run(lambda ctx: delete_relation(ctx.state, number))
            self.store.persist()  # no marker moves, so the session would not persist on its own

    def edit_article(self, number: int, changes: dict[str, object]) -> dict[str, object]:
        def run(ctx: Ctx) -> dict[str, object]:
            a = edit_article(ctx.state, number, changes, ctx.now)
            return {"articleNumber": a.number, "syncMarker": a.sync_marker, "active": a.active}

        return self.store.run(run)
