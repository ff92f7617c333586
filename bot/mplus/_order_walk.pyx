# cython: language_level=3
"""``order_xml.order`` compiled: one ``<order>`` read from libxml2's nodes, without lxml proxies.

The pure-Python shaper spends most of its time making an lxml proxy object and a new ``str`` for
every element it looks at (~110 per order). Here the same walk reads libxml2's node structs directly
through lxml's public C API, so a 5,000-order page is shaped in a fraction of the time.

The rules are the Python shaper's, and it stays the reference: an order is read here only while
everything in it is regular (known elements, ASCII integers, ``true``/``false``/``1``/``0``, every
required element present). At the first thing that is not — an invalid value, a missing
``<articleNumber>``, an out-of-range quantity — this walk gives up on the order and
``order_xml.order`` reads it again, which either reads it (an unusual but valid spelling) or raises
the ``ProtocolError`` naming the element. Results are the same either way; tests check both paths on
the same answers.
"""

from cpython.object cimport PyObject_GenericSetAttr
from cpython.set cimport PySet_New
from libc.stdint cimport uint32_t
from libc.string cimport strcmp

cimport lxml.includes.etreepublic as cetree
from lxml.includes.tree cimport xmlNode

from datetime import date, datetime
from sys import intern

from pydantic.alias_generators import to_snake

from bot.mplus import order_xml
from bot.mplus.models import MPLUS_TZ
from bot.mplus.money import MAX_QUANTITY_DECIMALS

cetree.import_lxml__etree()

cdef enum:
    ELEMENT_NODE = 1
    TEXT_NODE = 3
    CDATA_NODE = 4
    XINCLUDE_START = 19
    XINCLUDE_END = 20

cdef const char* MPLUS_NS = b"urn:mplusqapi"
cdef long long LONG_LIMIT = 9223372036854775807  # Mplus quantities are xsd:long


class _Irregular(Exception):
    """Something the fast walk does not read; the Python shaper decides."""


# Value kinds of scalar elements.
cdef enum:
    K_STR = 1
    K_INT = 2
    K_CODE = 3
    K_BOOL = 4

# Kinds of order children that are not scalars.
cdef enum:
    C_IDS = 10
    C_DATETIME = 11
    C_DATE = 12
    C_YEAR_NUMBER = 13
    C_ADDRESS = 14
    C_LINES = 15
    C_PAYMENTS = 16
    C_LINE_DATA = 17


DEF SLOTS = 128  # per table; a power of two well above the ~40 names of the biggest one


cdef inline uint32_t _hash(const char* name):
    # FNV-1a: element names are short, and this spares making a str of every name just to look it up.
    cdef uint32_t h = 2166136261
    while name[0]:
        h = (h ^ <unsigned char>name[0]) * 16777619
        name += 1
    return h


cdef class _Names:
    """Local names of one context (an order's children, a line's, …) → field name and kind, in C."""

    cdef const char* names[SLOTS]
    cdef int kinds[SLOTS]
    cdef list fields
    cdef list _keep  # owns the bytes the name pointers point into

    def __init__(self, dict kinds):
        cdef uint32_t slot
        self.fields = [None] * SLOTS
        self._keep = []
        for i in range(SLOTS):
            self.names[i] = NULL
            self.kinds[i] = 0
        for local, (field, kind) in kinds.items():
            encoded = local.encode("utf-8")
            self._keep.append(encoded)
            slot = _hash(encoded) & (SLOTS - 1)
            while self.names[slot] is not NULL:
                slot = (slot + 1) & (SLOTS - 1)
            self.names[slot] = encoded
            self.kinds[slot] = kind
            self.fields[slot] = field

    cdef inline int find(self, const char* name):
        """The slot of ``name``, or -1 when this context does not read it."""
        cdef uint32_t slot = _hash(name) & (SLOTS - 1)
        while self.names[slot] is not NULL:
            if strcmp(self.names[slot], name) == 0:
                return slot
            slot = (slot + 1) & (SLOTS - 1)
        return -1


