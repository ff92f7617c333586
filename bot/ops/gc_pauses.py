"""The cyclic garbage collector in a serving process: start-up objects out of its way, its pauses counted.

A full (generation 2) collection walks every container object the process holds and stops all
threads meanwhile, so a type-ahead answer that happens to trigger one waits for the whole walk.
Most of those objects are made at start-up and live for good (settings, the WSDL, zeep's types,
pydantic and SQLAlchemy machinery); ``freeze_startup`` moves them into the permanent generation
(``gc.freeze``, what CPython documents for long-running servers), so later collections walk only
what was made since. ``orderbot_gc_pauses_total`` / ``orderbot_gc_pause_seconds_total`` /
``orderbot_gc_pause_max_seconds`` (by generation) in ``/metrics`` show what the collector still costs.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from typing import Any

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.ops.metrics import REGISTRY

GENERATIONS = (0, 1, 2)


class GcPauses(Collector):
    """Counts collections and their pause time per generation from ``gc.callbacks``.

    The callback runs inside the collector, so it only does arithmetic on plain lists (no locks:
    a collection can start while this very thread holds one, e.g. a metric's, and would deadlock).
    """

    def __init__(self) -> None:
        self._started = 0.0
        self.count = [0, 0, 0]
        self.seconds = [0.0, 0.0, 0.0]
        self.longest = [0.0, 0.0, 0.0]

    def callback(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        generation = int(info.get("generation", 2))
        took = time.perf_counter() - self._started
        self.count[generation] += 1
        self.seconds[generation] += took
        self.longest[generation] = max(self.longest[generation], took)

    def collect(self) -> Iterator[Any]:
        count = CounterMetricFamily(
            "orderbot_gc_pauses", "Cyclic garbage collections by generation", labels=["generation"]
        )
        seconds = CounterMetricFamily(
            "orderbot_gc_pause_seconds", "Time spent in cyclic garbage collections", labels=["generation"]
        )
        longest = GaugeMetricFamily(
            "orderbot_gc_pause_max_seconds", "Longest single collection since start", labels=["generation"]
        )
        for generation in GENERATIONS:
            label = [str(generation)]
            count.add_metric(label, self.count[generation])
            seconds.add_metric(label, self.seconds[generation])
            longest.add_metric(label, self.longest[generation])
        yield from (count, seconds, longest)


_LOCK = threading.Lock()
_installed: GcPauses | None = None


def watch_pauses() -> GcPauses:
    """Start counting collections (once per process) and export them in ``/metrics``."""
    global _installed
    with _LOCK:
        if _installed is None:
            _installed = GcPauses()
            gc.callbacks.append(_installed.callback)
            REGISTRY.register(_installed)
        return _installed


def freeze_startup() -> int:
    """Collect once, then keep everything alive now out of later collections; returns how many objects."""
    watch_pauses()
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
