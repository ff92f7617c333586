"""The mirror's progress for ``/healthz``, the log and ``orderbot mirror status``."""

from __future__ import annotations

from typing import Any

from bot.mirror.queries import status
from bot.store.db import Database


def health(db: Database) -> dict[str, Any]:
    """``{"orders_marker": …, "behind": …, …}``; ``behind`` counts changes not read yet, all streams."""
    streams = status(db)
    if not streams:
        return {"orders_marker": None, "behind": None, "first_sync": "not started"}
    by_name = {s.stream: s for s in streams}
    orders = by_name.get("orders")
    behinds = [s.behind for s in streams if s.behind is not None]
    errors = [f"{s.stream}: {s.last_error}" for s in streams if s.last_error]
    return {
        "orders_marker": orders.next_marker if orders else None,
        "behind": sum(behinds) if behinds else None,
        "first_sync": "done" if all(s.initial_done for s in streams) else "running",
        "streams": {
            s.stream: {"next_marker": s.next_marker, "behind": s.behind, "items_written": s.items_written}
            for s in streams
        },
        "last_pass_at": max((s.last_pass_at for s in streams if s.last_pass_at), default=None),
        "last_error": "; ".join(errors) or None,
    }