def _kinds(table, complexes=None):
    """local name -> (field name, kind), from order_xml's own tables (so the two never disagree)."""
    kinds = {}
    for tag, (name, convert) in table.items():
        local = tag.rsplit("}", 1)[-1]
        if convert is int:
            kinds[local] = (name, K_INT)
        elif convert is str:
            kinds[local] = (name, K_STR)
        elif convert is order_xml._code:
            kinds[local] = (name, K_CODE)
        elif convert is order_xml._bool:
            kinds[local] = (name, K_BOOL)
        else:
            raise TypeError(f"no fast kind for {local}")
    for local, entry in (complexes or {}).items():
        kinds[local] = entry
    return kinds


cdef _Names ORDER_NAMES = _Names(_kinds(
    order_xml._ORDER_SCALARS,
    {
        "invoiceIds": ("invoice_ids", C_IDS),
        "packingSlipIds": ("packing_slip_ids", C_IDS),
        "entryTimestamp": ("entry_timestamp", C_DATETIME),
        "financialDate": ("financial_date", C_DATE),
        "deliveryDate": ("delivery_date", C_DATE),
        "orderNumber": ("order_number", C_YEAR_NUMBER),
        "deliveryAddress": ("delivery_address", C_ADDRESS),
        "invoiceAddress": ("invoice_address", C_ADDRESS),
        "lineList": ("lines", C_LINES),
        "paymentList": ("payments", C_PAYMENTS),
    },
))
cdef _Names PAYMENT_NAMES = _Names(_kinds(
    order_xml._PAYMENT_SCALARS,
    {"financialDate": ("financial_date", C_DATE), "entryTimestamp": ("entry_timestamp", C_DATETIME)},
))
cdef _Names LINE_NAMES = _Names(_kinds(order_xml._LINE_SCALARS, {"data": ("data", C_LINE_DATA)}))
cdef _Names LINE_DATA_NAMES = _Names(_kinds(
    order_xml._LINE_DATA,
    {"quantity": ("quantity", K_INT), "decimalPlaces": ("decimal_places", K_INT)},
))
# The parts of order_xml._child_ints (isdst and timezone are not read).
cdef _Names DATE_PART_NAMES = _Names({
    name: (name, K_INT) for name in ("sec", "min", "hour", "day", "mon", "year", "number")
})
cdef frozenset ADDRESS_FIELDS = frozenset(order_xml._ADDRESS_FIELDS)
cdef dict ADDRESS_NAMES = {"companyName": "company_name"}


cdef class _Maker:
    """order_xml._Construct's field facts, typed: builds a model from checked values, unvalidated."""

    cdef object cls
    cdef tuple required
    cdef dict defaults
    cdef tuple factories

    def __init__(self, construct):
        self.cls = construct.cls
        self.required = tuple(construct.required)
        self.defaults = dict(construct.defaults)
        self.factories = tuple(construct.factories)

    cdef object make(self, dict values):
        for name in self.required:
            if name not in values:
                raise _Irregular()
        cdef dict data = self.defaults.copy()
        for name, factory in self.factories:
            data[name] = factory()
        data.update(values)
        model = self.cls.__new__(self.cls)
        PyObject_GenericSetAttr(model, "__dict__", data)
        PyObject_GenericSetAttr(model, "__pydantic_fields_set__", PySet_New(values))
        PyObject_GenericSetAttr(model, "__pydantic_extra__", None)
        PyObject_GenericSetAttr(model, "__pydantic_private__", None)
        return model


cdef _Maker NEW_ORDER = _Maker(order_xml._new_order)
cdef _Maker NEW_LINE = _Maker(order_xml._new_line)
cdef _Maker NEW_PAYMENT = _Maker(order_xml._new_payment)
cdef _Maker NEW_ADDRESS = _Maker(order_xml._new_address)
cdef _Maker NEW_YEAR_NUMBER = _Maker(order_xml._new_year_number)
cdef _Maker NEW_QUANTITY = _Maker(order_xml._new_quantity)


