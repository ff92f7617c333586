"""All relations in memory, for the form's relation type-ahead while the mirror cannot answer yet.

The mirror (``bot.mirror``) answers the type-ahead once its first relation sync is done; until then
(a fresh install, a rebuilt mirror) this directory loads the relations from Mplus in the background
so a search can answer within Slack's 3 s.
"""

from __future__ import annotations

import logging
import threading
import time

from bot.mplus.client import MplusClient
from bot.mplus.models import Relation

log = logging.getLogger(__name__)


class RelationDirectory:
    """All relations, kept in memory, for type-ahead that must answer inside Slack's 3 s.

    Loaded with getRelations in sync-marker pages, refreshed in the background when older than
    ``ttl_s``; a search never waits for a refresh, only (briefly) for the very first load.
    """

    PAGE = 1000

    def __init__(self, client: MplusClient, ttl_s: float = 60.0, first_load_wait_s: float = 2.0) -> None:
        self._client = client
        self._ttl_s = ttl_s
        self._first_load_wait_s = first_load_wait_s
        self._lock = threading.Lock()
        self._loaded = threading.Event()
        self._relations: dict[int, Relation] = {}
        self._marker: int | None = None
        self._loaded_at = -float("inf")
        self._refreshing = False

    def warm(self) -> None:
        """Start a background refresh if the data is stale and none is running."""
        with self._lock:
            if self._refreshing or time.monotonic() - self._loaded_at < self._ttl_s:
                return
            self._refreshing = True
        threading.Thread(target=self._refresh, name="relations-refresh", daemon=True).start()

    def _refresh(self) -> None:
        try:
            marker = self._marker + 1 if self._marker is not None else 0
            found: dict[int, Relation] = {}
            incremental = True
            while True:
                page = self._client.get_relations(sync_marker=marker, limit=self.PAGE)
                found.update((r.relation_number, r) for r in page)
                markers = [r.sync_marker for r in page]
                if any(m is None for m in markers):
                    incremental = False  # a server without markers: reload everything next time
                if len(page) < self.PAGE or not incremental:
                    break
                marker = max(m for m in markers if m is not None) + 1
            with self._lock:
                self._relations.update(found)
                tops = [r.sync_marker for r in found.values() if r.sync_marker is not None]
                if not incremental:
                    self._marker = None
                elif tops:
                    self._marker = max([*tops, self._marker or 0])
                self._loaded_at = time.monotonic()
            self._loaded.set()
        except Exception as err:  # a background thread: log and let the next search try again
            log.warning("relations could not be loaded for type-ahead: %s: %s", type(err).__name__, err)
        finally:
            with self._lock:
                self._refreshing = False

    def _current(self) -> list[Relation]:
        self.warm()
        if not self._loaded.is_set():
            self._loaded.wait(self._first_load_wait_s)
        with self._lock:
            return list(self._relations.values())

    def get(self, number: int) -> Relation | None:
        with self._lock:
            return self._relations.get(number)

    def search(self, query: str, limit: int = 100) -> list[Relation]:
        """Relations whose number starts with the digits typed, or whose name contains the text."""
        wanted = " ".join(query.split()).lstrip("#").casefold()
        relations = [r for r in self._current() if r.active is not False]
        if not wanted:
            return sorted(relations, key=lambda r: (r.name.casefold(), r.relation_number))[:limit]

        def rank(relation: Relation) -> tuple[int, str, int] | None:
            name = " ".join(relation.name.split()).casefold()
            if wanted.isdigit() and str(relation.relation_number).startswith(wanted):
                return (0 if str(relation.relation_number) == wanted else 1, name, relation.relation_number)
            if name.startswith(wanted):
                return (2, name, relation.relation_number)
            if wanted in name or wanted in (relation.company_name or "").casefold():
                return (3, name, relation.relation_number)
            return None

        ranked = [(key, r) for r in relations if (key := rank(r)) is not None]
        return [r for _, r in sorted(ranked, key=lambda item: item[0])][:limit]
