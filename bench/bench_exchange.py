"""USB package export and import against the raw figures of BASELINES.md ("Zip export", "Bulk
insert and merge"), measured in the same run.

export  app: ``exchange.export_package(full=True)`` of each station, as the clerk exports by default
             (every table, the photos, the re-read verification after the rename);
        app with reports (information): the same with ``reports=True``, the 台账 and 汇总 asked for;
        raw: the same tables read with plain sqlite3, ``json.dumps`` per row, streamed into one zip
             at the same deflate level: no reports, no verification.
import  app: ``exchange.import_packages`` of every package into one empty county database (checks,
             merge by uid in one transaction a package, keyword index and mirror);
        raw read: inflate + ``json.loads`` of every data member once;
        raw insert: ``executemany`` of every table's rows, the reception mirror and the keyword
             index rows (all converted beforehand) into an empty, migrated database, one
             transaction a package: the floor of any merge.

    python bench/bench_exchange.py [--stations 1] [--receptions 100000] [--runs 3] [--work DIR]

``--stations 90 --receptions 1000000`` is the county of issue 7: 90 stations of ~11,000 receptions
each (made by ``demo`` + ``export``). ``--work DIR`` keeps the stations and packages there and
reuses them on the next run (making 1M receptions takes ~15 minutes). Medians of interleaved runs;
quote the ratios (the machines are shared).
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# after PYTHONPATH: PYTHONPATH=/tmp/before measures that tree (inserted first, this tree was measured)
sys.path.append(str(Path(__file__).resolve().parents[1]))
from benchrow import emit  # noqa: E402


def cpu() -> float:
    """CPU seconds of this process and of its children that ended (the checks' and the reports'
    child processes): beside the wall clock, what a run costs on a machine other work shares."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def raw_export(db: Path, out: Path, level: int) -> None:
    from station_app.domain import package as pk
    from station_app.services.exchange import SOURCES

    con = sqlite3.connect(str(db))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for table in pk.TABLES:
            src = SOURCES[table]
            cols = src.columns
            cur = con.execute(f'SELECT {", ".join(cols)} FROM "{src.model._meta.table_name}"')
            with zf.open(pk.data_member(table), "w", force_zip64=True) as w:
                while True:
                    rows = cur.fetchmany(5000)
                    if not rows:
                        break
                    w.write("".join(json.dumps(dict(zip(cols, r, strict=True)), ensure_ascii=False,
                                               separators=(",", ":")) + "\n" for r in rows).encode())
    con.close()


def raw_read(packages: list[Path]) -> int:
    n = 0
    for package in packages:
        with zipfile.ZipFile(package) as zf:
            for name in zf.namelist():
                if name.startswith("data/"):
                    with zf.open(name) as f:
                        for line in f:
                            json.loads(line)
                            n += 1
    return n


def _raw_rows(package: Path, keys: list[int]) -> list[tuple[str, list]]:
    """(INSERT, rows) of one package, converted as the merge converts them. ``keys`` holds the
    next reception sort key and the next case id (unique over all packages)."""
    from types import SimpleNamespace

    from station_app.db import search
    from station_app.db.bulk import insert_sql
    from station_app.db.models import Duty, ReceptionDeputy
    from station_app.domain import package as pk
    from station_app.services import cases, receptions
    from station_app.services.exchange import MODELS, ROWS, _fields, _reception_row

    work_items = []
    with zipfile.ZipFile(package) as zf:
        for table in pk.TABLES:
            recs = [json.loads(line) for line in zf.read(pk.data_member(table)).splitlines()]
            model = MODELS[table]
            if table == "receptions":
                first = keys[0]
                keys[0] += len(recs)
                rows = [_reception_row(r, first + i) for i, r in enumerate(recs)]
                mirror = [(r["uid"], d) for r in recs for d in dict.fromkeys(r["deputy_uids"])]
                work_items.append((insert_sql(ReceptionDeputy, [ReceptionDeputy.reception_uid,
                                                                ReceptionDeputy.deputy_uid]), mirror))
                fts = [(first + i, search.split_chars(receptions.search_text(SimpleNamespace(**r))))
                       for i, r in enumerate(recs)]
                work_items.append((search.bulk_index_sql(receptions.FTS), fts))
            else:
                rows = [ROWS[table](r) for r in recs]
            if table == "cases":
                first = keys[1]
                keys[1] += len(recs)
                fts = [(first + i, search.split_chars(cases.search_text(SimpleNamespace(
                    number=r["number"], department=r["department"], content=r["content"]), "", "")))
                    for i, r in enumerate(recs)]
                work_items.append((search.bulk_index_sql(cases.FTS), fts))
            if table == "activity_days":
                duties = [(d["uid"], r["station_code"], d["created_at"], d["updated_at"], d["deleted_at"], r["uid"],
                           d["deputy_uid"], d["manual"], d["note"]) for r in recs for d in r.get("duties", ())]
                work_items.append((insert_sql(Duty, _fields(Duty)), duties))
            work_items.append((insert_sql(model, _fields(model)), rows))
    return work_items


