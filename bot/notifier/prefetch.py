"""Read the next page of order changes while the current one is being handled.

Mplus answers slowly compared with what the notifier does per page, so overlapping the two nearly
hides the notifier's own work behind the network wait. Only reads are done ahead (getOrders), so a
page read but never handled (the pass stopped) costs nothing but the read.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
_POLL_S = 0.1


def prefetched(source: Iterator[T], name: str = "notifier-prefetch") -> Generator[T, None, None]:
    """Yield ``source``'s items, fetching each next one in a thread; its exceptions come through as is."""
    slot: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(item: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                slot.put(item, timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def pump() -> None:
        try:
            for item in source:
                if not put(("item", item)):
                    return
            put(("end", None))
        except BaseException as err:  # handed to the consumer, which re-raises it
            put(("error", err))

    thread = threading.Thread(target=pump, name=name, daemon=True)
    thread.start()
    try:
        while True:
            kind, value = slot.get()
            if kind == "item":
                yield value
            elif kind == "end":
                return
            else:
                raise value
    finally:
        stop.set()
        thread.join(timeout=30)
