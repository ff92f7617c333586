"""SignedSlackClient: plays the Slack platform's side towards a bot's request URL.

It sends slash commands, interactivity payloads and events signed exactly as Slack signs
them, mints trigger ids and response URLs through the fake (in-process or via ``/_fake/``),
and applies the bot's HTTP answers to the fake the way the Slack client would show them.
"""

from __future__ import annotations

import copy
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from slack_sandbox.http_util import HttpResult
from slack_sandbox.payloads import (
    STATE_KEYS,
    ClientSideError,
    build_state,
    client_side_errors,
    convert_choice,
    find_element,
)
from slack_sandbox.remote import OfflineSide, RemoteFake, SlackSide
from slack_sandbox.transport import FORM, SignedTransport
from slack_sandbox.validation import validate_options_response

JsonDict = dict[str, Any]
SELECT_TYPES = {
    "static_select",
    "external_select",
    "overflow",
    "radio_buttons",
    "checkboxes",
    "multi_static_select",
    "multi_external_select",
    "users_select",
    "multi_users_select",
    "conversations_select",
    "channels_select",
    "datepicker",
    "timepicker",
    "datetimepicker",
}


@dataclass(frozen=True)
class SlackUser:
    id: str
    name: str = ""
    team_id: str = "T0001"

    def payload(self) -> JsonDict:
        name = self.name or self.id.lower()
        return {"id": self.id, "username": name, "name": name, "team_id": self.team_id}


