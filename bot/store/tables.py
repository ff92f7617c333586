"""Every table module, imported so ``Base.metadata`` knows them all (one line per module)."""

from bot.store import audit, confirmations, idempotency  # noqa: F401
