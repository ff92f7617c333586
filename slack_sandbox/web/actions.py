"""The page's requests, sent to the bot exactly as the Slack client would (via SignedSlackClient).

Each method answers a JSON-able dict for the page: ``ok`` plus what the bot's HTTP answer was
(``status``, ``elapsed``) and what the (fake) Slack client then showed (``outcome``).
"""

from __future__ import annotations

import re
import threading
import time
from typing import TYPE_CHECKING, Any

from slack_sandbox.payloads import ClientSideError, find_element, iter_elements

if TYPE_CHECKING:
    from slack_sandbox.http_util import HttpResult
    from slack_sandbox.signed_client import SignedSlackClient
    from slack_sandbox.web.state import FakeView, StateTracker

JsonDict = dict[str, Any]
SLACKBOT = "USLACKBOT"
_COMMAND_LINE = re.compile(r"^(/\S+)(?:\s+(.*))?$", re.DOTALL)
_MENTION = re.compile(r"(?<![\w<])@([a-z0-9._-]+)", re.IGNORECASE)


class BadRequest(ValueError):
    """The page asked for something that does not exist (any more): answered with HTTP 400."""


def _result(result: HttpResult, deadline: float = 3.0, **extra: Any) -> JsonDict:
    answered = result.status == 200 and result.elapsed <= deadline
    data: JsonDict = {
        "ok": answered,
        "status": result.status,
        "elapsed": round(result.elapsed, 3),
        "outcome": result.outcome,
        **extra,
    }
    if not answered:
        late = result.status == 200
        data["error"] = "operation_timeout" if late else f"dispatch_failed (HTTP {result.status})"
    return data