cdef inline bint _is_mplus(xmlNode* node):
    return (
        node.type == ELEMENT_NODE
        and node.ns is not NULL
        and node.ns.href is not NULL
        and strcmp(<const char*>node.ns.href, MPLUS_NS) == 0
    )


cdef inline xmlNode* _text_node(xmlNode* node):
    # lxml's .text: the run of text/CDATA nodes first among the children, XInclude markers skipped.
    while node is not NULL and (node.type == XINCLUDE_START or node.type == XINCLUDE_END):
        node = node.next
    if node is not NULL and (node.type == TEXT_NODE or node.type == CDATA_NODE):
        return node
    return NULL


cdef object _text(xmlNode* element):
    """The element's ``.text`` as lxml gives it (None when it has none)."""
    cdef xmlNode* first = _text_node(element.children)
    cdef xmlNode* node
    if first is NULL:
        return None
    node = _text_node(first.next)
    if node is NULL:
        return (<const char*>first.content).decode("utf-8") if first.content is not NULL else ""
    parts = [(<const char*>first.content).decode("utf-8") if first.content is not NULL else ""]
    while node is not NULL:
        if node.content is not NULL:
            parts.append((<const char*>node.content).decode("utf-8"))
        node = _text_node(node.next)
    return "".join(parts)


cdef inline bint _space(char c):
    return c == 32 or (9 <= c <= 13)


cdef object _int(xmlNode* element):
    """The element's text as an int, or None for no text. Plain ASCII digits are read in C; any
    other spelling goes to Python's int(), exactly as the Python shaper does."""
    cdef xmlNode* first = _text_node(element.children)
    cdef const char* p
    cdef long long value = 0
    cdef int digits = 0
    cdef bint negative = False
    if first is NULL:
        return None
    if _text_node(first.next) is NULL and first.content is not NULL:
        p = <const char*>first.content
        if p[0] == 0:
            return None
        while _space(p[0]):
            p += 1
        if p[0] == 45 or p[0] == 43:  # '-' '+'
            negative = p[0] == 45
            p += 1
        while 48 <= p[0] <= 57 and digits < 18:
            value = value * 10 + (p[0] - 48)
            digits += 1
            p += 1
        while _space(p[0]):
            p += 1
        if digits and p[0] == 0:
            return -value if negative else value
    text = _text(element)
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise _Irregular() from None


cdef object _scalar(xmlNode* node, int kind):
    if kind == K_INT:
        return _int(node)
    text = _text(node)
    if not text:
        return None
    if kind == K_STR:
        return text
    if kind == K_CODE:
        return intern(text)
    stripped = text.strip()
    if stripped == "true" or stripped == "1":
        return True
    if stripped == "false" or stripped == "0":
        return False
    raise _Irregular()


cdef dict _ints(xmlNode* element, _Names names):
    """The integer children ``names`` reads (a date's parts, a line's data), by field name."""
    cdef dict parts = {}
    cdef xmlNode* child = element.children
    cdef int slot
    while child is not NULL:
        if _is_mplus(child):
            slot = names.find(<const char*>child.name)
            if slot >= 0:
                value = _int(child)
                if value is not None:
                    parts[names.fields[slot]] = value
        child = child.next
    return parts


cdef inline dict _child_ints(xmlNode* element):
    return _ints(element, DATE_PART_NAMES)


cdef object _date(xmlNode* element):
    parts = _child_ints(element)
    if not (parts.get("day") and parts.get("mon") and parts.get("year")):
        return None
    try:
        return date(parts["year"], parts["mon"], parts["day"])
    except (ValueError, OverflowError):
        raise _Irregular() from None


