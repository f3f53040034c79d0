"""Statistics with breakdowns (issue 21 item 5): ``stats.statistics(..., breakdowns=True)`` against
the same figures computed by hand-written SQL through plain ``sqlite3``, measured in the same run.

- ours: ``stats.statistics(from, to, station, breakdowns=True)`` for the latest calendar year the
  data covers whole (``--year``), the database opened by ``station_app.db.open_database`` as the
  app does; once for the whole database (station None, the county path) and once for a station;
- raw: every field of ``Statistics`` (the §3 figures with ``livelihood_projects``, ``by_station``,
  ``by_village``, ``by_deputy``, ``by_month``) by GROUP BY queries — one pass over the period's
  receptions, one over their deputy lists (``json_each``), one over its cases, one over the cases
  resolved, one joining the cases to their reception grouped by the stored list, the livelihood
  counts —, and the least Python to assemble them. For every station, ``GROUP BY +station_code``
  keeps SQLite reading the table in order rather than walking the ``(station_code, …)`` index (the
  fastest plan, the one ours takes too).

Both answers are compared field by field before anything is timed: a difference is printed and the
bench exits 1 (this keeps the hand-written SQL honest). Variants run interleaved, ``--runs`` times
each, medians; goal ours ≤ 2× raw.

``--stations 1,90`` measures the database as it is (1) and a copy split into a synthetic county of
90 stations (receptions by id, their cases with them, activity days and 民生实事 records by id), so
that ``by_station`` and the grouped county path are measured and checked too.

    python bench/bench_stats.py --size small            # builds a 10,000-reception demo database
    python bench/bench_stats.py --size full             # a copy of the 1,000,000-reception one
        [--db SOURCE.db] [--receptions N] [--runs R] [--year YYYY] [--stations 1,K] [--work DIR]
        [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import pstats
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.append(str(Path(__file__).resolve().parents[1]))  # after PYTHONPATH: PYTHONPATH=/tmp/before measures that tree
from benchrow import emit  # noqa: E402

FULL_SOURCE = "/tmp/bench-start-432lf13s/start-1000000.db"
GOAL = 2.0

# the contract's codes, written out as a hand-written query would have them
GOOD_EVAL = ("satisfied", "basically_satisfied")
DONE = ("resolved", "closed_unresolved")
APPROVED = ("approved", "in_progress", "completed")
CATEGORY_ORDER: tuple[str, ...] = ()  # filled from the program under test (display order only)
LIVELIHOOD_KEYS = ("candidates", "voted", "approved", "completed", "rated", "rated_satisfied")


# --- the database ----------------------------------------------------------------------------------


def copy_db(src: Path, dst: Path) -> None:
    """A consistent copy through SQLite's backup (the source may be in WAL mode)."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(dst) + suffix).unlink(missing_ok=True)
    s = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    d = sqlite3.connect(dst)
    s.backup(d, pages=65536)
    d.close()
    s.close()


def build_small(dst: Path, receptions: int) -> None:
    import station_app

    main_py = Path(station_app.__file__).resolve().parents[1] / "main.py"
    for suffix in ("", "-wal", "-shm"):
        Path(str(dst) + suffix).unlink(missing_ok=True)
    print(f"building a demo database of {receptions:,} receptions …", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, str(main_py), "demo", "--db", str(dst), "--receptions", str(receptions)],
                   check=True, stdout=subprocess.DEVNULL)


def split_county(path: Path, k: int) -> None:
    """Make the one-station copy a county of ``k`` stations (synthetic, consistent for the figures)."""
    con = sqlite3.connect(path, isolation_level=None)
    (code,) = con.execute("SELECT code FROM station").fetchone()
    codes = [f"{code}-{i:02d}" for i in range(k)]
    case_expr = "CASE id % {k} " + " ".join(f"WHEN {i} THEN '{c}'" for i, c in enumerate(codes)) + " END"
    by_id = case_expr.format(k=k)
    con.execute("BEGIN")
    cols = [r[1] for r in con.execute("PRAGMA table_info(station)")]
    row = con.execute(f"SELECT {', '.join(cols)} FROM station").fetchone()
    for c in codes[1:]:
        vals = [c if n == "code" else (None if n == "id" else v) for n, v in zip(cols, row, strict=True)]
        if "uid" in cols:
            vals[cols.index("uid")] = f"{c}-uid"
        con.execute(f"INSERT INTO station ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", vals)
    con.execute("UPDATE station SET code = ? WHERE code = ?", (codes[0], code))
    for table in ("reception", "activity_day", "livelihood_project", "livelihood_session", "livelihood_rating"):
        con.execute(f'UPDATE "{table}" SET station_code = {by_id}')
    con.execute('UPDATE "case" SET station_code = coalesce((SELECT r.station_code FROM reception r '
                'WHERE r.uid = "case".reception_uid), ' + by_id + ")")
    con.execute("UPDATE attendance SET station_code = (SELECT a.station_code FROM activity_day a "
                "WHERE a.uid = attendance.activity_day_uid)")
    con.execute("COMMIT")
    con.close()


