"""Serving the bot: HTTP (waitress, a production WSGI server) or Socket Mode.

HTTP routes: every Slack request at ``POST /slack/events``; ``GET /healthz`` (liveness), ``/readyz``
(readiness: Mplus, store, notifier, from a background-refreshed cache) and ``/metrics`` (Prometheus)
come from ``bot.ops.http`` and are served on ``PORT`` in Socket Mode too.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from bot.config import BotSettings, Settings
from bot.http_guard import guard_slack_requests
from bot.mirror.health import health as mirror_health
from bot.mplus.client import MplusClient
from bot.notifier.runner import NotifierHandle, start_in_background
from bot.ops.gc_pauses import freeze_startup
from bot.ops.health import ReadinessMonitor, build_readiness
from bot.ops.http import OPS_PATHS, OpsServer, ops_app
from bot.ops.instrument import MeteredConfirmedActions, instrument_app
from bot.ops.shutdown import Steps, StopSignal, exit_now, shut_down
from bot.orders.catalogue import CatalogueCache
from bot.orders.late_records import LateRecords
from bot.orders.permissions import Action, AllowList, Permissions
from bot.orders.recovery import Recovery, RecoveryLoop
from bot.orders.service import OrderService
from bot.slack.app import ListenerPools, build_app, build_web_client
from bot.slack.deps import Deps
from bot.slack.identity import IdentityWatcher
from bot.slack.language import Languages
from bot.slack.messages import SHUTTING_DOWN
from bot.store.audit import AuditLog
from bot.store.confirmations import ConfirmationStore
from bot.store.db import Database
from bot.store.form_origins import FormOrigins
from bot.store.idempotency import IdempotencyKeys
from bot.store.languages import UserLanguages
from bot.store.schema import ensure_current
from handlers.app_home import stop_home_refresh
from handlers.commands import SUBCOMMANDS

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
    identity: IdentityWatcher
    notifier: NotifierHandle | None = None
    readiness: ReadinessMonitor | None = None
    draining: threading.Event = field(default_factory=threading.Event)
    recovery_loop: RecoveryLoop | None = None

    def close(self) -> None:
        """Stop the worker threads and close the store (the HTTP server is closed by its owner)."""
        stop_home_refresh(self.app)
        if self.readiness is not None:
            self.readiness.stop()
        self.identity.stop()
        self.pools.shutdown()
        self.deps.db.dispose()

    def shutdown_steps(self, stop_intake: Callable[[], None]) -> Steps:
        return Steps(
            stop_intake=stop_intake,
            wait_idle=self.pools.in_flight.wait_idle,
            in_flight=lambda: self.pools.in_flight.count,
            stop_background=self.stop_background,
            close=self.close,
        )

    def start_background(self) -> Callable[[], None]:
        """Start the notifier (it stays idle while no channel is configured or subscribed) and the
        recovery of work a previous process left running (at once, then every half bound), and the
        background readiness checks; returns ``stop_background``."""
        if self.readiness is not None:
            self.readiness.start()
        self.notifier = start_in_background(
            self.settings, self.mplus, self.slack, self.deps.db, self.deps.audit
        )
        self.recovery_loop = start_recovery(self)
        return self.stop_background

    def stop_background(self, timeout: float = 15.0) -> None:
        """The one way the background work stops, for a graceful shutdown and for the demo alike."""
        if self.recovery_loop is not None:
            self.recovery_loop.stop()
        if self.notifier is not None:
            self.notifier.stop(timeout)


def healthz_progress(db: Database) -> dict[str, Any]:
    return {"mirror": mirror_health(db)}


def settle_startup() -> None:
    """Keep the start-up objects out of the garbage collector's way (see ``bot.ops.gc_pauses``)."""
    log.info("%d start-up objects frozen out of the garbage collector's full collections", freeze_startup())


