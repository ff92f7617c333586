"""Serving the bot: HTTP (waitress, a production WSGI server) or Socket Mode.

HTTP routes: every Slack request at ``POST /slack/events``; ``GET /healthz`` reports whether Mplus
answers, so a load balancer or on-call can tell "bot down" from "Mplus down".
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from bot.config import BotSettings, Settings
from bot.mplus.client import MplusClient
from bot.mplus.errors import MplusError
from bot.notifier.runner import NotifierHandle, start_in_background
from bot.notifier.runner import health as notifier_health
from bot.orders.catalogue import CatalogueCache
from bot.orders.confirmed_actions import ConfirmedActions
from bot.orders.permissions import Action, AllowList, Permissions
from bot.orders.service import OrderService
from bot.slack.app import ListenerPools, build_app, build_web_client
from bot.slack.deps import Deps
from bot.store.audit import AuditLog
from bot.store.confirmations import ConfirmationStore
from bot.store.db import Database
from bot.store.idempotency import IdempotencyKeys
from bot.store.schema import ensure_current
from handlers.app_home import stop_home_refresh

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@dataclass
class Runtime:
    settings: Settings
    mplus: MplusClient
    deps: Deps
    app: App
    slack: WebClient
    pools: ListenerPools
    notifier: NotifierHandle | None = None

    def close(self) -> None:
        """Stop the worker threads and close the store (the HTTP server is closed by its owner)."""
        stop_home_refresh(self.app)
        self.pools.shutdown()
        self.deps.db.dispose()

    def start_background(self) -> Callable[[], None]:
        """Start the notifier (it stays idle while no channel is configured or subscribed)."""
        self.notifier = start_in_background(
            self.settings, self.mplus, self.slack, self.deps.db, self.deps.audit
        )
        return self.notifier.stop


def build_permissions(settings: BotSettings, slack: WebClient) -> Permissions:
    def group_members(group_id: str) -> list[str]:
        return list(slack.usergroups_users_list(usergroup=group_id).get("users") or [])

    rules = {Action(name): AllowList.parse(raw) for name, raw in settings.allow_lists().items()}
    return Permissions(rules, group_members, cache_s=settings.group_cache_s)


def build_runtime(settings: Settings) -> Runtime:
    mplus = MplusClient(settings.mplus)
    service = OrderService(mplus, CatalogueCache(mplus, settings.bot.catalogue_ttl_s))
    db = Database(settings.bot.database_url)
    ensure_current(db, settings.bot.auto_upgrade_schema)
    slack = build_web_client(settings.bot)
    audit = AuditLog(db)
    confirmations = ConfirmationStore(db)
    ttl = timedelta(seconds=settings.bot.confirm_ttl_s)
    deps = Deps(
        orders=service,
        permissions=build_permissions(settings.bot, slack),
        db=db,
        audit=audit,
        confirmations=confirmations,
        idempotency=IdempotencyKeys(db),
        confirmed=ConfirmedActions(mplus, confirmations, audit, ttl),
        command=settings.bot.command,
        list_page_size=settings.bot.list_page_size,
        confirm_ttl=ttl,
        allowed_channels=settings.bot.allowed_channels,
        home_stale_days=settings.bot.home_stale_days,
        home_refresh_s=settings.bot.home_refresh_s,
    )
    pools = ListenerPools.for_settings(settings.bot)
    app = build_app(settings.bot, deps, slack, pools)
    return Runtime(settings=settings, mplus=mplus, deps=deps, app=app, slack=slack, pools=pools)


def health(runtime: Runtime) -> tuple[int, dict[str, Any]]:
    try:
        notifier = notifier_health(runtime.deps.db)
    except Exception as err:  # health must answer even when the store is in trouble
        notifier = {"notifier": "unknown", "detail": type(err).__name__}
    try:
        version = runtime.mplus.ping()
    except MplusError as err:
        body = {"status": "degraded", "mplus": "unreachable", "detail": type(err).__name__, **notifier}
        return 503, body
    return 200, {"status": "ok", "mplus": "reachable", "mplus_api_version": str(version), **notifier}


def wsgi_app(runtime: Runtime) -> WSGIApp:
    slack = SlackRequestHandler(runtime.app, path="/slack/events")

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/healthz" and environ.get("REQUEST_METHOD") == "GET":
            status, body = health(runtime)
            payload = json.dumps(body).encode()
            reason = "OK" if status == 200 else "Service Unavailable"
            start_response(f"{status} {reason}", [("Content-Type", "application/json")])
            return [payload]
        if path == "/slack/events":
            return slack(environ, start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found\n"]

    return application


def make_http_server(runtime: Runtime, host: str, port: int) -> Any:
    """A waitress server bound to host:port (0 = a free port); call ``.run()`` to serve."""
    import waitress.server

    return waitress.server.create_server(
        wsgi_app(runtime), host=host, port=port, threads=runtime.settings.bot.workers, ident="orderbot"
    )


def stop_http_server(server: Any) -> None:
    """Stop listening and end waitress's worker threads, which ``close()`` alone leaves running."""
    server.close()
    server.task_dispatcher.shutdown()


def serve_http(runtime: Runtime, host: str, port: int) -> None:
    server = make_http_server(runtime, host, port)
    stop_notifier = runtime.start_background()
    log.info(
        "orderbot listening on http://%s:%d/slack/events (healthz at /healthz)", host, server.effective_port
    )
    try:
        server.run()
    except KeyboardInterrupt:
        log.info("orderbot stopping")
    finally:
        stop_notifier()
        stop_http_server(server)
        runtime.close()


def serve_socket_mode(runtime: Runtime) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    token = runtime.settings.bot.slack_app_token
    assert token is not None
    log.info("orderbot connecting to Slack in Socket Mode")
    stop_notifier = runtime.start_background()
    try:
        SocketModeHandler(runtime.app, token.get_secret_value()).start()
    finally:
        stop_notifier()
