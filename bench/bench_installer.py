"""The Linux bundle's size and its cold start to the main window, against the source run.

frozen: ``station-app`` from the one-folder bundle (installer/build_linux.sh), unpacked size;
source: ``python main.py`` from this checkout (the same interpreter that built the bundle).
Start: process start → main window shown → quit (``STATION_APP_EXIT_WHEN_SHOWN=1``), offscreen,
on a demo database; wall time of the whole process. The first run of each is thrown away to
warm the page cache equally ("cold" = a new process, not a cold disk), then runs alternate.

Targets: under 200 MB unpacked; frozen start within 1.5× of the source start.

    python bench/bench_installer.py [--bundle DIR | --build OUT] [--runs 5]

Without --bundle it builds one with installer/build_linux.sh into --build (default
/tmp/station-app-bench).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def start_once(cmd: list[str], db: Path, data: Path) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", STATION_APP_EXIT_WHEN_SHOWN="1",
               STATION_APP_DATA_DIR=str(data), XDG_CONFIG_HOME=str(data / "config"))
    env.pop("PYTHONPATH", None)
    t0 = time.perf_counter()
    res = subprocess.run([*cmd, "--db", str(db)], env=env, capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - t0
    if res.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed ({res.returncode}):\n{res.stderr}")
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bundle", type=Path, help="an existing dist/station-app folder")
    ap.add_argument("--build", type=Path, default=Path("/tmp/station-app-bench"))
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    bundle = args.bundle
    if bundle is None:
        res = subprocess.run(["bash", str(ROOT / "installer" / "build_linux.sh"), str(args.build)],
                             capture_output=True, text=True)
        if res.returncode != 0:
            raise SystemExit(res.stdout + res.stderr)
        bundle = args.build / "dist" / "station-app"
    frozen = [str(bundle / "station-app")]
    source = [sys.executable, str(ROOT / "main.py")]

    with tempfile.TemporaryDirectory(prefix="bench-installer-") as tmp:
        db = Path(tmp) / "demo.db"
        subprocess.run([*source, "demo", "--db", str(db)], check=True, capture_output=True,
                       env=dict(os.environ, STATION_APP_DATA_DIR=str(Path(tmp) / "data")))
        times: dict[str, list[float]] = {"source": [], "frozen": []}
        for i in range(args.runs + 1):
            for name, cmd in (("source", source), ("frozen", frozen)):
                t = start_once(cmd, db, Path(tmp) / f"data-{name}")
                if i > 0:
                    times[name].append(t)

    size = size_of(bundle)
    src, frz = statistics.median(times["source"]), statistics.median(times["frozen"])
    print(f"bundle: {bundle}")
    print(f"size unpacked: {size / 1024 / 1024:.1f} MB (target < 200 MB)")
    print(f"start to main window, median of {args.runs}: source {src:.2f} s, frozen {frz:.2f} s, "
          f"ratio {frz / src:.2f}× (target ≤ 1.5×)")
    print("  source runs: " + ", ".join(f"{t:.2f}" for t in times["source"]))
    print("  frozen runs: " + ", ".join(f"{t:.2f}" for t in times["frozen"]))
    return 0 if size < 200 * 1024 * 1024 and frz <= 1.5 * src else 1


if __name__ == "__main__":
    sys.exit(main())