cdef object _datetime(xmlNode* element):
    parts = _child_ints(element)
    if not (parts.get("day") and parts.get("mon") and parts.get("year")):
        return None
    try:
        return datetime(
            parts["year"], parts["mon"], parts["day"],
            parts.get("hour", 0), parts.get("min", 0), parts.get("sec", 0),
            tzinfo=MPLUS_TZ,
        )
    except (ValueError, OverflowError):
        raise _Irregular() from None


cdef list _ids(xmlNode* element):
    cdef list ids = []
    cdef xmlNode* child = element.children
    while child is not NULL:
        if child.type == ELEMENT_NODE:
            text = _text(child)
            if text:
                ids.append(text)
        child = child.next
    return ids


cdef object _address(xmlNode* element):
    # Any namespace, as order_xml._address reads it (to_snake of the local name).
    cdef dict values = {}
    cdef xmlNode* child = element.children
    while child is not NULL:
        if child.type == ELEMENT_NODE:
            text = _text(child)
            if text:
                local = (<const char*>child.name).decode("utf-8")
                name = ADDRESS_NAMES.get(local)
                if name is None:
                    name = local if local in ADDRESS_FIELDS else to_snake(local)
                if name in ADDRESS_FIELDS:
                    values[name] = text
        child = child.next
    return NEW_ADDRESS.make(values)


cdef void _line_data(xmlNode* data, dict line) except *:
    values = _ints(data, LINE_DATA_NAMES)
    quantity = values.pop("quantity", 0)
    places = values.pop("decimal_places", 0)
    if not 0 <= places <= MAX_QUANTITY_DECIMALS or not -LONG_LIMIT - 1 <= quantity <= LONG_LIMIT:
        raise _Irregular()
    line.update(values)
    line["quantity"] = NEW_QUANTITY.make({"quantity": quantity, "decimal_places": places})


cdef object _line(xmlNode* element):
    return NEW_LINE.make(_shape(element, LINE_NAMES))


cdef list _each(xmlNode* element, const char* wanted, bint lines):
    cdef list items = []
    cdef xmlNode* child = element.children
    while child is not NULL:
        if _is_mplus(child) and strcmp(<const char*>child.name, wanted) == 0:
            items.append(_line(child) if lines else NEW_PAYMENT.make(_shape(child, PAYMENT_NAMES)))
        child = child.next
    return items


cdef dict _shape(xmlNode* element, _Names names):
    cdef dict shaped = {}
    cdef xmlNode* child = element.children
    cdef int slot, kind
    while child is not NULL:
        if _is_mplus(child):
            slot = names.find(<const char*>child.name)
            if slot >= 0:
                name = names.fields[slot]
                kind = names.kinds[slot]
                if kind < C_IDS:
                    value = _scalar(child, kind)
                    if value is not None:
                        shaped[name] = value
                elif kind == C_IDS:
                    shaped[name] = _ids(child)
                elif kind == C_DATETIME:
                    shaped[name] = _datetime(child)
                elif kind == C_DATE:
                    shaped[name] = _date(child)
                elif kind == C_YEAR_NUMBER:
                    parts = _child_ints(child)
                    shaped[name] = NEW_YEAR_NUMBER.make(
                        {k: v for k, v in parts.items() if k == "year" or k == "number"}
                    )
                elif kind == C_ADDRESS:
                    shaped[name] = _address(child)
                elif kind == C_LINES:
                    shaped[name] = _each(child, b"line", True)
                elif kind == C_PAYMENTS:
                    shaped[name] = _each(child, b"payment", False)
                elif kind == C_LINE_DATA:
                    _line_data(child, shaped)
        child = child.next
    return shaped


def order(cetree._Element element not None):
    """An ``<order>`` element as an ``Order`` — the same as ``order_xml.order(element)``."""
    try:
        return NEW_ORDER.make(_shape(element._c_node, ORDER_NAMES))
    except _Irregular:
        return order_xml.order(element)
