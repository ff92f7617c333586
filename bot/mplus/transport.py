"""zeep plumbing: offline WSDL loading, one parsed WSDL per process, and failure classification.

Kept apart from ``client`` so the operation methods read as the Mplus API, not as HTTP.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from urllib.parse import quote, quote_plus

import requests
import urllib3.exceptions
import zeep
import zeep.exceptions
from zeep.cache import SqliteCache
from zeep.transports import Transport
from zeep.wsdl import Document

from bot.config import MplusSettings
from bot.mplus.gate import CallGate

log = logging.getLogger(__name__)

SOAP_ENCODING_NS = "http://schemas.xmlsoap.org/soap/encoding/"
# The official WSDL imports the SOAP-encoding schema only for its base64 type; shipping this stub
# lets it load on machines without internet access (reference §12).
_SOAP_ENCODING_STUB = b"""<?xml version="1.0"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema"
            targetNamespace="http://schemas.xmlsoap.org/soap/encoding/">
  <xsd:simpleType name="base64"><xsd:restriction base="xsd:base64Binary"/></xsd:simpleType>
</xsd:schema>"""
_STUBS = {SOAP_ENCODING_NS: _SOAP_ENCODING_STUB, SOAP_ENCODING_NS.rstrip("/"): _SOAP_ENCODING_STUB}

ZEEP_SETTINGS = zeep.Settings(strict=False, xml_huge_tree=True)
_documents: dict[str, Document] = {}
_documents_lock = threading.Lock()


class OfflineTransport(Transport):
    gate: CallGate | None = None  # every SOAP call passes it: MPLUS_MAX_CONCURRENCY (see gate.py)

    def load(self, url: str) -> bytes:
        stub = _STUBS.get(url)
        return stub if stub is not None else super().load(url)

    def post(self, address: str, message: str, headers: dict[str, str]) -> requests.Response:
        if self.gate is None:
            return super().post(address, message, headers)
        with self.gate.slot():
            return super().post(address, message, headers)


def make_session(settings: MplusSettings) -> requests.Session:
    session = requests.Session()
    # Mplus wants credentials in the query string of every call. As session params they stay out of
    # the service address zeep logs; exception texts are still scrubbed (see ``Redactor``).
    session.params = {"ident": settings.ident, "secret": settings.secret.get_secret_value()}
    # One pooled connection per allowed concurrent call (requests keeps only 10 by default).
    adapter = requests.adapters.HTTPAdapter(pool_maxsize=settings.max_concurrency)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def make_transport(settings: MplusSettings, session: requests.Session) -> OfflineTransport:
    settings.wsdl_cache.parent.mkdir(parents=True, exist_ok=True)
    cache = SqliteCache(path=str(settings.wsdl_cache), timeout=settings.wsdl_cache_ttl_s)
    transport = OfflineTransport(
        cache=cache,
        timeout=settings.timeout_s,
        operation_timeout=(settings.connect_timeout_s, settings.timeout_s),
        session=session,
    )
    transport.gate = CallGate(settings.max_concurrency)
    return transport


def load_document(location: str, transport: Transport) -> Document:
    """Parse each WSDL once per process; the disk cache spares the download across processes."""
    with _documents_lock:
        document = _documents.get(location)
        if document is None:
            source = str(Path(location).resolve()) if Path(location).exists() else location
            document = Document(source, transport, settings=ZEEP_SETTINGS)
            _documents[location] = document
        return document


class Redactor:
    """Scrubs ident and secret (raw and URL-encoded) from any text before it is logged or raised."""

    def __init__(self, settings: MplusSettings) -> None:
        raw = [settings.ident, settings.secret.get_secret_value()]
        variants = {v for s in raw if s for v in (s, quote(s, safe=""), quote_plus(s))}
        self.secrets = sorted(variants, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text


def request_was_sent(exc: requests.RequestException) -> bool:
    """False only when the request provably never reached the server (connect refused or timed out)."""
    if isinstance(exc, requests.ConnectTimeout):
        return False
    if isinstance(exc, requests.ConnectionError):
        reason = exc.args[0] if exc.args else None
        if isinstance(reason, urllib3.exceptions.MaxRetryError):
            reason = reason.reason
        if isinstance(reason, urllib3.exceptions.NewConnectionError | urllib3.exceptions.NameResolutionError):
            return False
    return True


class _RedactingFilter(logging.Filter):
    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self._redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self._redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        return True


# urllib3 logs each request line, query string and all, at DEBUG; zeep logs addresses and bodies.
_CHATTY_LOGGERS = ("urllib3.connectionpool", "zeep.transports", "requests")


_installed: set[tuple[str, ...]] = set()


def install_log_redaction(redact: Redactor) -> None:
    # Once per distinct credential set, so many clients in one process don't stack filters.
    key = tuple(redact.secrets)
    with _documents_lock:
        if key in _installed:
            return
        _installed.add(key)
    for name in _CHATTY_LOGGERS:
        logging.getLogger(name).addFilter(_RedactingFilter(redact))
