"""Which language one person reads: their own choice, else their Slack locale, else the default.

The Slack locale comes from ``users.info`` (``include_locale``), cached per person, and only ever from
lazy work: it is a Web API call, so it never sits on a request's ack path. A failing or slow
``users.info`` is not an error for the person: they read the default language.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.slack.i18n import Translator, language_of, translator
from bot.store.languages import UserLanguages

log = logging.getLogger(__name__)
RETRY_AFTER_S = 60.0
"""After a failed users.info, how long the person reads the last known (or default) language."""


class Languages:
    def __init__(
        self,
        chosen: UserLanguages | None,
        *,
        default: str = "en",
        cache_s: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.chosen = chosen
        self.default = language_of(default) or "en"
        self.cache_s = cache_s
        self._clock = clock
        self._locales: dict[str, tuple[float, str | None]] = {}
        """user → (until when the answer holds, the Slack locale or None)."""
        self._known: dict[str, str] = {}
        """user → the language they were last answered in (for the ack path)."""
        self._lock = threading.Lock()

    def for_channel(self, language: str | None = None) -> Translator:
        """A channel post: the channel's own setting where it has one, else ORDERBOT_LANGUAGE."""
        return translator(language_of(language) or self.default)

    def for_user(self, user_id: str | None, client: WebClient | None) -> Translator:
        """For lazy work only (may call the Web API once per person per ``cache_s``)."""
        return translator(self.language_of_user(user_id, client))

    def language_of_user(self, user_id: str | None, client: WebClient | None) -> str:
        """``client`` None: no Web API call (the choice, else the last known locale, else the default)."""
        if not user_id:
            return self.default
        language = None
        if self.chosen is not None:
            try:
                language = language_of(self.chosen.get(user_id))
            except Exception:  # the store down: their Slack locale still serves
                log.warning("could not read the language chosen by %s", user_id, exc_info=True)
        language = language or language_of(self._slack_locale(user_id, client)) or self.default
        with self._lock:
            self._known[user_id] = language
        return language

    def cached(self, user_id: str | None) -> Translator:
        """For the ack path: only what is known already (no store, no Web API): the language this
        person was last answered in (their choice included), else their cached locale, else the default."""
        with self._lock:
            known = self._known.get(user_id or "")
            hit = self._locales.get(user_id or "")
        return translator(known or language_of(hit[1] if hit else None) or self.default)

    def choose(self, user_id: str, language: str) -> None:
        if self.chosen is None:
            raise RuntimeError("no store for language choices")
        self.chosen.choose(user_id, language)
        with self._lock:
            self._locales[user_id] = (self._clock() + self.cache_s, language)
            self._known[user_id] = language

    def _slack_locale(self, user_id: str, client: WebClient | None) -> str | None:
        now = self._clock()
        with self._lock:
            hit = self._locales.get(user_id)
        if hit is not None and now < hit[0]:
            return hit[1]
        if client is None:  # nothing to ask: the last answer, not remembered as a fresh one
            return hit[1] if hit else None
        locale, holds = None, self.cache_s
        if client is not None:
            try:
                answer = client.users_info(user=user_id, include_locale=True)
                locale = (answer.get("user") or {}).get("locale")
            except (SlackApiError, SlackClientError, OSError) as err:
                # The last answer (or the default) for a little while: a rate-limited or failing Slack
                # is not asked again on every step of the same flow.
                log.warning("users.info for %s failed (%s); using the default language", user_id, err)
                locale, holds = (hit[1] if hit else None), min(RETRY_AFTER_S, self.cache_s)
        with self._lock:
            self._locales[user_id] = (now + holds, locale)
        return locale
