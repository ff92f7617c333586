"""Process logging: one line per record, with thread names so lazy Slack work can be followed."""

from __future__ import annotations

import logging


def configure_logging(level: str = "INFO") -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s",
    )
    # Alembic announces each of its plugins at INFO when imported: noise in an operator's log.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
