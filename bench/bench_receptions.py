"""接待登记 at 1,000,000 rows against the raw figures of BASELINES.md, measured in the same run.

Builds (or reuses, when present and complete) a demo database of ``--rows`` receptions with
``services.demo_receptions.generate`` (six years, ~0.6 cases per reception with their
timelines, keyword index, case counters), then prints one table:

- bulk load (at ``--load-rows``, fresh files, interleaved runs): raw ``sqlite3`` ``executemany``
  of the very tuples ``generate`` wrote (read back from its database) into bare tables, and the
  same followed by the same CREATE INDEX statements and FTS rows, vs ``generate``;
- first page of the reception list: a raw ``QAbstractTableModel`` + fetchMore over ``sqlite3``
  vs the app's list model — ``PagedTableModel`` with the columns of
  ``ui.pages.receptions.reception_columns`` and the fetch of a real ``ReceptionsPage`` (construct,
  fetch the first page, show a 1200×800 ``QTableView``, processEvents, grab — the same for both);
- memory of a fresh process: a real ``ReceptionsPage`` (intake form and list) shown at 1200×800
  with its list scrolled 10 pages, vs the raw model in a bare view;
- keyword search (first page of 100, counts) vs the character-split FTS count of the same
  database, for 土地 (common), 光伏 (rare), 宅基地 (3 characters) and a term of 5–20k hits;
  rows and counts checked against a raw ``LIKE`` over the searched columns;
- saving one reception with one opinion (``receptions.record_visit``) vs a raw single-row
  INSERT + commit with ``synchronous=FULL``;
- a keyset page at depth 500k vs the raw keyset of the same page (list columns and case count).

Targets that are missed are marked MISSED, with the slow statement's EXPLAIN QUERY PLAN and the
top of a cProfile of the app call.

    QT_QPA_PLATFORM=offscreen python bench/bench_receptions.py [--rows 1000000] [--db PATH]
        [--only load,first-page,memory,search,save,keyset]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchrow import emit  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SEED = 7
YEARS = 6
TERMS = ("土地", "光伏", "宅基地")
MID_CANDIDATES = ("路灯", "机井", "营业执照", "校车", "幸福院", "坑塘", "低保")  # the first with 5–20k hits
SECTIONS = ("load", "first-page", "memory", "search", "save", "keyset")
ROWS: list[tuple[str, str, str, str, str, str]] = []  # figure, raw, app, ratio, target, verdict
NOTES: list[str] = []


def row(figure: str, raw: str, app: str, ratio: str = "", target: str = "", ok: bool | None = None) -> None:
    verdict = "" if ok is None else ("ok" if ok else "MISSED")
    ROWS.append((figure, raw, app, ratio, target, verdict))
    print(f"  {figure}: raw {raw} | app {app} | {ratio} {target} {verdict}", file=sys.stderr, flush=True)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms" if seconds < 0.1 else f"{seconds * 1000:.0f} ms"


def interleaved(fns: dict, runs: int, block: int = 1) -> dict[str, float]:
    """Median seconds of each function, the variants run in turn ``runs`` times (``block`` calls
    of one, then ``block`` of the next)."""
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(runs):
        for k, fn in fns.items():
            for _ in range(block):
                t0 = time.perf_counter()
                fn()
                times[k].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in times.items()}


def app_env(data_dir: Path) -> None:
    os.environ["STATION_APP_DATA_DIR"] = str(data_dir)


# --- building the database ----------------------------------------------------------------------


def setup_station(path: Path, deputies: int = 30) -> tuple[str, list[str], list[tuple[str, dt.date]]]:
    """A migrated database with the demo station, its deputies and a year of activity days."""
    from station_app.db import open_database
    from station_app.db.models import ActivityDay, Deputy
    from station_app.domain import clock
    from station_app.services.demo import make_demo

    open_database(str(path), backup=False)
    summary = make_demo(seed=SEED, deputies=deputies, receptions=0)  # the receptions: generate, timed
    people = [d.uid for d in Deputy.alive().where(Deputy.active == True).order_by(Deputy.id)]  # noqa: E712
    today = clock.today()
    days = [(d.uid, d.date) for d in ActivityDay.alive().where(ActivityDay.status != "cancelled",
                                                                ActivityDay.date < today)]
    return summary.station_code, people, days


def build(path: Path, rows: int) -> dict:
    from station_app.db import close_database
    from station_app.services.demo_receptions import generate

    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"building {rows:,} receptions in {path} …", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    code, people, days = setup_station(path)
    timings: dict[str, float] = {}
    t1 = time.perf_counter()
    counts = generate(rows, SEED, code, people, days, years=YEARS, timings=timings)
    t2 = time.perf_counter()
    close_database()
    meta = {"rows": rows, "seed": SEED, "schema": "sort_key", "counts": counts, "station_code": code,
            "generate_s": t2 - t1, "setup_s": t1 - t0, "timings": timings,
            "built_at": dt.datetime.now().isoformat(timespec="seconds")}
    Path(str(path) + ".complete.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1))
    print(f"built in {t2 - t0:.1f} s: {counts}", file=sys.stderr, flush=True)
    return meta


def ensure_db(path: Path, rows: int) -> tuple[dict, bool]:
    marker = Path(str(path) + ".complete.json")
    if path.exists() and marker.exists():
        meta = json.loads(marker.read_text())
        con = sqlite3.connect(path)
        n = con.execute("SELECT count(*) FROM reception").fetchone()[0]
        cols = {r[1] for r in con.execute("PRAGMA table_info(reception)")}
        con.close()
        if meta.get("rows") == rows and meta.get("seed") == SEED and n == rows and "sort_key" in cols:
            return meta, False
    return build(path, rows), True


# --- bulk load: raw executemany of the same tuples vs generate ---------------------------------

TABLES = ("reception", "reception_deputy", "case", "case_event")
FTS_DDL = "CREATE VIRTUAL TABLE {} USING fts5(body, content='', tokenize='unicode61 remove_diacritics 0')"


def bare_schema(src: sqlite3.Connection, table: str) -> str:
    cols = [r[1] for r in src.execute(f'PRAGMA table_info("{table}")')]
    return f'CREATE TABLE "{table}" (id INTEGER PRIMARY KEY, ' + ", ".join(f'"{c}"' for c in cols if c != "id") + ")"


def raw_load(dst: Path, data: dict, schemas: dict, indexes: dict, fts: dict, tables, with_index: bool,
             with_fts: bool) -> float:
    for suffix in ("", "-wal", "-shm"):
        Path(str(dst) + suffix).unlink(missing_ok=True)
    con = sqlite3.connect(dst, isolation_level=None)
    con.execute("PRAGMA journal_mode=wal")
    con.execute("PRAGMA synchronous=FULL")
    for t in tables:
        con.execute(schemas[t])
    if with_fts:
        for t in fts:
            con.execute(FTS_DDL.format(t))
    t0 = time.perf_counter()
    for t in tables:
        cols, rows = data[t]
        sql = f'INSERT INTO "{t}" ({", ".join(cols)}) VALUES ({", ".join("?" * len(cols))})'
        for i in range(0, len(rows), 50_000):
            con.execute("BEGIN")
            con.executemany(sql, rows[i:i + 50_000])
            con.execute("COMMIT")
    if with_index:
        con.execute("BEGIN")
        for t in tables:
            for sql in indexes[t]:
                con.execute(sql)
        con.execute("COMMIT")
    if with_fts:
        for t, rows in fts.items():
            for i in range(0, len(rows), 50_000):
                con.execute("BEGIN")
                con.executemany(f"INSERT INTO {t}(rowid, body) VALUES (?, ?)", rows[i:i + 50_000])
                con.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    con.close()
    return elapsed


def bench_load(tmp: Path, rows: int, runs: int) -> None:
    from station_app.db import close_database
    from station_app.db.search import split_chars
    from station_app.services.demo_receptions import generate

    app_t: list[dict] = []
    raw_t: dict[str, list[float]] = {"rec": [], "rec_idx": [], "all": [], "all_idx_fts": []}
    for i in range(runs):
        path = tmp / f"load-{i}.db"
        code, people, days = setup_station(path)
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        counts = generate(rows, SEED, code, people, days, years=YEARS, timings=timings)
        timings["total"] = time.perf_counter() - t0
        close_database()
        app_t.append(timings)
        # the very tuples generate wrote, read back (not timed)
        src = sqlite3.connect(path)
        data, schemas, indexes = {}, {}, {}
        for t in TABLES:
            cols = [r[1] for r in src.execute(f'PRAGMA table_info("{t}")') if t != "reception_deputy" or r[1] != "id"]
            data[t] = ([f'"{c}"' for c in cols], src.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} '
                                                             f'FROM "{t}" ORDER BY rowid').fetchall())
            schemas[t] = bare_schema(src, t)
            indexes[t] = [r[0] for r in src.execute("SELECT sql FROM sqlite_master WHERE type='index' AND tbl_name=? "
                                                    "AND sql IS NOT NULL", (t,))]
        n_rec = len(data["reception"][1])
        # the FTS rows the services write: split_chars of search_text, reception rowid = sort_key,
        # a case with its stored department
        fts = {"reception_fts": [(r[0], split_chars(" ".join(r[1:]))) for r in src.execute(
            "SELECT sort_key, visitor_name, visitor_phone, village, summary FROM reception ORDER BY id")],
            "case_fts": [(r[0], split_chars(" ".join(r[1:]))) for r in src.execute(
                'SELECT c.id, c.number, r.visitor_name, r.village, c.department, c.content '
                'FROM "case" c JOIN reception r ON r.uid = c.reception_uid ORDER BY c.id')]}
        src.close()
        assert n_rec == counts["receptions"] == rows
        dst = tmp / "raw.db"
        raw_t["rec"].append(raw_load(dst, data, schemas, indexes, fts, TABLES[:2], False, False))
        raw_t["rec_idx"].append(raw_load(dst, data, schemas, indexes, fts, TABLES[:2], True, False))
        raw_t["all"].append(raw_load(dst, data, schemas, indexes, fts, TABLES, False, False))
        raw_t["all_idx_fts"].append(raw_load(dst, data, schemas, indexes, fts, TABLES, True, True))
        del data, fts
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        print(f"load run {i + 1}: app {timings['total']:.2f} s, raw all+idx+fts {raw_t['all_idx_fts'][-1]:.2f} s",
              file=sys.stderr, flush=True)

    def med(key_fn):
        return statistics.median(key_fn(t) for t in app_t)

    raw = {k: statistics.median(v) for k, v in raw_t.items()}
    rec_write = med(lambda t: t["receptions"])
    rec_write_idx = med(lambda t: t["receptions"] + t.get("index.reception", 0) + t.get("index.reception_deputy", 0))
    total = med(lambda t: t["total"])
    write = med(lambda t: t["total"] - t["build"])
    label = f"{rows // 1000}k"
    row(f"bulk load {label} receptions+deputies, write only (bulk_insert vs executemany, bare tables)",
        f"{raw['rec']:.2f} s", f"{rec_write:.2f} s", f"{rec_write / raw['rec']:.2f}x", "<= 1.5x",
        rec_write / raw["rec"] <= 1.5)
    row(f"bulk load {label} receptions+deputies, write + same indexes (app: drop, load, re-create)",
        f"{raw['rec_idx']:.2f} s", f"{rec_write_idx:.2f} s", f"{rec_write_idx / raw['rec_idx']:.2f}x", "<= 1.5x",
        rec_write_idx / raw["rec_idx"] <= 1.5)
    row(f"bulk load {label} whole generate, writes only (4 tables + indexes + FTS + counters)",
        f"{raw['all_idx_fts']:.2f} s", f"{write:.2f} s", f"{write / raw['all_idx_fts']:.2f}x", "<= 1.5x",
        write / raw["all_idx_fts"] <= 1.5)
    row(f"bulk load {label} whole generate incl. making the rows in Python", f"{raw['all_idx_fts']:.2f} s",
        f"{total:.2f} s", f"{total / raw['all_idx_fts']:.2f}x", "(info)")
    row(f"  (raw into bare tables without indexes/FTS, all 4 tables: {raw['all']:.2f} s; app row making "
        f"{med(lambda t: t['build']):.2f} s, FTS {med(lambda t: t['fts']):.2f} s, indexes {med(lambda t: t['index']):.2f} s)",
        "", "")


# --- the list page: raw model vs the app's list model -------------------------------------------


def raw_model_class():
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

    display = Qt.ItemDataRole.DisplayRole
    horizontal = Qt.Orientation.Horizontal

    class RawModel(QAbstractTableModel):
        """The list's nine columns straight from sqlite3, keyset on sort_key, pages of 256."""

        SQL = ('SELECT r.received_at, r.visitor_name, r.visitor_phone, r.village, r.visitor_count, r.channel, '
               'r.deputy_uids, (SELECT count(*) FROM "case" c WHERE c.reception_uid = r.uid AND c.deleted_at IS NULL), '
               'r.summary, r.sort_key FROM reception r WHERE r.station_code = ? AND r.deleted_at IS NULL {} '
               'ORDER BY r.sort_key DESC LIMIT 256')
        TITLES = ("时间", "来访人", "电话", "村（社区）", "人数", "方式", "接待代表", "意见条数", "接待情况")

        def __init__(self, con, code):
            super().__init__()
            self.con, self.code, self.rows, self.more, self.key = con, code, [], True, None

        def rowCount(self, parent=QModelIndex()):  # noqa: N802
            return 0 if parent.isValid() else len(self.rows)

        def columnCount(self, parent=QModelIndex()):  # noqa: N802
            return 0 if parent.isValid() else 9

        def canFetchMore(self, parent=QModelIndex()):  # noqa: N802
            return not parent.isValid() and self.more

        def fetchMore(self, parent=QModelIndex()):  # noqa: N802
            if self.key is None:
                got = self.con.execute(self.SQL.format(""), (self.code,)).fetchall()
            else:
                got = self.con.execute(self.SQL.format("AND r.sort_key < ?"), (self.code, self.key)).fetchall()
            self.more = len(got) == 256
            if got:
                self.key = got[-1][9]
                self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(got) - 1)
                self.rows.extend(got)
                self.endInsertRows()

        def data(self, index, role=display):
            if role == display:
                return str(self.rows[index.row()][index.column()])
            return None

        def headerData(self, section, orientation, role=display):  # noqa: N802
            if role == display and orientation == horizontal:
                return self.TITLES[section]
            return None

    return RawModel


