"""`orderbot run` as a real process that tests can kill -9 and start again on the same store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from bot.store.db import Database
from mplus_emulator.server import EmulatorServer
from slack_sandbox.fake_slack import FakeSlack
from slack_sandbox.signed_client import SignedSlackClient
from tests.conftest import EMULATOR_IDENT, EMULATOR_SECRET, free_port

REPO = Path(__file__).resolve().parents[1]
SIGNING_SECRET = "process-signing-secret-0123"


class BotProcess:
    """One bot process at a time on a fixed port and store; ``kill()`` is SIGKILL, no clean-up."""

    def __init__(
        self, workdir: Path, emulator: EmulatorServer, fake: FakeSlack, bot_token: str, **env: str
    ) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.database_url = f"sqlite:///{workdir / 'bot.sqlite3'}"
        self.log = workdir / "bot.log"
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MPLUS_", "ORDERBOT_"))}
        self.env = {
            **keep,
            "PYTHONPATH": str(REPO),
            "SLACK_BOT_TOKEN": bot_token,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.api_url,
            "MPLUS_URL": emulator.url,
            "MPLUS_IDENT": EMULATOR_IDENT,
            "MPLUS_SECRET": EMULATOR_SECRET,
            "MPLUS_WSDL_CACHE": str(workdir / "wsdl.sqlite"),
            "MPLUS_TIMEOUT_S": "4",
            "HOST": "127.0.0.1",
            "DATABASE_URL": self.database_url,
            **env,
        }
        self.slack = SignedSlackClient(
            f"http://127.0.0.1:{self.port}/slack/events", SIGNING_SECRET, fake=fake
        )
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self, timeout: float = 60.0) -> None:
        assert self.proc is None or self.proc.poll() is not None, "already running"
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "run", "--port", str(self.port)],
                cwd=self.workdir,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.starts += 1
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=5):
                    return
            except urllib.error.HTTPError:
                return  # answering (503 while Mplus is faulted is still up)
            except OSError as err:
                if self.proc.poll() is not None:
                    tail = self.log_text()[-2000:]
                    raise RuntimeError(f"bot exited with {self.proc.returncode}: {tail}") from err
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def kill(self) -> None:
        """kill -9: no shutdown code runs, exactly like a crash or an OOM kill."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def database(self) -> Database:
        return Database(self.database_url)

    def __enter__(self) -> BotProcess:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
