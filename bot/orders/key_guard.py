"""A create's or an edit's idempotency key, held by its owner while Mplus is called.

The owner may wait a long time for a free Mplus slot (``MPLUS_MAX_CONCURRENCY``). Recovery, in
this process or another, settles a key that has run for longer than a call can take, from Mplus,
and audits it as ``recovered_not_applied`` when nothing landed. Without a guard the owner's create
could then still go out and land: the audit and whoever reads it would be told a wrong story. So
each Mplus call of the owner re-dates the key first (``IdempotencyKeys.touch``), as confirmed
writes re-date their claim; if recovery got there first, the call is withdrawn before anything is
sent, and the owner reports recovery's outcome. The owner's own result is written only while the key
is still its own (compare-and-set on the key's date), so one attempt has one audit row.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from bot.store.idempotency import IdempotencyKeys

log = logging.getLogger(__name__)


class KeyGuard:
    def __init__(self, keys: IdempotencyKeys, key: str, claimed_at: datetime) -> None:
        self._keys = keys
        self.key = key
        self._since = claimed_at
        self._sent = False

    def sent(self) -> None:
        """The write has been tried: the calls after it only read back what it did, and are never
        withdrawn (a withdrawn re-read would tell "nothing was sent" about a write that went out)."""
        self._sent = True

    def still_mine(self) -> bool:
        """Just before each Mplus call: re-date the key; False once recovery has settled it."""
        if self._sent:
            return True
        try:
            touched = self._keys.touch(self.key, self._since)
        except Exception as err:
            # A locked or restarting store must not stop a person's order (issue #10: the outcome is
            # told, its audit row written late). Recovery only settles a key older than the settle
            # bound, so going on risks nothing unless this call also waited that long for a slot.
            log.warning("key %s: store unreadable before a call (%s); going on", self.key, type(err).__name__)
            return True
        if touched is None:
            return False
        self._since = touched
        return True

    def finish(self, result: dict[str, Any], audit: dict[str, Any] | None = None) -> bool:
        """The owner's result and audit row, once; False (nothing written) if recovery settled it."""
        mine = self._keys.complete(self.key, result, audit=audit, since=self._since)
        if not mine:
            log.warning("key %s was settled by recovery meanwhile; its outcome stands", self.key)
        return mine