def app_model_factory():
    """The list model of the real page: ``PagedTableModel`` with ``reception_columns(page)`` and the
    page's own fetch (``receptions.page`` with its filters and keyword), page built once."""
    from station_app.ui.models.paged import PagedTableModel
    from station_app.ui.pages.receptions import ReceptionsPage, reception_columns

    page = ReceptionsPage()

    def make():
        return PagedTableModel(reception_columns(page), page._fetch_for(page.filters(), ""))

    make.page = page  # keep the page alive as long as the factory
    return make


def show(model, app, scroll_pages: int = 0):
    from PySide6.QtCore import QModelIndex
    from PySide6.QtWidgets import QTableView

    model.fetchMore(QModelIndex())
    view = QTableView()
    view.setModel(model)
    view.resize(1200, 800)
    view.show()
    app.processEvents()
    view.grab()
    view.model_ref = model  # the view does not own the model: keep it alive with the view
    for _ in range(scroll_pages):
        model.fetchMore(QModelIndex())
        view.scrollToBottom()
        app.processEvents()
        view.grab()
    return view


def bench_first_page(db: Path, code: str, runs: int) -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    con = sqlite3.connect(db)
    raw_cls = raw_model_class()
    app_model = app_model_factory()
    keep = []

    def run(make):
        view = show(make(), app)
        keep.append(view)  # closed after the timing

    def close_all():
        for v in keep:
            v.close()
            v.deleteLater()
        keep.clear()
        app.processEvents()

    run(lambda: raw_cls(con, code))
    run(app_model)
    close_all()
    times = {"raw": [], "app": []}
    for _ in range(runs):
        for name, make in (("raw", lambda: raw_cls(con, code)), ("app", app_model)):
            t0 = time.perf_counter()
            run(make)
            times[name].append(time.perf_counter() - t0)
            close_all()
    raw, appt = statistics.median(times["raw"]), statistics.median(times["app"])
    fetch = interleaved({"raw": lambda: con.execute(raw_cls.SQL.format(""), (code,)).fetchall(),
                         "app": lambda: app_model.page._fetch_for({}, "")(None, 256)}, runs)
    row(f"first page of the list (256 rows, 1200x800 view, until grabbed; the page query alone: raw "
        f"{ms(fetch['raw'])}, receptions.page {ms(fetch['app'])})", ms(raw), ms(appt), f"{appt / raw:.2f}x",
        "<= 1.3x", appt / raw <= 1.3)
    if appt / raw > 1.3:
        NOTES.append("first page: " + profile(lambda: run(app_model)))
        close_all()
    app_model.page.deleteLater()
    app.processEvents()
    con.close()


