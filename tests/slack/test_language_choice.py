"""Which language a person reads: their choice, else their Slack locale (asked once per cache period),
else the default — and a failing users.info is never an error for them."""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackApiError

from bot.slack.language import Languages


class Choices:
    def __init__(self) -> None:
        self.rows: dict[str, str] = {}

    def get(self, user_id: str) -> str | None:
        return self.rows.get(user_id)

    def choose(self, user_id: str, language: str) -> None:
        self.rows[user_id] = language


class Slack:
    def __init__(self, locales: dict[str, str]) -> None:
        self.locales = locales
        self.asked: list[str] = []
        self.failing = False

    def users_info(self, *, user: str, include_locale: bool) -> dict[str, Any]:
        assert include_locale
        self.asked.append(user)
        if self.failing:
            raise SlackApiError("ratelimited", {"ok": False, "error": "ratelimited"})
        return {"user": {"id": user, "locale": self.locales.get(user, "en-US")}}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_choice_beats_locale_which_beats_the_default() -> None:
    choices, slack = Choices(), Slack({"U1": "nl-NL", "U2": "fr-FR"})
    languages = Languages(choices, default="en", clock=Clock())
    assert languages.for_user("U1", slack).language == "nl"
    assert languages.for_user("U2", slack).language == "en"  # a locale Orderbot does not speak
    languages.choose("U1", "en")
    assert languages.for_user("U1", slack).language == "en"
    assert Languages(None, default="nl").for_user("U3", None).language == "nl"
    assert languages.for_channel().language == "en" and languages.for_channel("nl").language == "nl"


def test_the_locale_is_asked_once_per_cache_period_and_known_on_the_ack_path() -> None:
    clock, slack = Clock(), Slack({"U1": "nl-BE"})
    languages = Languages(None, cache_s=3600, clock=clock)
    assert languages.cached("U1").language == "en"  # nothing known yet: no Web API call on the ack path
    assert slack.asked == []
    for _ in range(3):
        assert languages.for_user("U1", slack).language == "nl"
    assert slack.asked == ["U1"] and languages.cached("U1").language == "nl"
    clock.now += 3601
    languages.for_user("U1", slack)
    assert slack.asked == ["U1", "U1"]


def test_a_failing_users_info_keeps_the_last_known_language_for_a_while() -> None:
    clock, slack = Clock(), Slack({"U1": "nl-NL"})
    languages = Languages(None, cache_s=600, clock=clock)
    assert languages.for_user("U1", slack).language == "nl"
    clock.now += 601
    slack.failing = True
    assert languages.for_user("U1", slack).language == "nl"
    assert languages.for_user("U1", slack).language == "nl"
    assert slack.asked == ["U1", "U1"]  # not asked again on every step while Slack fails
    assert Languages(None, clock=clock).for_user("U9", slack).language == "en"
