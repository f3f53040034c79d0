"""USB package export and import against the raw figures of BASELINES.md ("Zip export").

export  app: ``exchange.export_package(full=True)`` of a demo station (every table, the 台账 and
             汇总 reports, the re-read verification after the rename);
        raw: the same tables read with plain sqlite3, ``json.dumps`` per row, streamed into one zip
             at the same deflate level — no reports, no verification.
import  app: ``exchange.import_packages`` of that package into an empty database (full
             verification pass, then the merge in one transaction with keyword index and mirror);
        raw read: inflate + ``json.loads`` of every data member once;
        raw insert: ``executemany`` of every table's rows, the reception mirror and the keyword
             index rows (all converted beforehand) into an empty, migrated database in one
             transaction — the floor of any merge (BASELINES "bulk insert and merge").

Medians of interleaved runs; quote the ratios (the machines are shared).

    python bench/bench_exchange.py [--receptions 100000] [--runs 3]
"""

from __future__ import annotations

import argparse
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


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


def raw_read(package: Path) -> int:
    n = 0
    with zipfile.ZipFile(package) as zf:
        for name in zf.namelist():
            if name.startswith("data/"):
                with zf.open(name) as f:
                    for line in f:
                        json.loads(line)
                        n += 1
    return n


def raw_insert(package: Path, work: Path) -> float:
    """The floor of any merge: every table's rows (converted beforehand), the reception mirror and
    the keyword-index rows (text split beforehand) through plain ``executemany`` into an empty,
    migrated database, in one transaction."""
    from types import SimpleNamespace

    from station_app.db import close_database, open_database, search
    from station_app.db.bulk import insert_sql
    from station_app.db.connection import database
    from station_app.db.models import Duty, Reception, ReceptionDeputy
    from station_app.domain import package as pk
    from station_app.services import cases, receptions
    from station_app.services.exchange import MODELS, ROWS, _fields, _reception_row

    target = work / "raw.db"
    open_database(str(target))
    work_items = []
    with zipfile.ZipFile(package) as zf:
        for table in pk.TABLES:
            recs = [json.loads(line) for line in zf.read(pk.data_member(table)).splitlines()]
            model = MODELS[table]
            if table == "receptions":
                rows = [_reception_row(r, i) for i, r in enumerate(recs)]
                mirror = [(r["uid"], d) for r in recs for d in dict.fromkeys(r["deputy_uids"])]
                work_items.append((insert_sql(ReceptionDeputy, [ReceptionDeputy.reception_uid,
                                                                ReceptionDeputy.deputy_uid]), mirror))
                fts = [(i, search.split_chars(receptions.search_text(SimpleNamespace(**r)))) for i, r in enumerate(recs)]
                work_items.append((search.bulk_index_sql(receptions.FTS), fts))
            else:
                rows = [ROWS[table](r) for r in recs]
            if table == "cases":
                fts = [(i + 1, search.split_chars(cases.search_text(SimpleNamespace(
                    number=r["number"], department=r["department"], content=r["content"]), "", "")))
                    for i, r in enumerate(recs)]
                work_items.append((search.bulk_index_sql(cases.FTS), fts))
            if table == "activity_days":
                duties = [(d["uid"], r["station_code"], d["created_at"], d["updated_at"], d["deleted_at"], r["uid"],
                           d["deputy_uid"], d["manual"], d["note"]) for r in recs for d in r.get("duties", ())]
                work_items.append((insert_sql(Duty, _fields(Duty)), duties))
            work_items.append((insert_sql(model, _fields(model)), rows))
    assert Reception
    t = time.perf_counter()
    with database.atomic():
        cur = database.cursor()
        for sql, rows in work_items:
            cur.executemany(sql, rows)
    elapsed = time.perf_counter() - t
    close_database()
    target.unlink()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--receptions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-exchange-"))
    os.environ["STATION_APP_DATA_DIR"] = str(work / "appdata")
    from station_app.db import close_database, open_database
    from station_app.services import exchange
    from station_app.services.demo import make_demo

    db = work / "station.db"
    open_database(str(db))
    t = time.perf_counter()
    make_demo(seed=1, deputies=60, receptions=args.receptions)
    print(f"demo: {args.receptions} receptions in {time.perf_counter() - t:.1f} s")
    close_database()
    times: dict[str, list[float]] = {k: [] for k in ("export app", "export raw", "import app", "import read raw",
                                                      "insert raw")}
    package = None
    for run in range(args.runs):
        out = work / f"out{run}"
        open_database(str(db))
        t = time.perf_counter()
        result = exchange.export_package(out, full=True, password="")
        times["export app"].append(time.perf_counter() - t)
        close_database()
        package = Path(result.path)
        t = time.perf_counter()
        raw_export(db, work / "raw.zip", exchange.COMPRESS_LEVEL)
        times["export raw"].append(time.perf_counter() - t)
        t = time.perf_counter()
        raw_read(package)
        times["import read raw"].append(time.perf_counter() - t)
        county = work / f"county{run}.db"
        open_database(str(county))
        t = time.perf_counter()
        (rep,) = exchange.import_packages([package])
        times["import app"].append(time.perf_counter() - t)
        assert rep.status == "imported", rep.reason
        close_database()
        county.unlink()
        times["insert raw"].append(raw_insert(package, work))
        if run < args.runs - 1:
            shutil.rmtree(out)
    med = {k: statistics.median(v) for k, v in times.items()}
    for k, v in med.items():
        print(f"{k:16s} {v:7.2f} s")
    print(f"package: {package.stat().st_size / 1e6:.1f} MB, counts {result.counts}")
    print(f"export app / raw streaming export: {med['export app'] / med['export raw']:.2f}x")
    print(f"import app / raw read (inflate + json.loads): {med['import app'] / med['import read raw']:.2f}x")
    print(f"import app / raw executemany of the same rows: {med['import app'] / med['insert raw']:.2f}x")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
