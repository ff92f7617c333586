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

    def still_mine(self) -> bool:
        """Just before each Mplus call: re-date the key; False once recovery has settled it (or when
        the store cannot tell)."""
        try:
            touched = self._keys.touch(self.key, self._since)
        except Exception as err:
            # The store cannot say whether recovery settled the key, nor record what happens next:
            # sending now could do it twice or leave a wrong story, so nothing is sent.
            log.warning("key %s: store unreadable (%s), not sending", self.key, type(err).__name__)
            return False
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
