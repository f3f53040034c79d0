"""Start to a usable main window, against a bare realistic Qt window measured in the same run.

For each size, a demo database of that many receptions is built once (or reused with ``--work``);
then, interleaved, ``--runs`` fresh processes each of:

- raw: import PySide6, show a QMainWindow with a menu, a toolbar, a 50×8 table and a form
  (BASELINES.md "Qt start": "window with menu, toolbar, a 50×8 table and a form"), process events;
- ours: what ``station-app --db DB`` does up to the first paint, through the same functions: the
  entry module and its argument parser, the application with its bundled font and translations,
  ``startup.start_window`` as ``ui/app.run_gui`` calls it (the one-GUI lock, the
  file's header, the main window's frame built and shown), events processed: **window painted**.
  Then, as the event loop would, until the worker has imported the data layer and the window has
  its data (the login check, the database opened and migrated, 首页 and the station bar):
  **data in**; and until 首页's tiles have their figures (from another worker): **tiles filled**.
  Our package is byte-compiled first, as an installed program is. Before each process the
  kernel's pending writes are flushed (``os.sync()``, untimed): a bench before this one may have
  written gigabytes, and a start that creates its lock file while they are written back waits on
  the disk (measured: 145–233 ms for the same start, against 145–153 ms once flushed).

Prints per size: raw, ours painted / data in / tiles, the ratio painted/raw against the goal
(≤ 1.3×; met only if neither peewee nor db/connection.py was imported before the paint), the
longest single pass of the event loop from the paint to the filled tiles (how long a click could
wait: goal under 100 ms, the stall guard's bound), and the largest resident memory of each (goal:
under 150 MB whatever the size).

    QT_QPA_PLATFORM=offscreen python bench/bench_start.py [--sizes 10000,100000] [--runs 5] [--work DIR]
        [--county county.db]

``--county`` adds an existing database (a county's, e.g. the 90 stations that
``bench/bench_exchange.py --stations 90 --work DIR`` leaves in DIR/county.db); it is copied first.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from benchrow import emit  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

RAW = r"""
import time, resource, sys
t0 = float(sys.argv[1])
from PySide6.QtWidgets import (QApplication, QMainWindow, QTableWidget, QTableWidgetItem, QWidget, QFormLayout,
                               QLineEdit, QHBoxLayout, QToolBar)
app = QApplication([])
w = QMainWindow()
w.menuBar().addMenu("文件").addAction("退出")
bar = QToolBar(); bar.addAction("新增"); w.addToolBar(bar)
central = QWidget(); lay = QHBoxLayout(central)
t = QTableWidget(50, 8)
for r in range(50):
    for c in range(8):
        t.setItem(r, c, QTableWidgetItem(f"{r}-{c}"))
lay.addWidget(t)
form = QFormLayout()
for i in range(6):
    form.addRow(f"字段{i}", QLineEdit())
