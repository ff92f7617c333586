"""zeep and HTTP plumbing: offline WSDL loading, one parsed WSDL per process, bounded calls.

``BoundedTransport`` sends each SOAP request and hands its answer back still streaming
(``RawAnswer``), under a total deadline (MPLUS_CALL_DEADLINE_S, enforced by a watchdog that shuts
the socket) and a size cap (MPLUS_MAX_RESPONSE_MB). Kept apart from ``client`` so the operation
methods read as the Mplus API, not as HTTP.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import requests
import urllib3.connection
import urllib3.connectionpool
import urllib3.exceptions
import zeep
import zeep.exceptions
from requests.adapters import HTTPAdapter
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

# zeep reads only the WSDL: answers are read by ``wire`` from the raw XML. No DTDs there either.
ZEEP_SETTINGS = zeep.Settings(strict=False, xml_huge_tree=True, forbid_dtd=True, forbid_entities=True)
_CHUNK = 1 << 16
_documents: dict[str, Document] = {}
_documents_lock = threading.Lock()


class DeadlineExceeded(requests.RequestException):
    """The call's total deadline passed; the request had been sent, so a write may have landed."""


class ResponseTooLarge(requests.RequestException):
    """The answer was bigger than MPLUS_MAX_RESPONSE_MB; reading stopped there."""

    def __init__(self, limit_bytes: int) -> None:
        super().__init__(f"answer larger than {limit_bytes // (1 << 20)} MB")
        self.limit_bytes = limit_bytes


class _Call:
    """One HTTP exchange under a total deadline: the watchdog shuts the socket when time is up.

    A per-read timeout alone lets a server that sends a byte every few seconds hold a call
    forever; shutting the socket down wakes the blocked read in the calling thread at once.
    """

    def __init__(self, deadline_s: float) -> None:
        self.expires = time.monotonic() + deadline_s
        self.expired = False
        self.connection: urllib3.connection.HTTPConnection | None = None
        self.sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(deadline_s, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sock = self.sock or getattr(self.connection, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def finish(self) -> None:
        self._timer.cancel()
        with self._lock:
            self.connection = self.sock = None


_current = threading.local()


class _TrackedConnection(urllib3.connection.HTTPConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        call: _Call | None = getattr(_current, "call", None)
        if call is not None:
            call.connection = self
        super().request(*args, **kwargs)
        if call is not None:
            # The response keeps reading from this socket even after the connection lets go of it
            # (``Connection: close`` answers), so the watchdog holds on to the socket itself.
            call.sock = self.sock


class _TrackedHTTPSConnection(urllib3.connection.HTTPSConnection):
    request = _TrackedConnection.request  # type: ignore[assignment]


class _TrackedPool(urllib3.connectionpool.HTTPConnectionPool):
    ConnectionCls = _TrackedConnection


class _TrackedHTTPSPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = _TrackedHTTPSConnection


class _TrackingAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _TrackedPool, "https": _TrackedHTTPSPool}


class RawAnswer:
    """An HTTP answer whose body is still on the wire; ``chunks()`` reads it under the call's limits."""

    def __init__(
        self, response: requests.Response, call: _Call, max_bytes: int, release: contextlib.ExitStack
    ) -> None:
        self.status_code = response.status_code
        self._response = response
        self._call = call
        self._max_bytes = max_bytes
        self._release = release  # the concurrency slot, held until the body is read or dropped

    def chunks(self) -> Iterator[bytes]:
        response, call = self._response, self._call
        try:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self._max_bytes:
                raise ResponseTooLarge(self._max_bytes)
            size = 0
            for chunk in response.raw.stream(_CHUNK, decode_content=True):
                size += len(chunk)
                if size > self._max_bytes:
                    raise ResponseTooLarge(self._max_bytes)
                yield chunk
                if call.expired:
                    raise DeadlineExceeded()
            if call.expired:  # the shut socket may read as a clean end of a body without a length
                raise DeadlineExceeded()
        except requests.RequestException:
            raise
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise DeadlineExceeded() if call.expired else requests.ConnectionError(exc) from None
        finally:
            self.close()

    def close(self) -> None:
        self._call.finish()
        self._response.close()
        self._release.close()


class OfflineTransport(Transport):
    """zeep's transport, with the SOAP-encoding schema supplied locally (for loading the WSDL)."""

    def load(self, url: str) -> bytes:
        stub = _STUBS.get(url)
        return stub if stub is not None else super().load(url)


class BoundedTransport(OfflineTransport):
    """The client's transport: every SOAP call bounded in time, size and concurrency, its answer left
    streaming."""

    def __init__(
        self, *args: Any, deadline_s: float, max_bytes: int, gate: CallGate | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.deadline_s = deadline_s
        self.max_bytes = max_bytes
        self.gate = gate  # every SOAP call passes it: MPLUS_MAX_CONCURRENCY (see gate.py)

    def post(self, address: str, message: Any, headers: Any) -> RawAnswer:  # type: ignore[override]
        """Send a SOAP request; the answer's body is left for the caller to stream and parse.

        The concurrency slot is held until that body has been read: Mplus is busy until then.
        """
        release = contextlib.ExitStack()
        if self.gate is not None:
            release.enter_context(self.gate.slot())
        call = _Call(self.deadline_s)
        _current.call = call
        connect_s, read_s = self.operation_timeout
        try:
            response = self.session.post(
                address, data=message, headers=headers, stream=True, timeout=(connect_s, read_s)
            )
        except BaseException as exc:
            call.finish()
            release.close()
            if isinstance(exc, requests.RequestException) and call.expired and request_was_sent(exc):
                raise DeadlineExceeded() from None
            raise
        finally:
            _current.call = None
        return RawAnswer(response, call, self.max_bytes, release)


def make_session(settings: MplusSettings) -> requests.Session:
    session = requests.Session()
    # One pooled connection per allowed concurrent call (requests keeps only 10 by default).
    adapter = _TrackingAdapter(pool_maxsize=settings.max_concurrency)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    # Mplus wants credentials in the query string of every call. As session params they stay out of
    # the service address zeep logs; exception texts are still scrubbed (see ``Redactor``).
    session.params = {"ident": settings.ident, "secret": settings.secret.get_secret_value()}
    return session


def make_transport(settings: MplusSettings, session: requests.Session) -> BoundedTransport:
    settings.wsdl_cache.parent.mkdir(parents=True, exist_ok=True)
    cache = SqliteCache(path=str(settings.wsdl_cache), timeout=settings.wsdl_cache_ttl_s)
    return BoundedTransport(
        cache=cache,
        timeout=settings.timeout_s,
        operation_timeout=(settings.connect_timeout_s, settings.timeout_s),
        session=session,
        deadline_s=settings.call_deadline_s or settings.timeout_s,
        max_bytes=int(settings.max_response_mb * (1 << 20)),
        gate=CallGate(settings.max_concurrency),
    )


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
