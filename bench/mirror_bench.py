"""The mirror: first sync of a big shop, a pass with nothing new, and search latency.

    .venv/bin/python bench/mirror_bench.py [--small] [--postgres URL] [--queries N] [--keep PATH]
    .venv/bin/python bench/mirror_bench.py --search-only PATH [--queries N]

The emulator runs as its own process (``orderbot emulator --seed empty``) and gets bulk data through
its ``/_emulator/generate`` hook: 100,000 relations, 50,000 articles and 200,000 orders (1 line
each, financial dates spread over 240 days, states mixed) — ``--small`` divides by 20. Then, per
database (a fresh SQLite file; PostgreSQL when ``--postgres`` or ``ORDERBOT_TEST_POSTGRES_URL``
names one — its mirror tables are emptied first):

- ``orderbot mirror sync`` as a child process: wall time, the child's peak RSS (``wait4``), the
  database's size afterwards, and what was written;
- the same command again with nothing changed: its SOAP call count (goal ≤ 3);
- N mixed searches through ``bot.mirror.queries`` in this process (names and name prefixes with and
  without accents, phones in other formats, postcodes with/without space, e-mail parts, order
  references via ``search_orders``, articles): p50 / p99 / max per kind and overall (goal p99 ≤ 50 ms
  on SQLite).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import _rig

REPO = Path(__file__).resolve().parents[1]
FULL = {"relations": 100_000, "articles": 50_000, "orders": 200_000}


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_emulator(port: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "bot.cli",
        "emulator",
        "--port",
        str(port),
        "--seed",
        "empty",
        "--ident",
        _rig.IDENT,
        "--secret",
        _rig.SECRET,
    ]
    proc = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/?wsdl", timeout=2).read()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the emulator did not start")


def hook(port: int, name: str, body: dict[str, Any]) -> dict[str, Any]:
    query = urllib.parse.urlencode({"ident": _rig.IDENT, "secret": _rig.SECRET})
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/_emulator/{name}?{query}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=3600) as response:
        return json.loads(response.read())


def mirror_env(port: int, db_url: str, cache: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "MPLUS_", "ORDERBOT_", "DATABASE_"))
    }
    env.update(
        PYTHONPATH=str(REPO),
        DATABASE_URL=db_url,
        MPLUS_URL=f"http://127.0.0.1:{port}/",
        MPLUS_IDENT=_rig.IDENT,
        MPLUS_SECRET=_rig.SECRET,
        MPLUS_WSDL_CACHE=str(cache),
        MPLUS_TIMEOUT_S="300",
    )
    return env


def run_sync(env: dict[str, str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS of the child (KiB), its summary line."""
    import tempfile

    started = time.perf_counter()
    with tempfile.TemporaryFile() as log:  # the sync logs its progress; kept only to show a failure
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "mirror", "sync"],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=log,
        )
        assert proc.stdout is not None
        out = proc.stdout.read().decode()
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            log.seek(0)
            raise SystemExit(f"mirror sync failed: {out}\n{log.read().decode()[-3000:]}")
    return wall, usage.ru_maxrss, out.strip().splitlines()[-1]


def db_size(db: Any, sqlite_path: Path | None) -> int:
    if sqlite_path is not None:
        return sum(p.stat().st_size for p in sqlite_path.parent.glob(sqlite_path.name + "*") if p.is_file())
    from sqlalchemy import text

    with db.engine.connect() as connection:
        return int(
            connection.execute(
                text(
                    "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                    "WHERE c.relkind = 'r' AND c.relname LIKE 'mirror_%'"
                )
            ).scalar()
            or 0
        )


def phone_variants(phone: str) -> list[str]:
    from bot.mirror.normalise import phone_digits

    digits = phone_digits(phone)
    if not digits.startswith("0") or digits.startswith("00") or len(digits) < 9:
        return [phone]
    rest = digits[1:]
    return [digits, f"+31 {rest[:1]} {rest[1:5]} {rest[5:]}", f"0031{rest}", f"0{rest[:2]}-{rest[2:]}"]


