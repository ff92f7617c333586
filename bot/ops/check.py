"""``orderbot check``: everything an operator should know before going live, as one table.

Each row is ✓ or ✗ with one line of reason and the setting (or command) that fixes it; rows that
cannot run because an earlier one failed say so with "–". Only Slack error codes, Mplus client
errors (which are scrubbed of credentials) and names are ever printed — never a token or secret.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import BotSettings, ConfigError, MplusSettings, Settings, describe_validation_error
from bot.mplus.client import MplusClient
from bot.mplus.errors import AuthFailed, MplusError, ProtocolError
from bot.mplus.transport import Redactor, load_document, make_session, make_transport
from bot.ops.dbcmd import database_problem
from bot.orders.permissions import AllowList
from bot.slack.app import build_web_client
from bot.store.db import Database
from bot.store.schema import SchemaState, status

log = logging.getLogger(__name__)

# The bot scopes manifest.yml asks for (tests/ops/test_check.py keeps the two in step).
REQUIRED_SCOPES = (
    "commands",
    "chat:write",
    "usergroups:read",
    "channels:history",
    "groups:history",
    "files:write",
    "channels:read",
    "groups:read",
    "users:read",
)
# Every Mplus operation MplusClient calls (tests/ops/test_check.py keeps this in step with the client).
OPERATIONS_USED = (
    "cancelOrder",
    "createOrder",
    "createRelation",
    "deliverOrder",
    "findOrder",
    "findRelation",
    "getApiVersion",
    "getCurrentSyncMarkers",
    "getDeliveryMethods",
    "getOrder",
    "getOrderCategories",
    "getOrders",
    "getPaymentMethods",
    "getProducts",
    "getRelation",
    "getRelations",
    "payOrder",
    "updateOrder",
)
PASS, FAIL, SKIP = "✓", "✗", "–"


@dataclass(frozen=True)
class Finding:
    name: str
    ok: bool | None  # None: not checked, because something it needs failed first
    detail: str
    fix: str = ""

    @property
    def mark(self) -> str:
        return SKIP if self.ok is None else PASS if self.ok else FAIL


def _setting_of(err: ValidationError, prefix: str = "") -> str:
    return prefix + "_".join(str(part) for part in err.errors()[0]["loc"]).upper()


def _slack_error(err: Exception) -> str:
    if isinstance(err, SlackApiError):
        return str(err.response.get("error") or "error")
    return f"{type(err).__name__} (Slack not reachable)"


class Checks:
    """Runs every check in order; later ones are skipped when what they need is missing."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []

    def add(self, name: str, ok: bool | None, detail: str, fix: str = "") -> None:
        self.findings.append(Finding(name, ok, detail, fix))

    def skip(self, names: list[str], because: str) -> None:
        for name in names:
            self.add(name, None, f"not checked: {because}")

    # ----------------------------------------------------------------------------- settings

    def settings(self) -> tuple[BotSettings | None, MplusSettings | None]:
        bot = mplus = None
        problems: list[tuple[str, str]] = []
        try:
            bot = BotSettings()  # type: ignore[call-arg]
        except ValidationError as err:
            problems.append((describe_validation_error(err), _setting_of(err)))
        try:
            mplus = MplusSettings()  # type: ignore[call-arg]
        except ValidationError as err:
            problems.append((describe_validation_error(err, "MPLUS_"), _setting_of(err, "MPLUS_")))
        if bot is not None and mplus is not None:
            try:
                Settings(bot, mplus)
            except ConfigError as err:
                problems.append((str(err), "SLACK_SIGNING_SECRET"))
        for message, setting in problems:
            self.add("settings", False, message, setting)
        if not problems and bot is not None:
            self.add(
                "settings", True, f"all settings parse ({'Socket Mode' if bot.socket_mode else 'HTTP mode'})"
            )
        return bot, mplus

    # -------------------------------------------------------------------------------- Slack

    def slack(self, bot: BotSettings) -> WebClient | None:
        client = build_web_client(bot)
        try:
            response = client.auth_test()
        except Exception as err:
            fix = "SLACK_BOT_TOKEN" if isinstance(err, SlackApiError) else "SLACK_API_URL"
            self.add("Slack token", False, f"auth.test failed: {_slack_error(err)}", fix)
            self.skip(["Slack scopes"], "the token is not valid")
            return None
        self.add(
            "Slack token",
            True,
            f"valid: bot @{response.get('user')} in {response.get('team')} ({response.get('team_id')})",
        )
        headers = {key.lower(): value for key, value in (response.headers or {}).items()}
        raw = headers.get("x-oauth-scopes")
        if isinstance(raw, list):
            raw = ",".join(raw)
        if raw is None:
            self.add("Slack scopes", False, "Slack did not say which scopes the token has", "manifest.yml")
            return client
        granted = {scope.strip() for scope in str(raw).split(",") if scope.strip()}
        missing = [scope for scope in REQUIRED_SCOPES if scope not in granted]
        if missing:
            self.add(
                "Slack scopes",
                False,
                f"missing {', '.join(missing)}: add them (manifest.yml) and reinstall the app",
                "Slack app scopes",
            )
        else:
            self.add("Slack scopes", True, f"all {len(REQUIRED_SCOPES)} scopes of manifest.yml granted")
        return client

    def app_token(self, bot: BotSettings) -> None:
        if bot.slack_app_token is None:
            self.add("Socket Mode token", True, "not set: HTTP mode (Slack posts to /slack/events)")
            return
        client = WebClient(base_url=str(bot.slack_api_url), timeout=10)
        try:
            client.apps_connections_open(app_token=bot.slack_app_token.get_secret_value())
        except Exception as err:
            self.add(
                "Socket Mode token",
                False,
                f"apps.connections.open failed: {_slack_error(err)}",
                "SLACK_APP_TOKEN",
            )
            return
        self.add("Socket Mode token", True, "valid: Slack opens a Socket Mode connection")

    def allow_lists(self, bot: BotSettings, client: WebClient) -> None:
        known: dict[str, str | None] = {}  # id → problem (None: it exists)

        def problem(item: str) -> str | None:
            if item not in known:
                try:
                    if item.startswith("S"):  # user groups are S…, users U… or W…
                        client.usergroups_users_list(usergroup=item)
                        known[item] = None
                    else:
                        user = client.users_info(user=item)["user"]
                        known[item] = f"{item} is deactivated" if user.get("deleted") else None
                except Exception as err:
                    known[item] = f"{item}: {_slack_error(err)}"
            return known[item]

        for action, raw in bot.allow_lists().items():
            setting = f"ORDERBOT_ALLOW_{action.upper()}"
            rules = AllowList.parse(raw)
            if rules.empty:
                self.add(f"allow {action}", True, "empty: nobody may (deny by default)")
                continue
            problems = [p for item in sorted(rules.users | rules.groups) if (p := problem(item))]
            if problems:
                self.add(f"allow {action}", False, "; ".join(problems), setting)
                continue
            parts = ["everyone"] if rules.everyone else []
            parts += [f"{len(rules.users)} users"] if rules.users else []
            parts += [f"{len(rules.groups)} groups"] if rules.groups else []
            self.add(f"allow {action}", True, f"resolves: {', '.join(parts)}")

    def channels(self, bot: BotSettings, client: WebClient) -> None:
        for name, setting, channel in (
            ("notify channel", "ORDERBOT_NOTIFY_CHANNEL", bot.notify_channel),
            ("ops channel", "ORDERBOT_OPS_CHANNEL", bot.ops_channel),
        ):
            if channel is None:
                self.add(name, True, "not set")
                continue
            try:
                info = client.conversations_info(channel=channel)["channel"]
            except Exception as err:
                self.add(name, False, f"{channel}: {_slack_error(err)}", setting)
                continue
            label = f"#{info.get('name') or channel}"
            if info.get("is_archived"):
                self.add(name, False, f"{label} is archived", setting)
            elif not info.get("is_member"):
                self.add(name, False, f"the bot is not in {label}: /invite the bot there", setting)
            else:
                self.add(name, True, f"{label} exists and the bot is a member")
        for channel in sorted(bot.allowed_channels):
            try:
                client.conversations_info(channel=channel)
            except Exception as err:
                self.add("command channels", False, f"{channel}: {_slack_error(err)}", "ORDERBOT_CHANNELS")
                return
        if bot.allowed_channels:
            self.add("command channels", True, f"all {len(bot.allowed_channels)} channels exist")

    # -------------------------------------------------------------------------------- Mplus

    def mplus(self, settings: MplusSettings) -> None:
        names = ["Mplus credentials", "Mplus API version", "Mplus operations"]
        redact = Redactor(settings)  # the client's messages are scrubbed already; belt and braces
        client = MplusClient(settings)
        try:
            version = client.ping()
        except AuthFailed:
            self.add("Mplus reachable", True, f"answers at {settings.endpoint}")
            self.add(
                "Mplus credentials", False, "Mplus refused the ident/secret", "MPLUS_IDENT / MPLUS_SECRET"
            )
            self.skip(names[1:], "the credentials were refused")
            return
        except ProtocolError as err:
            self.add("Mplus reachable", False, redact(str(err))[:200], "MPLUS_WSDL / MPLUS_URL")
            self.skip(names, "Mplus could not be understood")
            return
        except MplusError as err:
            self.add("Mplus reachable", False, redact(str(err))[:200], "MPLUS_URL")
            self.skip(names, "Mplus is not reachable")
            return
        self.add("Mplus reachable", True, f"answers at {settings.endpoint}")
        self.add("Mplus credentials", True, "accepted")
        shown = (
            f" ({version.service_version_display_string})" if version.service_version_display_string else ""
        )
        debug = "; in debug mode" if version.in_debug_mode else ""
        self.add("Mplus API version", True, f"{version}{shown}{debug}")
        try:
            document = load_document(settings.wsdl_location, make_transport(settings, make_session(settings)))
            offered = set(_operations(document))
        except Exception as err:
            self.add(
                "Mplus operations", False, f"the WSDL could not be read: {type(err).__name__}", "MPLUS_WSDL"
            )
            return
        missing = [name for name in OPERATIONS_USED if name not in offered]
        if missing:
            self.add(
                "Mplus operations",
                False,
                f"the WSDL lacks {', '.join(missing)}",
                "MPLUS_WSDL / Mplus version",
            )
        else:
            self.add(
                "Mplus operations",
                True,
                f"all {len(OPERATIONS_USED)} operations the bot uses are in the WSDL",
            )

    # ----------------------------------------------------------------------------- database

    def database(self, bot: BotSettings) -> None:
        url = bot.database_url
        auto = bot.auto_upgrade_schema
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            path = Path(url.removeprefix("sqlite:///"))
            if not path.exists():
                detail = f"no database file at {path} yet"
                if auto:
                    self.add("database", True, f"{detail}; it is created at first start")
                else:
                    self.add("database", False, f"{detail}: run `orderbot db upgrade`", "orderbot db upgrade")
                return
        try:
            db = Database(url)
        except Exception as err:
            self.add("database", False, f"DATABASE_URL is invalid ({type(err).__name__})", "DATABASE_URL")
            return
        try:
            now = status(db)
        except Exception as err:
            self.add("database", False, database_problem(err), "DATABASE_URL")  # type: ignore[arg-type]
            return
        finally:
            db.dispose()
        if now.state is SchemaState.CURRENT:
            self.add("database", True, f"reachable, schema {now.describe()}")
        elif now.state is SchemaState.AHEAD:
            self.add("database", False, f"schema {now.describe()}", "Orderbot version")
        elif auto:
            self.add("database", True, f"reachable, schema {now.describe()}; upgraded at start")
        else:
            self.add(
                "database",
                False,
                f"schema {now.describe()}: run `orderbot db upgrade`",
                "orderbot db upgrade",
            )


