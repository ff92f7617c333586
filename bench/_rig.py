"""Shared setup for the benches: paths, settings, emulator/bot rigs, timing and table helpers.

Everything here imports the bot lazily (inside functions), so a bench that times imports can import
this module first without warming anything up.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.config import MplusSettings
    from bot.server import Runtime
    from mplus_emulator.server import EmulatorServer
    from slack_sandbox.fake_slack import FakeSlack
    from slack_sandbox.signed_client import SignedSlackClient

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
# ../shared next to the repository; a git worktree under /work/wt/ finds it at /work/shared.
_SHARED = next(
    (p for p in (REPO.parent / "shared", Path("/work/shared")) if p.is_dir()), REPO.parent / "shared"
)
OFFICIAL_WSDL = _SHARED / "mplusqapi.wsdl"
SERVICE = "{urn:mplusqapi}MplusQapi"

# A secret that needs URL encoding, as in the tests: the benches exercise the same quoting.
IDENT = "orderbot-bench"
SECRET = "s3cr&t/ä+Q=="

# Slack side of the bot rig.
SIGNING_SECRET = "bench-signing-secret-0123456789"
BOT_TOKEN = "xoxb-bench-token"
CHANNEL = "C0ORDERS"

if str(REPO) not in sys.path:  # the editable install normally covers this; be safe when it doesn't
    sys.path.insert(0, str(REPO))


# --------------------------------------------------------------------------- environment


def official_wsdl() -> Path | None:
    return OFFICIAL_WSDL if OFFICIAL_WSDL.exists() else None


def skipped(what: str) -> None:
    print(f"skipped: {what} (official WSDL not found at {OFFICIAL_WSDL})")


def machine_line() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{time.strftime('%Y-%m-%d %H:%M:%S %Z')} · {os.cpu_count()} CPUs ({cpu}) · "
        f"Python {platform.python_version()}"
    )


def header(title: str, small: bool) -> None:
    print(f"# {title}{'  [--small]' if small else ''}")
    print(f"# {machine_line()}")


def quiet_logs() -> None:
    """Benches print tables; library chatter (waitress queue depth, Bolt ack warnings) would drown them."""
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    for name in ("waitress", "waitress.queue", "bot", "slack_bolt", "mplus_emulator", "zeep", "urllib3"):
        logging.getLogger(name).setLevel(logging.ERROR)


def leftover_threads(before: set[int]) -> None:
    """Print any thread this bench started and did not stop (daemon or not)."""
    time.sleep(0.2)
    alive = [t for t in threading.enumerate() if t.ident not in before and t.is_alive()]
    if alive:
        names = ", ".join(sorted(t.name for t in alive))
        print(f"note: {len(alive)} thread(s) still alive at exit: {names}")


def thread_ids() -> set[int]:
    return {t.ident for t in threading.enumerate() if t.ident is not None}


# --------------------------------------------------------------------------- numbers


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (p99 of 100 samples is the 99th smallest)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


def best_of(runs: int, fn: Callable[[], int], budget_s: float = 0.0) -> tuple[float, list[float], int]:
    """Run ``fn`` (which returns an item count) up to ``runs`` times; (best seconds, all seconds, count).

    With ``budget_s`` > 0, stop repeating once the runs so far took that long (at least one run): long
    runs vary little, and it keeps a bench within a few minutes. 0 means always ``runs`` runs.
    """
    times: list[float] = []
    count = 0
    for _ in range(max(1, runs)):
        started = time.perf_counter()
        count = fn()
        times.append(time.perf_counter() - started)
        if budget_s > 0 and sum(times) >= budget_s:
            break
    return min(times), times, count


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        return (
            "| "
            + " | ".join(
                c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
            + " |"
        )

    print(line(cells[0]))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in cells[1:]:
        print(line(row))


# --------------------------------------------------------------------------- Mplus side


def mplus_settings(url: str, cache: Path, **overrides: Any) -> MplusSettings:
    from bot.config import MplusSettings

    values: dict[str, Any] = {
        "url": url,
        "ident": IDENT,
        "secret": SECRET,
        "wsdl_cache": cache,
        "timeout_s": 60.0,
        "connect_timeout_s": 2.0,
        "retry_backoff_s": 0.05,
    }
    values.update(overrides)
    return MplusSettings(_env_file=None, **values)  # type: ignore[call-arg]


@contextlib.contextmanager
def emulator(seed: str = "empty", wsdl_path: Path | None = None) -> Iterator[EmulatorServer]:
    from mplus_emulator.server import EmulatorServer

    server = EmulatorServer(
        host="127.0.0.1", port=0, seed=seed, ident=IDENT, secret=SECRET, wsdl_path=wsdl_path
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def temp_dir(prefix: str = "orderbot-bench-") -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=prefix) as name:
        yield Path(name)


# --------------------------------------------------------------------------- bot over HTTP


@dataclass
class BotRig:
    runtime: Runtime
    fake: FakeSlack
    emulator: EmulatorServer
    slack: SignedSlackClient
    events_url: str


@contextlib.contextmanager
def bot_rig(
    emulator_server: EmulatorServer,
    users: dict[str, str],
    cache_dir: Path,
    mplus_overrides: dict[str, Any] | None = None,
    **bot_overrides: Any,
) -> Iterator[BotRig]:
    """FakeSlack + the real bot app (``build_runtime``) served by waitress on a free port.

    Mirrors tests/slack/conftest.py; every thread it starts is stopped on exit.
    """
    from bot.config import BotSettings, Settings
    from bot.server import build_runtime, make_http_server, stop_http_server
    from slack_sandbox.fake_slack import FakeSlack
    from slack_sandbox.signed_client import SignedSlackClient

    fake = FakeSlack(host="127.0.0.1", port=0, bot_token=BOT_TOKEN, team_id="T0001", users=users)
    fake.start()
    server: Any = None
    thread: threading.Thread | None = None
    runtime: Runtime | None = None
    try:
        values: dict[str, Any] = {
            "slack_bot_token": BOT_TOKEN,
            "slack_signing_secret": SIGNING_SECRET,
            "slack_api_url": fake.api_url,
            "host": "127.0.0.1",
            "port": 0,
            # The bot's store (audit log, confirmations, …) in the temp dir, never ./orderbot.sqlite3.
            "database_url": f"sqlite:///{cache_dir / 'bot.sqlite3'}",
        }
        values.update(bot_overrides)
        bot = BotSettings(_env_file=None, **values)  # type: ignore[call-arg]
        mplus_values: dict[str, Any] = {"timeout_s": 15.0, **(mplus_overrides or {})}
        mplus = mplus_settings(emulator_server.url, cache_dir / "wsdl-cache.sqlite", **mplus_values)
        runtime = build_runtime(Settings(bot, mplus))
        server = make_http_server(runtime, "127.0.0.1", 0)
        thread = threading.Thread(target=server.run, name="bench-bot-http", daemon=True)
        thread.start()
        events_url = f"http://127.0.0.1:{server.effective_port}/slack/events"
        # Acks can be far slower than Slack's 3 s under load; measure them rather than time out at 10 s.
        slack = SignedSlackClient(
            events_url=events_url, signing_secret=SIGNING_SECRET, fake=fake, team_id="T0001", timeout=120.0
        )
        yield BotRig(runtime, fake, emulator_server, slack, events_url)
    finally:
        if server is not None:
            stop_http_server(server)
        if thread is not None:
            thread.join(timeout=10)
        if runtime is not None:
            runtime.close()
        fake.stop()
