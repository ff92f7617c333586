"""Single-use, expiring confirmation tokens for cancel / pay / deliver.

A token is claimed with one conditional UPDATE (pending → running), so a double click, a Slack
redelivery or a second bot process can never run the same confirmed action twice.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import JSON, BigInteger, String, select, update
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.audit import audit_row
from bot.store.db import Base, Database, UtcDateTime, utcnow


class ConfirmationState(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    WITHDRAWN = "withdrawn"


class ConfirmationRow(Base):
    __tablename__ = "confirmations"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    action: Mapped[str] = mapped_column(String(20))
    order_id: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    order_sync_marker: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    state: Mapped[str] = mapped_column(String(16), default=ConfirmationState.PENDING)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    """When Confirm won the claim, then when its write was sent: a claim still running long after
    this was cut off (kill -9) or got no clear answer."""
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    """The order as it was just before the SOAP write; None means the write was never sent."""


class Confirmation(BaseModel):
    model_config = ConfigDict(frozen=True, from_attributes=True)

    token: str
    action: str
    order_id: str
    user_id: str
    channel_id: str
    params: dict[str, Any]
    order_sync_marker: int | None
    state: ConfirmationState
    result: dict[str, Any] | None
    created_at: datetime
    expires_at: datetime
    claimed_at: datetime | None = None
    before: dict[str, Any] | None = None


class ClaimOutcome(StrEnum):
    WON = "won"
    """This caller runs the action; nobody else ever will."""
    ALREADY_RUNNING = "already_running"
    ALREADY_DONE = "already_done"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    UNKNOWN = "unknown"


class Claim(BaseModel):
    model_config = ConfigDict(frozen=True)

    outcome: ClaimOutcome
    confirmation: Confirmation | None = None


class ConfirmationStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def create(
        self,
        *,
        action: str,
        order_id: str,
        user_id: str,
        channel_id: str,
        params: dict[str, Any],
        order_sync_marker: int | None,
        ttl: timedelta,
        now: datetime | None = None,
    ) -> Confirmation:
        now = now or utcnow()
        row = ConfirmationRow(
            token=secrets.token_urlsafe(18),
            action=action,
            order_id=order_id,
            user_id=user_id,
            channel_id=channel_id,
            params=params,
            order_sync_marker=order_sync_marker,
            state=ConfirmationState.PENDING,
            created_at=now,
            expires_at=now + ttl,
        )
        with self._db.transaction() as session:
            session.add(row)
            session.flush()
            return Confirmation.model_validate(row)

    def get(self, token: str) -> Confirmation | None:
        with self._db.transaction() as session:
            row = session.get(ConfirmationRow, token)
            return Confirmation.model_validate(row) if row else None

    def claim(self, token: str, now: datetime | None = None) -> Claim:
        now = now or utcnow()
        with self._db.transaction() as session:
            won = session.execute(
                update(ConfirmationRow)
                .where(
                    ConfirmationRow.token == token,
                    ConfirmationRow.state == ConfirmationState.PENDING,
                    ConfirmationRow.expires_at > now,
                )
                .values(state=ConfirmationState.RUNNING, claimed_at=now)
            ).rowcount
        current = self.get(token)
        if current is None:
            return Claim(outcome=ClaimOutcome.UNKNOWN)
        if won == 1:
            return Claim(outcome=ClaimOutcome.WON, confirmation=current)
        outcome = {
            ConfirmationState.RUNNING: ClaimOutcome.ALREADY_RUNNING,
            ConfirmationState.DONE: ClaimOutcome.ALREADY_DONE,
            ConfirmationState.FAILED: ClaimOutcome.ALREADY_DONE,
            ConfirmationState.WITHDRAWN: ClaimOutcome.WITHDRAWN,
        }.get(current.state, ClaimOutcome.EXPIRED)
        return Claim(outcome=outcome, confirmation=current)

    def record_before(self, token: str, before: dict[str, Any]) -> bool:
        """Written just before the SOAP write, so recovery knows what to compare Mplus against.

        ``claimed_at`` moves to now. False if the claim is no longer running (recovery settled it):
        the write must then not be sent."""
        with self._db.transaction() as session:
            return (
                session.execute(
                    update(ConfirmationRow)
                    .where(ConfirmationRow.token == token, ConfirmationRow.state == ConfirmationState.RUNNING)
                    .values(before=before, claimed_at=utcnow())
                ).rowcount
                == 1
            )

    def still_mine(self, token: str) -> bool:
        """Just before each Mplus call of a running claim: date it now, if it is still running.

        The settle bound then counts from the call that is really under way, not from a wait for a
        free Mplus slot; False means recovery settled the claim and nothing more may be sent."""
        with self._db.transaction() as session:
            return (
                session.execute(
                    update(ConfirmationRow)
                    .where(ConfirmationRow.token == token, ConfirmationRow.state == ConfirmationState.RUNNING)
                    .values(claimed_at=utcnow())
                ).rowcount
                == 1
            )

    def finish(
        self, token: str, *, ok: bool, result: dict[str, Any], audit: dict[str, Any] | None = None
    ) -> bool:
        """Running → done/failed, with its audit row in the same transaction (both or neither).

        False, and no audit row, if the claim was no longer running (recovery settled it)."""
        with self._db.transaction() as session:
            won = (
                session.execute(
                    update(ConfirmationRow)
                    .where(ConfirmationRow.token == token, ConfirmationRow.state == ConfirmationState.RUNNING)
                    .values(
                        state=ConfirmationState.DONE if ok else ConfirmationState.FAILED,
                        result=result,
                        finished_at=utcnow(),
                    )
                ).rowcount
                == 1
            )
            if won and audit is not None:
                session.add(audit_row(**audit))
            return won

    def running_since(self, cutoff: datetime) -> list[Confirmation]:
        """Claims still running that were claimed before ``cutoff`` (or before claims were dated)."""
        with self._db.transaction() as session:
            rows = session.scalars(
                select(ConfirmationRow).where(
                    ConfirmationRow.state == ConfirmationState.RUNNING,
                    (ConfirmationRow.claimed_at < cutoff) | ConfirmationRow.claimed_at.is_(None),
                )
            )
            return [Confirmation.model_validate(r) for r in rows]

    def withdraw(self, token: str) -> bool:
        """Back: a pending confirmation can no longer be confirmed."""
        with self._db.transaction() as session:
            return (
                session.execute(
                    update(ConfirmationRow)
                    .where(ConfirmationRow.token == token, ConfirmationRow.state == ConfirmationState.PENDING)
                    .values(state=ConfirmationState.WITHDRAWN, finished_at=utcnow())
                ).rowcount
                == 1
            )

    def pending_for(self, order_id: str) -> list[Confirmation]:
        with self._db.transaction() as session:
            rows = session.scalars(
                select(ConfirmationRow).where(
                    ConfirmationRow.order_id == order_id, ConfirmationRow.state == ConfirmationState.PENDING
                )
            )
            return [Confirmation.model_validate(r) for r in rows]
