"""The type-ahead bench's rigs: the bot as it runs in production (own processes), or all in one process.

Also the garbage collector's work, read from the bot's ``/metrics`` or watched in this process.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import _rig

USER = "U0TYPER"


@dataclass
class Target:
    """The bot under test, however it runs: where to send, where its mirror is, how it is doing."""

    slack: Any  # SignedSlackClient
    fake: Any  # FakeSlack
    database_url: str
    metrics_url: str | None  # the bot's own process's /metrics; None when it is this process


def bot_env(emulator_url: str, fake_url: str, tmp: Path, database_url: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MPLUS_", "ORDERBOT_"))}
    return {
        **keep,
        "PYTHONPATH": str(_rig.REPO),
        "SLACK_BOT_TOKEN": _rig.BOT_TOKEN,
        "SLACK_SIGNING_SECRET": _rig.SIGNING_SECRET,
        "SLACK_API_URL": fake_url,
        "MPLUS_URL": emulator_url,
        "MPLUS_IDENT": _rig.IDENT,
        "MPLUS_SECRET": _rig.SECRET,
        "MPLUS_WSDL_CACHE": str(tmp / "wsdl-cache.sqlite"),
        "MPLUS_TIMEOUT_S": "60",
        "HOST": "127.0.0.1",
        "DATABASE_URL": database_url,
        "ORDERBOT_ALLOW_CREATE": "*",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, child: subprocess.Popen[bytes], what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return  # answering
        except OSError:
            if child.poll() is not None:
                raise RuntimeError(f"{what} exited with {child.returncode}") from None
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextlib.contextmanager
def child(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as out:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=log.parent)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextlib.contextmanager
def separate_processes(relations: int, articles: int, tmp: Path) -> Iterator[Target]:
    """As in production: the emulator (Mplus) and the bot each in a process of their own.

    The emulator is ``python -m mplus_emulator``, filled through its ``/_emulator/generate`` hook; the
    mirror's first sync is ``orderbot mirror sync`` (a process of its own too); the bot is ``orderbot
    run`` on that store, with its background work (notifier, mirror passes every 30 s) running. Only
    FakeSlack and the signed client are in this process.
    """
    from slack_sandbox.fake_slack import FakeSlack
    from slack_sandbox.signed_client import SignedSlackClient

    python = sys.executable
    port = free_port()
    emulator_url = f"http://127.0.0.1:{port}/"
    emulator_args = [python, "-m", "mplus_emulator", "--seed", "empty", "--port", str(port),
                     "--ident", _rig.IDENT, "--secret", _rig.SECRET]
    env = {**os.environ, "PYTHONPATH": str(_rig.REPO)}
    with child(emulator_args, env, tmp / "emulator.log") as emulator:
        wait_http(f"{emulator_url}?wsdl", emulator, "the emulator")
        started = time.perf_counter()
        query = urllib.parse.urlencode({"ident": _rig.IDENT, "secret": _rig.SECRET})
        request = urllib.request.Request(
            f"{emulator_url}_emulator/generate?{query}",
            data=json.dumps({"relations": relations, "articles": articles}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=600) as answer:
            answer.read()
        print(f"emulator (own process): {relations:,} relations + {articles:,} articles generated in "
              f"{time.perf_counter() - started:.1f} s")
        fake = FakeSlack(host="127.0.0.1", port=0, bot_token=_rig.BOT_TOKEN, team_id="T0001",
                         users={USER: "typer"})
        fake.start()
        try:
            database_url = f"sqlite:///{tmp / 'bot.sqlite3'}"
            env = bot_env(emulator_url, fake.api_url, tmp, database_url)
            started = time.perf_counter()
            synced = subprocess.run([python, "-m", "bot.cli", "mirror", "sync"], env=env, cwd=tmp,
                                    capture_output=True, text=True, check=False)
            assert synced.returncode == 0, synced.stdout[-2000:] + synced.stderr[-2000:]
            print(f"mirror first sync (`orderbot mirror sync`, own process, SQLite): "
                  f"{time.perf_counter() - started:.1f} s")
            bot_port = free_port()
            bot_args = [python, "-m", "bot.cli", "run", "--port", str(bot_port)]
            with child(bot_args, env, tmp / "bot.log") as bot:
                base = f"http://127.0.0.1:{bot_port}"
                wait_http(f"{base}/healthz", bot, "the bot")
                slack = SignedSlackClient(
                    events_url=f"{base}/slack/events", signing_secret=_rig.SIGNING_SECRET, fake=fake,
                    team_id="T0001", timeout=120.0,
                )
                yield Target(slack, fake, database_url, f"{base}/metrics")
        finally:
            fake.stop()


@contextlib.contextmanager
def one_process(relations: int, articles: int, tmp: Path) -> Iterator[Target]:
    """The rig this bench used first: emulator, FakeSlack and the bot all in this process."""
    from bot.mirror.sync import MirrorConfig, MirrorSync

    with _rig.emulator("empty") as emu:
        started = time.perf_counter()
        emu.generate(0, relations=relations, articles=articles)
        print(f"emulator (in process): {relations:,} relations + {articles:,} articles generated in "
              f"{time.perf_counter() - started:.1f} s")
        with _rig.bot_rig(emu, {USER: "typer"}, tmp, allow_create="*") as rig:
            started = time.perf_counter()
            report = MirrorSync(MirrorConfig(), rig.runtime.mplus, rig.runtime.deps.db).run_until_level()
            assert report.error is None, report.error
            print(f"mirror first sync (in process, SQLite): {time.perf_counter() - started:.1f} s, "
                  f"{report.calls} SOAP calls")
            yield Target(rig.slack, rig.fake, str(rig.runtime.settings.bot.database_url), None)


class GcWatch:
    """This process's cyclic-GC pauses (gc.callbacks), to tell the client's share from the bot's."""

    def __init__(self) -> None:
        self.pauses: list[tuple[int, float]] = []
        self._started = 0.0

    def __enter__(self) -> GcWatch:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append((int(info["generation"]), time.perf_counter() - self._started))

    def line(self, who: str) -> str:
        full = [s for g, s in self.pauses if g == 2]
        return (f"{who}: {len(self.pauses)} collections ({len(full)} full), "
                f"{sum(s for _, s in self.pauses) * 1000:.0f} ms in all, "
                f"longest full {max(full, default=0) * 1000:.0f} ms")


def bot_gc(metrics_url: str) -> dict[str, float]:
    with urllib.request.urlopen(metrics_url, timeout=30) as answer:
        text = answer.read().decode()
    pattern = r'^orderbot_gc_(pauses_total|pause_seconds_total|pause_max_seconds)\{generation="(\d)"\} (\S+)$'
    found = re.findall(pattern, text, re.MULTILINE)
    return {f"{name}:{gen}": float(value) for name, gen, value in found}


def bot_gc_line(before: dict[str, float], after: dict[str, float]) -> str:
    def grew(name: str, generations: str = "012") -> float:
        return sum(after.get(f"{name}:{g}", 0) - before.get(f"{name}:{g}", 0) for g in generations)

    return (
        f"GC in the bot's process during the queries: {grew('pauses_total'):.0f} collections "
        f"({grew('pauses_total', '2'):.0f} full), {grew('pause_seconds_total') * 1000:.0f} ms in all; "
        f"longest full one since start {after.get('pause_max_seconds:2', 0) * 1000:.0f} ms "
        "(the start-up collection too)"
    )