def pick_year(path: Path) -> int:
    """The latest calendar year the receptions cover whole; the latest year when none is whole (a
    small demo covers the twelve months up to today)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    first, last = con.execute("SELECT min(received_at), max(received_at) FROM reception "
                              "WHERE deleted_at IS NULL").fetchone()
    con.close()
    year = int(last[:4]) - (last[5:10] < "12-31")
    return year if first[:10] <= f"{year}-01-01" else int(last[:4])


# --- ours --------------------------------------------------------------------------------------------


def comparable(s) -> dict:
    """A Statistics as plain data, the form both sides are compared in."""
    return {"figures": s.figures.to_json(),
            "by_station": {c: f.to_json() for c, f in sorted(s.by_station.items())},
            "by_village": [list(t) for t in s.by_village],
            "by_deputy": [list(t) for t in s.by_deputy],
            "by_month": [list(t) for t in s.by_month]}


def ours(d0: dt.date, d1: dt.date, code: str | None) -> dict:
    from station_app.services import stats

    return comparable(stats.statistics(d0, d1, code, breakdowns=True))


# --- raw: hand-written SQL -------------------------------------------------------------------------


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def raw(con: sqlite3.Connection, lo: str, hi: str, code: str | None, months: list[str]) -> dict:
    """Every field of Statistics by hand-written SQL over ``con`` (plain sqlite3)."""
    st = " AND station_code = :code" if code else ""
    p = {"lo": lo, "hi": hi, "code": code}
    rec_where = f"deleted_at IS NULL AND received_at >= :lo AND received_at < :hi{st}"
    case_where = f"deleted_at IS NULL AND registered_at >= :lo AND registered_at < :hi{st}"
    res_where = f"deleted_at IS NULL AND status = 'resolved' AND resolved_at >= :lo AND resolved_at < :hi{st}"
    stations: dict[str, dict] = {}

    def at(c: str) -> dict:
        return stations.setdefault(c, {"rec": 0, "vis": 0, "cases": 0, "done": 0, "evald": 0, "good": 0,
                                       "cat": {}, "res": 0, "deps": set(), "lv": dict.fromkeys(LIVELIHOOD_KEYS, 0)})

    # receptions: per station, village, month in one pass (for every station, "+station_code" keeps
    # SQLite from walking the (station_code, sort_key) index: table order is 4-5x faster on a county)
    by_village_rec: dict[str, list[int]] = {}
    by_month_rec: dict[str, list[int]] = {}
    for c, v, m, n, s in con.execute(
            f"SELECT station_code, village, substr(received_at, 1, 7), count(*), total(visitor_count) "
            f"FROM reception WHERE {rec_where} GROUP BY {'station_code' if code else '+station_code'}, 2, 3", p):
        a = at(c)
        a["rec"] += n
        a["vis"] += int(s)
        bv = by_village_rec.setdefault(v, [0, 0])
        bv[0] += n
        bv[1] += int(s)
        bm = by_month_rec.setdefault(m, [0, 0])
        bm[0] += n
        bm[1] += int(s)
    # cases collected: per station, status, evaluation, category, month in one pass
    by_month_cases: dict[str, int] = {}
    for c, status, ev, cat, m, n in con.execute(
            f'SELECT station_code, status, evaluation, category, substr(registered_at, 1, 7), count(*) '
            f'FROM "case" WHERE {case_where} GROUP BY 1, 2, 3, 4, 5', p):
        a = at(c)
        a["cases"] += n
        a["done"] += n if status in DONE else 0
        if ev is not None:
            a["evald"] += n
            a["good"] += n if ev in GOOD_EVAL else 0
        a["cat"][cat] = a["cat"].get(cat, 0) + n
        by_month_cases[m] = by_month_cases.get(m, 0) + n
    by_month_res: dict[str, int] = {}
    for c, m, n in con.execute(f'SELECT station_code, substr(resolved_at, 1, 7), count(*) FROM "case" '
                               f"WHERE {res_where} GROUP BY 1, 2", p):
        at(c)["res"] += n
        by_month_res[m] = by_month_res.get(m, 0) + n
    # deputies in station: held days' present/late sign-ins, and the receptions' lists (with their counts)
    r_st = " AND r.station_code = :code" if code else ""
    for c, u in con.execute(
            "SELECT DISTINCT d.station_code, a.deputy_uid FROM attendance a JOIN activity_day d "
            "ON d.uid = a.activity_day_uid WHERE a.deleted_at IS NULL AND d.deleted_at IS NULL AND d.status = 'held' "
            f"AND a.status IN ('present', 'late') AND d.date >= :lo AND d.date < :hi"
            f"{' AND d.station_code = :code' if code else ''}", p):
        at(c)["deps"].add(u)
    dep_rec: dict[str, int] = {}
    for c, u, n in con.execute("SELECT r.station_code, j.value, count(*) FROM reception r, json_each(r.deputy_uids) j "
                               f"WHERE r.deleted_at IS NULL AND r.received_at >= :lo AND r.received_at < :hi{r_st} "
                               f"GROUP BY {'r.station_code' if code else '+r.station_code'}, 2", p):
        at(c)["deps"].add(u)
        dep_rec[u] = dep_rec.get(u, 0) + n
    # by village and by deputy: the cases through their reception, one join grouped by the stored list
    by_village_cases: dict[str, int] = {}
    dep_cases: dict[str, int] = {}
    for v, uids_json, n in con.execute(
            'SELECT r.village, r.deputy_uids, count(*) FROM "case" c JOIN reception r ON r.uid = c.reception_uid '
            "WHERE c.deleted_at IS NULL AND c.registered_at >= :lo AND c.registered_at < :hi"
            f'{" AND c.station_code = :code" if code else ""} GROUP BY 1, 2', p):
        by_village_cases[v] = by_village_cases.get(v, 0) + n
        for u in json.loads(uids_json) if uids_json else ():
            dep_cases[u] = dep_cases.get(u, 0) + n
    uids = set(dep_rec) | set(dep_cases)
    names = dict(con.execute(f"SELECT uid, name FROM deputy WHERE uid IN ({', '.join('?' * len(uids))})",
                             sorted(uids))) if uids else {}
    # 民生实事项目票决制
    lp_st = " AND station_code = :code" if code else ""
    lv_queries = (
        ("candidates", "SELECT station_code, count(*) FROM livelihood_project WHERE deleted_at IS NULL "
                       f"AND registered_on >= :lo AND registered_on < :hi{lp_st} GROUP BY 1"),
        ("voted", "SELECT p.station_code, count(*) FROM livelihood_project p WHERE p.deleted_at IS NULL "
                  "AND p.session_uid IN (SELECT uid FROM livelihood_session WHERE deleted_at IS NULL "
                  f"AND status = 'held' AND date >= :lo AND date < :hi{lp_st}) GROUP BY 1"),
        ("approved", "SELECT p.station_code, count(*) FROM livelihood_project p WHERE p.deleted_at IS NULL "
                     f"AND p.status IN {_in(APPROVED)} AND p.session_uid IN (SELECT uid FROM livelihood_session "
                     f"WHERE deleted_at IS NULL AND status = 'held' AND date >= :lo AND date < :hi{lp_st}) GROUP BY 1"),
        ("completed", "SELECT station_code, count(*) FROM livelihood_project WHERE deleted_at IS NULL "
                      f"AND status = 'completed' AND completed_at >= :lo AND completed_at < :hi{lp_st} GROUP BY 1"),
    )
    for key, sql in lv_queries:
        for c, n in con.execute(sql, p):
            at(c)["lv"][key] = n
    for c, n, good in con.execute(
            "SELECT station_code, count(*), total(2 * good > n) FROM (SELECT r.station_code, r.project_uid, "
            f"count(*) AS n, total(r.rating IN {_in(GOOD_EVAL)}) AS good FROM livelihood_rating r "
            "JOIN livelihood_project p ON p.uid = r.project_uid WHERE r.deleted_at IS NULL AND p.deleted_at IS NULL "
            f"AND r.rated_on >= :lo AND r.rated_on < :hi{' AND r.station_code = :code' if code else ''} "
            "GROUP BY 1, 2) GROUP BY 1", p):
        at(c)["lv"]["rated"], at(c)["lv"]["rated_satisfied"] = n, int(good)

    def figures(parts: list[dict]) -> dict:
        tot = {k: sum(a[k] for a in parts) for k in ("rec", "vis", "cases", "done", "evald", "good", "res")}
        cats: dict[str, int] = {}
        for a in parts:
            for k, n in a["cat"].items():
                cats[k] = cats.get(k, 0) + n
        return {"deputies_in_station": len(set().union(*(a["deps"] for a in parts))), "receptions": tot["rec"],
                "visitors": tot["vis"], "cases_collected": tot["cases"], "cases_resolved": tot["res"],
                "completion_rate": _rate(tot["done"], tot["cases"]),
                "satisfaction_rate": _rate(tot["good"], tot["evald"]),
                "by_category": {k: cats[k] for k in CATEGORY_ORDER if cats.get(k)},
                "livelihood_projects": {k: sum(a["lv"][k] for a in parts) for k in LIVELIHOOD_KEYS}}

    all_codes = [c for (c,) in con.execute("SELECT code FROM station ORDER BY code")]
    by_station = {c: figures([stations[c]] if c in stations else []) for c in all_codes} \
        if not code and len(all_codes) > 1 else {}
    villages = sorted(set(by_village_rec) | set(by_village_cases),
                      key=lambda v: (-by_village_rec.get(v, (0, 0))[0], -by_village_cases.get(v, 0), v))
    return {"figures": figures(list(stations.values())),
            "by_station": by_station,
            "by_village": [[v or "（未填）", *by_village_rec.get(v, (0, 0)), by_village_cases.get(v, 0)] for v in villages],
            "by_deputy": sorted(([names.get(u, "（已删除）"), dep_rec.get(u, 0), dep_cases.get(u, 0)] for u in uids),
                                key=lambda t: (-t[1], -t[2], t[0])),
            "by_month": [[m, *by_month_rec.get(m, (0, 0)), by_month_cases.get(m, 0), by_month_res.get(m, 0)]
                         for m in months]}


# --- comparing, timing -------------------------------------------------------------------------------


def differences(a, b, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b), key=str):
            if k not in a or k not in b:
                out.append(f"{path}/{k}: ours {a.get(k, '—')!r} raw {b.get(k, '—')!r}")
            else:
                out += differences(a[k], b[k], f"{path}/{k}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: ours {len(a)} rows, raw {len(b)} rows; first ours {a[:3]!r} raw {b[:3]!r}"]
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in differences(x, y, f"{path}[{i}]")]
    if a != b or type(a) is not type(b) and not (isinstance(a, int | float) and isinstance(b, int | float)):
        return [f"{path}: ours {a!r} raw {b!r}"]
    return []


def interleaved(fns: dict, runs: int) -> dict[str, float]:
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(runs):
        for k, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in times.items()}


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=("small", "full"), default="small")
    parser.add_argument("--db", help="source database to copy (full: the 1M demo database)")
    parser.add_argument("--receptions", type=int, default=10_000, help="small: receptions of the demo built")
    parser.add_argument("--runs", type=int, default=None, help="interleaved runs (small 5, full 3)")
    parser.add_argument("--year", type=int, default=None, help="the year measured (default: the latest whole one)")
    parser.add_argument("--stations", default="1",
                        help="comma-separated: measure the copy as is (1) and split into a county of K stations")
    parser.add_argument("--work", help="folder for the copies (default: a new temporary folder, removed)")
    parser.add_argument("--profile", action="store_true", help="print the top of a cProfile of ours")
    args = parser.parse_args()
    runs = args.runs or (5 if args.size == "small" else 3)
    counties = [int(k) for k in args.stations.split(",")]

    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="bench-stats-"))
    work.mkdir(parents=True, exist_ok=True)
    failed = False
    try:
        if args.db or args.size == "full":
            source = Path(args.db or FULL_SOURCE)
        else:
            source = work / "source.db"
            build_small(source, args.receptions)
        for k in counties:
            t0 = time.perf_counter()
            path = work / f"stats-{k}.db"
            copy_db(source, path)
            if k > 1:
                split_county(path, k)
            print(f"database ready in {time.perf_counter() - t0:.1f} s: {path}", file=sys.stderr, flush=True)
            failed |= run(path, args, runs)
            if not args.work:
                path.unlink()
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


def run(path: Path, args, runs: int) -> bool:
    """Measure one database; True when the two answers differ."""
    global CATEGORY_ORDER
    import station_app
    from station_app.db import close_database, open_database
    from station_app.domain.codes import Category

    CATEGORY_ORDER = tuple(Category.codes())
    print(f"program under test: {Path(station_app.__file__).parent}", file=sys.stderr, flush=True)
    year = args.year or pick_year(path)
    d0, d1 = dt.date(year, 1, 1), dt.date(year, 12, 31)
    lo, hi = d0.isoformat(), (d1 + dt.timedelta(days=1)).isoformat()
    months = [f"{year:04d}-{m:02d}" for m in range(1, 13)]
    open_database(str(path), backup=False)  # migrates the copy to the program under test first
    con = sqlite3.connect(path)
    codes = [c for (c,) in con.execute("SELECT code FROM station ORDER BY code")]
    (total,) = con.execute("SELECT count(*) FROM reception WHERE deleted_at IS NULL").fetchone()
    (n_rec,) = con.execute("SELECT count(*) FROM reception WHERE deleted_at IS NULL AND received_at >= ? "
                           "AND received_at < ?", (lo, hi)).fetchone()
    size = f"{round(total / 1000)}k" if total < 1_000_000 else f"{total / 1e6:g}M"
    where = f"county of {len(codes)}" if len(codes) > 1 else "one station"
    scopes = [(f"{where}, all (None)", None)] + ([(f"{where}, station {codes[0]}", codes[0])] if codes else [])
    print(f"\nstatistics with breakdowns, {size} receptions, {where}, year {year} ({n_rec:,} receptions), "
          f"runs {runs}, medians", flush=True)
    failed = False
    table = []
    for label, code in scopes:
        a, b = ours(d0, d1, code), raw(con, lo, hi, code, months)
        diff = differences(a, b)
        if diff:
            print(f"DIFFERENT ({label}): {len(diff)} differences", flush=True)
            for line in diff[:40]:
                print("  " + line, flush=True)
            failed = True
            continue
        print(f"  {label}: same figures (receptions {a['figures']['receptions']:,}, cases "
              f"{a['figures']['cases_collected']:,}, {len(a['by_village'])} villages, {len(a['by_deputy'])} deputies, "
              f"{len(a['by_station'])} stations in by_station, livelihood {a['figures']['livelihood_projects']})",
              flush=True)
        med = interleaved({"raw": lambda code=code: raw(con, lo, hi, code, months),
                           "ours": lambda code=code: ours(d0, d1, code)}, runs)
        ratio = med["ours"] / med["raw"]
        met = ratio <= GOAL
        table.append((label, med["raw"], med["ours"], ratio, met))
        emit(f"statistics with breakdowns, {size}, {where}, " + ("by station code" if code else "all (None)"),
             fmt(med["raw"]), fmt(med["ours"]), ratio, f"≤ {GOAL:g}×", met)
        if args.profile:
            prof = cProfile.Profile()
            prof.runcall(ours, d0, d1, code)
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(25)
            print(out.getvalue(), flush=True)
    con.close()
    close_database()
    print(f"\n{'scope':<34} {'raw SQL':>10} {'ours':>10} {'ratio':>7}  goal ≤ {GOAL:g}×")
    for label, r, o, ratio, met in table:
        print(f"{label:<34} {fmt(r):>10} {fmt(o):>10} {ratio:>6.2f}×  {'met' if met else 'MISSED'}", flush=True)
    return failed


if __name__ == "__main__":
    sys.exit(main())
