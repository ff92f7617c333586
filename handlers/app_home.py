"""The App Home: published when a person opens it, republished while changes arrive.

``app_home_opened`` is acked at once (Bolt acks events); building and ``views.publish`` run after
it. "Show all" opens a modal with every order of that kind (Show buttons there answer in the DM).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.mirror.overview_queries import NeedKind, need_list
from bot.mirror.sync import today_in_mplus
from bot.mplus.models import MPLUS_TZ
from bot.orders.permissions import Action
from bot.overview.home import build_home, home_version
from bot.overview.refresh import HomeRefresher
from bot.slack.deps import Deps
from bot.slack.ids import ActionId, InvalidValue, NeedRef
from bot.slack.views import home as home_views
from bot.store.db import utcnow

log = logging.getLogger(__name__)

ALL_ROWS = 90
"""Rows in the "Show all" modal: one block each, under Slack's 100 blocks per modal."""
CHANNELS_CACHE_S = 300.0

_REFRESHERS: dict[int, HomeRefresher] = {}
_REFRESHERS_LOCK = threading.Lock()


def stop_home_refresh(app: App) -> None:
    """Stop the App Home refresh thread of this app (when the runtime closes)."""
    with _REFRESHERS_LOCK:
        refresher = _REFRESHERS.pop(id(app), None)
    if refresher is not None:
        refresher.stop()


class MemberChannels:
    """The channels a person is in (users.conversations), cached: membership changes slowly."""

    def __init__(self, client: WebClient) -> None:
        self._client = client
        self._cache: dict[str, tuple[float, list[str]]] = {}

    def __call__(self, user_id: str) -> list[str]:
        hit = self._cache.get(user_id)
        if hit is not None and time.monotonic() - hit[0] < CHANNELS_CACHE_S:
            return hit[1]
        channels: list[str] = []
        try:
            for page in self._client.users_conversations(
                user=user_id, types="public_channel,private_channel", exclude_archived=True, limit=200
            ):
                channels += [c["id"] for c in page.get("channels") or []]
        except Exception as err:  # the rest of the Home is still worth showing
            log.warning("could not list the channels of %s: %s", user_id, type(err).__name__)
            return hit[1] if hit else []
        self._cache[user_id] = (time.monotonic(), channels)
        return channels


def register(app: App, deps: Deps) -> None:
    client = app.client
    channels_of = MemberChannels(client)

    def publish(user_id: str) -> None:
        data = build_home(
            deps.db,
            user_id,
            channel_ids=channels_of(user_id),
            today=today_in_mplus(),
            tz=MPLUS_TZ,
            now=utcnow(),
            stale_days=deps.home_stale_days,
            can_pay=deps.permissions.allows(user_id, Action.PAY),
            can_deliver=deps.permissions.allows(user_id, Action.DELIVER),
        )
        tr = deps.languages.for_user(user_id, client)
        client.views_publish(user_id=user_id, view=home_views.home_view(data, tr))

    refresher = HomeRefresher(
        publish,
        lambda: home_version(deps.db),
        interval_s=deps.home_refresh_s,
        tick_s=min(5.0, deps.home_refresh_s),
    )
    with _REFRESHERS_LOCK:
        _REFRESHERS[id(app)] = refresher

    def ack_event(ack: Ack) -> None:
        ack()

    def home_opened(event: dict[str, Any]) -> None:
        if event.get("tab", "home") != "home" or not event.get("user"):
            return  # the Messages tab needs nothing from us
        refresher.opened(str(event["user"]))

    def ack_button(ack: Ack) -> None:
        ack()

    def show_all(body: dict[str, Any], client: WebClient) -> None:
        try:
            ref = NeedRef.decode(str((body.get("actions") or [{}])[0].get("value") or ""))
            kind = NeedKind(ref.kind)
        except (InvalidValue, ValueError):
            log.warning("App Home: a Show all button with an unknown value")
            return
        group = need_list(deps.db, kind, today_in_mplus(), deps.home_stale_days, ALL_ROWS)
        tr = deps.languages.for_user((body.get("user") or {}).get("id"), client)
        view = home_views.need_modal(group, deps.home_stale_days, more=group.count - len(group.orders), tr=tr)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    app.event("app_home_opened")(ack=ack_event, lazy=[home_opened])
    app.action(ActionId.HOME_SHOW_ALL.value)(ack=ack_button, lazy=[show_all])
