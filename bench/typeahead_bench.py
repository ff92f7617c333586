"""Order-form type-ahead end to end: signed ``block_suggestion`` → the bot → options JSON, over a big mirror.

    .venv/bin/python bench/typeahead_bench.py [--small] [--queries N] [--relations N] [--articles N]

Rig: an empty emulator gets ``generate(relations=100000, articles=50000)`` (``--small``: 10,000 and
5,000); the real bot app (``build_runtime`` + waitress, as tests/slack/conftest.py) fills its mirror
with ``MirrorSync.run_until_level()`` on SQLite (timed, printed as a side figure), then ``/order new``
opens the order form in FakeSlack. N (1,000) mixed queries are typed, one at a time, into the relation
field (name words, e-mail, phone in another format, postcode without the space, number) and a line's
article field (description words, number, barcode), each a signed ``block_suggestion`` through
``SignedSlackClient``; the time is send → options JSON parsed (``perf_counter`` around the call).
Printed: p50/p90/p99/max per kind and overall, answers over Slack's 3 s, and empty answers (a
relation answer always has at least "New customer", so empty means a failure there); then the same
queries answered in-process by the handlers' lookup functions (no HTTP, signing or Bolt), to show
the mirror's share. Goal (issue #9): p99 ≤ 150 ms end to end.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from typing import Any

import _rig

USER = "U0TYPER"


def relation_queries(rng: random.Random, relations: list[Any], count: int) -> list[tuple[str, str]]:
    from bot.mirror.normalise import phone_digits

    out: list[tuple[str, str]] = []
    while len(out) < count:
        r = rng.choice(relations)
        texts = r.texts
        kind = rng.choice(("name", "name", "email", "phone", "postcode", "number"))
        if kind == "name":
            words = texts["name"].split()
            typed = " ".join(w[: rng.randint(2, len(w))] for w in words[: rng.randint(1, 2)])
        elif kind == "email":
            typed = texts.get("email", texts["name"])[: rng.randint(5, 14)]
        elif kind == "phone":
            phone = texts.get("mobile") or texts.get("telephone") or ""
            digits = phone_digits(phone)
            typed = "+31 " + digits[1:] if digits.startswith("0") and rng.random() < 0.5 else digits
        elif kind == "postcode":
            typed = re.sub(r"\s", "", texts.get("zipcode", "")).lower()
        else:
            typed = str(r.relation_number)
        if typed.strip():
            out.append((f"relation:{kind}", typed))
    return out


def article_queries(rng: random.Random, articles: list[Any], count: int) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    while len(out) < count:
        a = rng.choice(articles)
        kind = rng.choice(("words", "words", "number", "barcode"))
        if kind == "words":
            words = a.text.split()
            typed = " ".join(w[: rng.randint(3, max(3, len(w)))] for w in words[:2])
        elif kind == "number":
            typed = str(a.number)
        else:
            typed = a.barcodes[0] if a.barcodes else str(a.number)
        out.append((f"article:{kind}", typed))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--relations", type=int, default=None)
    parser.add_argument("--articles", type=int, default=None)
    args = parser.parse_args()
    relations = args.relations or (10_000 if args.small else 100_000)
    articles = args.articles or (5_000 if args.small else 50_000)
    _rig.quiet_logs()
    _rig.header("Order-form type-ahead through the bot (signed block_suggestion → options)", args.small)
    before = _rig.thread_ids()

    from bot.mirror.queries import counts
    from bot.mirror.sync import MirrorConfig, MirrorSync
    from bot.slack.ids import ActionId

    with _rig.emulator("empty") as emu, _rig.temp_dir() as tmp:
        started = time.perf_counter()
        emu.generate(0, relations=relations, articles=articles)
        print(
            f"emulator: {relations:,} relations + {articles:,} articles generated in "
            f"{time.perf_counter() - started:.1f} s"
        )
        with _rig.bot_rig(emu, {USER: "typer"}, tmp, allow_create="*") as rig:
            started = time.perf_counter()
            report = MirrorSync(MirrorConfig(), rig.runtime.mplus, rig.runtime.deps.db).run_until_level()
            assert report.error is None, report.error
            filled = counts(rig.runtime.deps.db)
            print(
                f"mirror first sync (SQLite): {time.perf_counter() - started:.1f} s, {report.calls} SOAP "
                f"calls, {filled['relations']:,} relations, {filled['articles']:,} articles"
            )
            rig.slack.command("/order", "new", user=USER, channel=_rig.CHANNEL)
            deadline = time.monotonic() + 30
            view = None
            while time.monotonic() < deadline:
                view = rig.fake.current_view(USER)
                if view and view.get("callback_id") == "order_form":
                    break
                time.sleep(0.05)
            assert view and view.get("callback_id") == "order_form", "the order form did not open"

            state = emu.emulator.store.state
            rng = random.Random(20261202)
            half = args.queries // 2
            queries = relation_queries(rng, list(state.relations.values()), half) + article_queries(
                rng, [a for a in state.catalogue.articles if a.active], args.queries - half
            )
            rng.shuffle(queries)
            action = {"relation": ActionId.FORM_RELATION.value, "article": ActionId.FORM_ARTICLE.value}
            timings: dict[str, list[float]] = {}
            empty: dict[str, int] = {}
            late = 0
            for kind, typed in queries:
                field = kind.split(":")[0]
                sent = time.perf_counter()
                options = rig.slack.block_suggestion(view, action[field], typed, user=USER)
                elapsed = time.perf_counter() - sent
                timings.setdefault(kind, []).append(elapsed)
                timings.setdefault(f"{field} (all)", []).append(elapsed)
                timings.setdefault("all", []).append(elapsed)
                late += elapsed > 3.0
                if not options or rig.slack.last_errors:
                    empty[kind] = empty.get(kind, 0) + 1

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

            # The same queries answered in-process (no HTTP, Bolt or signing): the mirror's share.
            from handlers.form_commands import forms_for
            from handlers.form_typeahead import article_options, find_relations

            deps = rig.runtime.deps
            directory = forms_for(deps).relations
            inner: dict[str, list[float]] = {}
            for kind, typed in queries:
                field = kind.split(":")[0]
                sent = time.perf_counter()
                if field == "relation":
                    find_relations(deps, typed, directory)
                else:
                    article_options(deps, typed)
                inner.setdefault(f"{field} (in-process)", []).append(time.perf_counter() - sent)
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
