"""Reading one SOAP answer as it arrives: streamed into lxml, orders shaped and freed as they end.

Every answer the client reads comes through here, whatever the operation, so the rules are the
same everywhere:
- comments and processing instructions are dropped by the parser (text split by a comment is
  joined), and the operation's answer is the first *element* inside the SOAP Body;
- a SOAP Fault is recognised wherever the HTTP status says otherwise, behind any Header;
- a document type declaration is refused (SOAP forbids one; entities are never expanded and
  nothing is ever fetched from the network);
- ``<order>`` elements of getOrders/getOrder/findOrder become ``Order`` models the moment they are
  complete and are then emptied in the tree, so a 5,000-order page never exists as a whole lxml
  tree (or as intermediate dicts) next to its models.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from lxml import etree

from bot.mplus import order_xml, wire
from bot.mplus.errors import ProtocolError, UnreadableAnswer
from bot.mplus.models import Order

try:  # the compiled walk (setup.py); the same results as order_xml.order, ~3x faster
    from bot.mplus._order_walk import order as shape_order
except (ImportError, ValueError) as err:
    # ImportError: not built (no C compiler at install). ValueError: built against another lxml than
    # the one installed now (Cython's struct-size check). Either way the pure-Python shaper reads.
    logging.getLogger(__name__).info("orders are read by the pure-Python shaper: %s", err)
    shape_order = order_xml.order

_SOAP_NS = ("http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/2003/05/soap-envelope")
_BODIES = frozenset(f"{{{ns}}}Body" for ns in _SOAP_NS)
_FAULTS = frozenset(f"{{{ns}}}Fault" for ns in _SOAP_NS)
# The root element's start tag: "<" and a name character (not "<?" "<!"), outside comments.
_ROOT_START = re.compile(rb"<[A-Za-z_]")
_PROLOG_LIMIT = 1 << 16
_ORDER = wire.q("order")
_ORDER_LIST = wire.q("orderList")


@dataclass
class Answer:
    element: etree._Element
    """The operation's response element: the first element child of the SOAP Body."""
    orders: list[Order] = field(default_factory=list)
    """Its ``<order>`` elements, already read by ``order_xml.order`` (and emptied in ``element``)."""
    fault: tuple[str, str] | None = None
    """(faultcode without prefix, faultstring) when the Body holds a SOAP Fault."""


def _parser() -> etree.XMLPullParser:
    return etree.XMLPullParser(
        events=("end",),
        tag=_ORDER,
        huge_tree=True,  # list pages can exceed libxml2's 10 MB text-node guard
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
        remove_blank_text=True,
    )


def read(chunks: Iterable[bytes], operation: str) -> Answer:
    """Parse an answer from its body chunks; every failure is a ``ProtocolError`` naming the call."""
    with _gc_paused():
        return _read(chunks, operation)


_gc_lock = threading.Lock()
_gc_pausers = 0
_gc_was_enabled = True


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a page is read.

    A 5,000-order page allocates ~40,000 models and their dicts, none of them in a reference cycle,
    yet each few hundred allocations trigger a collection that scans the young objects again: a
    quarter of the parse time. Reference counting still frees everything as usual. The pause is
    process-wide, so it is counted: the collector comes back when the last reader finishes (and
    only if it was on to begin with).
    """
    global _gc_pausers, _gc_was_enabled
    with _gc_lock:
        if _gc_pausers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pausers += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            if _gc_pausers == 0 and _gc_was_enabled:
                gc.enable()


def _read(chunks: Iterable[bytes], operation: str) -> Answer:
    parser = _parser()
    orders: list[Order] = []
    shape = shape_order
    try:
        for chunk in _without_dtd(chunks, operation):
            parser.feed(chunk)
            for _, order in parser.read_events():
                parent = order.getparent()
                if parent is None:
                    continue
                if parent.tag != _ORDER_LIST:
                    grand = parent.getparent()
                    if grand is None or grand.tag not in _BODIES:
                        continue  # an <order> nested somewhere else: not one of the answer's orders
                orders.append(shape(order))
                order.clear()  # frees its subtree in C; cheaper than unlinking it from the document
        root = parser.close()
    except etree.XMLSyntaxError as err:
        raise UnreadableAnswer(f"Mplus's answer to {operation} is not well-formed XML ({err.msg})") from None
    except UnreadableAnswer:
        raise
    except ProtocolError as err:
        raise UnreadableAnswer(
            f"Mplus's answer to {operation} holds an order the client cannot read: {err}"
        ) from None
    if root.getroottree().docinfo.internalDTD is not None:
        raise UnreadableAnswer(
            f"Mplus's answer to {operation} carries a DTD, which SOAP forbids; it was not read"
        )
    element = _body_element(root, operation)
    return Answer(element=element, orders=orders, fault=_fault(element))


def _without_dtd(chunks: Iterable[bytes], operation: str) -> Iterator[bytes]:
    """The chunks, once the prolog (everything before the root element) is known to hold no DTD.

    SOAP forbids a document type declaration; refusing it before parsing anything means no entity
    declared there ever reaches the shapers (lxml would not expand it anyway: resolve_entities=False).
    """
    prolog = b""
    chunks = iter(chunks)
    for chunk in chunks:
        prolog += chunk
        start = _ROOT_START.search(prolog)
        if start is None and len(prolog) < _PROLOG_LIMIT:
            continue
        head = prolog[: start.start()] if start else prolog
        if b"<!DOCTYPE" in head:
            raise UnreadableAnswer(
                f"Mplus's answer to {operation} carries a DTD, which SOAP forbids; it was not read"
            )
        yield prolog
        break
    yield from chunks


def _body_element(root: etree._Element, operation: str) -> etree._Element:
    for part in root:
        if part.tag in _BODIES:
            for child in part:
                if isinstance(child.tag, str):
                    return child
            break
    raise UnreadableAnswer(f"Mplus's answer to {operation} has no SOAP Body with an answer in it")


def _fault(element: etree._Element) -> tuple[str, str] | None:
    if element.tag not in _FAULTS:
        return None
    parts = {
        wire.localname(child.tag): (child.text or "").strip()
        for child in element
        if isinstance(child.tag, str)
    }
    code = parts.get("faultcode", "")
    return code.rsplit(":", 1)[-1], parts.get("faultstring", "")
