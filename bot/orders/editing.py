"""Creating and editing orders from the form: exactly once, never over someone else's change.

Free of Slack. The Slack layer validates the form (``drafts``), then calls ``create`` or ``update``
after its ack; both return a result the layer turns into a view. Rules that matter here:

- Exactly once: every create (and every edit of one version of an order) first claims an
  idempotency key, so a double submit, a redelivery or a second bot process cannot do it twice.
  A key whose attempt certainly changed nothing is marked so, and the next attempt takes the next
  key in a chain (``create:X``, ``create:X#2``, …); a failed create can therefore be fixed and
  submitted again with the same external id.
- A create checks findOrder first, so an external id already in use is said as such rather than
  as a generic failure; a create whose answer got lost but landed (``recovered``) counts as created.
- An edit re-reads the order and refuses to save when its sync marker moved since the form opened;
  Mplus's own lock (changeCounter/versionNumber) is the second guard.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict

from bot.marks import N_
from bot.mplus.client import MplusClient
from bot.mplus.errors import DuplicateExtOrderId, MplusError, NotFound, OutcomeUnknown, Refused, Unavailable
from bot.mplus.gate import CallWithdrawn, send_only_if
from bot.mplus.models import Order, OrderChange, UpdateResult
from bot.orders.drafts import FieldErrors, ValidOrder, edit_problem, refusal_fields
from bot.orders.key_guard import KeyGuard
from bot.orders.late_records import LateRecords
from bot.orders.recovery import Recovery, never_sent
from bot.store.audit import AuditLog
from bot.store.idempotency import IdempotencyKeys

log = logging.getLogger(__name__)

ORDER_HAS_CHANGED = "UPDATE-ORDER-RESULT-ORDER-HAS-CHANGED"
CREATE_UNCLEAR = N_(
    "Mplus gave no clear answer to the create, so Orderbot cannot tell yet whether the order exists. "
    "It will check with Mplus in a minute and audit what it finds."
)
EDIT_UNCLEAR = N_(
    "Mplus gave no clear answer to the save, so Orderbot cannot tell yet whether the changes were "
    "saved. Refresh the order card in a minute to see the order as Mplus has it."
)
MAX_ATTEMPTS = 50
"""Keys in one chain; far more failed attempts than anyone makes on one external id."""


# ---------------------------------------------------------------------------- results


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    NO_CHANGES = "no_changes"
    CHANGED_MEANWHILE = "changed_meanwhile"
    """Someone changed the order in Mplus since the form opened; nothing was saved."""
    BLOCKED = "blocked"
    """The order can no longer be edited (cancelled, invoiced …)."""
    EXT_ID_USED = "ext_id_used"
    REFUSED = "refused"
    """Mplus said no; ``fields`` / ``message`` say why. Nothing changed."""
    NOT_DONE = "not_done"
    """Mplus was unreachable; nothing changed, submitting again is safe."""
    WITHDRAWN = "withdrawn"
    """Recovery settled this attempt (nothing landed) while its call waited for a free Mplus slot;
    nothing was sent, submitting again is safe."""
    UNKNOWN = "unknown"
    NOT_FOUND = "not_found"
    BUSY = "busy"
    """Another submission of this is running right now, from another form."""
    DUPLICATE = "duplicate"
    """A second submission of this very form: the first one reports; this one says nothing."""


class Result(BaseModel):
    model_config = ConfigDict(frozen=True)

    outcome: Outcome
    order: Order | None = None
    order_id: str | None = None
    message: str = ""
    fields: FieldErrors = {}
    recovered: bool = False
    unrecorded_error_id: str | None = None
    """Set when Mplus did it but the store could not record it just now (written later)."""
    old_total_cents: int | None = None
    """An edit: the order's total before it, so notes can say "total € 10,00 → € 12,00"."""


class _Slot(StrEnum):
    RUNNING = "running"
    DONE = "done"
    NOT_DONE = "not_done"
    """Certainly nothing changed: the next attempt may take the next key."""


class _DoneElsewhere(NamedTuple):
    order_id: str | None


