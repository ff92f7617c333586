"""Where each modal was opened, kept server-side (issue #10).

A modal's private_metadata comes back from the client, so it cannot say where the result is
posted or which ORDERBOT_CHANNELS rule applies: a forged one could post into any channel. The
channel and the person are noted here when Orderbot opens the modal, and looked up by view id.
Lookups come from memory first (they are on the ack path); the table keeps them across restarts.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.db import Base, Database, UtcDateTime, utcnow

log = logging.getLogger(__name__)

MEMORY = 5000
"""Origins kept in memory; older ones are read from the table."""


class FormOriginRow(Base):
    __tablename__ = "form_origins"

    view_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class FormOrigin(BaseModel):
    model_config = ConfigDict(frozen=True, from_attributes=True)

    view_id: str
    channel_id: str
    user_id: str


class FormOrigins:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._lock = threading.Lock()
        self._recent: OrderedDict[str, FormOrigin] = OrderedDict()

    def remember(self, view_id: str, channel_id: str, user_id: str) -> None:
        origin = FormOrigin(view_id=view_id, channel_id=channel_id, user_id=user_id)
        with self._lock:
            self._recent[view_id] = origin
            while len(self._recent) > MEMORY:
                self._recent.popitem(last=False)
        try:
            with self._db.transaction() as session:
                session.merge(
                    FormOriginRow(view_id=view_id, channel_id=channel_id, user_id=user_id, opened_at=utcnow())
                )
        except Exception as err:  # memory still has it; only a restart would lose it
            log.warning("form origin of %s not stored: %s", view_id, type(err).__name__)

    def get(self, view_id: str | None) -> FormOrigin | None:
        if not view_id:
            return None
        with self._lock:
            found = self._recent.get(view_id)
        if found is not None:
            return found
        try:
            with self._db.transaction() as session:
                row = session.get(FormOriginRow, view_id)
                return FormOrigin.model_validate(row) if row else None
        except Exception as err:
            log.warning("form origin of %s could not be read: %s", view_id, type(err).__name__)
            return None
