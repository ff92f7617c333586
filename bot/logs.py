"""Process logging: one line per record, as text (default) or JSON (``ORDERBOT_LOG_FORMAT=json``)."""

from __future__ import annotations

import logging


def configure_logging(level: str = "INFO", fmt: str = "text") -> None:
    handlers: list[logging.Handler] | None = None
    if fmt == "json":
        from bot.ops.logformat import json_handler

        handlers = [json_handler()]
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        # Thread names let lazy Slack work be followed across threads.
        format="%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s",
        handlers=handlers,
    )
    # Alembic announces each of its plugins at INFO when imported: noise in an operator's log.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
