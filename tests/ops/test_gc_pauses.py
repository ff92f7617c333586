"""The garbage collector in a serving process: start-up objects frozen, collections counted in /metrics."""

from __future__ import annotations

import gc
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.ops.gc_pauses import watch_pauses
from bot.ops.metrics import exposition
from mplus_emulator.server import EmulatorServer
from slack_sandbox.fake_slack import FakeSlack
from tests.bot_process import BotProcess
from tests.slack.conftest import BOT_TOKEN


def gc_metric(text: str, name: str, generation: int) -> float:
    found = re.search(rf'^{name}\{{generation="{generation}"\}} (\S+)$', text, re.MULTILINE)
    assert found, f"{name} for generation {generation} not in /metrics"
    return float(found[1])


def test_each_collection_is_counted_with_its_pause() -> None:
    pauses = watch_pauses()
    assert watch_pauses() is pauses, "installed once per process"
    before = gc_metric(exposition()[0].decode(), "orderbot_gc_pauses_total", 2)
    seconds = pauses.seconds[2]
    gc.collect()
    after = exposition()[0].decode()
    assert gc_metric(after, "orderbot_gc_pauses_total", 2) == before + 1
    assert gc_metric(after, "orderbot_gc_pause_seconds_total", 2) > seconds
    assert gc_metric(after, "orderbot_gc_pause_max_seconds", 2) > 0


@pytest.fixture
def bot(emulator: EmulatorServer, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[BotProcess]:
    with BotProcess(tmp_path, emulator, fake_slack, BOT_TOKEN) as process:
        process.start()
        yield process


def test_a_serving_bot_freezes_its_start_up_objects_and_reports_collections(bot: BotProcess) -> None:
    frozen = re.search(r"(\d+) start-up objects frozen out of the garbage collector", bot.log_text())
    assert frozen and int(frozen[1]) > 10_000, bot.log_text()[-2000:]
    with urllib.request.urlopen(f"http://127.0.0.1:{bot.port}/metrics", timeout=10) as answer:
        text = answer.read().decode()
    assert gc_metric(text, "orderbot_gc_pauses_total", 2) >= 1  # the collection before the freeze
