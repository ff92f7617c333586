"""Settings, from the environment or a ``.env`` file, validated once at start-up.

Every field here is documented in the README's settings table with its default; the env names are
part of the contract with operators, so keep them stable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import parse_qsl, quote, urlsplit

from pydantic import AnyHttpUrl, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

DEFAULT_CACHE_DIR = Path.home() / ".cache" / "orderbot"
SLACK_API_DEFAULT = "https://slack.com/api/"
CLAIM_SETTLE_MARGIN_S = 5.0
DEFAULT_DATABASE_URL = "sqlite:///orderbot.sqlite3"


class MplusSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MPLUS_", env_file=".env", extra="ignore")

    url: AnyHttpUrl = Field(AnyHttpUrl("http://127.0.0.1:8088/"), description="SOAP endpoint, no credentials")
    ident: str = Field(..., min_length=1)
    secret: SecretStr
    wsdl: str | None = Field(None, description="WSDL path or URL; default: MPLUS_URL?wsdl")
    wsdl_cache: Path = DEFAULT_CACHE_DIR / "wsdl-cache.sqlite"
    wsdl_cache_ttl_s: int = Field(86_400, ge=0)
    timeout_s: float = Field(10.0, gt=0)
    connect_timeout_s: float = Field(3.0, gt=0)
    call_deadline_s: float | None = Field(None, gt=0, description="total time per call; default timeout_s")
    max_response_mb: float = Field(64.0, gt=0)
    read_retries: int = Field(2, ge=1, le=10)
    retry_backoff_s: float = Field(0.3, ge=0)
    max_concurrency: int = Field(64, ge=1, le=1024, description="Mplus calls in flight at once, per process")

    @field_validator("url")
    @classmethod
    def _no_credentials_in_url(cls, value: AnyHttpUrl) -> AnyHttpUrl:
        # Credentials belong in MPLUS_IDENT/MPLUS_SECRET so they can be kept out of logs.
        if value.username or value.password:
            raise ValueError("must not contain a user or password; set MPLUS_IDENT and MPLUS_SECRET instead")
        if value.query and _credential_in_query(value.query):
            raise ValueError("must not contain ident/secret; set MPLUS_IDENT and MPLUS_SECRET instead")
        return value

    @field_validator("wsdl")
    @classmethod
    def _no_credentials_in_wsdl(cls, value: str | None) -> str | None:
        if value and "://" in value:
            parts = urlsplit(value)
            if parts.username or parts.password or _credential_in_query(parts.query):
                raise ValueError(
                    "must not contain credentials (a user, password, ident or secret); "
                    "set MPLUS_IDENT and MPLUS_SECRET instead"
                )
        return value

    @field_validator("secret")
    @classmethod
    def _secret_not_empty(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise ValueError("must not be empty")
        return value

    @model_validator(mode="after")
    def _secret_not_in_urls(self) -> MplusSettings:
        secret = self.secret.get_secret_value()
        for name, value in (("URL", str(self.url)), ("WSDL", self.wsdl or "")):
            if secret and (secret in value or quote(secret, safe="") in value):
                raise ValueError(f"MPLUS_{name} must not contain MPLUS_SECRET")
        return self

    @property
    def endpoint(self) -> str:
        return str(self.url)

    @property
    def wsdl_location(self) -> str:
        return self.wsdl or f"{self.endpoint}?wsdl"


_CREDENTIAL_KEYS = ("ident", "secret", "password", "passwd", "pwd", "token", "apikey", "api_key", "key")


def _credential_in_query(query: str) -> bool:
    return any(key.lower() in _CREDENTIAL_KEYS for key, _ in parse_qsl(query, keep_blank_values=True))


def describe_validation_error(err: ValidationError, prefix: str = "") -> str:
    """One line naming the first bad setting, in env-var spelling, without echoing its value."""
    first = err.errors()[0]
    if not first["loc"]:  # a check across settings names them itself
        return f"configuration error: {str(first['msg']).removeprefix('Value error, ')}"
    name = prefix + "_".join(str(part) for part in first["loc"]).upper()
    problem = "is missing" if first["type"] == "missing" else f"is invalid: {first['msg']}"
    return f"configuration error: {name} {problem}"


class BotSettings(BaseSettings):
    """Everything `orderbot run` needs besides Mplus; env names are given explicitly (no prefix)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    slack_bot_token: SecretStr = Field(validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(None, validation_alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(None, validation_alias="SLACK_APP_TOKEN")
    slack_team_id: str | None = Field(None, validation_alias="SLACK_TEAM_ID", pattern=r"^[TE][A-Z0-9]{2,20}$")
    slack_api_url: AnyHttpUrl = Field(AnyHttpUrl(SLACK_API_DEFAULT), validation_alias="SLACK_API_URL")
    command: str = Field("/order", validation_alias="ORDERBOT_COMMAND", pattern=r"^/[a-z0-9_\-]{1,31}$")
    host: str = Field("0.0.0.0", validation_alias="HOST")
    port: int = Field(3000, validation_alias="PORT", ge=0, le=65535)
    database_url: str = Field(DEFAULT_DATABASE_URL, validation_alias="DATABASE_URL")
    # Unset: upgrade automatically on SQLite (one process owns the file), never on PostgreSQL (shared by
    # several processes and usually migrated by a deploy step with `orderbot db upgrade`).
    db_auto_upgrade: bool | None = Field(None, validation_alias="ORDERBOT_DB_AUTO_UPGRADE")
    list_page_size: int = Field(20, validation_alias="ORDERBOT_LIST_PAGE_SIZE", ge=5, le=40)
    workers: int = Field(8, validation_alias="ORDERBOT_WORKERS", ge=1, le=64)
    max_request_bytes: int = Field(
        1_048_576, validation_alias="ORDERBOT_MAX_REQUEST_BYTES", ge=65_536, le=16_777_216
    )
    slow_notice_s: float = Field(3.0, validation_alias="ORDERBOT_SLOW_NOTICE_S", ge=0)
    shutdown_grace_s: float = Field(20.0, validation_alias="ORDERBOT_SHUTDOWN_GRACE_S", ge=0)
    catalogue_ttl_s: int = Field(300, validation_alias="ORDERBOT_CATALOGUE_TTL_S", ge=0)
    log_level: str = Field("INFO", validation_alias="ORDERBOT_LOG_LEVEL")
    log_format: Literal["text", "json"] = Field("text", validation_alias="ORDERBOT_LOG_FORMAT")
    ready_interval_s: float = Field(15.0, validation_alias="ORDERBOT_READY_INTERVAL_S", gt=0)
    ready_notifier_stale_s: float = Field(300.0, validation_alias="ORDERBOT_READY_NOTIFIER_STALE_S", gt=0)
    allow_create: str = Field("", validation_alias="ORDERBOT_ALLOW_CREATE")
    allow_edit: str = Field("", validation_alias="ORDERBOT_ALLOW_EDIT")
    allow_cancel: str = Field("", validation_alias="ORDERBOT_ALLOW_CANCEL")
    allow_pay: str = Field("", validation_alias="ORDERBOT_ALLOW_PAY")
    allow_deliver: str = Field("", validation_alias="ORDERBOT_ALLOW_DELIVER")
    allow_subscribe: str = Field("", validation_alias="ORDERBOT_ALLOW_SUBSCRIBE")
    channels: str = Field("", validation_alias="ORDERBOT_CHANNELS")
    group_cache_s: int = Field(60, validation_alias="ORDERBOT_GROUP_CACHE_S", ge=0)
    confirm_ttl_s: int = Field(600, validation_alias="ORDERBOT_CONFIRM_TTL_S", ge=10)
    # Issue #10: work still running this long after it started was cut off (kill -9); settle it.
    claim_settle_after_s: float | None = Field(None, validation_alias="ORDERBOT_CLAIM_SETTLE_AFTER_S", gt=0)
    # Notifier (issue #5): follows getOrders by sync marker and keeps channel cards current.
    notify_interval_s: float = Field(30.0, validation_alias="ORDERBOT_NOTIFY_INTERVAL_S", gt=0)
    notify_channel: str | None = Field(None, validation_alias="ORDERBOT_NOTIFY_CHANNEL")
    ops_channel: str | None = Field(None, validation_alias="ORDERBOT_OPS_CHANNEL")
    notify_burst: int = Field(20, validation_alias="ORDERBOT_NOTIFY_BURST", ge=1)
    notify_backfill: bool = Field(False, validation_alias="ORDERBOT_NOTIFY_BACKFILL")
    notify_page_size: int = Field(500, validation_alias="ORDERBOT_NOTIFY_PAGE_SIZE", ge=1, le=10_000)
    notify_lease_s: float = Field(60.0, validation_alias="ORDERBOT_NOTIFY_LEASE_S", ge=1)
    notify_post_interval_s: float = Field(1.0, validation_alias="ORDERBOT_NOTIFY_POST_INTERVAL_S", ge=0)
    notify_alert_after_s: float = Field(60.0, validation_alias="ORDERBOT_NOTIFY_ALERT_AFTER_S", ge=0)
    notify_max_backoff_s: float = Field(300.0, validation_alias="ORDERBOT_NOTIFY_MAX_BACKOFF_S", gt=0)
    notify_slack_retries: int = Field(5, validation_alias="ORDERBOT_NOTIFY_SLACK_RETRIES", ge=0, le=20)
    # Mirror (issue #9): orders, relations and articles kept locally by sync marker, for search.
    mirror: bool = Field(True, validation_alias="ORDERBOT_MIRROR")
    mirror_interval_s: float = Field(30.0, validation_alias="ORDERBOT_MIRROR_INTERVAL_S", gt=0)
    mirror_days: int = Field(120, validation_alias="ORDERBOT_MIRROR_DAYS", ge=1, le=3650)
    mirror_page_size: int = Field(1000, validation_alias="ORDERBOT_MIRROR_PAGE_SIZE", ge=10, le=10_000)
    home_stale_days: int = Field(14, validation_alias="ORDERBOT_HOME_STALE_DAYS", ge=1, le=3650)
    home_refresh_s: float = Field(60.0, validation_alias="ORDERBOT_HOME_REFRESH_S", ge=1, le=3600)
    # Issue #14: channel posts, and people whose Slack locale Orderbot does not speak.
    language: Literal["en", "nl"] = Field("en", validation_alias="ORDERBOT_LANGUAGE")
    language_cache_s: float = Field(3600.0, validation_alias="ORDERBOT_LANGUAGE_CACHE_S", ge=0)

    @field_validator(
        "allow_create", "allow_edit", "allow_cancel", "allow_pay", "allow_deliver", "allow_subscribe"
    )
    @classmethod
    def _allow_list_shape(cls, value: str) -> str:
        from bot.orders.permissions import AllowList

        AllowList.parse(value)
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url_shape(cls, value: str) -> str:
        # Checked here so a typo is one line at start-up, not a traceback from the first query.
        try:
            url = make_url(value)
            url.get_dialect()
        except ArgumentError:
            raise ValueError("is not a database URL (e.g. sqlite:///orderbot.sqlite3)") from None
        except NoSuchModuleError:
            raise ValueError(
                "names a database Orderbot cannot use (use sqlite:/// or postgresql+psycopg://)"
            ) from None
        except ImportError:
            raise ValueError("needs a database driver that is not installed") from None
        return value

    @field_validator("channels")
    @classmethod
    def _channel_ids(cls, value: str) -> str:
        for item in (part.strip() for part in value.split(",")):
            if item and not (item[0] in "CGD" and item.isalnum() and item.isupper()):
                raise ValueError(f"`{item[:30]}` is not a Slack channel id (C…)")
        return value

    @field_validator("notify_channel", "ops_channel")
    @classmethod
    def _one_channel_id(cls, value: str | None) -> str | None:
        value = (value or "").strip() or None
        if value is not None and not (value[0] in "CGD" and value.isalnum() and value.isupper()):
            raise ValueError(f"`{value[:30]}` is not a Slack channel id (C…)")
        return value

    @property
    def allowed_channels(self) -> frozenset[str]:
        return frozenset(part.strip() for part in self.channels.split(",") if part.strip())

    def allow_lists(self) -> dict[str, str]:
        return {
            "create": self.allow_create,
            "edit": self.allow_edit,
            "cancel": self.allow_cancel,
            "pay": self.allow_pay,
            "deliver": self.allow_deliver,
            "subscribe": self.allow_subscribe,
        }

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return value

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @property
    def auto_upgrade_schema(self) -> bool:
        if self.db_auto_upgrade is None:
            return auto_upgrade_default(self.database_url)
        return self.db_auto_upgrade


def auto_upgrade_default(database_url: str) -> bool:
    return database_url.startswith("sqlite")


class StoreSettings(BaseSettings):
    """What `orderbot db` needs: only the database, so migrations run without Slack or Mplus settings."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field(DEFAULT_DATABASE_URL, validation_alias="DATABASE_URL")


class Settings:
    """The bot's whole configuration: Slack/bot settings plus Mplus settings."""

    def __init__(self, bot: BotSettings, mplus: MplusSettings) -> None:
        self.bot = bot
        self.mplus = mplus
        if not bot.socket_mode and bot.slack_signing_secret is None:
            raise ConfigError("configuration error: SLACK_SIGNING_SECRET is missing (needed in HTTP mode)")

    def secrets(self) -> list[str]:
        """Every secret value, for the log redaction."""
        found = [self.mplus.secret.get_secret_value(), self.bot.slack_bot_token.get_secret_value()]
        for optional in (self.bot.slack_signing_secret, self.bot.slack_app_token):
            if optional is not None:
                found.append(optional.get_secret_value())
        return found

    @property
    def claim_settle_after_s(self) -> float:
        """Longer than a live claim goes without being re-dated: each Mplus call of a confirmed
        write dates the claim once it holds a concurrency slot, and one call lasts at most the call
        deadline (MPLUS_CALL_DEADLINE_S, or MPLUS_TIMEOUT_S when unset); twice that plus a margin."""
        if self.bot.claim_settle_after_s is not None:
            return self.bot.claim_settle_after_s
        return 2 * (self.mplus.call_deadline_s or self.mplus.timeout_s) + CLAIM_SETTLE_MARGIN_S


class ConfigError(Exception):
    """A one-line, secret-free description of what is wrong with the configuration."""


def load_settings(**overrides: object) -> Settings:
    """Read env/.env once; any problem becomes one ConfigError line naming the setting."""
    try:
        bot = BotSettings(**overrides)  # type: ignore[arg-type]
    except ValidationError as err:
        raise ConfigError(describe_validation_error(err)) from None
    try:
        mplus = MplusSettings()  # type: ignore[call-arg]
    except ValidationError as err:
        raise ConfigError(describe_validation_error(err, prefix="MPLUS_")) from None
    return Settings(bot, mplus)