lay.addLayout(form)
w.setCentralWidget(central)
w.resize(1200, 800)
w.show()
app.processEvents()
shown = time.time()
print(json.dumps({"window": shown - t0, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
""".replace("import time,", "import json, time,")

OURS = r"""
import json, os, resource, sys, time
t0 = float(sys.argv[1]); db = sys.argv[2]
from station_app import cli  # the program's entry (station-app / main.py)
# as main() reads a start of the GUI (a tree from before cli.parse: its whole parser, as its main did)
args = cli.parse(["--db", db]) if hasattr(cli, "parse") else cli.build_parser().parse_args(["--db", db])
from PySide6.QtCore import QSettings
from station_app.ui.app import make_application
app = make_application()
QSettings.setDefaultFormat(QSettings.Format.IniFormat)
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, os.environ["BENCH_QSETTINGS"])
from station_app.ui.startup import start_window
w = start_window(args.db)  # what run_gui does: the lock, the file's header, the frame
assert w is not None, "start refused"
app.processEvents()
shown = time.time()
painted_bare = "station_app.db.connection" not in sys.modules and "peewee" not in sys.modules
# then as the event loop would: the longest single pass of the loop is how long a click waited
longest = 0.0
deadline = shown + 600
def step():
    global longest
    t = time.perf_counter()
    app.processEvents()
    longest = max(longest, time.perf_counter() - t)
    time.sleep(0.001)
while not getattr(w, "attached", True) and time.time() < deadline:  # (a tree from before: built at once)
    step()
attached = time.time()
home = w.home
while home.busy.isVisible() and time.time() < deadline:
    step()
filled = time.time()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
from station_app.ui import main_window  # then every page's module, warmed on a thread after the tiles
warm = getattr(main_window, "pages_warm", lambda: True)
while not warm() and time.time() < deadline:
    step()
print(json.dumps({"window": shown - t0, "attached": attached - t0, "tiles": filled - t0, "longest": longest,
                  "bare": painted_bare, "rss": rss, "rss_warm": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "text": home.tile_month.value.text()[:40]}), flush=True)
w.instance_lock.unlock()
os._exit(0)  # not waiting for the background integrity check (minutes on a county's file)
"""


def compile_bytecode() -> None:
    """An installed program carries its bytecode (pip compiles it, PyInstaller bundles it), as
    PySide6 in site-packages does for the raw window: compile ours too, so neither side pays the
    compiler at start (PYTHONDONTWRITEBYTECODE, set on some machines, would make ours pay it on
    every run)."""
    import compileall

    compileall.compile_dir(str(ROOT / "station_app"), quiet=1)


def run(code: str, *args: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    # no start begins while the kernel still writes back what came before (a bench before this one
    # copied gigabytes; a start that creates its lock file then waits on the disk): flushed first,
    # untimed, for raw and ours alike
    os.sync()
    t0 = time.time()
    out = subprocess.run([sys.executable, "-c", code, str(t0), *args], capture_output=True, text=True, env=env,
                         timeout=900)
    if out.returncode:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def build(db: Path, receptions: int) -> None:
    if db.exists():
        return
    env = dict(os.environ, PYTHONPATH=str(ROOT), STATION_APP_DATA_DIR=str(db.parent / "appdata"))
    t = time.time()
    subprocess.run([sys.executable, str(ROOT / "main.py"), "demo", "--db", str(db), "--receptions", str(receptions)],
                   check=True, env=env, capture_output=True)
    print(f"  built {db.name}: {receptions} receptions in {time.time() - t:.0f} s", flush=True)


def county_copy(source: Path, work: Path) -> tuple[str, Path]:
    """A copy of an existing database (SQLite's backup: consistent even beside a -wal), labelled
    with what it holds."""
    import sqlite3

    db = work / "start-county.db"
    if not db.exists():
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(db)
        src.backup(dst)
        dst.close()
        src.close()
    con = sqlite3.connect(db)
    stations = con.execute("SELECT COUNT(*) FROM station").fetchone()[0]
    receptions = con.execute("SELECT COUNT(*) FROM reception").fetchone()[0]
    con.close()
    return f"county of {stations} stations, {receptions:,} receptions", db


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="receptions per database, comma-separated")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", help="keep the databases here and reuse them")
    parser.add_argument("--county", help="also an existing (county) database, copied into the work folder")
    args = parser.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-start-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["BENCH_QSETTINGS"] = str(work / "qsettings")
    os.environ["STATION_APP_DATA_DIR"] = str(work / "appdata")
    print("| size | raw window | ours: window painted | ours: data in | ours: tiles filled | ratio (painted) | goal | met "
          "| longest GUI block after the paint | memory raw / ours |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    compile_bytecode()
    cases: list[tuple[str, Path]] = []
    for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
        db = work / f"start-{size}.db"
        build(db, size)
        cases.append((f"{size:,} receptions", db))
    if args.county:
        cases.append(county_copy(Path(args.county), work))
    for label, db in cases:
        raw, ours = [], []
        for _ in range(args.runs):  # interleaved: a neighbour's load falls on both
            raw.append(run(RAW))
            ours.append(run(OURS, str(db)))
        r = statistics.median(x["window"] for x in raw)
        o = statistics.median(x["window"] for x in ours)
        data_in = statistics.median(x["attached"] for x in ours)
        tiles = statistics.median(x["tiles"] for x in ours)
        longest = max(x["longest"] for x in ours)
        bare = all(x["bare"] for x in ours)
        mem_r = max(x["rss"] for x in raw)
        mem_o = max(x["rss"] for x in ours)
        mem_warm = max(x["rss_warm"] for x in ours)
        ratio = o / r
        met = ratio <= 1.3 and bare
        print(f"| {label} | {r * 1000:.0f} ms | {o * 1000:.0f} ms{'' if bare else ' (data layer in before the paint!)'} | "
              f"{data_in * 1000:.0f} ms | {tiles * 1000:.0f} ms | {ratio:.2f}× | ≤ 1.3× | {'yes' if met else 'no'} | "
              f"{longest * 1000:.0f} ms | {mem_r:.0f} / {mem_o:.0f} MB ({mem_warm:.0f} MB with every page's module) |",
              flush=True)
        emit(f"start → window painted, {label}", f"{r * 1000:.0f} ms", f"{o * 1000:.0f} ms", ratio, "≤ 1.3×", met)
        emit(f"start → window with its data, {label}", f"{r * 1000:.0f} ms", f"{data_in * 1000:.0f} ms",
             data_in / r, "— (information)", None)
        emit(f"start: longest GUI-thread block from the paint to the tiles, {label}", "—", f"{longest * 1000:.0f} ms",
             None, "< 100 ms", longest < 0.1)
        emit(f"start memory, {label}", f"{mem_r:.0f} MB", f"{mem_o:.0f} MB", None, "< 150 MB",
             mem_o < 150)
        emit(f"memory once every page's module is in (a few seconds later), {label}", f"{mem_r:.0f} MB",
             f"{mem_warm:.0f} MB", None, "< 150 MB", mem_warm < 150)
    return 0


if __name__ == "__main__":
    sys.exit(main())