def child_memory(db: str, kind: str) -> None:
    """Run in a fresh process: open the database, show the list, scroll 10 pages, print RSS."""
    from PySide6.QtCore import QModelIndex
    from PySide6.QtWidgets import QApplication

    from station_app.db import open_database
    from station_app.services.station import home_code

    app = QApplication([])
    open_database(db, backup=False)
    if kind == "app":  # the real page: intake form above the list, the list scrolled 10 pages
        from station_app.ui.pages.receptions import ReceptionsPage

        page = ReceptionsPage()
        page.resize(1200, 800)
        page.show()
        app.processEvents()
        page.grab()
        for _ in range(10):
            page.model.fetchMore(QModelIndex())
            page.table.scrollToBottom()
            app.processEvents()
            page.grab()
        model, widget = page.model, page
    else:
        model = raw_model_class()(sqlite3.connect(db), home_code())
        widget = show(model, app, scroll_pages=10)
    status = Path("/proc/self/status").read_text()
    rss = {k: int(line.split()[1]) / 1024 for line in status.splitlines() for k in ("VmRSS", "VmHWM")
           if line.startswith(k + ":")}
    print(json.dumps({"rows": model.rowCount(), **rss}))
    widget.close()


def bench_memory(db: Path) -> None:
    out = {}
    for kind in ("raw", "app"):
        p = subprocess.run([sys.executable, __file__, "--child-memory", str(db), "--child-kind", kind],
                           capture_output=True, text=True, env={**os.environ}, check=True)
        out[kind] = json.loads(p.stdout.strip().splitlines()[-1])
    a, r = out["app"], out["raw"]
    row(f"memory of a fresh process, ReceptionsPage shown + list scrolled 10 pages ({a['rows']} rows; raw: "
        f"raw model in a bare view), RSS (peak)", f"{r['VmRSS']:.0f} MB ({r['VmHWM']:.0f})",
        f"{a['VmRSS']:.0f} MB ({a['VmHWM']:.0f})", f"{a['VmRSS'] / r['VmRSS']:.2f}x", "< 120 MB", a["VmHWM"] < 120)


