"""Kill harness (issue 18 item 8): SIGKILL a process at a random moment of real service writes, then
check the database (``integrity_check``), that every acknowledged write is there, and that no
partial package is visible.

A worker (``python -m tests.kill_harness work KIND FOLDER``) loops over one kind of write and
appends a line to ``FOLDER/acks`` (flushed and fsync'd) only after the service returned — the
moment the GUI would tell the clerk "已保存". :func:`run` starts a worker, waits until it has
acknowledged a first write, kills it after a random delay, and :func:`verify` checks what is left.
Used by tests/integration/test_kill.py (CI) and bench/bench_kill.py (the 100-run figures).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

KINDS = ("reception", "case", "import", "export", "migration", "backup", "restore")
ROOT = Path(__file__).resolve().parent.parent
TZ = dt.timezone(dt.timedelta(hours=8))


_told = False


def _ack(handle, text: str) -> None:
    global _told
    handle.write(text + "\n")
    handle.flush()
    os.fsync(handle.fileno())
    if not _told:  # the parent waits on this line for the first acknowledged write
        _told = True
        print("acked", flush=True)


def _profile(code: str = "K01", name: str = "测试镇人大代表联络站"):
    from station_app.domain.records import StationProfile

    return StationProfile(code=code, name=name, township="测试镇", county="测试县",
                          address="测试镇政府", phone="0534-5123456")


def prepare(kind: str, template: Path) -> None:
    """Make the kind's starting state once in ``template`` (copied for every run)."""
    from station_app.db import close_database, open_database
    from station_app.services import exchange, station
    from station_app.services.demo import make_demo

    template.mkdir(parents=True, exist_ok=True)
    os.environ["STATION_APP_DATA_DIR"] = str(template / "data")
    if kind == "migration":
        return
    if kind == "import":
        for i, code in enumerate(("K01", "K02", "K03")):
            open_database(str(template / f"src{i}.db"))
            station.save_home_station(_profile(code, f"测试{i}镇人大代表联络站"))
            make_demo(seed=20 + i, deputies=5, receptions=60)
            exchange.export_package(template / "packages", full=True, password="")
            close_database()
            for f in template.glob(f"src{i}.db*"):
                f.unlink()
        open_database(str(template / "station.db"))
        close_database()
        return
    open_database(str(template / "station.db"))
    station.save_home_station(_profile())
    make_demo(seed=7, deputies=5, receptions=40 if kind in ("export", "backup") else 0)
    close_database()
    if kind == "restore":  # two backups to restore in turn: 5 deputies (A) and 6 (B)
        from station_app.domain.records import DeputyData
        from station_app.services import deputies
        from station_app.services.backup import backup

        backup(str(template / "station.db"), template / "A.db")
        open_database(str(template / "station.db"))
        deputies.create(DeputyData(name="恢复测试", levels=("township",)))
        close_database()
        backup(str(template / "station.db"), template / "B.db")


def work(kind: str, folder: Path) -> None:
    """The worker: loop over one kind of write, acknowledging each after it returned."""
    from station_app.db import open_database
    from station_app.domain.records import OpinionData, ReceptionData
    from station_app.services import cases, exchange, receptions

    os.environ["STATION_APP_DATA_DIR"] = str(folder / "data")
    acks = open(folder / "acks", "a", encoding="utf-8")  # noqa: SIM115 - open until the kill
    if kind == "migration":
        for i in range(10_000):
            path = folder / "dbs" / f"new{i}.db"
            open_database(str(path))
            _ack(acks, str(path))
        return
    if kind == "restore":  # restore A and B in turn, the database closed as the CLI leaves it
        from station_app.services.backup import restore

        for i in range(100_000):
            source = folder / ("A.db" if i % 2 == 0 else "B.db")
            restore(str(folder / "station.db"), source)
            _ack(acks, f"{i} {source.name}")
        return
    open_database(str(folder / "station.db"))
    now = dt.datetime.now(TZ) - dt.timedelta(minutes=1)
    for i in range(100_000):
        if kind == "reception":
            rec = receptions.record_visit(ReceptionData(received_at=now, channel="visit", visitor_name=f"访客{i}",
                                                        summary="反映道路问题" * 20))
            _ack(acks, rec.uid)
        elif kind == "case":
            receptions.record_visit(ReceptionData(received_at=now, channel="visit", visitor_name=f"群众{i}"),
                                    [OpinionData(f"道路坑洼{i}", "infrastructure", "assigned", department="镇农业农村办")])
            uid = cases.page(limit=1, keyword=f"道路坑洼{i}").rows[0].uid
            cases.act(uid, "supervise", note=f"督办{i}")
            _ack(acks, f"{uid} 督办{i}")
        elif kind == "export":
            result = exchange.export_package(folder / "stick", full=True, password="")
            _ack(acks, result.path)
        elif kind == "backup":
            from station_app.services.backup import backup

            _ack(acks, str(backup(str(folder / "station.db"), folder / "copies" / f"b{i}.db")))
        elif kind == "import":
            packages = sorted((folder / "packages").glob("*.zip"))
            for report in exchange.import_packages([str(p) for p in packages], enroll=True):
                if report.status != "imported":
                    raise SystemExit(f"import refused: {report.reason}")
                _ack(acks, report.package_id)


