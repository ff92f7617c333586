"""``/_fake/<route>``: the control and query surface over HTTP, one line per FakeSlack method.

Every route only converts parameters and calls the matching public FakeSlack method, so the
in-process API and the HTTP API cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from slack_sandbox.fake_slack import FakeSlack

Params = dict[str, Any]


@dataclass(frozen=True)
class Route:
    http_method: str
    run: Callable[[FakeSlack, Params], Any]


def _opt(params: Params, key: str) -> Any:
    value = params.get(key)
    return None if value in (None, "") else value


def _bool(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True")


def _list(value: Any) -> list[str]:
    # Query strings carry lists comma separated; JSON bodies carry real lists.
    if isinstance(value, str):
        return [v for v in value.split(",") if v]
    return list(value or [])


def _ok(action: Callable[[FakeSlack, Params], None]) -> Callable[[FakeSlack, Params], Params]:
    """For control actions without a result: run them, answer ``{"ok": true}``."""

    def run(fake: FakeSlack, params: Params) -> Params:
        action(fake, params)
        return {"ok": True}

    return run


ROUTES: dict[str, Route] = {
    # queries
    "calls": Route("GET", lambda f, p: {"calls": f.calls(_opt(p, "method"))}),
    "messages": Route("GET", lambda f, p: {"messages": f.messages(p["channel"])}),
    "last_message": Route("GET", lambda f, p: {"message": f.last_message(p["channel"])}),
    "thread": Route("GET", lambda f, p: {"messages": f.thread(p["channel"], p["ts"])}),
    "ephemerals": Route(
        "GET", lambda f, p: {"ephemerals": f.ephemerals(_opt(p, "channel"), _opt(p, "user"))}
    ),
    "views": Route(
        "GET",
        lambda f, p: {
            "views": f.views(p["user"]),
            "current": f.current_view(p["user"]),
            "home": f.home_view(p["user"]),
        },
    ),
    "view": Route("GET", lambda f, p: {"view": f.view(p["view_id"])}),
    "user": Route("GET", lambda f, p: {"user": f.user_info(p["id"])}),
    "channel": Route("GET", lambda f, p: {"channel": f.channel_info(p["ref"])}),
    "faults": Route("GET", lambda f, p: {"pending": f.pending_faults()}),
    # fault control and housekeeping
    "reset": Route("POST", _ok(lambda f, p: f.reset())),
    "clear_calls": Route("POST", _ok(lambda f, p: f.clear_calls())),
    "ratelimit": Route(
        "POST",
        _ok(lambda f, p: f.rate_limit(p["method"], int(p.get("times", 1)), int(p.get("retry_after", 1)))),
    ),
    "fail": Route(
        "POST",
        _ok(lambda f, p: f.fail(p["method"], p.get("error", "channel_not_found"), int(p.get("times", 1)))),
    ),
    "server_error": Route(
        "POST",
        _ok(lambda f, p: f.server_error(p["method"], int(p.get("times", 1)), int(p.get("status", 503)))),
    ),
    "advance": Route("POST", _ok(lambda f, p: f.advance(float(p["seconds"])))),
    # workspace setup
    "add_user": Route(
        "POST", lambda f, p: {"user": f.add_user(p["id"], _opt(p, "name"), _opt(p, "real_name"))}
    ),
    "add_usergroup": Route(
        "POST", _ok(lambda f, p: f.add_usergroup(p["id"], _list(p.get("members")), _opt(p, "handle")))
    ),
    "add_channel": Route("POST", lambda f, p: {"id": f.add_channel(p["name"], _opt(p, "id"))}),
    # what the Slack client does for a user (used by SignedSlackClient when out of process)
    "trigger_id": Route("POST", lambda f, p: {"trigger_id": f.new_trigger_id(_opt(p, "user"))}),
    "response_url": Route(
        "POST",
        lambda f, p: {
            "response_url": f.new_response_url(
                p["channel"], _opt(p, "user"), _opt(p, "message_ts"), _bool(p.get("ephemeral"))
            )
        },
    ),
    "command_ack": Route(
        "POST",
        lambda f, p: f.apply_command_ack(
            p["channel"],
            p["user"],
            p["command"],
            p.get("text", ""),
            int(p["status"]),
            p.get("body", ""),
            float(p.get("elapsed", 0)),
        ),
    ),
    "view_ack": Route(
        "POST",
        lambda f, p: f.apply_view_ack(
            p["user"],
            p["view_id"],
            int(p["status"]),
            p.get("body", ""),
            float(p.get("elapsed", 0)),
            p.get("state"),
        ),
    ),
    "view_closed": Route("POST", lambda f, p: f.apply_view_closed(p["user"], p["view_id"])),
    "view_state": Route("POST", _ok(lambda f, p: f.set_view_state(p["view_id"], p.get("values") or {}))),
    "user_message": Route(
        "POST",
        lambda f, p: {
            "message": f.post_user_message(p["channel"], p["user"], p["text"], _opt(p, "thread_ts"))
        },
    ),
}


def handle(fake: FakeSlack, name: str, http_method: str, params: Params) -> tuple[int, Any]:
    route = ROUTES.get(name)
    if route is None:
        return 404, {"ok": False, "error": "unknown_route", "routes": sorted(ROUTES)}
    if http_method != route.http_method:
        return 405, {"ok": False, "error": f"use {route.http_method}"}
    try:
        return 200, route.run(fake, params)
    except KeyError as exc:
        return 400, {"ok": False, "error": f"missing parameter {exc.args[0]}"}
    except (TypeError, ValueError) as exc:
        return 400, {"ok": False, "error": str(exc)}