# --- analysis of missed targets -----------------------------------------------------------------


def explain(con: sqlite3.Connection, sql: str, params) -> str:
    plan = con.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
    return "; ".join(r[3] for r in plan)


class Trace:
    """The statements one app call runs (to time each and EXPLAIN the slow one)."""

    def __init__(self):
        from station_app.db.connection import database

        self.con = database.connection()
        self.statements: list[str] = []

    def __enter__(self):
        self.con.set_trace_callback(self.statements.append)
        return self

    def __exit__(self, *exc):
        self.con.set_trace_callback(None)


def slowest(con: sqlite3.Connection, fn) -> str:
    """Run ``fn`` under a trace, re-time its SELECTs raw, and explain the slowest."""
    with Trace() as tr:
        t0 = time.perf_counter()
        fn()
        total = time.perf_counter() - t0
    worst, worst_t, sql_t, selects = None, -1.0, 0.0, 0
    for sql in tr.statements:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        selects += 1
        t0 = time.perf_counter()
        con.execute(sql).fetchall()
        t = time.perf_counter() - t0
        sql_t += t
        if t > worst_t:
            worst, worst_t = sql, t
    head = (f"call {ms(total)}, {len(tr.statements)} statements ({selects} SELECTs, re-run raw: {ms(sql_t)} in all; "
            f"the rest is Python, writes and commit)")
    if worst is None:
        return head
    return f"{head}; slowest {ms(worst_t)}: {worst[:300]}…\n      plan: {explain(con, worst, ())}"