class SignedSlackClient(SignedTransport):
    def __init__(
        self,
        events_url: str,
        signing_secret: str,
        fake: SlackSide | None = None,
        team_id: str = "T0001",
        *,
        fake_url: str | None = None,
        api_app_id: str = "A0ORDERBOT",
        team_domain: str = "sandbox",
        verification_token: str = "legacy-verification-token",
        default_user: str = "U0ALICE",
        default_channel: str = "C0ORDERS",
        bot_user_id: str = "U0BOT",
        timeout: float = 10.0,
    ) -> None:
        super().__init__(events_url, signing_secret, timeout)
        self.side: SlackSide = fake or (RemoteFake(fake_url) if fake_url else OfflineSide())
        self.team_id = team_id
        self.api_app_id = api_app_id
        self.team_domain = team_domain
        self.verification_token = verification_token
        self.default_user = default_user
        self.default_channel = default_channel
        self.bot_user_id = bot_user_id
        self.last_errors: list[str] = []

    # ------------------------------------------------------------------ identities
    def user(self, user: str | SlackUser | None) -> SlackUser:
        if isinstance(user, SlackUser):
            return user
        user_id = user or self.default_user
        info = self.side.user_info(user_id) or {}
        return SlackUser(user_id, str(info.get("name") or user_id.lower()), self.team_id)

    def _channel(self, channel_id: str) -> JsonDict:
        info = self.side.channel_info(channel_id) or {}
        return {"id": info.get("id", channel_id), "name": info.get("name", channel_id)}

    def _envelope(self, kind: str, who: SlackUser) -> JsonDict:
        return {
            "type": kind,
            "user": who.payload(),
            "api_app_id": self.api_app_id,
            "token": self.verification_token,
            "team": {"id": self.team_id, "domain": self.team_domain},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    # ------------------------------------------------------------------ slash commands
    def command_body(
        self, command: str, text: str = "", *, user: str | SlackUser | None = None, channel: str | None = None
    ) -> str:
        who = self.user(user)
        chan = self._channel(channel or self.default_channel)
        return urlencode(
            {
                "token": self.verification_token,
                "team_id": self.team_id,
                "team_domain": self.team_domain,
                "channel_id": chan["id"],
                "channel_name": chan["name"],
                "user_id": who.id,
                "user_name": who.payload()["name"],
                "command": command,
                "text": text,
                "api_app_id": self.api_app_id,
                "is_enterprise_install": "false",
                "response_url": self.side.new_response_url(chan["id"], who.id),
                "trigger_id": self.side.new_trigger_id(who.id),
            }
        )

    def command(
        self,
        command: str,
        text: str = "",
        user: str | SlackUser | None = None,
        channel: str | None = None,
        **send_kwargs: Any,
    ) -> HttpResult:
        who = self.user(user)
        channel_id = channel or self.default_channel
        result = self.send(
            self.command_body(command, text, user=who, channel=channel_id), FORM, **send_kwargs
        )
        result.outcome = self.side.apply_command_ack(
            channel_id, who.id, command, text, result.status, result.body, result.elapsed
        )
        return result

    # ------------------------------------------------------------------ block actions
    def _surface(self, source: JsonDict, who: SlackUser, channel: str | None) -> JsonDict:
        """Container-dependent fields of block_actions / block_suggestion payloads."""
        if source.get("type") in ("modal", "home") and "id" in source:
            return {"container": {"type": "view", "view_id": source["id"]}, "view": copy.deepcopy(source)}
        channel_id = channel or source.get("channel") or self.default_channel
        ephemeral = bool(source.get("is_ephemeral"))
        container: JsonDict = {
            "type": "message",
            "message_ts": source.get("ts"),
            "channel_id": channel_id,
            "is_ephemeral": ephemeral,
        }
        if source.get("thread_ts"):
            container["thread_ts"] = source["thread_ts"]
        fields: JsonDict = {"container": container, "channel": self._channel(channel_id)}
        if not ephemeral:  # Slack does not echo ephemeral messages back to the app.
            fields["message"] = {k: v for k, v in source.items() if k not in ("channel", "source")}
        fields["response_url"] = self.side.new_response_url(channel_id, who.id, source.get("ts"), ephemeral)
        return fields

    def interact(
        self,
        source: JsonDict,
        *,
        types: set[str] | None = None,
        action_id: str | None = None,
        text: str | None = None,
        value: str | None = None,
        block_id: str | None = None,
        choice: Any = None,
        user: str | SlackUser | None = None,
        channel: str | None = None,
        values: JsonDict | None = None,
        **send_kwargs: Any,
    ) -> HttpResult:
        """Send block_actions for one element of a message or view (buttons, selects, pickers …)."""
        who = self.user(user)
        blocks = source.get("blocks") or []
        block, element = find_element(
            blocks,
            types=types,
            action_id=action_id,
            text=text,
            value=None if choice is not None else value,
            block_id=block_id,
        )
        action: JsonDict = {
            "type": element["type"],
            "action_id": element.get("action_id"),
            "block_id": block.get("block_id"),
            "action_ts": f"{time.time():.6f}",
        }
        if element["type"] == "button":
            action.update(text=copy.deepcopy(element.get("text")), value=element.get("value"))
            if element.get("style"):
                action["style"] = element["style"]
        else:
            action[STATE_KEYS[element["type"]]] = convert_choice(element, choice)
        base_state = (source.get("state") or {}).get("values")
        state = build_state(blocks, values, base_state)
        if element["type"] != "button":
            state.setdefault(action["block_id"], {})[action["action_id"]] = {
                k: v for k, v in action.items() if k not in ("action_id", "block_id", "action_ts")
            }
        payload = {
            **self._envelope("block_actions", who),
            **self._surface(source, who, channel),
            "trigger_id": self.side.new_trigger_id(who.id),
            "state": {"values": state},
            "actions": [action],
        }
        if "view" in payload:
            payload["view"]["state"] = {"values": state}
            self.side.set_view_state(source["id"], state)
        return self.send_payload(payload, **send_kwargs)

    def press_button(
        self,
        source: JsonDict,
        action_id: str | None = None,
        text: str | None = None,
        value: str | None = None,
        **kwargs: Any,
    ) -> HttpResult:
        return self.interact(source, types={"button"}, action_id=action_id, text=text, value=value, **kwargs)

    def select_option(
        self, source: JsonDict, action_id: str, value: Any = None, text: str | None = None, **kwargs: Any
    ) -> HttpResult:
        """Choose in a select/overflow/radio/checkbox/picker; ``value`` or ``text`` names the option."""
        return self.interact(
            source,
            types=SELECT_TYPES,
            action_id=action_id,
            choice=value if value is not None else text,
            **kwargs,
        )

    # ------------------------------------------------------------------ views
    def submit_view(
        self,
        view: JsonDict,
        values: JsonDict | None = None,
        *,
        user: str | SlackUser | None = None,
        check_inputs: bool = True,
        **send_kwargs: Any,
    ) -> HttpResult:
        """Submit a modal; ``values`` is ``{block_id: {action_id: v}}`` or ``{action_id: v}``.

        Raises ClientSideError when the Slack client itself would refuse (required field empty …).
        """
        who = self.user(user)
        blocks = view.get("blocks") or []
        state = build_state(blocks, values, (view.get("state") or {}).get("values"))
        if check_inputs and (problems := client_side_errors(blocks, state)):
            raise ClientSideError(problems)
        submitted = copy.deepcopy(view)
        submitted["state"] = {"values": state}
        payload = {
            **self._envelope("view_submission", who),
            "trigger_id": self.side.new_trigger_id(who.id),
            "view": submitted,
            "response_urls": self._response_urls(blocks, state, who),
        }
        result = self.send_payload(payload, **send_kwargs)
        result.outcome = self.side.apply_view_ack(
            who.id, view["id"], result.status, result.body, result.elapsed, state
        )
        return result

    def _response_urls(self, blocks: list[Any], state: JsonDict, who: SlackUser) -> list[JsonDict]:
        """Inputs with ``response_url_enabled`` hand the app a response_url for the chosen channel."""
        urls = []
        for block in blocks:
            element = block.get("element", {}) if isinstance(block, dict) else {}
            if not element.get("response_url_enabled"):
                continue
            entry = state.get(block.get("block_id", ""), {}).get(element.get("action_id", ""), {})
            channel = entry.get("selected_conversation") or entry.get("selected_channel")
            if channel:
                urls.append(
                    {
                        "block_id": block["block_id"],
                        "action_id": element["action_id"],
                        "channel_id": channel,
                        "response_url": self.side.new_response_url(channel, who.id),
                    }
                )
        return urls

    def close_view(
        self, view: JsonDict, user: str | SlackUser | None = None, **send_kwargs: Any
    ) -> HttpResult | None:
        """The user closes a modal; Slack tells the app only if ``notify_on_close`` (else None)."""
        who = self.user(user)
        result = None
        if view.get("notify_on_close"):
            payload = {**self._envelope("view_closed", who), "view": copy.deepcopy(view), "is_cleared": False}
            result = self.send_payload(payload, **send_kwargs)
        outcome = self.side.apply_view_closed(who.id, view["id"])
        if result is not None:
            result.outcome = outcome
        return result

    def block_suggestion(
        self,
        source: JsonDict,
        action_id: str,
        value: str = "",
        user: str | SlackUser | None = None,
        **send_kwargs: Any,
    ) -> list[JsonDict]:
        """Type into an external select; returns the options the user would see.

        Slack shows nothing when the answer is late, not 200, or breaks option limits; then the
        list is empty and ``last_errors`` says why (``last_result`` has the raw answer).
        """
        who = self.user(user)
        block, _ = find_element(
            source.get("blocks") or [],
            action_id=action_id,
            types={"external_select", "multi_external_select"},
        )
        surface = self._surface(source, who, None)
        surface.pop("response_url", None)
        payload = {
            **self._envelope("block_suggestion", who),
            **surface,
            "action_id": action_id,
            "block_id": block.get("block_id"),
            "value": value,
        }
        result = self.send_payload(payload, **send_kwargs)
        self.last_errors = []
        if result.status != 200 or not result.within_deadline:
            self.last_errors = [f"status={result.status} elapsed={result.elapsed:.2f}s"]
            return []
        try:
            body = result.json() or {}
        except ValueError:
            body = None
        self.last_errors = validate_options_response(body)
        if self.last_errors or not isinstance(body, dict):
            return []
        return list(body.get("options") or body.get("option_groups") or [])

    def shortcut(
        self, callback_id: str, user: str | SlackUser | None = None, **send_kwargs: Any
    ) -> HttpResult:
        """A global shortcut from the lightning menu (opens a modal via the trigger_id)."""
        who = self.user(user)
        payload = {
            **self._envelope("shortcut", who),
            "callback_id": callback_id,
            "trigger_id": self.side.new_trigger_id(who.id),
            "action_ts": f"{time.time():.6f}",
        }
        return self.send_payload(payload, **send_kwargs)

    # ------------------------------------------------------------------ events
    def event(
        self,
        event: JsonDict,
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
        **send_kwargs: Any,
    ) -> HttpResult:
        """An Events API callback; pass the same ``event_id`` with ``retry_num`` for redeliveries."""
        envelope = {
            "token": self.verification_token,
            "team_id": self.team_id,
            "api_app_id": self.api_app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{secrets.token_hex(5).upper()}",
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team_id,
                    "user_id": self.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        return self.send(
            json.dumps(envelope),
            "application/json",
            retry_num=retry_num,
            retry_reason=retry_reason,
            **send_kwargs,
        )


__all__ = ["ClientSideError", "HttpResult", "SignedSlackClient", "SlackUser"]
