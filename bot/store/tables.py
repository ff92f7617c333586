"""Every table module, imported so ``Base.metadata`` knows them all (one line per module)."""

from bot.store import audit, cards, confirmations, idempotency, leases, subscriptions, sync_state  # noqa: F401