def profile(fn, top: int = 12) -> str:
    """The functions of ``fn`` with the most own time (cProfile), one line each."""
    prof = cProfile.Profile()
    prof.enable()
    fn()
    prof.disable()
    buf = io.StringIO()
    st = pstats.Stats(prof, stream=buf)
    st.sort_stats("tottime")
    total = st.total_tt
    lines = []
    for (file, line, name), (_cc, nc, tt, ct, _callers) in sorted(st.stats.items(), key=lambda kv: -kv[1][2])[:top]:
        where = f"{Path(file).name}:{line}" if line else file
        lines.append(f"{tt * 1000:7.2f} ms own {ct * 1000:7.2f} ms cum {nc:6d}x  {name} ({where})")
    return f"cProfile {ms(total)} (profiled):\n        " + "\n        ".join(lines)


# --- keyword search -----------------------------------------------------------------------------

LIKE4 = "(visitor_name LIKE ?1 OR visitor_phone LIKE ?1 OR village LIKE ?1 OR summary LIKE ?1)"


def mid_term(con: sqlite3.Connection) -> tuple[str, int]:
    from station_app.db.search import match_expression

    seen = []
    for term in MID_CANDIDATES:
        n = con.execute("SELECT count(*) FROM reception_fts WHERE reception_fts MATCH ?",
                        (match_expression(term),)).fetchone()[0]
        seen.append((term, n))
        if 5_000 <= n <= 20_000:
            return term, n
    return min(seen, key=lambda tn: abs(tn[1] - 10_000))


