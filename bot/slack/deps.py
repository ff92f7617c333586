"""What the Slack handlers are given to work with: product services and a few settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from bot.orders.confirmed_actions import ConfirmedActions
from bot.orders.permissions import Permissions
from bot.orders.recovery import Recovery
from bot.orders.service import OrderService
from bot.slack.language import Languages
from bot.store.audit import AuditLog
from bot.store.confirmations import ConfirmationStore
from bot.store.db import Database
from bot.store.form_origins import FormOrigins
from bot.store.idempotency import IdempotencyKeys


@dataclass(frozen=True)
class Deps:
    orders: OrderService
    permissions: Permissions
    db: Database
    audit: AuditLog
    confirmations: ConfirmationStore
    idempotency: IdempotencyKeys
    confirmed: ConfirmedActions
    command: str = "/order"
    list_page_size: int = 20
    confirm_ttl: timedelta = timedelta(minutes=10)
    allowed_channels: frozenset[str] = field(default_factory=frozenset)
    recovery: Recovery | None = None
    """Settles claims and keys whose process died mid-way (issue #10)."""
    form_origins: FormOrigins | None = None
    """Where each modal was opened, kept server-side."""
    team_id: str | None = None
    """SLACK_TEAM_ID; None: learned from auth.test in the background."""
    home_stale_days: int = 14
    home_refresh_s: float = 60.0
    languages: Languages = field(default_factory=lambda: Languages(None))
    """Which language each person reads (issue #14)."""
