"""``station-app check`` (issue 21 item 5b): peak memory flat in the rows, time beside raw SQLite.

For each of two sizes a demo database (``station-app demo --receptions N``, or a copy of a given
file made with SQLite's backup API) is checked ``--runs`` times, interleaved:

- ours: ``python -m station_app check --db X`` in a fresh child process;
- raw: a fresh child process running ``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check``
  on the same file through ``sqlite3`` (what SQLite itself can say about the file).

Peak memory is the child's own ``ru_maxrss`` (``os.wait4``), time its wall time; medians. The
figure for the table is ours' memory at the big size against ours' at the small size: goal flat,
i.e. big ≤ small + 30 MB. The time against raw is printed (and emitted) for information.

The children run with the caller's environment: ``PYTHONPATH=/tmp/before`` measures that tree.

    python bench/bench_check.py --size small       # 2,000 and 20,000 receptions, built here (~30 s)
    python bench/bench_check.py --size full --source 10000=/path/start-10000.db \\
        --source 1000000=/path/start-1000000.db    # 10,000 and 1,000,000 (copies of the given files)
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchrow import emit  # noqa: E402

SIZES = {"small": (2_000, 20_000), "full": (10_000, 1_000_000)}
FLAT_MB = 30

RAW = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
ok = [r[0] for r in con.execute("PRAGMA integrity_check")] == ["ok"]
dangling = sum(1 for _ in con.execute("PRAGMA foreign_key_check"))
sys.exit(0 if ok and not dangling else 1)
"""


def child(argv: list[str], env: dict) -> tuple[float, float, int, str]:
    """Wall seconds, peak RSS in MB, exit code and stderr's tail of one fresh child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read() if proc.stderr else b""
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.stderr:
        proc.stderr.close()
    return seconds, usage.ru_maxrss / 1024, proc.returncode, err.decode("utf-8", "replace")[-400:]


def make_db(tmp: Path, rows: int, source: Path | None, env: dict) -> Path:
    """The database of ``rows`` receptions: a backup-API copy of ``source``, or a fresh demo."""
    dst = tmp / f"check-{rows}.db"
    if source is not None:
        if Path(str(source) + "-wal").exists() and Path(str(source) + "-wal").stat().st_size:
            sys.exit(f"{source} has a non-empty -wal: still being written; wait and rerun")
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        out = sqlite3.connect(dst)
        src.backup(out)
        out.close()
        src.close()
        return dst
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "station_app", "demo", "--db", str(dst), "--receptions", str(rows)],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    print(f"  built {dst.name} by demo in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    return dst


def measure(db: Path, runs: int, env: dict) -> dict[str, tuple[float, float]]:
    """Median (seconds, MB) of ours and raw on ``db``, run in turn ``runs`` times."""
    argv = {"ours": [sys.executable, "-m", "station_app", "check", "--db", str(db)],
            "raw": [sys.executable, "-c", RAW, str(db)]}
    got: dict[str, list[tuple[float, float]]] = {k: [] for k in argv}
    warned: set[str] = set()
    for _ in range(runs):
        for kind, cmd in argv.items():
            seconds, mb, code, err = child(cmd, env)
            if code not in (0, 1) or (code == 1 and kind == "raw"):
                sys.exit(f"{kind} check of {db} failed (exit {code}): {err}")
            if code == 1 and err not in warned:  # findings (a schema version ahead…): timed all the same
                warned.add(err)
                print(f"  note: check of {db.name} found problems: {err.strip()}", file=sys.stderr, flush=True)
            got[kind].append((seconds, mb))
    return {k: (statistics.median(s for s, _ in v), statistics.median(m for _, m in v)) for k, v in got.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--source", action="append", default=[], metavar="ROWS=FILE",
                        help="use a copy of FILE (a demo database of ROWS receptions) instead of building it")
    parser.add_argument("--keep", type=Path, default=None, help="folder for the databases (default: a temporary one)")
    args = parser.parse_args()
    sources = {int(k): Path(v) for k, v in (s.split("=", 1) for s in args.source)}
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="bench-check-"))
    tmp.mkdir(parents=True, exist_ok=True)
    env["STATION_APP_DATA_DIR"] = str(tmp / "appdata")
    tree = env.get("PYTHONPATH") or str(Path(__file__).resolve().parents[1])
    print(f"check bench, tree {tree}, sizes {SIZES[args.size]}, {args.runs} runs", file=sys.stderr, flush=True)

    results: dict[int, dict[str, tuple[float, float]]] = {}
    for rows in SIZES[args.size]:
        db = make_db(tmp, rows, sources.get(rows), env)
        results[rows] = measure(db, args.runs, env)
        (ot, om), (rt, rm) = results[rows]["ours"], results[rows]["raw"]
        print(f"  {rows:>9,} receptions ({db.stat().st_size / 2**20:,.0f} MB file): ours {ot:.2f} s / {om:.0f} MB,"
              f" raw {rt:.2f} s / {rm:.0f} MB", file=sys.stderr, flush=True)
        if args.keep is None:
            db.unlink()

    if args.keep is None:
        shutil.rmtree(tmp, ignore_errors=True)
    small, big = SIZES[args.size]
    s_mem, b_mem = results[small]["ours"][1], results[big]["ours"][1]
    print(f"\n{'receptions':>10} | {'ours s':>7} | {'raw s':>7} | {'ratio':>6} | {'ours MB':>7} | {'raw MB':>6}")
    for rows in (small, big):
        (ot, om), (rt, rm) = results[rows]["ours"], results[rows]["raw"]
        print(f"{rows:>10,} | {ot:>7.2f} | {rt:>7.2f} | {ot / rt:>5.1f}x | {om:>7.0f} | {rm:>6.0f}")
    met = b_mem <= s_mem + FLAT_MB
    print(f"memory at {big:,} vs {small:,}: {b_mem:.0f} MB vs {s_mem:.0f} MB (+{b_mem - s_mem:.0f} MB), "
          f"goal ≤ +{FLAT_MB} MB: {'ok' if met else 'MISSED'}")
    emit(f"check peak memory, {big:,} vs {small:,} receptions", f"{s_mem:.0f} MB at {small:,}",
         f"{b_mem:.0f} MB at {big:,}", b_mem / s_mem, f"flat (≤ small + {FLAT_MB} MB)", met)
    for rows in (small, big):
        (ot, _), (rt, _) = results[rows]["ours"], results[rows]["raw"]
        emit(f"check time, {rows:,} receptions", f"integrity_check+foreign_key_check {rt:.2f} s", f"{ot:.2f} s",
             ot / rt, "— (information)", None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