def bench_search(db: Path, code: str, runs: int) -> None:
    from station_app.db.search import match_expression
    from station_app.services import receptions

    con = sqlite3.connect(db)
    mid, _ = mid_term(con)
    for term in (*TERMS, mid):
        expr = match_expression(term)
        pat = f"%{term}%"
        fts_count_sql = "SELECT count(*) FROM reception_fts WHERE reception_fts MATCH ?"
        # the raw newest 100 straight from the index (rowid = sort_key), then those rows
        fts_page_sql = ("SELECT r.uid FROM reception r WHERE r.sort_key IN (SELECT rowid FROM reception_fts WHERE "
                        "reception_fts MATCH ? ORDER BY rowid DESC LIMIT 100) ORDER BY r.sort_key DESC")
        walk_sql = ("SELECT uid FROM reception WHERE deleted_at IS NULL AND " + LIKE4 +
                    " ORDER BY sort_key DESC LIMIT 100")
        med = interleaved({
            "fts_count": lambda e=expr, q=fts_count_sql: con.execute(q, (e,)).fetchone(),
            "fts_page": lambda e=expr, q=fts_page_sql: con.execute(q, (e,)).fetchall(),
            "app_page": lambda t=term: receptions.page(keyword=t, limit=100),
            "app_count": lambda t=term: receptions.count(keyword=t),
        }, runs)
        fts_n = con.execute(fts_count_sql, (expr,)).fetchone()[0]
        t0 = time.perf_counter()
        like_n = con.execute(f"SELECT count(*) FROM reception WHERE deleted_at IS NULL AND {LIKE4}",
                             (pat,)).fetchone()[0]
        like_t = time.perf_counter() - t0
        app_n = receptions.count(keyword=term)
        t0 = time.perf_counter()
        walk = [r[0] for r in con.execute(walk_sql, (pat,)).fetchall()]
        walk_t = time.perf_counter() - t0
        page = [r.uid for r in receptions.page(keyword=term, limit=100).rows]
        same = page == walk
        label = "mid-frequency " if term == mid else ""
        row(f"search {label}'{term}' first page of 100 ({app_n:,} rows match) [raw: FTS newest 100 by rowid + rows "
            f"{ms(med['fts_page'])}, LIKE walk {ms(walk_t)}]", f"FTS count {ms(med['fts_count'])}",
            ms(med["app_page"]), f"{med['app_page'] / med['fts_count']:.2f}x", "< 10 ms, same rows as LIKE",
            med["app_page"] < 0.010 and same)
        if med["app_page"] >= 0.010 or not same:
            NOTES.append(f"search '{term}' page: {'rows differ from LIKE! ' if not same else ''}"
                         + slowest(con, lambda t=term: receptions.page(keyword=t, limit=100)) + "\n      "
                         + profile(lambda t=term: receptions.page(keyword=t, limit=100)))
        ok = app_n == like_n and med["app_count"] <= 2 * max(med["fts_count"], 1e-9)
        row(f"search {label}'{term}' count (FTS {fts_n:,}; raw LIKE over the 4 columns, live rows: {like_n:,} in "
            f"{ms(like_t)})", f"FTS count {ms(med['fts_count'])}", f"{app_n:,} in {ms(med['app_count'])}",
            f"{med['app_count'] / med['fts_count']:.2f}x", "== LIKE, <= 2x", ok)
        if not ok:
            NOTES.append(f"search '{term}' count: {'differs from LIKE! ' if app_n != like_n else ''}"
                         + slowest(con, lambda t=term: receptions.count(keyword=t)) + "\n      "
                         + profile(lambda t=term: receptions.count(keyword=t)))
    con.close()


# --- save, keyset ------------------------------------------------------------------------------