class _Claim(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str | None
    """The key this caller won, or None."""
    claimed_at: datetime | None = None
    """When it was won (the owner's handle on the key, see ``KeyGuard``)."""
    other: dict[str, Any] = {}
    """When lost: the slot's record as the winner left it."""


# ----------------------------------------------------------------------------- editor


class OrderEditor:
    def __init__(
        self,
        client: MplusClient,
        keys: IdempotencyKeys,
        audit: AuditLog,
        *,
        wait_s: float = 20.0,
        poll_s: float = 0.1,
        late: LateRecords | None = None,
        recovery: Recovery | None = None,
    ) -> None:
        self._client = client
        self._keys = keys
        self._audit = audit
        self._wait_s = wait_s
        self._poll_s = poll_s
        self._late = late or LateRecords()
        self._recovery = recovery

    # --- the key chain -------------------------------------------------------------------

    def _claim(self, base: str, view_id: str, context: dict[str, Any]) -> _Claim:
        """``context`` is kept with the key so recovery can settle it if this process dies."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            key = base if attempt == 1 else f"{base}#{attempt}"
            claimed_at = self._keys.claim(key)
            if claimed_at is not None:
                self._keys.complete(key, {"slot": _Slot.RUNNING, "view": view_id, **context})
                return _Claim(key=key, claimed_at=claimed_at)
            record = self._wait(key, lambda r: r is not None, 2.0) or {"slot": _Slot.RUNNING}
            if record.get("slot") == _Slot.RUNNING:
                record = self._settle_if_abandoned(key) or record
            if record.get("slot") != _Slot.NOT_DONE:
                return _Claim(key=None, other={**record, "key": key})
        return _Claim(key=None, other={"slot": _Slot.RUNNING})

    def _settle_if_abandoned(self, key: str) -> dict[str, Any] | None:
        """A key running for longer than its owner could take: its owner died; settle from Mplus."""
        if self._recovery is None:
            return None
        entry = self._keys.entry(key)
        if entry is None or not self._recovery.is_stale(entry.created_at):
            return None
        return self._recovery.settle_key(entry)

    def _wait(
        self, key: str, done: Callable[[dict[str, Any] | None], bool], timeout: float
    ) -> dict[str, Any] | None:
        deadline = time.monotonic() + timeout
        record = self._keys.result(key)
        while not done(record) and time.monotonic() < deadline:
            time.sleep(self._poll_s)
            record = self._keys.result(key)
        return record

    def _lost(self, claim: _Claim, view_id: str) -> Result | _DoneElsewhere:
        """What a caller that lost the claim reports."""
        record = claim.other
        if record.get("view") == view_id:
            # The same form submitted twice (double click, redelivery): whether the first submission
            # is still running or done, it owns the view and reports; this one stays silent.
            return Result(outcome=Outcome.DUPLICATE)
        if record.get("slot") == _Slot.RUNNING and "key" in record:
            finished = self._wait(
                record["key"], lambda r: bool(r) and r.get("slot") != _Slot.RUNNING, self._wait_s
            )
            record = finished or record
        if record.get("slot") == _Slot.DONE:
            # Another form did it first. Its content may differ from this one's, so the caller
            # reports it as what it is for this form (external id taken / order changed).
            return _DoneElsewhere(record.get("order_id"))
        return Result(outcome=Outcome.BUSY)

    def _finish(
        self, guard: KeyGuard, slot: _Slot, view_id: str, audit: dict[str, Any] | None = None, **extra: Any
    ) -> None:
        guard.finish({"slot": slot, "view": view_id, **extra}, audit=audit)

    def _guard(self, claim: _Claim) -> KeyGuard:
        assert claim.key is not None and claim.claimed_at is not None
        return KeyGuard(self._keys, claim.key, claim.claimed_at)

    def _settled_meanwhile(self, key: str) -> Result | _DoneElsewhere:
        """Recovery settled the key while its Mplus call waited for a slot: nothing was sent by this
        attempt, and recovery's finding (from Mplus) is what is said."""
        try:
            record = self._keys.result(key) or {}
        except Exception as err:  # the store is what stopped the call: nothing was sent
            log.warning("key %s unreadable after a withdrawn call: %s", key, type(err).__name__)
            record = {}
        if record.get("slot") == _Slot.DONE:
            return _DoneElsewhere(record.get("order_id"))
        return Result(outcome=Outcome.WITHDRAWN)

    def _reread(self, order_id: str) -> Order | None:
        try:
            return self._client.get_order(order_id)
        except MplusError as err:
            log.warning("order %s could not be re-read after a change: %s", order_id, err)
            return None

    # --- create --------------------------------------------------------------------------

    def create(self, order: ValidOrder, *, user_id: str, channel_id: str, view_id: str) -> Result:
        context = {
            "kind": "create",
            "ext_order_id": order.ext_order_id,
            "user_id": user_id,
            "channel_id": channel_id,
        }
        claim = self._claim(f"create:{order.ext_order_id}", view_id, context)
        if claim.key is None:
            lost = self._lost(claim, view_id)
            if isinstance(lost, _DoneElsewhere):
                made = self._reread(lost.order_id) if lost.order_id else None
                return Result(outcome=Outcome.EXT_ID_USED, order=made)
            return lost
        guard = self._guard(claim)
        try:
            with send_only_if(guard.still_mine):
                result = self._create(order, guard)
        except CallWithdrawn:
            settled = self._settled_meanwhile(guard.key)
            if isinstance(settled, _DoneElsewhere):
                made = self._reread(settled.order_id) if settled.order_id else None
                return Result(outcome=Outcome.EXT_ID_USED, order=made)
            return settled
        except BaseException:
            # Freeing the slot is safe even if the create was sent: every attempt starts with
            # findOrder, so an order that landed is found before anything is sent again.
            self._finish(guard, _Slot.NOT_DONE, view_id)
            raise
        if result.outcome is Outcome.UNKNOWN:
            # The key stays running: recovery settles it with findOrder after the bound and audits it;
            # meanwhile the same ext id is "being processed", so it cannot be created twice.
            return result
        done = result.outcome is Outcome.CREATED
        audit = self._create_audit(order, result, user_id, channel_id)
        # The key's end and its audit row land in one transaction; a failure is retried, not raised.
        error_id = self._late.write(
            f"create {order.ext_order_id}: {audit}",
            lambda: self._finish(
                guard, _Slot.DONE if done else _Slot.NOT_DONE, view_id, audit=audit, order_id=result.order_id
            ),
        )
        return result.model_copy(update={"unrecorded_error_id": error_id}) if error_id else result

    def _create(self, order: ValidOrder, guard: KeyGuard) -> Result:
        try:
            existing = self._client.find_order(order.ext_order_id)
            return Result(outcome=Outcome.EXT_ID_USED, order=existing, order_id=existing.order_id)
        except NotFound:
            pass
        except MplusError as err:
            return Result(outcome=Outcome.NOT_DONE, message=str(err))
        try:
            created = self._client.create_order(order.new_order())
        except DuplicateExtOrderId:
            return Result(outcome=Outcome.EXT_ID_USED)
        except Refused as err:
            return Result(
                outcome=Outcome.REFUSED, message=err.message, fields=refusal_fields(err.message, order)
            )
        except OutcomeUnknown as err:
            return Result(outcome=Outcome.UNKNOWN, message=str(err))
        except Unavailable as err:
            if never_sent(err):
                return Result(outcome=Outcome.NOT_DONE, message=str(err))
            # Sent, with no clear answer: Mplus may still create it, so "nothing saved" could be false.
            return Result(outcome=Outcome.UNKNOWN, message=CREATE_UNCLEAR)
        except MplusError as err:
            return Result(outcome=Outcome.NOT_DONE, message=str(err))
        finally:
            guard.sent()  # re-reading what was done is never withdrawn
        return Result(
            outcome=Outcome.CREATED,
            order=self._reread(created.order_id),
            order_id=created.order_id,
            recovered=created.recovered,
        )

    def _create_audit(
        self, order: ValidOrder, result: Result, user_id: str, channel_id: str
    ) -> dict[str, Any]:
        made = result.order
        created = result.outcome is Outcome.CREATED
        params: dict[str, Any] = {"ext_order_id": order.ext_order_id, "lines": len(order.lines)}
        if made is not None:
            params["total"] = made.total_incl_amount
        if result.recovered:
            params["recovered"] = True
        return {
            "user_id": user_id,
            "action": "create",
            "result": "ok" if created else result.outcome.value,
            "order_id": result.order_id if created else None,
            "order_number": made.number if made is not None and created else None,
            "channel_id": channel_id or None,
            "params": params,
            "error": result.message or None,
            "sync_marker_after": made.sync_marker if made is not None else None,
        }

    # --- edit ----------------------------------------------------------------------------

    def update(
        self,
        order: ValidOrder,
        *,
        order_id: str,
        sync_marker: int | None,
        change_counter: int | None,
        version_number: int | None,
        user_id: str,
        channel_id: str,
        view_id: str,
    ) -> Result:
        # One key per version of the order (without version fields, per form).
        version = (sync_marker, change_counter, version_number)
        lock = ":".join(map(str, version)) if any(v is not None for v in version) else view_id
        context = {
            "kind": "edit",
            "order_id": order_id,
            "sync_marker": sync_marker,
            "user_id": user_id,
            "channel_id": channel_id,
        }
        claim = self._claim(f"edit:{order_id}:{lock}", view_id, context)
        if claim.key is None:
            lost = self._lost(claim, view_id)
            if isinstance(lost, _DoneElsewhere):  # another form saved this version first
                now = self._reread(order_id)
                return Result(outcome=Outcome.CHANGED_MEANWHILE, order=now, order_id=order_id)
            return lost
        guard = self._guard(claim)
        try:
            with send_only_if(guard.still_mine):
                result = self._update(order, order_id, sync_marker, change_counter, version_number, guard)
        except CallWithdrawn:
            settled = self._settled_meanwhile(guard.key)
            if isinstance(settled, _DoneElsewhere):  # the order moved in Mplus: not saved over it
                now = self._reread(order_id)
                return Result(outcome=Outcome.CHANGED_MEANWHILE, order=now, order_id=order_id)
            return settled
        except BaseException:
            # Safe to free: if the change was saved, the order's sync marker moved, and the next
            # attempt's re-read reports "changed meanwhile" instead of saving again.
            self._finish(guard, _Slot.NOT_DONE, view_id)
            raise
        if result.outcome is Outcome.UNKNOWN:
            return result  # the key stays running until recovery settles it from the sync marker
        done = result.outcome is Outcome.UPDATED
        after = result.order
        audit: dict[str, Any] = {
            "user_id": user_id,
            "action": "edit",
            "result": "ok" if done else result.outcome.value,
            "order_id": order_id,
            "order_number": after.number if after is not None else None,
            "channel_id": channel_id or None,
            "params": {
                "lines": len(order.lines),
                "total": after.total_incl_amount if after else None,
                "old_total_cents": result.old_total_cents,
            },
            "error": result.message or None,
            "sync_marker_after": after.sync_marker if after and done else None,
        }
        error_id = self._late.write(
            f"edit {order_id}: {audit}",
            lambda: self._finish(
                guard, _Slot.DONE if done else _Slot.NOT_DONE, view_id, audit=audit, order_id=order_id
            ),
        )
        return result.model_copy(update={"unrecorded_error_id": error_id}) if error_id else result

    def _update(
        self,
        order: ValidOrder,
        order_id: str,
        sync_marker: int | None,
        change_counter: int | None,
        version_number: int | None,
        guard: KeyGuard,
    ) -> Result:
        try:
            current = self._client.get_order(order_id)
        except NotFound:
            return Result(outcome=Outcome.NOT_FOUND, order_id=order_id)
        except MplusError as err:
            return Result(outcome=Outcome.NOT_DONE, message=str(err))
        if problem := edit_problem(current):
            return Result(outcome=Outcome.BLOCKED, order=current, order_id=order_id, message=problem)
        if sync_marker is not None and current.sync_marker != sync_marker:
            return Result(outcome=Outcome.CHANGED_MEANWHILE, order=current, order_id=order_id)
        change = _same_quantities_as(order.change(order_id, change_counter, version_number), current)
        try:
            saved = self._client.update_order(change)
        except Refused as err:
            if err.result == ORDER_HAS_CHANGED:
                now = self._reread(order_id) or current
                return Result(outcome=Outcome.CHANGED_MEANWHILE, order=now, order_id=order_id)
            return Result(
                outcome=Outcome.REFUSED,
                order_id=order_id,
                message=err.message,
                fields=refusal_fields(err.message, order),
            )
        except NotFound:
            return Result(outcome=Outcome.NOT_FOUND, order_id=order_id)
        except OutcomeUnknown as err:
            return Result(outcome=Outcome.UNKNOWN, order_id=order_id, message=str(err))
        except Unavailable as err:
            if never_sent(err):
                return Result(outcome=Outcome.NOT_DONE, order_id=order_id, message=str(err))
            return Result(outcome=Outcome.UNKNOWN, order_id=order_id, message=EDIT_UNCLEAR)
        except MplusError as err:
            return Result(outcome=Outcome.NOT_DONE, order_id=order_id, message=str(err))
        finally:
            guard.sent()  # re-reading what was done is never withdrawn
        if saved is UpdateResult.NO_CHANGES:
            return Result(outcome=Outcome.NO_CHANGES, order=current, order_id=order_id)
        return Result(
            outcome=Outcome.UPDATED,
            order=self._reread(order_id),
            order_id=order_id,
            old_total_cents=current.total_incl_amount,
        )


def _same_quantities_as(change: OrderChange, current: Order) -> OrderChange:
    """Send an unchanged quantity exactly as Mplus holds it (0,530 kg stays 530/3, not 53/2).

    The form shows quantities normalised; without this, an untouched line could count as a change.
    """
    lines = []
    for i, line in enumerate(change.lines):
        before = current.lines[i] if i < len(current.lines) else None
        same = (
            before is not None
            and before.article_number == line.article_number
            and before.quantity.as_decimal() == line.quantity.as_decimal()
        )
        lines.append(line.model_copy(update={"quantity": before.quantity}) if same and before else line)
    return change.model_copy(update={"lines": tuple(lines)})
