"""Issue 18 items 5–7: interrupted exports leave no package, a county import never crashes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from station_app.db import close_database, open_database
from station_app.db.models import ActivityDay, Deputy, ExchangeSent
from station_app.services import exchange
from tests.conftest import TEST_STATION
from tests.integration.test_exchange import SECOND, _station_db, rewrite


def test_an_interrupted_exports_part_file_is_removed_at_the_next_export(station_db, tmp_path):
    stick = tmp_path / "stick"
    stick.mkdir()
    left = stick / f".{TEST_STATION.code}_20260101-20260102_20260102T100000.zip.part"
    left.write_bytes(b"PK half a package")
    other = stick / ".notes.txt.part"  # not ours: stays
    other.write_bytes(b"x")
    result = exchange.export_package(stick, full=True, password="")
    assert not left.exists() and other.exists()
    assert sorted(p.name for p in stick.iterdir()) == sorted([Path(result.path).name, other.name])


def test_an_export_the_database_cannot_record_leaves_no_package(station_db, db_path, tmp_path):
    """Another program holds the database's write lock while the package is written: recording it as
    sent fails (数据库正被另一个程序使用), and the package written meanwhile is taken back."""
    import sqlite3

    from station_app.db.connection import database
    from station_app.db.faults import DatabaseLocked

    database.execute_sql("PRAGMA busy_timeout = 300")  # this test need not wait the clerk's 5 s
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a real second writer, holding the lock throughout
    stick = tmp_path / "stick"
    try:
        with pytest.raises(DatabaseLocked):
            exchange.export_package(stick, full=True, password="")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert not stick.exists() or list(stick.iterdir()) == []
    assert ExchangeSent.select().count() == 0


def _as_station(code: str, name: str):
    def edit(members):
        for member in list(members):
            if member.endswith(".jsonl"):
                recs = [json.loads(line) for line in members[member].splitlines() if line.strip()]
                for r in recs:
                    if r.get("station_code") == TEST_STATION.code:
                        r["station_code"] = code
                members[member] = b"".join((json.dumps(r, ensure_ascii=False) + "\n").encode() for r in recs)

    def manifest(m):
        m["station_code"] = m["station"]["code"] = code
        m["station"]["name"] = name
    return edit, manifest


def test_clashing_packages_are_refused_each_alone_and_the_batch_goes_on(tmp_path):
    _station_db(tmp_path / "a.db", TEST_STATION, seed=11, deputies_n=5, receptions_n=20)
    a = exchange.export_package(tmp_path / "stick", full=True, password="").path
    close_database()
    # the same station rebuilt from scratch: new uids on the same activity-day dates
    _station_db(tmp_path / "a2.db", TEST_STATION, seed=13, deputies_n=5, receptions_n=20)
    rebuilt = exchange.export_package(tmp_path / "stick2", full=True, password="").path
    close_database()
    _station_db(tmp_path / "b.db", SECOND, seed=12, deputies_n=5, receptions_n=20)
    b = exchange.export_package(tmp_path / "stick3", full=True, password="").path
    close_database()
    edit, manifest = _as_station("T09", "冒名站")
    stolen = rewrite(Path(a), tmp_path / "stolen.zip", edit=edit, manifest_edit=manifest)  # T01's uids as T09's

    open_database(str(tmp_path / "county.db"))
    reports = exchange.import_packages([a, rebuilt, str(stolen), b], enroll=True)
    assert [r.status for r in reports] == ["imported", "rejected", "rejected", "imported"]
    # the rebuilt station signs with its new PC's key: refused until the admin re-enrols it
    assert "与已登记的站点 T01 的密钥" in reports[1].reason
    assert "已属于数据库中的另一个联络站" in reports[2].reason
    import zipfile

    from station_app.services.exchange import keys
    with zipfile.ZipFile(rebuilt) as zf:
        new_key = json.loads(zf.read("signature.json"))["public_key"]
    keys.reenroll(TEST_STATION.code, new_key)
    (again,) = exchange.import_packages([rebuilt])
    assert again.status == "rejected"
    assert "可能是重装后重新建立的" in again.reason and "同一日期的代表活动日" in again.reason
    assert not Deputy.select().where(Deputy.station_code == "T09").exists()
    assert ActivityDay.select().where(ActivityDay.station_code == TEST_STATION.code).count() > 0
    assert Deputy.select().where(Deputy.station_code == SECOND.code).count() == 5
