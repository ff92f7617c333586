"""Operating the bot: graceful shutdown (and, from other work, health, metrics, checks)."""
