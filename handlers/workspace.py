"""Requests from another Slack workspace (team) or Enterprise Grid org than ours are refused.

The expected team is SLACK_TEAM_ID, or, when unset, what ``auth.test`` says. auth.test is called
in the background at start-up (retrying while Slack is unreachable), never on the ack path;
until it has answered, requests are let through and that is logged once.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient

from bot.slack import views
from bot.slack.deps import Deps
from bot.slack.messages import OTHER_WORKSPACE
from bot.slack.views import prompts

log = logging.getLogger(__name__)


class Workspace:
    def __init__(self, team_id: str | None) -> None:
        self.team_id = team_id
        self.enterprise_id: str | None = None
        self._warned = False

    def learn(self, client: WebClient, stop: threading.Event, every_s: float = 5.0) -> None:
        while self.team_id is None and not stop.is_set():
            try:
                answer = client.auth_test()
                self.enterprise_id = answer.get("enterprise_id") or None
                self.team_id = answer.get("team_id") or None
                log.info("serving Slack team %s (learned from auth.test)", self.team_id)
                return
            except Exception as err:  # Slack down: keep serving, learn it later
                log.warning("auth.test failed, team check waits: %s", type(err).__name__)
                stop.wait(every_s)

    def refuses(self, body: dict[str, Any]) -> bool:
        if self.team_id is None:
            if not self._warned:
                self._warned = True
                log.warning("Slack team not known yet (auth.test pending): requests are not checked")
            return False
        team = _team_of(body)
        enterprise = _enterprise_of(body)
        if team is not None and team != self.team_id:
            return True
        return enterprise is not None and self.enterprise_id is not None and enterprise != self.enterprise_id


def _team_of(body: dict[str, Any]) -> str | None:
    team = body.get("team")
    found = body.get("team_id") or (team.get("id") if isinstance(team, dict) else None)
    return str(found) if found else None


def _enterprise_of(body: dict[str, Any]) -> str | None:
    enterprise = body.get("enterprise")
    found = body.get("enterprise_id") or (enterprise.get("id") if isinstance(enterprise, dict) else None)
    return str(found) if found else None


def refusal(body: dict[str, Any], text: str) -> BoltResponse:
    """The HTTP answer for a refused request, shaped for what was sent."""
    if body.get("command"):
        reply = {"response_type": "ephemeral", "text": text, "blocks": views.error_view(text)}
        return BoltResponse(status=200, body=json.dumps(reply), headers={"content-type": "application/json"})
    if body.get("type") == "block_suggestion":
        return BoltResponse(
            status=200, body=json.dumps({"options": []}), headers={"content-type": "application/json"}
        )
    if body.get("type") == "view_submission":
        view = prompts.notice_modal("Orderbot", text)
        return BoltResponse(
            status=200,
            body=json.dumps({"response_action": "update", "view": view}),
            headers={"content-type": "application/json"},
        )
    return BoltResponse(status=200, body="")


def register(app: App, deps: Deps) -> None:
    workspace = Workspace(deps.team_id)
    if workspace.team_id is None:
        threading.Thread(
            target=workspace.learn, args=(app.client, threading.Event()), name="slack-team", daemon=True
        ).start()

    @app.middleware
    def only_our_workspace(body: dict[str, Any], next: Callable[[], None]) -> BoltResponse | None:
        if workspace.refuses(body):
            log.warning("refused a request from another Slack team/enterprise")
            return refusal(body, OTHER_WORKSPACE)
        next()
        return None
