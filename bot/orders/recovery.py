"""Settling work cut off mid-way (kill -9, a crash, a lost host) from what Mplus shows.

A Confirm claim or a create/edit idempotency key that is still ``running`` long after it started
belongs to a process that died: its owner would have finished within ``settle_after`` (two Mplus
timeouts plus a margin). Such work is settled, once, from Mplus itself:

- a claim with no ``before`` snapshot never sent its write: nothing changed;
- otherwise the order is re-read and compared with the snapshot (cancelled / delivered / a new
  payment), the same test the client uses when an answer is lost;
- a create key is settled with findOrder by its external id; an edit key by whether the order's
  sync marker moved since the form opened.

Each settlement writes an audit row with result ``recovered`` (it landed) or
``recovered_not_applied`` (it did not), in the same transaction as the settlement itself, so
``/order audit`` tells the real story.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict

from bot.mplus.client import MplusClient
from bot.mplus.errors import MplusError, NotFound, Unavailable
from bot.mplus.models import Order
from bot.orders.permissions import Action
from bot.store.confirmations import Confirmation, ConfirmationState, ConfirmationStore
from bot.store.db import utcnow
from bot.store.idempotency import RECENT, IdempotencyKeys, KeyEntry

log = logging.getLogger(__name__)

RECOVERED = "recovered"
RECOVERED_NOT_APPLIED = "recovered_not_applied"
CUT_OFF = "settled from Mplus: Orderbot was cut off while carrying this out"

RUNNING, DONE, NOT_DONE = "running", "done", "not_done"
"""Slots of an idempotency key's record (see ``bot.orders.editing``)."""


def never_sent(err: Unavailable) -> bool:
    """True only when the client says the request never reached Mplus (connection refused)."""
    return "is not reachable" in str(err)


def landed(action: Action, before: Order, after: Order) -> bool:
    """Whether ``action`` took effect between the two reads of the order."""
    if action == Action.CANCEL:
        return after.is_cancelled and not before.is_cancelled
    if action == Action.DELIVER:
        return after.is_delivered and not before.is_delivered
    return len(after.payments) > len(before.payments) or (after.fully_paid and not before.fully_paid)


class SettledClaim(BaseModel):
    model_config = ConfigDict(frozen=True)

    confirmation: Confirmation
    landed: bool
    order: Order | None = None
    """The order as Mplus shows it now (None when no write was ever sent and none was read)."""


