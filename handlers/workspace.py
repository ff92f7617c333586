"""Requests from another Slack workspace (team) or Enterprise Grid org than ours are refused.

The expected team is SLACK_TEAM_ID, or, when unset, what ``auth.test`` says. auth.test is called
in the background at start-up by ``bot.slack.identity`` (retrying while Slack is unreachable), never
on the ack path; until it has answered, requests are let through and that is logged once.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse

from bot.slack import views
from bot.slack.deps import Deps
from bot.slack.identity import IdentityWatcher
from bot.slack.messages import OTHER_WORKSPACE
from bot.slack.views import prompts

log = logging.getLogger(__name__)


class Workspace:
    def __init__(self, team_id: str | None, identity: IdentityWatcher | None) -> None:
        self._configured = team_id
        self._identity = identity
        self._warned = False

    @property
    def team_id(self) -> str | None:
        if self._configured is not None:
            return self._configured
        return self._identity.identity.team_id if self._identity is not None else None

    @property
    def enterprise_id(self) -> str | None:
        return self._identity.identity.enterprise_id if self._identity is not None else None

    def refuses(self, body: dict[str, Any]) -> bool:
        expected = self.team_id
        if expected is None:
            if not self._warned:
                self._warned = True
                log.warning("Slack team not known yet (auth.test pending): requests are not checked")
            return False
        team = _team_of(body)
        enterprise = _enterprise_of(body)
        if team is not None and team != expected:
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


def register(app: App, deps: Deps, identity: IdentityWatcher | None) -> None:
    workspace = Workspace(deps.team_id, identity)

    @app.middleware
    def only_our_workspace(body: dict[str, Any], next: Callable[[], None]) -> BoltResponse | None:
        if workspace.refuses(body):
            log.warning("refused a request from another Slack team/enterprise")
            return refusal(body, OTHER_WORKSPACE)
        next()
        return None
