"""Process logging: one line per record, as text (default) or JSON (``ORDERBOT_LOG_FORMAT=json``).

Every line any logger writes passes the root handler's formatter, which redacts what must never
reach a log: credentials in URLs (``user:password@``), URL query strings (where ``ident=`` and
``secret=`` travel), Slack tokens, and any secret the process was configured with — in messages
and in tracebacks alike, in both formats. Text lines carry thread names so lazy Slack work can be
followed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@")
_URL_QUERY = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^\s?#'\"]*)\?[^\s#'\"]*")
_SLACK_TOKENS = re.compile(r"\bxox[abposr]-[A-Za-z0-9-]+|\bxapp-[A-Za-z0-9-]+")
REDACTED = "***"


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in sorted((s for s in secrets if s and len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    text = _URL_CREDENTIALS.sub(rf"\1{REDACTED}@", text)
    text = _URL_QUERY.sub(rf"\1?{REDACTED}", text)
    return _SLACK_TOKENS.sub(REDACTED, text)


class RedactingFormatter(logging.Formatter):
    """Formats with the inner formatter (text by default), then redacts the whole line."""

    def __init__(
        self, fmt: str = FORMAT, secrets: Iterable[str] = (), inner: logging.Formatter | None = None
    ) -> None:
        super().__init__(fmt)
        self.inner = inner
        self.secrets = tuple(secrets)

    def format(self, record: logging.LogRecord) -> str:
        line = self.inner.format(record) if self.inner is not None else super().format(record)
        return redact(line, self.secrets)


def configure_logging(level: str = "INFO", secrets: Iterable[str] = (), fmt: str = "text") -> None:
    inner: logging.Formatter | None = None
    context_filter: logging.Filter | None = None
    if fmt == "json":
        from bot.ops.logformat import RequestContextFilter, json_formatter

        inner, context_filter = json_formatter(), RequestContextFilter()
    logging.basicConfig(level=getattr(logging, level.upper(), logging.INFO), format=FORMAT)
    formatter = RedactingFormatter(FORMAT, secrets, inner)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(formatter)
        if context_filter is not None:
            handler.addFilter(context_filter)
    # Alembic announces each of its plugins at INFO when imported: noise in an operator's log.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