def _operations(document: Any) -> Iterator[str]:
    for service in document.services.values():
        for port in service.ports.values():
            yield from port.binding.all()


def run_checks() -> list[Finding]:
    checks = Checks()
    bot, mplus = checks.settings()
    if bot is None:
        checks.skip(["Slack", "database"], "the settings above are invalid")
    else:
        client = checks.slack(bot)
        checks.app_token(bot)
        if client is None:
            checks.skip(["allow lists", "channels"], "the Slack token is not valid")
        else:
            checks.allow_lists(bot, client)
            checks.channels(bot, client)
        checks.database(bot)
    if mplus is None:
        checks.skip(["Mplus"], "the Mplus settings are invalid")
    else:
        checks.mplus(mplus)
    return checks.findings


def render(findings: list[Finding]) -> str:
    name_width = max(len(f.name) for f in findings)
    detail_width = min(max(len(f.detail) for f in findings), 90)
    lines = []
    for finding in findings:
        fix = f"  → {finding.fix}" if finding.fix and finding.ok is False else ""
        lines.append(
            f"{finding.mark}  {finding.name:<{name_width}}  {finding.detail:<{detail_width}}{fix}".rstrip()
        )
    failed = sum(1 for f in findings if f.ok is False)
    lines.append("")
    lines.append("all checks passed" if not failed else f"{failed} problem{'s' if failed > 1 else ''} found")
    return "\n".join(lines)


def main() -> int:
    findings = run_checks()
    print(render(findings))
    return 0 if all(f.ok for f in findings) else 1
