"""Order-form type-ahead end to end: signed ``block_suggestion`` → the bot → options JSON, over a big mirror.

    .venv/bin/python bench/typeahead_bench.py [--small] [--queries N] [--relations N] [--articles N]
                                              [--in-process]

Rig (default), shaped as in production: the emulator runs as ``python -m mplus_emulator`` and is
filled through its ``/_emulator/generate`` hook (100,000 relations + 50,000 articles; ``--small``:
10,000 and 5,000); ``orderbot mirror sync`` fills a SQLite mirror (timed, a side figure); ``orderbot
run`` serves the bot on that store in a process of its own, background work included. Only FakeSlack
and the signed client run in this process. ``--in-process`` is the first rig instead: emulator,
FakeSlack and the bot (``build_runtime`` + waitress) all in this one process, where the emulator's
millions of objects and threads compete with the bot for the GIL and the collector.

``/order new`` opens the order form in FakeSlack. N (1,000) mixed queries, taken from what the mirror
holds, are typed one at a time into the relation field (name words, e-mail, phone in another format,
postcode without the space, number) and a line's article field (description words, number, barcode),
each a signed ``block_suggestion`` through ``SignedSlackClient``; the time is send → options JSON
parsed (``perf_counter`` around the call). Printed: the machine's load average before and during the
queries (the machine is shared), p50/p90/p99/max per kind and overall, answers over Slack's 3 s, empty
answers (a relation answer always has at least "New customer", so empty means a failure there), the
garbage collector's work in the bot's process during the queries (from its ``/metrics``) and in this
one; then the same queries answered here by the handlers' lookup functions over the same mirror file
(no HTTP, signing or Bolt), to show the mirror's share. Goal (issue #9): p99 ≤ 150 ms end to end.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import re
import time
import types
from dataclasses import dataclass
from typing import Any

import _rig
from _typeahead_rig import USER, GcWatch, bot_gc, bot_gc_line, one_process, separate_processes


@dataclass(frozen=True)
class Sample:
    """What a person might type for one relation or article, read from the mirror."""

    number: int
    name: str = ""
    email: str | None = None
    phone: str | None = None
    zipcode: str | None = None
    barcodes: tuple[str, ...] = ()


def samples(database_url: str) -> tuple[list[Sample], list[Sample]]:
    """Every mirrored relation and article (the bench types what is really there)."""
    from sqlalchemy import select

    from bot.store.db import Database
    from bot.store.mirror_tables import MirrorArticleRow as Articles
    from bot.store.mirror_tables import MirrorRelationRow as Relations

    db = Database(database_url)
    try:
        with db.transaction() as session:
            relations = [
                Sample(r.relation_number, r.name, r.email, r.mobile or r.telephone, r.zipcode)
                for r in session.scalars(select(Relations).order_by(Relations.relation_number))
            ]
            articles = [
                Sample(a.article_number, a.description, barcodes=tuple(a.barcodes.split()))
                for a in session.scalars(select(Articles).order_by(Articles.article_number))
            ]
    finally:
        db.dispose()
    return relations, articles


def relation_queries(rng: random.Random, relations: list[Sample], count: int) -> list[tuple[str, str]]:
    from bot.mirror.normalise import phone_digits

    out: list[tuple[str, str]] = []
    while len(out) < count:
        r = rng.choice(relations)
        kind = rng.choice(("name", "name", "email", "phone", "postcode", "number"))
        if kind == "name":
            words = r.name.split()
            typed = " ".join(w[: rng.randint(2, len(w))] for w in words[: rng.randint(1, 2)])
        elif kind == "email":
            typed = (r.email or r.name)[: rng.randint(5, 14)]
        elif kind == "phone":
            digits = phone_digits(r.phone or "")
            typed = "+31 " + digits[1:] if digits.startswith("0") and rng.random() < 0.5 else digits
        elif kind == "postcode":
            typed = re.sub(r"\s", "", r.zipcode or "").lower()
        else:
            typed = str(r.number)
        if typed.strip():
            out.append((f"relation:{kind}", typed))
    return out


def article_queries(rng: random.Random, articles: list[Sample], count: int) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    while len(out) < count:
        a = rng.choice(articles)
        kind = rng.choice(("words", "words", "number", "barcode"))
        if kind == "words":
            words = a.name.split()
            typed = " ".join(w[: rng.randint(3, max(3, len(w)))] for w in words[:2])
        elif kind == "number":
            typed = str(a.number)
        else:
            typed = a.barcodes[0] if a.barcodes else str(a.number)
        out.append((f"article:{kind}", typed))
    return out


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min) / {five:.2f} (5 min)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--relations", type=int, default=None)
    parser.add_argument("--articles", type=int, default=None)
    parser.add_argument("--in-process", action="store_true",
                        help="emulator, FakeSlack and the bot in this one process (the first rig)")
    args = parser.parse_args()
    relations = args.relations or (10_000 if args.small else 100_000)
    articles = args.articles or (5_000 if args.small else 50_000)
    _rig.quiet_logs()
    _rig.header("Order-form type-ahead through the bot (signed block_suggestion → options)", args.small)
    shape = "one process (emulator, FakeSlack, bot)" if args.in_process else "emulator, bot: own processes"
    print(f"rig: {shape}; machine load {load()}")
    before = _rig.thread_ids()

    from bot.slack.ids import ActionId

    rig = one_process if args.in_process else separate_processes
    with _rig.temp_dir() as tmp, rig(relations, articles, tmp) as target:
        known_relations, known_articles = samples(target.database_url)
        print(f"mirror: {len(known_relations):,} relations, {len(known_articles):,} articles")
        target.slack.command("/order", "new", user=USER, channel=_rig.CHANNEL)
        deadline = time.monotonic() + 30
        view = None
        while time.monotonic() < deadline:
            view = target.fake.current_view(USER)
            if view and view.get("callback_id") == "order_form":
                break
            time.sleep(0.05)
        assert view and view.get("callback_id") == "order_form", "the order form did not open"

        rng = random.Random(20261202)
        half = args.queries // 2
        queries = relation_queries(rng, known_relations, half) + article_queries(
            rng, known_articles, args.queries - half
        )
        rng.shuffle(queries)
        del known_relations, known_articles
        gc.collect()
        action = {"relation": ActionId.FORM_RELATION.value, "article": ActionId.FORM_ARTICLE.value}
        timings: dict[str, list[float]] = {}
        empty: dict[str, int] = {}
        late = 0
        gc_before = bot_gc(target.metrics_url) if target.metrics_url else {}
        load_before = load()
        with GcWatch() as here:
            for kind, typed in queries:
                field = kind.split(":")[0]
                sent = time.perf_counter()
                options = target.slack.block_suggestion(view, action[field], typed, user=USER)
                elapsed = time.perf_counter() - sent
                timings.setdefault(kind, []).append(elapsed)
                timings.setdefault(f"{field} (all)", []).append(elapsed)
                timings.setdefault("all", []).append(elapsed)
                late += elapsed > 3.0
                if not options or target.slack.last_errors:
                    empty[kind] = empty.get(kind, 0) + 1
        print(f"machine load during the queries: {load_before} before, {load()} after")

        rows = []
        for kind in sorted(timings, key=lambda k: (k == "all", k.endswith("(all)"), k)):
            values = timings[kind]
            rows.append(
                (
                    kind,
                    len(values),
                    _rig.ms(_rig.percentile(values, 50)),
                    _rig.ms(_rig.percentile(values, 90)),
                    _rig.ms(_rig.percentile(values, 99)),
                    _rig.ms(max(values)),
                    empty.get(kind, 0),
                )
            )
        _rig.print_table(("queries", "n", "p50 ms", "p90 ms", "p99 ms", "max ms", "empty"), rows)
        print(f"answers over Slack's 3 s: {late}")
        if target.metrics_url:
            print(bot_gc_line(gc_before, bot_gc(target.metrics_url)))
            print(here.line("GC in this (client) process"))
        else:
            print(here.line("GC in this process (emulator, FakeSlack, bot and client)"))

        # The same queries answered here by the handlers' lookup functions (no HTTP, Bolt or signing)
        # over the same mirror: the mirror's share.
        from bot.store.db import Database
        from handlers.form_typeahead import article_options, find_relations

        db = Database(target.database_url)
        deps: Any = types.SimpleNamespace(db=db)  # the lookups read only the store
        inner: dict[str, list[float]] = {}
        for kind, typed in queries:
            field = kind.split(":")[0]
            sent = time.perf_counter()
            if field == "relation":
                find_relations(deps, typed, None)
            else:
                article_options(deps, typed)
            inner.setdefault(f"{field} (in-process)", []).append(time.perf_counter() - sent)
        db.dispose()
        _rig.print_table(
            ("lookup only", "n", "p50 ms", "p99 ms", "max ms"),
            [
                (
                    k,
                    len(v),
                    _rig.ms(_rig.percentile(v, 50)),
                    _rig.ms(_rig.percentile(v, 99)),
                    _rig.ms(max(v)),
                )
                for k, v in sorted(inner.items())
            ],
        )
    _rig.leftover_threads(before)


if __name__ == "__main__":
    main()