class Recovery:
    def __init__(
        self,
        client: MplusClient,
        confirmations: ConfirmationStore,
        keys: IdempotencyKeys,
        *,
        settle_after: timedelta,
    ) -> None:
        self._client = client
        self._confirmations = confirmations
        self._keys = keys
        self.settle_after = settle_after

    # --- claims ------------------------------------------------------------------------------

    def is_stale(self, started: datetime | None, now: datetime | None = None) -> bool:
        return started is None or (now or utcnow()) - started >= self.settle_after

    def settle_claim(self, confirmation: Confirmation) -> SettledClaim | None:
        """Settle one running claim from Mplus; None if Mplus can't tell now or someone else did."""
        if confirmation.state != ConfirmationState.RUNNING:
            return None
        action = Action(confirmation.action)
        order: Order | None = None
        did = False
        if confirmation.before is not None:
            before = Order.model_validate(confirmation.before)
            try:
                order = self._client.get_order(confirmation.order_id)
            except MplusError as err:
                log.warning("claim on %s not settled yet: %s", confirmation.order_id, type(err).__name__)
                return None
            did = landed(action, before, order)
        outcome = {"outcome": "done" if did else "not_applied", "recovered": True}
        entry: dict[str, Any] = {
            "user_id": confirmation.user_id,
            "action": confirmation.action,
            "result": RECOVERED if did else RECOVERED_NOT_APPLIED,
            "order_id": confirmation.order_id,
            "order_number": order.number if order else None,
            "channel_id": confirmation.channel_id,
            "params": {**confirmation.params, "landed": did},
            "error": CUT_OFF,
            "sync_marker_after": order.sync_marker if order is not None and did else None,
        }
        if not self._confirmations.finish(confirmation.token, ok=did, result=outcome, audit=entry):
            return None  # finished by its owner or settled by another process meanwhile
        log.warning(
            "settled a %s of order %s cut off mid-way: %s",
            confirmation.action,
            confirmation.order_id,
            "it was done in Mplus" if did else "nothing was changed in Mplus",
        )
        return SettledClaim(confirmation=confirmation, landed=did, order=order)

    # --- idempotency keys (creates and edits) ------------------------------------------------

    def settle_key(self, entry: KeyEntry) -> dict[str, Any] | None:
        """Settle one key left running; returns its new record, or None if not settled now."""
        record = dict(entry.result or {})
        if record.get("slot") != RUNNING:
            return record
        guard = f"settle:{entry.key}"
        if not self._keys.claim(guard):
            return None  # another process is settling it
        try:
            settled, audit = self._settle_record(entry.key, record)
        except MplusError as err:
            log.warning("key %s not settled yet: %s", entry.key, type(err).__name__)
            self._keys.release(guard)
            return None
        # Compare-and-set on the key's date: an owner still alive re-dates its key before each Mplus
        # call (``KeyGuard``), and then this settlement must not stand.
        if not self._keys.complete(entry.key, settled, audit=audit, since=entry.created_at):
            self._keys.release(guard)  # settle it later, should that owner die after all
            return None
        return settled

    def _settle_record(self, key: str, record: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        kind = record.get("kind") or key.split(":", 1)[0]
        audit: dict[str, Any] = {
            "user_id": record.get("user_id") or "?",
            "action": kind,
            "channel_id": record.get("channel_id") or None,
            "error": CUT_OFF,
        }
        if kind == "create":
            ext = record.get("ext_order_id") or key.removeprefix("create:").split("#", 1)[0]
            try:
                order: Order | None = self._client.find_order(ext)
            except NotFound:
                order = None
            settled = {**record, "slot": DONE if order else NOT_DONE, "recovered": True}
            if order is not None:
                settled["order_id"] = order.order_id
            audit["params"] = {"ext_order_id": ext, "landed": order is not None}
        else:
            order_id = str(record.get("order_id") or key.split(":")[1])
            order = self._client.get_order(order_id)
            moved = record.get("sync_marker") is None or order.sync_marker != record.get("sync_marker")
            settled = {**record, "slot": DONE if moved else NOT_DONE, "order_id": order_id, "recovered": True}
            if not moved:
                order = None
            audit["params"] = {"landed": moved}
            if moved:  # the marker moved: this edit, or someone else's change after it
                audit["error"] = CUT_OFF + "; the order changed in Mplus, possibly by this edit"
        audit.update(
            result=RECOVERED if order is not None else RECOVERED_NOT_APPLIED,
            order_id=order.order_id if order else record.get("order_id"),
            order_number=order.number if order else None,
            sync_marker_after=order.sync_marker if order else None,
        )
        return settled, audit

    # --- sweeping --------------------------------------------------------------------------

    def settle_stale(self, now: datetime | None = None) -> list[SettledClaim]:
        """Settle every claim and key running for longer than ``settle_after``."""
        now = now or utcnow()
        cutoff = now - self.settle_after
        settled = [s for c in self._confirmations.running_since(cutoff) if (s := self.settle_claim(c))]
        for entry in self._keys.claimed_between(now - RECENT, cutoff):
            if (entry.result or {}).get("slot") == RUNNING and not entry.key.startswith("settle:"):
                self.settle_key(entry)
        return settled


class RecoveryLoop:
    """At start-up and then every ``every_s``: settle what is stale and announce it."""

    def __init__(self, recovery: Recovery, announce: Callable[[SettledClaim], None], every_s: float) -> None:
        self._recovery = recovery
        self._announce = announce
        self._every_s = every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="claim-recovery", daemon=True)

    def start(self) -> RecoveryLoop:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def run_once(self) -> int:
        settled = self._recovery.settle_stale()
        for item in settled:
            try:
                self._announce(item)
            except Exception:  # the settlement is recorded; a failed announcement must not stop the loop
                log.exception(
                    "could not announce the settled %s of %s",
                    item.confirmation.action,
                    item.confirmation.order_id,
                )
        return len(settled)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception as err:  # store or Mplus down: try again next round
                log.warning("claim recovery round failed: %s: %s", type(err).__name__, err)
            self._stop.wait(self._every_s)