def build_queries(db: Any, count: int, rng: random.Random) -> list[tuple[str, str]]:
    """(kind, text) pairs sampled from what the mirror holds, typed the way people type them."""
    from sqlalchemy import func, select

    from bot.store.mirror_tables import MirrorArticleRow, MirrorOrderRow, MirrorRelationRow

    with db.transaction() as session:
        relations = list(session.scalars(select(MirrorRelationRow).order_by(func.random()).limit(400)))
        articles = list(session.scalars(select(MirrorArticleRow).order_by(func.random()).limit(200)))
        references = [
            r
            for r in session.scalars(
                select(MirrorOrderRow.reference).where(MirrorOrderRow.reference != "").limit(200)
            )
        ]
    made: list[tuple[str, str]] = []
    while len(made) < count:
        relation = rng.choice(relations)
        words = relation.name.split()
        pick = rng.randrange(8)
        if pick == 0:
            made.append(("name", relation.name.lower()))
        elif pick == 7:
            made.append(("orders by name (find)", " ".join(w[: max(3, len(w) - 1)] for w in words[:2])))
        elif pick == 1:
            made.append(("name prefix", " ".join(w[: max(2, len(w) // 2)] for w in words[:2])))
        elif pick == 2 and (relation.telephone or relation.mobile):
            made.append(("phone", rng.choice(phone_variants(relation.telephone or relation.mobile or ""))))
        elif pick == 3 and relation.zipcode:
            zipcode = relation.zipcode.replace(" ", "")
            made.append(("postcode", rng.choice([zipcode.lower(), f"{zipcode[:4]} {zipcode[4:]}"])))
        elif pick == 4 and relation.email:
            made.append(("e-mail", relation.email.split("@")[0][:8]))
        elif pick == 5 and references:
            made.append(("reference", rng.choice(references).split()[0]))
        else:
            article = rng.choice(articles)
            made.append(
                ("article", rng.choice([article.description.split()[0][:6], str(article.article_number)]))
            )
    return made


def search_bench(db: Any, count: int) -> list[list[object]]:
    from bot.mirror import queries

    rng = random.Random(42)
    timings: dict[str, list[float]] = {}
    for kind, text in build_queries(db, count, rng):
        search = (
            queries.search_articles
            if kind == "article"
            else (
                queries.search_orders
                if kind in ("reference", "orders by name (find)")
                else queries.search_relations
            )
        )
        started = time.perf_counter()
        search(db, text, 20)
        timings.setdefault(kind, []).append(time.perf_counter() - started)
    rows: list[list[object]] = []
    everything = [t for values in timings.values() for t in values]
    for kind, values in [*sorted(timings.items()), ("all", everything)]:
        rows.append(
            [
                kind,
                len(values),
                _rig.ms(_rig.percentile(values, 50)),
                _rig.ms(_rig.percentile(values, 99)),
                _rig.ms(max(values)),
            ]
        )
    return rows


def one_database(
    label: str, url: str, sqlite_path: Path | None, port: int, cache: Path, queries_n: int
) -> None:
    from bot.mirror.health import health
    from bot.mirror.queries import counts
    from bot.mirror.store import MirrorStore
    from bot.store.db import Database

    db = Database(url)
    db.create_schema()
    MirrorStore(db).wipe()
    env = mirror_env(port, url, cache)
    print(f"\n## {label}")
    wall, rss_kib, summary = run_sync(env)
    size = db_size(db, sqlite_path)
    rss, mib = rss_kib / 1024, size / 2**20
    print(f"first sync: {wall:,.1f} s wall · peak RSS {rss:,.0f} MiB · database {mib:,.0f} MiB")
    print(f"  {summary}")
    print(f"  mirrored: {counts(db)} · state {health(db)['first_sync']}, behind {health(db)['behind']}")
    wall2, _rss2, summary2 = run_sync(env)
    print(f"pass with nothing new: {wall2:,.2f} s wall (process start included) · {summary2}")
    print(f"search, {queries_n} mixed queries (ms):")
    _rig.print_table(["kind", "n", "p50", "p99", "max"], search_bench(db, queries_n))
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="1/20 of the sizes")
    parser.add_argument("--postgres", default=os.environ.get("ORDERBOT_TEST_POSTGRES_URL"))
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="put the SQLite mirror here and keep it afterwards")
    parser.add_argument("--search-only", type=Path, help="only the search part, over this kept SQLite mirror")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one database only")
    args = parser.parse_args()
    if args.search_only:
        from bot.store.db import Database

        db = Database(f"sqlite:///{args.search_only}")
        print(f"search over {args.search_only}, {args.queries} mixed queries (ms):")
        _rig.print_table(["kind", "n", "p50", "p99", "max"], search_bench(db, args.queries))
        db.dispose()
        return
    _rig.header("Mirror: first sync, idle pass, search", args.small)
    _rig.quiet_logs()
    sizes = {k: v // 20 for k, v in FULL.items()} if args.small else FULL
    port = free_port()
    emulator = start_emulator(port)
    try:
        started = time.perf_counter()
        made = hook(port, "generate", {**sizes, "lines": 1, "days": 240, "mixed": True})
        print(f"emulator: {made} in {time.perf_counter() - started:,.0f} s")
        with _rig.temp_dir() as tmp:
            cache = tmp / "wsdl.sqlite"
            path = args.keep or tmp / "mirror.sqlite3"
            if args.only != "postgresql":
                one_database("SQLite", f"sqlite:///{path}", path, port, cache, args.queries)
            if args.only == "sqlite":
                pass
            elif args.postgres:
                one_database("PostgreSQL", args.postgres, None, port, cache, args.queries)
            else:
                _rig.skipped("PostgreSQL: no --postgres URL and no ORDERBOT_TEST_POSTGRES_URL")
    finally:
        emulator.terminate()
        emulator.wait(timeout=30)


if __name__ == "__main__":
    main()
