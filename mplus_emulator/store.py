"""The one shared state: a lock around every read and change, and optional JSON persistence."""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from . import clock
from .context import Ctx, Ids
from .model import State
from .seed import fresh_state

T = TypeVar("T")


class Store:
    def __init__(self, seed: str, state_path: str | os.PathLike[str] | None = None) -> None:
        self.lock = threading.RLock()
        self.seed = seed
        self.state_path = Path(state_path) if state_path else None
        if self.state_path is not None and self.state_path.exists():
            self.state = State.model_validate_json(self.state_path.read_bytes())
        else:
            self.state = fresh_state(seed, clock.now())
            self.persist()

    def persist(self) -> None:
        """Atomic write (temp file + rename), so a crash never leaves a half-written state file."""
        if self.state_path is None:
            return
        data = self.state.model_dump_json().encode()
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=self.state_path.name + ".", suffix=".tmp",
                                   dir=self.state_path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.state_path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _marks(self) -> tuple[int, int, int, int, int]:
        s = self.state
        return (s.order_seq, s.relation_seq, s.article_seq, s.invoice_seq, s.packing_slip_seq)

    @contextmanager
    def session(self) -> Iterator[Ctx]:
        """Run one call under the lock; persist afterwards if it changed anything."""
        with self.lock:
            before = self._marks()
            yield Ctx(self.state, clock.now(), Ids())
            if self._marks() != before:
                self.persist()

    def run(self, fn: Callable[[Ctx], T]) -> T:
        with self.session() as ctx:
            return fn(ctx)

    def reset(self, seed: str | None = None) -> None:
        with self.lock:
            new_seed = seed or self.seed
            self.state = fresh_state(new_seed, clock.now())
            self.persist()

    def summary(self) -> dict[str, object]:
        with self.lock:
            s = self.state
            return {
                "seed": s.seed,
                "orders": len(s.orders),
                "relations": len(s.relations),
                "articles": len(s.catalogue.articles),
                "orderSyncMarker": s.order_seq,
                "relationSyncMarker": s.relation_seq,
                "articleSyncMarker": s.article_seq,
                "invoiceSyncMarker": s.invoice_seq,
                "packingSlipSyncMarker": s.packing_slip_seq,
            }