def run(kind: str, template: Path, folder: Path, rng: random.Random, max_delay: float = 0.6) -> dict:
    """One run: copy the template, start a worker, SIGKILL it at a random moment, verify."""
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(template, folder)
    env = dict(os.environ, STATION_APP_DATA_DIR=str(folder / "data"), PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "tests.kill_harness", "work", kind, str(folder)],
                            cwd=str(ROOT), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.stdout.readline() != b"acked\n":  # blocks until the first write is acknowledged (or the end)
        proc.wait()
        raise RuntimeError(f"the {kind} worker stopped by itself: {proc.stderr.read().decode()[-2000:]}")
    time.sleep(rng.uniform(0, max_delay))  # the random moment of the kill (not a wait for anything)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    proc.stderr.close()
    return verify(kind, folder)


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(str(path))
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def verify(kind: str, folder: Path) -> dict:
    """What a killed run left: raises AssertionError on any loss; returns the figures."""
    from station_app.db import close_database, open_database

    os.environ["STATION_APP_DATA_DIR"] = str(folder / "data")
    acked = [line for line in (folder / "acks").read_text(encoding="utf-8").splitlines() if line]
    if kind == "migration":
        from station_app.db.migrations import current_version, latest_version

        for path in sorted((folder / "dbs").glob("new*.db")):  # the one being created when killed, too
            db = open_database(str(path))
            assert current_version(db) == latest_version(), path
            close_database()
            assert _integrity(path) == "ok", path
        assert all(Path(p).exists() for p in acked)
        return {"acked": len(acked)}
    db_path = folder / "station.db"
    if kind == "restore":  # whole A or whole B (the one restored last, or the one in progress)
        assert _integrity(db_path) == "ok"
        conn = sqlite3.connect(str(db_path))
        try:
            n = conn.execute("SELECT COUNT(*) FROM deputy").fetchone()[0]
        finally:
            conn.close()
        assert n in (5, 6), n
        return {"acked": len(acked)}
    if kind == "backup":  # every copy under its final name is whole, the acknowledged ones included
        copies = sorted((folder / "copies").glob("b*.db"))
        assert {str(p) for p in copies} >= set(acked)
        for p in copies:
            assert _integrity(p) == "ok", p
            conn = sqlite3.connect(str(p))
            try:
                assert conn.execute("SELECT COUNT(*) FROM deputy").fetchone()[0] == 5, p
            finally:
                conn.close()
    open_database(str(db_path))
    try:
        if kind == "reception":
            from station_app.services import receptions

            for uid in acked:
                receptions.get(uid)
        elif kind == "case":
            from station_app.services import cases

            for line in acked:
                uid, note = line.split(" ", 1)
                assert note in [e.note for e in cases.events(uid)], line
        elif kind == "import":
            from station_app.db.models import ExchangeImported

            have = {r.package_id for r in ExchangeImported.select(ExchangeImported.package_id)}
            assert set(acked) <= have, set(acked) - have
        elif kind == "export":
            from station_app.services import exchange

            stick = folder / "stick"
            visible = sorted(p for p in stick.glob("*") if not p.name.startswith("."))
            assert set(acked) <= {str(p) for p in visible}
            for p in visible:  # every package on the stick is whole
                with zipfile.ZipFile(p) as zf:
                    assert zf.testzip() is None and "manifest.json" in zf.namelist(), p
            exchange.export_package(stick, full=True, password="")  # the next export cleans up
            assert not list(stick.glob(".*.part"))
    finally:
        close_database()
    assert _integrity(db_path) == "ok"
    return {"acked": len(acked)}


def two_new(folder: Path) -> list[str]:
    """Two processes opening one brand-new database together: their stderr (empty when sound)."""
    target = folder / "fresh.db"
    env = dict(os.environ, STATION_APP_DATA_DIR=str(folder / "data"), PYTHONPATH=str(ROOT))
    code = ("import sys; from station_app.db import open_database; "
            "from station_app.db.migrations import current_version, latest_version; "
            "db = open_database(sys.argv[1]); assert current_version(db) == latest_version()")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(target)], cwd=str(ROOT), env=env,
                              stderr=subprocess.PIPE) for _ in range(2)]
    errs = [p.communicate()[1].decode() for p in procs]
    return [e for p, e in zip(procs, errs, strict=True) if p.returncode != 0 or "Traceback" in e]


if __name__ == "__main__":
    if sys.argv[1] == "work":
        work(sys.argv[2], Path(sys.argv[3]))
