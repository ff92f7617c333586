"""Every table module, imported so ``Base.metadata`` knows them all (one line per module)."""

from bot.store import (  # noqa: F401
    audit,
    cards,
    confirmations,
    form_origins,
    idempotency,
    languages,
    leases,
    mirror_tables,
    overview_tables,
    subscriptions,
    sync_state,
)