def start_recovery(runtime: Runtime) -> RecoveryLoop:
    from handlers.confirm_flow import announce_settled

    assert runtime.deps.recovery is not None
    every = max(runtime.settings.claim_settle_after_s / 2, 1.0)
    announce = partial(announce_settled, runtime.deps, runtime.slack)
    return RecoveryLoop(runtime.deps.recovery, announce, every_s=every).start()


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
    late = LateRecords()
    keys = IdempotencyKeys(db)
    settle_after = timedelta(seconds=settings.claim_settle_after_s)
    recovery = Recovery(mplus, confirmations, keys, settle_after=settle_after)
    deps = Deps(
        orders=service,
        permissions=build_permissions(settings.bot, slack),
        db=db,
        audit=audit,
        confirmations=confirmations,
        idempotency=keys,
        confirmed=MeteredConfirmedActions(mplus, confirmations, audit, ttl, late=late),
        command=settings.bot.command,
        list_page_size=settings.bot.list_page_size,
        confirm_ttl=ttl,
        allowed_channels=settings.bot.allowed_channels,
        recovery=recovery,
        form_origins=FormOrigins(db),
        team_id=settings.bot.slack_team_id,
        home_stale_days=settings.bot.home_stale_days,
        home_refresh_s=settings.bot.home_refresh_s,
        languages=Languages(
            UserLanguages(db), default=settings.bot.language, cache_s=settings.bot.language_cache_s
        ),
    )
    pools = ListenerPools.for_settings(settings.bot, settings.mplus.max_concurrency)
    # Slack's auth.test and the allow lists' user groups are learned in the background, never on a
    # request's ack path (a slow or failing Slack Web API must not slow the acks).
    identity = IdentityWatcher(slack).start()
    deps.permissions.warm()
    app = build_app(settings.bot, deps, slack, pools, identity)
    instrument_app(app, (entry.usage.split()[0] for entry in SUBCOMMANDS.help_entries()))
    readiness = build_readiness(settings, mplus, db)
    return Runtime(
        settings=settings,
        mplus=mplus,
        deps=deps,
        app=app,
        slack=slack,
        pools=pools,
        identity=identity,
        readiness=readiness,
    )


def wsgi_app(runtime: Runtime) -> WSGIApp:
    secret = runtime.settings.bot.slack_signing_secret
    slack = guard_slack_requests(
        SlackRequestHandler(runtime.app, path="/slack/events"),
        secret.get_secret_value() if secret else None,
        runtime.settings.bot.max_request_bytes,
    )
    ops = ops_app(runtime.readiness, partial(healthz_progress, runtime.deps.db))

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path in OPS_PATHS:
            return ops(environ, start_response)
        if path == "/slack/events":
            if runtime.draining.is_set():  # shutting down: Slack retries, another process answers
                headers = [("Content-Type", "text/plain"), ("Retry-After", "5")]
                start_response("503 Service Unavailable", headers)
                return [SHUTTING_DOWN.encode()]
            return slack(environ, start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found\n"]

    return application


def make_http_server(runtime: Runtime, host: str, port: int) -> Any:
    """A waitress server bound to host:port (0 = a free port); call ``.run()`` to serve."""
    import waitress.server

    return waitress.server.create_server(
        wsgi_app(runtime),
        host=host,
        port=port,
        threads=runtime.settings.bot.workers,
        ident="orderbot",
        max_request_body_size=runtime.settings.bot.max_request_bytes,
        # poll(), not select(): closing the server from another thread then ends its loop quietly
        # instead of select() raising "Bad file descriptor" in the server's thread.
        asyncore_use_poll=True,
    )


def stop_http_server(server: Any) -> None:
    """Stop listening and end waitress's worker threads, which ``close()`` alone leaves running."""
    server.close()
    server.task_dispatcher.shutdown()


def serve_http(runtime: Runtime, host: str, port: int) -> None:
    server = make_http_server(runtime, host, port)
    settle_startup()
    runtime.start_background()
    stop = StopSignal().install()
    thread = threading.Thread(target=server.run, name="http", daemon=True)
    thread.start()
    log.info(
        "orderbot listening on http://%s:%s/slack/events (and /healthz, /readyz, /metrics)",
        host,
        server.effective_port,
    )
    stop.wait()
    finished = shut_down(runtime.shutdown_steps(runtime.draining.set), runtime.settings.bot.shutdown_grace_s)
    stop_http_server(server)
    thread.join(timeout=5)
    if not finished:
        exit_now(0)  # the abandoned work threads would otherwise hold the process open


def serve_socket_mode(runtime: Runtime) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    token = runtime.settings.bot.slack_app_token
    assert token is not None
    bot = runtime.settings.bot
    ops = OpsServer(
        ops_app(runtime.readiness, partial(healthz_progress, runtime.deps.db)), bot.host, bot.port
    ).start()
    log.info("orderbot connecting to Slack in Socket Mode (/healthz, /readyz, /metrics on port %d)", ops.port)
    settle_startup()
    runtime.start_background()
    stop = StopSignal().install()
    handler = SocketModeHandler(runtime.app, token.get_secret_value())
    handler.connect()
    stop.wait()

    def stop_intake() -> None:
        runtime.draining.set()
        handler.close()  # Slack sends new requests to another connection (or retries them)

    finished = shut_down(runtime.shutdown_steps(stop_intake), runtime.settings.bot.shutdown_grace_s)
    ops.stop()
    if not finished:
        exit_now(0)