def raw_insert(packages: list[Path], work: Path) -> tuple[float, float]:
    """The floor of any merge: every package's rows (converted beforehand), the reception mirror
    and the keyword-index rows (text split beforehand) through plain ``executemany`` into an empty,
    migrated database, one transaction a package. Returns (wall, CPU) seconds."""
    from station_app.db import close_database, open_database
    from station_app.db.connection import database

    target = work / "raw.db"
    open_database(str(target))
    keys = [1, 1]
    elapsed = used = 0.0
    for package in packages:  # converted outside the clock, one package at a time (memory)
        work_items = _raw_rows(package, keys)
        t, c = time.perf_counter(), cpu()
        with database.atomic():
            cur = database.cursor()
            for sql, rows in work_items:
                cur.executemany(sql, rows)
        elapsed += time.perf_counter() - t
        used += cpu() - c
    close_database()
    for f in work.glob("raw.db*"):
        f.unlink()
    return elapsed, used


def make_stations(work: Path, stations: int, receptions: int) -> list[Path]:
    """One station database a station (reused when already there)."""
    from station_app.db import close_database, open_database
    from station_app.domain.records import StationProfile
    from station_app.services import station
    from station_app.services.demo import make_demo

    dbs = []
    each = receptions // stations
    deputies = 60 if stations == 1 else 22  # ~2,000 deputies in a county of 90 stations
    t = time.perf_counter()
    for n in range(1, stations + 1):
        db = work / f"station{n:02d}.db"
        dbs.append(db)
        if db.exists():
            continue
        part = db.with_suffix(".part")
        for f in work.glob(part.name + "*"):
            f.unlink()
        open_database(str(part))
        if stations > 1:
            station.save_home_station(StationProfile(
                code=f"S{n:02d}", name=f"第{n}联络站", township=f"第{n}镇", county="测试县",
                address=f"第{n}镇政府", phone="0534-5123456"))
        make_demo(seed=n, deputies=deputies, receptions=each + (receptions % stations if n == 1 else 0))
        close_database()
        part.rename(db)
        print(f"  station {n}/{stations} made ({time.perf_counter() - t:.0f} s)", flush=True)
    return dbs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=1)
    parser.add_argument("--receptions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", help="keep the stations here and reuse them")
    args = parser.parse_args()
    keep = args.work is not None
    work = Path(args.work) if keep else Path(tempfile.mkdtemp(prefix="bench-exchange-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["STATION_APP_DATA_DIR"] = str(work / "appdata")
    from station_app.db import close_database, open_database
    from station_app.services import exchange

    dbs = make_stations(work, args.stations, args.receptions)
    asks_reports = "reports" in inspect.signature(exchange.export_package).parameters
    times: dict[str, list[float]] = {k: [] for k in ("export app", "export raw", "export with reports",
                                                      "import app", "import read raw", "insert raw")}
    cpus: dict[str, list[float]] = {k: [] for k in ("export app", "export raw", "import app", "insert raw")}
    total_records = 0
    size = 0
    for run in range(args.runs):
        out = work / f"out{run}"
        shutil.rmtree(out, ignore_errors=True)
        packages = []
        app = raw = app_cpu = raw_cpu = with_reports = 0.0
        for db in dbs:
            open_database(str(db), backup=False)
            t, c = time.perf_counter(), cpu()
            result = exchange.export_package(out, full=True, password="")
            app_one = time.perf_counter() - t
            app += app_one
            app_cpu += cpu() - c
            t = time.perf_counter()
            if asks_reports:
                exchange.export_package(work / "with-reports", full=True, password="", reports=True)
                shutil.rmtree(work / "with-reports")
            else:  # a tree from before 5a981e3 always wrote them: its default export is this figure
                t -= app_one
            with_reports += time.perf_counter() - t
            close_database()
            packages.append(Path(result.path))
            t, c = time.perf_counter(), cpu()
            raw_export(db, work / "raw.zip", exchange.COMPRESS_LEVEL)
            raw += time.perf_counter() - t
            raw_cpu += cpu() - c
        times["export app"].append(app)
        times["export raw"].append(raw)
        times["export with reports"].append(with_reports)
        cpus["export app"].append(app_cpu)
        cpus["export raw"].append(raw_cpu)
        t = time.perf_counter()
        total_records = raw_read(packages)
        times["import read raw"].append(time.perf_counter() - t)
        county = work / "county.db"
        for f in work.glob("county.db*"):
            f.unlink()
        open_database(str(county))
        t, c = time.perf_counter(), cpu()
        reports = exchange.import_packages(packages, enroll=True)
        times["import app"].append(time.perf_counter() - t)
        cpus["import app"].append(cpu() - c)
        bad = [r.reason for r in reports if r.status != "imported"]
        assert not bad, bad
        close_database()
        wall, used = raw_insert(packages, work)
        times["insert raw"].append(wall)
        cpus["insert raw"].append(used)
        size = sum(p.stat().st_size for p in packages)
        print(f"  run {run + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()), flush=True)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"{len(dbs)} station(s), {args.receptions} receptions, {total_records} records, "
          f"packages {size / 1e6:.1f} MB; medians of {args.runs} run(s):")
    for k, v in med.items():
        print(f"  {k:16s} {v:7.2f} s")
    print(f"export app / raw streaming export: {med['export app'] / med['export raw']:.2f}x (target 1.2x)")
    print(f"  app beyond raw a package: {(med['export app'] - med['export raw']) / len(dbs):.2f} s; "
          f"the 台账 and 汇总 when asked for: {(med['export with reports'] - med['export app']) / len(dbs):.2f} s more")
    print(f"import app / raw executemany of the same rows: {med['import app'] / med['insert raw']:.2f}x "
          f"(target 1.5x)")
    exp = med["export app"] / med["export raw"]
    imp = med["import app"] / med["insert raw"]
    emit(f"export, {args.stations} × {args.receptions:,} receptions", f"{med['export raw']:.2f} s",
         f"{med['export app']:.2f} s", exp, "≤ 1.2×", exp <= 1.2)
    emit(f"export with the 台账 and 汇总 (asked for), {args.stations} × {args.receptions:,} receptions",
         f"{med['export raw']:.2f} s", f"{med['export with reports']:.2f} s",
         med["export with reports"] / med["export raw"], "— (information)", None)
    emit(f"import, {args.stations} × {args.receptions:,} receptions", f"{med['insert raw']:.2f} s",
         f"{med['import app']:.2f} s", imp, "≤ 1.5×", imp <= 1.5)
    print(f"import app / (raw read + raw executemany): "
          f"{med['import app'] / (med['import read raw'] + med['insert raw']):.2f}x")
    cmed = {k: statistics.median(v) for k, v in cpus.items()}
    print("CPU seconds (this process and its ended children; all cores summed, so the app's second core "
          "counts against it): " + ", ".join(f"{k} {v:.2f} s" for k, v in cmed.items()))
    print(f"  CPU export app / raw {cmed['export app'] / cmed['export raw']:.2f}x, "
          f"import app / raw executemany {cmed['import app'] / cmed['insert raw']:.2f}x")
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
