"""``ORDERBOT_LOG_FORMAT=json``: one JSON object per line for log shippers (python-json-logger).

Each line has the same keys: time, level, logger, thread, message, error_id, user, command,
action, order (null when unknown), plus ``exc_info`` when there is a traceback. The request fields
come from ``bot.ops.context``; ``error_id`` also from messages written as ``error_id=…``, so lines
from outside a Slack request (the notifier) carry it too.
"""

from __future__ import annotations

import logging
import re

from pythonjsonlogger.json import JsonFormatter

from bot.ops.context import current_scope

_ERROR_ID = re.compile(r"\berror_id=([0-9A-Za-z_-]{4,40})")
CONTEXT_FIELDS = ("error_id", "user", "command", "action", "order")


class RequestContextFilter(logging.Filter):
    """Adds the context fields to every record (as attributes, which the formatter emits)."""

    def filter(self, record: logging.LogRecord) -> bool:
        scope = current_scope()
        match = None
        if "error_id=" in str(record.msg):
            try:
                match = _ERROR_ID.search(record.getMessage())
            except Exception:  # a bad format string is the formatter's to report, not the filter's
                match = None
        record.error_id = match.group(1) if match else (scope.error_id if scope else None)
        record.user = scope.user if scope else None
        record.command = scope.name if scope and scope.kind == "command" else None
        record.action = scope.name if scope and scope.kind in ("action", "view", "options") else None
        record.order = scope.order if scope else None
        return True


def json_formatter() -> JsonFormatter:
    return JsonFormatter(
        "{levelname}{name}{threadName}{message}" + "".join(f"{{{f}}}" for f in CONTEXT_FIELDS),
        style="{",
        rename_fields={"levelname": "level", "name": "logger", "threadName": "thread"},
        timestamp="time",  # ISO 8601 in UTC with milliseconds
        json_ensure_ascii=False,
    )