def bench_save(db: Path, code: str, runs: int) -> None:
    from station_app.db import search
    from station_app.db.connection import database
    from station_app.db.models import (
        AuditLog,
        Case,
        CaseCounter,
        CaseEvent,
        Deputy,
        Reception,
        ReceptionDeputy,
    )
    from station_app.domain import clock
    from station_app.domain.records import OpinionData, ReceptionData
    from station_app.services import cases, receptions

    people = [d.uid for d in Deputy.alive().order_by(Deputy.id).limit(2)]
    raw = sqlite3.connect(db, isolation_level=None)
    raw.execute("PRAGMA synchronous=FULL")
    raw.execute("PRAGMA busy_timeout=5000")
    made: list[str] = []
    raw_uids: list[str] = []
    counters = {(c.station_code, c.year): c.last for c in CaseCounter.select()}
    cols = ("uid, station_code, created_at, updated_at, received_at, sort_key, channel, visitor_name, visitor_phone, "
            "visitor_id_number, village, visitor_count, deputy_uids, summary")
    start = clock.now().replace(second=0, microsecond=0)

    def app_save():  # a clerk's visit: each one its own minute of today (the demo rows end yesterday)
        when = start - dt.timedelta(minutes=len(made) + 1)
        rec = receptions.record_visit(
            ReceptionData(received_at=when, channel="visit", visitor_name="测试来访人", visitor_phone="13800001111",
                          village="东营村", deputy_uids=tuple(people), summary="反映村东头的生产路路面破损，希望维修"),
            [OpinionData("村东头的生产路路面破损，希望维修", "infrastructure", "assigned", department="县交通运输局")])
        made.append(rec.uid)

    def raw_save():
        uid = f"bench-raw-{len(raw_uids):06d}"
        ts = clock.now_ts()
        raw.execute("BEGIN")
        raw.execute(f"INSERT INTO reception ({cols}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (uid, code, ts, ts, ts, -1 - len(raw_uids), "visit", "测试来访人", "13800001111", "", "东营村", 1,
                     "[]", "反映村东头的生产路路面破损，希望维修"))
        raw.execute("COMMIT")
        raw_uids.append(uid)

    try:
        # in blocks of 10: a commit on the raw connection empties the app connection's page cache
        # (another writer changed the file), which a clerk's single connection never sees
        med = interleaved({"raw": raw_save, "app": app_save}, runs // 10, block=10)
        one = interleaved({"raw": raw_save, "app": app_save}, 10)  # strictly alternating, for the record
        numbers = [c.number for c in Case.select(Case.number).where(Case.reception_uid.in_(made))]
        year = start.year
        dup = (Case.select(Case.number).where(Case.station_code == code, Case.number.startswith(f"{year}-"))
               .group_by(Case.number).having(pw_count() > 1).count())
        row(f"save one reception + 1 opinion (record_visit, FTS + audit; median of {runs} in blocks of 10 "
            f"[strictly alternating: raw {ms(one['raw'])}, app {ms(one['app'])}]; numbers "
            f"{min(numbers)}…{max(numbers)}, {dup} duplicate)", f"{ms(med['raw'])} (INSERT+commit, FULL)",
            ms(med["app"]), f"{med['app'] / med['raw']:.1f}x", "< 5 ms", med["app"] < 0.005 and dup == 0)
        if med["app"] >= 0.005:
            con = sqlite3.connect(db)
            NOTES.append("save: " + slowest(con, app_save) + "\n      " + profile(app_save))
            con.close()
    finally:  # leave the database as built, so the next run can reuse it
        raw.execute("BEGIN")
        raw.execute("DELETE FROM reception WHERE uid LIKE 'bench-raw-%'")
        raw.execute("COMMIT")
        raw.close()
        with database.atomic():
            for uid in made:
                r = Reception.get(Reception.uid == uid)
                search.unindex_row(receptions.FTS, r.sort_key, receptions.search_text(r))
                for c in Case.select().where(Case.reception_uid == uid):
                    search.unindex_row(cases.FTS, c.id, cases.search_text(c, r.visitor_name, r.village))
                    CaseEvent.delete().where(CaseEvent.case_uid == c.uid).execute()
                    AuditLog.delete().where(AuditLog.record_uid == c.uid).execute()
                    c.delete_instance()
                ReceptionDeputy.delete().where(ReceptionDeputy.reception_uid == uid).execute()
                AuditLog.delete().where(AuditLog.record_uid == uid).execute()
                r.delete_instance()
            for (station_code, year), last in counters.items():
                CaseCounter.update(last=last).where(CaseCounter.station_code == station_code,
                                                    CaseCounter.year == year).execute()
            CaseCounter.delete().where(CaseCounter.year.not_in([y for (_c, y) in counters] or [0])).execute()


def pw_count():
    import peewee as pw

    return pw.fn.COUNT(pw.SQL("*"))


def cpu_interleaved(fns: dict, runs: int, block: int = 1) -> dict[str, float]:
    """:func:`interleaved` in this thread's CPU seconds: both sides run in this thread (sqlite3 and
    the app alike), and a page of a few ms is not charged for the time other processes had the
    core (on a shared machine a wall-clock median of ~10 ms calls is mostly waiting)."""
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(runs):
        for k, fn in fns.items():
            for _ in range(block):
                t0 = time.thread_time()
                fn()
                times[k].append(time.thread_time() - t0)
    return {k: statistics.median(v) for k, v in times.items()}


def bench_keyset(db: Path, code: str, runs: int, depth: int) -> None:
    """A page of 256 at ``depth``: the app's ``receptions.page`` (what the 接待登记 list fetches:
    records whose time, masked numbers and deputies' names are converted when a field is read,
    the names looked up and the cases counted with the page; the figure also shows the page with
    every field of every row read) against the raw
    keyset of the same page — the list's columns and case count by hand-written SQL through
    ``sqlite3`` on the same index. The 6-column keyset and OFFSET are shown for information.
    Medians of CPU time (see :func:`cpu_interleaved`)."""
    from operator import attrgetter

    from station_app.domain.records import ReceptionRecord
    from station_app.services import receptions

    every_field = attrgetter(*ReceptionRecord.__dataclass_fields__)
    con = sqlite3.connect(db)
    base = ("SELECT sort_key, uid, received_at, visitor_name, village, summary FROM reception WHERE station_code = ? "
            "AND deleted_at IS NULL {} ORDER BY sort_key DESC LIMIT 256 {}")
    same_page = ("SELECT r.id, r.uid, r.station_code, r.received_at, r.sort_key, r.channel, r.visitor_name, "
                 "r.visitor_phone, r.visitor_id_number, r.village, r.visitor_count, r.deputy_uids, r.activity_day_uid, "
                 "r.summary, (SELECT count(c.id) FROM \"case\" c WHERE c.reception_uid = r.uid AND c.deleted_at IS NULL) "
                 "FROM reception r WHERE r.station_code = ? AND r.deleted_at IS NULL AND r.sort_key < ? "
                 "ORDER BY r.sort_key DESC LIMIT 256")
    key = con.execute(base.format("", "OFFSET ?").replace("LIMIT 256", "LIMIT 1"), (code, depth - 1)).fetchone()
    after = (key[0],)
    med = cpu_interleaved({
        "offset": lambda: con.execute(base.format("", "OFFSET ?"), (code, depth)).fetchall(),
        "keyset6": lambda: con.execute(base.format("AND sort_key < ?", ""), (code, *after)).fetchall(),
        "raw": lambda: con.execute(same_page, (code, *after)).fetchall(),
        "app": lambda: receptions.page(after=after, limit=256),
        # the records convert a field when it is read (a cell drawn): the same page with every
        # field of all 256 rows read, the most a list (or an export of it) can ask, for information
        "app_read": lambda: [every_field(r) for r in receptions.page(after=after, limit=256).rows],
    }, runs, block=5)
    want = [r[1] for r in con.execute(base.format("", "OFFSET ?"), (code, depth)).fetchall()]
    same = want == [r.uid for r in receptions.page(after=after, limit=256).rows] == \
        [r[1] for r in con.execute(same_page, (code, *after)).fetchall()]
    ratio = med["app"] / med["raw"]
    ok = ratio <= 2 and same
    row(f"page of 256 at depth {depth:,}, CPU (6-column keyset {ms(med['keyset6'])}, OFFSET {ms(med['offset'])}; "
        f"ours with every field of the 256 read {ms(med['app_read'])})",
        f"keyset {ms(med['raw'])}", f"keyset {ms(med['app'])}", f"{ratio:.2f}x", "≤ 2× raw keyset, same rows", ok)
    if not ok:
        NOTES.append(f"keyset page: {'rows differ from OFFSET! ' if not same else ''}"
                     + slowest(con, lambda: receptions.page(after=after, limit=256)) + "\n      "
                     + profile(lambda: receptions.page(after=after, limit=256)))
    con.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--load-rows", type=int, default=200_000, help="rows of the bulk-load comparison (0: skip)")
    parser.add_argument("--load-runs", type=int, default=3)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated: " + ", ".join(SECTIONS))
    parser.add_argument("--child-memory", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--child-kind", default="app", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_memory:
        app_env(Path(tempfile.mkdtemp(prefix="bench-rec-child-")))
        child_memory(args.child_memory, args.child_kind)
        return 0
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    unknown = only - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")

    t_start = time.perf_counter()
    db = args.db or Path(tempfile.gettempdir()) / "bench-receptions" / f"receptions-{args.rows}.db"
    app_env(db.parent / "appdata")
    tmp = Path(tempfile.mkdtemp(prefix="bench-rec-"))

    if args.load_rows and "load" in only:
        os.environ["STATION_APP_DATA_DIR"] = str(tmp / "appdata")
        bench_load(tmp, args.load_rows, args.load_runs)
        app_env(db.parent / "appdata")
    meta, built = ensure_db(db, args.rows)

    from station_app.db import close_database, open_database

    open_database(str(db), backup=False)
    code = meta["station_code"]
    try:
        if "first-page" in only:
            bench_first_page(db, code, args.runs)
        if "memory" in only:
            bench_memory(db)
        if "search" in only:
            bench_search(db, code, args.runs)
        if "save" in only:
            bench_save(db, code, 50)
        if "keyset" in only:
            bench_keyset(db, code, args.runs, min(500_000, args.rows // 2))
    finally:
        close_database()

    c = meta["counts"]
    t = meta["timings"]
    print(f"\nDatabase {db}: {c['receptions']:,} receptions, {c['cases']:,} cases, {c['case_events']:,} case events, "
          f"{db.stat().st_size / 2**20:,.0f} MB; {'built in this run' if built else 'reused, built'} by generate in "
          f"{meta['generate_s']:.1f} s (rows {t['build']:.1f}, receptions {t['receptions']:.1f}, cases "
          f"{t['cases']:.1f}, FTS {t['fts']:.1f}, indexes {t['index']:.1f} s). Whole run "
          f"{time.perf_counter() - t_start:.0f} s.")
    widths = [max(len(r[i]) for r in ROWS + [("figure", "raw", "app", "ratio", "target", "")]) for i in range(6)]
    head = ("figure", "raw (same run)", "app", "ratio", "target", "")
    print(" | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    print("-|-".join("-" * w for w in widths))
    for r in ROWS:
        print(" | ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)))
    for figure, raw, app, ratio, target, verdict in ROWS:
        try:
            value = float(ratio.rstrip("×x")) if ratio else None
        except ValueError:
            value = None
        emit(f"{figure} ({args.rows:,} rows)", raw, app, value, target, None if not verdict else verdict == "ok")
    missed = [r[0] for r in ROWS if r[5] == "MISSED"]
    if missed:
        print(f"\nMISSED targets: {len(missed)}")
    for note in NOTES:
        print("- " + note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
