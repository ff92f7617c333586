"""`orderbot mirror status | forget | rebuild`, /healthz's mirror part, and the 0600 store file."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import urllib.request
from pathlib import Path

from bot.mirror import queries
from bot.mirror.health import health
from bot.mirror.models import OrderFilters
from bot.store.db import Database
from mplus_emulator.server import EmulatorServer
from tests.mirror.conftest import mirror_sync
from tests.mirror.test_durability import cli_env
from tests.slack.conftest import BotRig

ORDERBOT = [sys.executable, "-m", "bot.cli", "mirror"]


def run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([*ORDERBOT, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_forget_removes_a_person_and_their_orders_and_rebuild_starts_over(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    db = Database(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    db.create_schema()
    assert stat.S_IMODE((tmp_path / "store.sqlite3").stat().st_mode) == 0o600
    mirror_sync(emulator, db, tmp_path).run_until_level()
    env = cli_env(emulator, db, tmp_path)
    person = next(o.relation_number for o in queries.search_orders(db, "a", 200) if o.relation_number)
    name = queries.get_relation(db, person).name  # type: ignore[union-attr]
    assert queries.list_orders(db, OrderFilters(relation=person)).orders

    done = run(["forget", str(person)], env, tmp_path)
    assert done.returncode == 0 and f"relation {person} removed" in done.stdout
    assert queries.get_relation(db, person) is None
    assert queries.list_orders(db, OrderFilters(relation=person)).orders == []
    assert person not in [r.relation_number for r in queries.search_relations(db, name)]
    assert "nothing stored" in run(["forget", str(person)], env, tmp_path).stdout

    status = json.loads(run(["status"], env, tmp_path).stdout)
    assert status["first_sync"] == "done" and status["behind"] == 0

    assert run(["rebuild"], env, tmp_path).returncode == 0
    assert queries.counts(db) == {"orders": 0, "relations": 0, "articles": 0}
    assert health(db)["first_sync"] == "not started"
    assert run(["sync"], env, tmp_path).returncode == 0
    assert queries.counts(db)["relations"] > 0 and health(db)["first_sync"] == "done"
    db.dispose()


def test_healthz_shows_the_mirror(rig: BotRig, tmp_path: Path) -> None:
    mirror_sync(rig.emulator, rig.runtime.deps.db, tmp_path).run_until_level()
    with urllib.request.urlopen(f"{rig.base_url}/healthz", timeout=10) as response:
        body = json.loads(response.read())
    top = rig.runtime.mplus.get_current_sync_markers().order_sync_marker
    assert body["mirror"]["orders_marker"] == top + 1
    assert body["mirror"]["behind"] == 0
