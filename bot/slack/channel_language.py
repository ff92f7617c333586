"""Which language a channel's posts are in: its own setting (``/order subscribe … lang nl``), else
``ORDERBOT_LANGUAGE``.

Everything posted where several people read it — cards, the notes under them, digests, notices —
follows the channel; what is said to one person follows that person (``bot.slack.language``).
"""

from __future__ import annotations

import logging

from bot.slack.i18n import Translator, language_of, translator
from bot.store.db import Database
from bot.store.subscriptions import ChannelLanguages

log = logging.getLogger(__name__)


class ChannelReaders:
    """``readers(channel_id)`` → that channel's Translator.

    ``snapshot()`` reads every channel's setting once (for a notifier pass, which may post in many
    channels); otherwise each call reads the one row it needs. A store that cannot answer is not a
    reason to lose a post: the channel reads the default language then.
    """

    def __init__(self, db: Database | None, default: str | None = "en") -> None:
        self._store = ChannelLanguages(db) if db is not None else None
        self.default = language_of(default) or "en"
        self._known: dict[str, str] | None = None

    def snapshot(self) -> ChannelReaders:
        readers = ChannelReaders(None, self.default)
        readers._known = self._read_all()
        return readers

    def language(self, channel_id: str | None) -> str:
        if not channel_id:
            return self.default
        chosen = self._known.get(channel_id) if self._known is not None else self._read(channel_id)
        return language_of(chosen) or self.default

    def __call__(self, channel_id: str | None) -> Translator:
        return translator(self.language(channel_id))

    def _read(self, channel_id: str) -> str | None:
        if self._store is None:
            return None
        try:
            return self._store.get(channel_id)
        except Exception:
            log.warning("could not read the language of channel %s", channel_id, exc_info=True)
            return None

    def _read_all(self) -> dict[str, str]:
        if self._store is None:
            return {}
        try:
            return self._store.all()
        except Exception:
            log.warning("could not read the channels' languages", exc_info=True)
            return {}
