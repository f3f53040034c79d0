"""Every bench, one table: path | raw | ours | ratio | goal | met, the raw measured in the same run.

Runs each bench script as its own process with the size's arguments, collects the ``BENCH``
lines they print (bench/benchrow.py) and prints one table. ``--size small`` takes a few minutes
and runs in CI as a smoke test (figures printed, nothing about timing asserted); ``--size full``
is the issue's scale (a million receptions: build the databases once in ``--work``, then it reuses
them; a first full run takes about an hour on the 2-core machine, most of it making databases).

    QT_QPA_PLATFORM=offscreen python bench/run_all.py [--size small|full] [--only start,board,…] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

def sizes(work: Path) -> dict[str, dict[str, list[str]]]:
    """Each bench's arguments at each size. The full size shares its databases through ``work``:
    bench_start builds the 10k and 1M demo databases first, and the check and statistics benches
    read copies of them; a 90-station county (``bench_exchange.py --stations 90 --work
    WORK/county90``, ~30 min to make) is started as well when it is there."""
    start = work / "start"
    county = work / "county90" / "county.db"
    big = start / "start-1000000.db"
    return {
        "small": {
            "start": ["--sizes", "10000", "--runs", "2"],
            "board": ["--deputies", "60", "--runs", "2"],
            "exchange": ["--receptions", "5000", "--runs", "1"],
            "receptions": ["--rows", "20000", "--load-rows", "0", "--runs", "3", "--only",
                           "first-page,search,save,keyset"],
            "duty": ["--receptions", "1000", "--demo-receptions", "1000", "--runs", "3"],
            "stats": ["--size", "small", "--stations", "1,5", "--runs", "3"],
            "check": ["--size", "small", "--runs", "1"],
        },
        "full": {
            "start": ["--sizes", "10000,1000000", "--runs", "15", "--work", str(start)]
                     + (["--county", str(county)] if county.exists() else []),
            "board": ["--deputies", "60", "--runs", "5"],
            "exchange": ["--receptions", "100000", "--runs", "3", "--work", str(work / "exchange100k")],
            "receptions": ["--rows", "1000000", "--runs", "7"],
            "duty": ["--receptions", "10000", "--demo-receptions", "100000", "--runs", "9",
                     "--work", str(work / "duty")],
            "stats": ["--size", "full", "--db", str(big), "--stations", "1,90", "--runs", "3"],
            "check": ["--size", "full", "--runs", "1", "--source", f"10000={start / 'start-10000.db'}",
                      "--source", f"1000000={big}"],
        },
    }


SCRIPTS = {"start": "bench_start.py", "board": "bench_board.py", "exchange": "bench_exchange.py",
           "receptions": "bench_receptions.py", "duty": "bench_duty.py", "stats": "bench_stats.py",
           "check": "bench_check.py"}


def run(name: str, args: list[str]) -> tuple[list[dict], str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, str(HERE / SCRIPTS[name]), *args], capture_output=True, text=True,
                         env=env, cwd=str(ROOT))
    rows = [json.loads(line[6:]) for line in out.stdout.splitlines() if line.startswith("BENCH ")]
    problem = "" if out.returncode == 0 else f"{name} exited {out.returncode}: {out.stderr.strip()[-600:]}"
    return rows, problem


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=("small", "full"), default="small")
    parser.add_argument("--only", default=",".join(SCRIPTS), help="comma-separated: " + ", ".join(SCRIPTS))
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "station-bench"),
                        help="full size: the databases are built here once and reused")
    args = parser.parse_args()
    size_args = sizes(Path(args.work))[args.size]
    wanted = [n for n in (s.strip() for s in args.only.split(",")) if n]
    unknown = set(wanted) - set(SCRIPTS)
    if unknown:
        parser.error(f"unknown benches: {', '.join(sorted(unknown))}")
    rows: list[dict] = []
    problems: list[str] = []
    started = time.monotonic()
    for name in wanted:
        t = time.monotonic()
        got, problem = run(name, size_args[name])
        print(f"  {name}: {len(got)} figures in {time.monotonic() - t:.0f} s", file=sys.stderr, flush=True)
        rows += got
        if problem:
            problems.append(problem)
    print("| path | raw | ours | ratio | goal | met |\n|---|---|---|---|---|---|")
    for r in rows:
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}×"
        met = "" if r["met"] is None else ("yes" if r["met"] else "no")
        print(f"| {r['path']} | {r['raw']} | {r['ours']} | {ratio} | {r['goal']} | {met} |")
    print(f"\n{len(rows)} figures, size {args.size}, {time.monotonic() - started:.0f} s")
    for p in problems:
        print("PROBLEM: " + p)
    return 1 if problems or not rows else 0


if __name__ == "__main__":
    sys.exit(main())
