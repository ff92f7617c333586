"""A hook around every SOAP call, so operations code (metrics) can watch Mplus without living here.

Observers get (operation, seconds, outcome): outcome is ``ok`` or the failure's class name. An
observer must be quick and must not raise; one that does is logged and otherwise ignored.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)

CallObserver = Callable[[str, float, str], None]
_observers: list[CallObserver] = []


def add_call_observer(observer: CallObserver) -> None:
    if observer not in _observers:
        _observers.append(observer)


@contextmanager
def observed_call(operation: str) -> Iterator[None]:
    started = time.perf_counter()
    outcome = "ok"
    try:
        yield
    except BaseException as exc:
        outcome = type(exc).__name__.lstrip("_")
        raise
    finally:
        elapsed = time.perf_counter() - started
        for observer in list(_observers):
            try:
                observer(operation, elapsed, outcome)
            except Exception:
                log.exception("Mplus call observer failed")
