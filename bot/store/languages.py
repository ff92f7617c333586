"""Each person's chosen language (`/order language nl|en`), kept until they choose again.

Without a row here a person reads Orderbot in their Slack locale; see ``bot.slack.language``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.db import Base, Database, UtcDateTime, utcnow


class UserLanguageRow(Base):
    __tablename__ = "user_languages"

    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    language: Mapped[str] = mapped_column(String(16))
    chosen_at: Mapped[datetime] = mapped_column(UtcDateTime())


class UserLanguages:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, user_id: str) -> str | None:
        with self.db.transaction() as s:
            return s.scalar(select(UserLanguageRow.language).where(UserLanguageRow.user_id == user_id))

    def choose(self, user_id: str, language: str) -> None:
        with self.db.transaction() as s:
            row = s.get(UserLanguageRow, user_id)
            if row is None:
                s.add(UserLanguageRow(user_id=user_id, language=language, chosen_at=utcnow()))
            else:
                row.language, row.chosen_at = language, utcnow()
