"""``orderbot notify``: the notifier as its own process (cron with ``--once``, or a loop until SIGTERM)."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

from bot.config import Settings
from bot.mplus.client import MplusClient
from bot.notifier.engine import PassStatus
from bot.notifier.runner import NotifierHandle, build_notifier, run_once
from bot.slack.app import build_web_client
from bot.store.audit import AuditLog
from bot.store.db import Database
from bot.store.schema import ensure_current

log = logging.getLogger(__name__)


def _parts(settings: Settings) -> tuple[MplusClient, Database, AuditLog]:
    db = Database(settings.bot.database_url)
    ensure_current(db, settings.bot.auto_upgrade_schema)
    return MplusClient(settings.mplus), db, AuditLog(db)


def notify_once(settings: Settings, *, backfill: bool) -> int:
    """One pass; prints one summary line. Exit 0 when done (or another process is on it), else 1."""
    mplus, db, audit = _parts(settings)
    try:
        report = run_once(settings, mplus, build_web_client(settings.bot), db, audit, backfill=backfill)
    except Exception as err:  # one line for cron mail, the traceback for the log
        log.exception("notify pass crashed")
        print(f"notify: crashed · {type(err).__name__}: {err}"[:300])
        return 1
    finally:
        db.dispose()
    print(
        f"notify: {report.status} · {report.changes} changes in {report.pages} pages · "
        f"{report.posts} posts, {report.updates} updates · next marker {report.next_marker}"
        + (f" · {report.error}" if report.error else "")
    )
    return 0 if report.status in (PassStatus.OK, PassStatus.BUSY) else 1


def notify_forever(settings: Settings, *, backfill: bool) -> int:
    """Passes every ORDERBOT_NOTIFY_INTERVAL_S until SIGINT/SIGTERM, whatever is subscribed."""
    mplus, db, audit = _parts(settings)
    notifier = build_notifier(
        settings, mplus, build_web_client(settings.bot), db, audit, backfill=backfill or None
    )
    handle = NotifierHandle(notifier, settings.bot.notify_interval_s, settings.bot.notify_max_backoff_s)
    done = threading.Event()

    def stop(_signum: int, _frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    handle.ensure_running()
    log.info("orderbot notify running; Ctrl-C or SIGTERM stops it")
    done.wait()
    handle.stop()
    db.dispose()
    return 0