def _escape(text: str) -> str:
    """What the Slack client does to typed text before it becomes a message."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _timed_out(exc: OSError) -> bool:
    return isinstance(exc, TimeoutError) or isinstance(getattr(exc, "reason", None), TimeoutError)


class SandboxActions:
    def __init__(
        self,
        fake: FakeView,
        client: SignedSlackClient,
        tracker: StateTracker,
        *,
        user_id: str,
        command: str,
        deliver_events: bool = False,
    ) -> None:
        self.fake = fake
        self.client = client
        self.tracker = tracker
        self.user_id = user_id
        self.command_name = command
        self.deliver_events = deliver_events
        self._local: list[JsonDict] = []
        self._lock = threading.Lock()
        self._suggest_lock = threading.Lock()  # block_suggestion reports through client.last_errors

    # ------------------------------------------------------------------ local lines
    def local_items(self) -> list[JsonDict]:
        """Lines only this page shows: the user's own command lines and Slack's client-side notices."""
        with self._lock:
            return [dict(item) for item in self._local]

    def _add_local(self, channel: str, text: str, source: str, user: str | None = None) -> JsonDict:
        item = {
            "type": "message",
            "channel": channel,
            "user": user or self.user_id,
            "ts": f"{time.time():.6f}",
            "text": text,
            "is_ephemeral": True,
            "source": source,
        }
        with self._lock:
            self._local.append(item)
        return item

    def _drop_local(self, item: JsonDict) -> None:
        with self._lock:
            self._local = [i for i in self._local if i is not item]

    # ------------------------------------------------------------------ composer
    def command(self, channel: str, text: str, command: str | None = None) -> JsonDict:
        """``text`` is either the whole line (``/order list``) or, with ``command``, its arguments."""
        line = (text or "").strip()
        args = line
        if command is None:
            match = _COMMAND_LINE.match(line)
            command, args = (
                (match.group(1), (match.group(2) or "").strip()) if match else (self.command_name, line)
            )
        channel_id = self.tracker.channel_id(channel)
        echo = self._add_local(channel_id, f"{command} {args}".strip(), "sandbox_command")
        if command != self.command_name:
            notice = (
                f"{command} is not a valid command. In Slack, all messages that start with "
                'the "/" character are interpreted as commands.'
            )
            self._add_local(channel_id, notice, "sandbox_notice", SLACKBOT)
            return {"ok": False, "error": "unknown_command", "command": command}
        try:
            result = self.client.command(command, args, user=self.user_id, channel=channel_id)
        except OSError as exc:  # the bot is down or hung: Slack shows its own error to the user
            timed_out = _timed_out(exc)
            outcome = self.fake.apply_command_ack(
                channel_id,
                self.user_id,
                command,
                args,
                200 if timed_out else 502,
                "",
                self.client.timeout if timed_out else 0.0,
            )
            return {"ok": False, "error": "bot_unreachable", "detail": str(exc), "outcome": outcome}
        if (result.outcome or {}).get("shown") == "in_channel":
            self._drop_local(echo)  # Slack echoed the command line into the channel itself
        return _result(result, command=command, text=args)

    def message(self, channel: str, text: str, thread_ts: str | None = None) -> JsonDict:
        """A plain message typed by the user (escaped and with @mentions resolved, as Slack does)."""
        channel_id = self.tracker.channel_id(channel)
        names = {u["name"].lower(): uid for uid, u in self.tracker.known_users().items()}
        body = _MENTION.sub(
            lambda m: f"<@{names[m.group(1).lower()]}>" if m.group(1).lower() in names else m.group(0),
            _escape(text),
        )
        try:
            message = self.fake.post_user_message(channel_id, self.user_id, body, thread_ts or None)
        except ValueError as exc:
            raise BadRequest(str(exc)) from exc
        answer: JsonDict = {"ok": True, "message": message}
        if self.deliver_events:
            answer["events"] = self._deliver_message_events(message)
        return answer

    def _deliver_message_events(self, message: JsonDict) -> list[int]:
        event = {
            "type": "message",
            "channel": message["channel"],
            "user": self.user_id,
            "text": message["text"],
            "ts": message["ts"],
            "event_ts": message["ts"],
            "channel_type": "im" if str(message["channel"]).startswith("D") else "channel",
        }
        if message.get("thread_ts"):
            event["thread_ts"] = message["thread_ts"]
        events = [event]
        if f"<@{self.client.bot_user_id}>" in message["text"]:
            events.append({**event, "type": "app_mention"})
            events[-1].pop("channel_type")
        statuses = []
        for item in events:
            try:
                statuses.append(self.client.event(item).status)
            except OSError:
                statuses.append(0)
        return statuses

    def home_opened(self) -> JsonDict:
        """The person clicked the app's Home tab: Slack sends ``app_home_opened`` (the bot publishes)."""
        dm = self.fake.channel_info(self.user_id) or {}
        event = {
            "type": "app_home_opened",
            "user": self.user_id,
            "channel": dm.get("id", ""),
            "tab": "home",
            "event_ts": f"{time.time():.6f}",
        }
        if self.fake.home_view(self.user_id) is not None:
            event["view"] = self.fake.home_view(self.user_id)
        return _result(self.client.event(event))

    # ------------------------------------------------------------------ surfaces
    def _open_view(self, view_id: str) -> JsonDict:
        open_ids = {v["id"] for v in self.fake.views(self.user_id)}
        home = self.fake.home_view(self.user_id)
        if home is not None:
            open_ids.add(home["id"])
        view = self.fake.view(view_id) if view_id in open_ids else None
        if view is None:
            raise BadRequest(f"view {view_id!r} is not open")
        return view

    @staticmethod
    def _kind(params: JsonDict) -> str:
        return str(params.get("source") or ("view" if params.get("view_id") else "message"))

    def _source(self, params: JsonDict) -> JsonDict:
        kind = self._kind(params)
        if kind == "view":
            return self._open_view(str(params.get("view_id")))
        channel_id = self.tracker.channel_id(str(params.get("channel", "")))
        ts = str(params.get("ts"))
        if kind == "ephemeral":
            found = [e for e in self.fake.ephemerals(channel_id, self.user_id) if e["ts"] == ts]
        else:
            found = [m for m in self.fake.messages(channel_id) if m["ts"] == ts]
            roots = (
                [params["thread_ts"]]
                if params.get("thread_ts")
                else [m["ts"] for m in self.fake.messages(channel_id) if m.get("reply_count")]
            )
            for root in roots if not found else []:
                found += [m for m in self.fake.thread(channel_id, root) if m["ts"] == ts]
        if not found:
            raise BadRequest(f"{kind} {ts} not found in {channel_id}")
        return found[0]

    @staticmethod
    def _clean_values(view: JsonDict, values: Any) -> JsonDict:
        """Keep only ``{block_id: {action_id: v}}`` pairs the current view still has."""
        pairs = {(b.get("block_id"), e.get("action_id")) for b, e in iter_elements(view.get("blocks") or [])}
        clean: JsonDict = {}
        for block_id, actions in (values or {}).items() if isinstance(values, dict) else []:
            for action_id, raw in (actions or {}).items() if isinstance(actions, dict) else []:
                if (block_id, action_id) in pairs:
                    clean.setdefault(block_id, {})[action_id] = raw
        return clean

    def action(self, params: JsonDict) -> JsonDict:
        """block_actions for one element: a button press or a choice in a select, picker, overflow …"""
        source = self._source(params)
        action_id, block_id = params.get("action_id"), params.get("block_id")
        try:
            _, element = find_element(source.get("blocks") or [], action_id=action_id, block_id=block_id)
        except LookupError as exc:
            raise BadRequest(str(exc)) from exc
        kwargs: JsonDict = {"action_id": action_id, "block_id": block_id, "user": self.user_id}
        if self._kind(params) == "view":
            kwargs["values"] = self._clean_values(source, params.get("values"))
        else:
            kwargs["channel"] = source.get("channel")
        if element.get("type") == "button":
            result = self.client.interact(source, types={"button"}, **kwargs)
        else:
            choice = params["selected"] if "selected" in params else params.get("value")
            result = self.client.interact(source, choice=choice, **kwargs)
        return _result(result, element_type=element.get("type"))

    def submit(self, view_id: str, values: Any) -> JsonDict:
        view = self._open_view(view_id)
        try:
            result = self.client.submit_view(view, self._clean_values(view, values), user=self.user_id)
        except ClientSideError as exc:  # the Slack client refuses before anything is sent
            return {"ok": False, "error": "client_side", "errors": exc.errors}
        answer = _result(result)
        outcome = result.outcome or {}
        if outcome.get("result") == "errors":
            answer["errors"] = outcome.get("errors") or {}
        elif outcome.get("result") == "error":
            answer.update(ok=False, error=outcome.get("error"))
        return answer

    def close(self, view_id: str, everything: bool = False) -> JsonDict:
        view = self._open_view(view_id)
        if everything and view.get("root_view_id") not in (None, view["id"]):
            view = self._open_view(str(view["root_view_id"]))
        result = self.client.close_view(view, user=self.user_id)
        if result is None:
            return {"ok": True, "notified": False}
        return {**_result(result), "ok": True, "notified": True}

    def suggest(self, params: JsonDict) -> JsonDict:
        """External select type-ahead: the options the bot offers for ``value``."""
        source = self._source(params)
        with self._suggest_lock:
            try:
                options = self.client.block_suggestion(
                    source, str(params.get("action_id")), str(params.get("value") or ""), user=self.user_id
                )
            except LookupError as exc:
                raise BadRequest(str(exc)) from exc
            errors = list(self.client.last_errors)
        return {"ok": not errors, "options": options, "errors": errors}
