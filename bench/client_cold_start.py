"""Client cold start, with and without the cached WSDL, for the emulator's WSDL and the official one.

    .venv/bin/python bench/client_cold_start.py [--small] [--runs N]

Every measurement runs in a fresh ``python`` subprocess (this script in ``--child`` mode), so zeep's and
``load_document``'s per-process caches cannot leak between runs. The child times, with perf_counter:

- import: ``import bot.config, bot.mplus.client`` (zeep, lxml, requests, pydantic, …);
- first call: ``MplusClient(MplusSettings())`` + the first successful ``get_api_version()`` — which loads
  the WSDL (over HTTP from the emulator, or from MPLUS_WSDL_CACHE when warm), parses it and calls;
- total: both together, i.e. "from import to first successful call".

The parent also reports the subprocess's whole wall time (interpreter start-up included).

cold = MPLUS_WSDL_CACHE points into a fresh empty directory for every run;
warm = one cache file, filled by an unmeasured run first, then reused by every measured run.
The official WSDL is served by an EmulatorServer(wsdl_path=official) and loaded from ``url?wsdl``
(MPLUS_WSDL), so it goes through zeep's HTTP cache exactly like the emulator's own WSDL.
Median of N runs (default 5).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()


def child() -> int:
    """One cold start: settings from the MPLUS_* environment the parent set."""
    t_import = time.perf_counter()
    from bot.config import MplusSettings
    from bot.mplus.client import MplusClient

    t_imported = time.perf_counter()
    client = MplusClient(MplusSettings(_env_file=None))  # type: ignore[call-arg]
    version = client.get_api_version()
    t_done = time.perf_counter()
    print(
        json.dumps(
            {
                "import_s": t_imported - t_import,
                "first_call_s": t_done - t_imported,
                "total_s": t_done - t_import,
                "version": str(version),
            }
        )
    )
    return 0


def run_child(env: dict[str, str]) -> dict[str, Any]:
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(HERE), "--child"],
        env=env,
        cwd=env["BENCH_CHILD_CWD"],  # an empty dir: no stray .env file can change the settings
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"child failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process_s"] = wall
    return result


def child_env(url: str, cache: Path, cwd: Path) -> dict[str, str]:
    import _rig

    env = {k: v for k, v in os.environ.items() if not k.startswith("MPLUS_")}
    env.update(
        MPLUS_URL=url,
        MPLUS_IDENT=_rig.IDENT,
        MPLUS_SECRET=_rig.SECRET,
        MPLUS_WSDL=f"{url}?wsdl",
        MPLUS_WSDL_CACHE=str(cache),
        BENCH_CHILD_CWD=str(cwd),
        PYTHONPATH=os.pathsep.join(p for p in (str(_rig.REPO), env.get("PYTHONPATH", "")) if p),
        PYTHONDONTWRITEBYTECODE="1",  # read the existing .pyc files, never write new ones
    )
    return env


def measure(label: str, wsdl: Path | None, runs: int, tmp: Path) -> list[list[object]]:
    import _rig

    from mplus_emulator.server import SUBSET_WSDL

    rows: list[list[object]] = []
    size = (wsdl or SUBSET_WSDL).stat().st_size  # what the emulator serves at ?wsdl
    name = f"{label} ({size / 1024:,.0f} KiB)"
    with _rig.emulator(seed="empty", wsdl_path=wsdl) as server:
        cwd = tmp / "cwd"
        cwd.mkdir(exist_ok=True)
        # warm: one cache, filled once by an unmeasured run, then reused
        warm_cache = tmp / f"{label}-warm" / "wsdl.sqlite"
        run_child(child_env(server.url, warm_cache, cwd))
        cold: list[dict[str, Any]] = []
        warm: list[dict[str, Any]] = []
        for i in range(runs):  # interleaved, so OS file-cache effects and drift hit both alike
            # cold: a new, empty cache directory every run
            cold.append(run_child(child_env(server.url, tmp / f"{label}-cold-{i}" / "wsdl.sqlite", cwd)))
            warm.append(run_child(child_env(server.url, warm_cache, cwd)))
        for state, results in (("cold (empty cache)", cold), ("warm (cached WSDL)", warm)):
            rows.append(
                [
                    name,
                    state,
                    _rig.ms(_rig.median([r["import_s"] for r in results])),
                    _rig.ms(_rig.median([r["first_call_s"] for r in results])),
                    _rig.ms(_rig.median([r["total_s"] for r in results])),
                    _rig.ms(_rig.median([r["process_s"] for r in results])),
                ]
            )
        saved = _rig.median([r["first_call_s"] for r in cold]) - _rig.median(
            [r["first_call_s"] for r in warm]
        )
        rows.append([name, "cache saves (first call)", "", _rig.ms(saved), "", ""])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--small", action="store_true", help="median of 2 runs: a quick smoke run")
    parser.add_argument("--runs", type=int, default=None, help="median of N runs (default 5, 2 with --small)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child()

    import _rig

    runs = args.runs or (2 if args.small else 5)
    _rig.quiet_logs()
    _rig.header("client_cold_start: import → first get_api_version(), fresh process each", args.small)
    print(f"# median of {runs} runs per row; times in ms")
    before = _rig.thread_ids()
    started = time.perf_counter()
    rows: list[list[object]] = []
    with _rig.temp_dir() as tmp:
        rows += measure("emulator WSDL", None, runs, tmp)
        official = _rig.official_wsdl()
        if official is None:
            _rig.skipped("official-WSDL rows")
        else:
            rows += measure("official WSDL", official, runs, tmp)
    print()
    _rig.print_table(["WSDL", "cache", "import ms", "first call ms", "total ms", "process ms"], rows)
    print()
    print("total = import + first call (client construction, WSDL load/parse, getApiVersion round trip);")
    print("process = the whole subprocess as seen by the parent, interpreter start-up and exit included")
    print(f"total bench wall time: {time.perf_counter() - started:.1f} s")
    _rig.leftover_threads(before)
    return 0


if __name__ == "__main__":
    sys.exit(main())
