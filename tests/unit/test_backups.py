"""Issue 18 items 1–3 below the GUI: automatic backups and their rotation, what a backup holds,
restore over a damaged database, the health of a damaged file."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from station_app.db import close_database, open_database
from station_app.domain import clock
from station_app.errors import DatabaseError
from station_app.paths import backups_dir
from station_app.services import backup, backup_store, health, settings
from tests.backup_helpers import counts, damage_header, damage_pages, fill, truncate


def test_a_year_of_daily_backups_keeps_7_daily_4_weekly_12_monthly(station_db, db_path, monkeypatch, tmp_path):
    folder = backups_dir(db_path)
    manual = folder / "before-the-audit.db"
    backup.backup(db_path, manual)
    other = folder / "other-auto-20260105-020000.db"  # another database's backups are not ours to delete
    shutil.copyfile(manual, other)
    second = tmp_path / "usb"
    second.mkdir()
    settings.set("backup.second_place", str(second))
    state = {}
    monkeypatch.setattr(clock, "now", lambda: state["now"])
    day = dt.date(2026, 1, 1)
    while day.year == 2026:
        state["now"] = dt.datetime.combine(day, dt.time(2, 0), tzinfo=clock.zone())
        assert backup_store.daily_due(db_path, day)
        result = backup_store.auto_backup(db_path)
        assert result.second_copy is not None and not result.second_problem
        assert not backup_store.daily_due(db_path, day)
        day += dt.timedelta(days=1)
    d = dt.date
    expected = ([d(2026, 12, n) for n in range(25, 32)]  # 7 days
                + [d(2026, 12, 13), d(2026, 12, 20)]  # ISO weeks 50, 51 (52: Dec 27, 53: Dec 31 already kept)
                + [d(2026, m + 1, 1) - dt.timedelta(days=1) for m in range(1, 12)])  # month ends Jan–Nov
    names = sorted(f"station-auto-{x:%Y%m%d}-020000.db" for x in expected)
    assert sorted(p.name for p in folder.glob("station-auto-*.db")) == names
    assert sorted(p.name for p in second.glob("*.db")) == names
    assert manual.exists() and other.exists()


def test_the_list_says_what_each_backup_holds_and_refuses_a_damaged_one(station_db, db_path, monkeypatch):
    expected = fill(visits=30)
    state = {"now": dt.datetime(2026, 3, 1, 8, 0, tzinfo=clock.zone())}
    monkeypatch.setattr(clock, "now", lambda: state["now"])
    good = backup_store.auto_backup(db_path).path
    state["now"] = dt.datetime(2026, 3, 2, 8, 0, tzinfo=clock.zone())
    bad = backup_store.auto_backup(db_path).path
    listed = backup_store.list_backups(db_path)
    assert [b.path for b in listed] == [bad, good]
    b = listed[1]
    assert (b.station_code, b.deputies, b.receptions, b.cases) == ("T01", *expected.values())
    assert b.newest_reception is not None and b.size == good.stat().st_size and not b.county
    assert "测试镇人大代表联络站（T01）：代表 3 名，接待登记 30 次，意见建议 10 条" in b.holds()
    damage_pages(bad)
    with pytest.raises(DatabaseError, match="已损坏"):
        backup.verify_sqlite_file(bad)
    assert backup_store.newest_good_backup(db_path).path == good  # the damaged newer one is passed over
    with pytest.raises(DatabaseError, match="这个备份不能用"):
        backup_store.restore_warnings(db_path, bad)


@pytest.mark.parametrize("damage", [truncate, damage_pages, damage_header], ids=["truncated", "pages", "header"])
def test_restore_over_a_damaged_database_sets_the_damaged_bytes_aside(db_path, damage):
    file = Path(db_path)
    open_database(db_path)
    try:
        expected = fill(visits=60)
        good = backup.backup(db_path, backups_dir(db_path) / "good.db")
    finally:
        close_database()
    damage(file)
    assert health.findings(file), "the damage must be seen"
    damaged = file.read_bytes()
    kept1 = backup.restore(db_path, good)
    assert kept1.read_bytes() == damaged  # by bytes, as it was
    assert counts(file) == tuple(expected.values()) and not health.findings(file, full=True)
    kept2 = backup.restore(db_path, good)  # a second restore in the same second
    assert kept2 != kept1 and kept1.read_bytes() == damaged
    assert len(list(file.parent.glob("station.replaced-*.db"))) == 2


def test_a_set_aside_never_overwrites_an_earlier_one(tmp_path):
    target = tmp_path / "station.db"
    target.write_bytes(b"first")
    first = backup.set_aside(target)
    target.write_bytes(b"second")
    second = backup.set_aside(target)
    target.write_bytes(b"third")
    third = backup.set_aside(target)
    assert len({first, second, third}) == 3
    assert [p.read_bytes() for p in (first, second, third)] == [b"first", b"second", b"third"]


def test_health_findings_are_chinese_for_each_kind_of_damage(db_path):
    file = Path(db_path)
    open_database(db_path)
    fill(visits=60)
    close_database()
    assert health.findings(file, full=True) == []
    pristine = file.read_bytes()
    truncate(file)
    assert "被截断" in health.findings(file)[0]
    file.write_bytes(pristine)
    damage_pages(file)
    assert "损坏" in " ".join(health.findings(file))
    file.write_bytes(pristine)
    damage_header(file)
    assert "文件头已损坏" in health.findings(file)[0]


def test_the_start_reads_the_header_only_and_damaged_pages_read_later_are_a_chinese_error(db_path):
    """Issue 21: the start's check (``pages=False``) reads a few bytes whatever the size: it sees
    a truncated file, not damaged pages — those the background check finds, and a query that
    meets one gets the Chinese DatabaseDamaged, not SQLite's English."""
    import peewee as pw

    from station_app.db.faults import DAMAGED, DatabaseDamaged, translate

    file = Path(db_path)
    open_database(db_path)
    fill(visits=60)
    close_database()
    pristine = file.read_bytes()
    damage_pages(file)
    assert health.findings(file, pages=False) == [] and health.findings(file)
    file.write_bytes(pristine)
    truncate(file)
    assert "被截断" in health.findings(file, pages=False)[0]
    got = translate(pw.DatabaseError("database disk image is malformed"))
    assert isinstance(got, DatabaseDamaged) and got.message == DAMAGED
    assert translate(pw.IntegrityError("UNIQUE constraint failed: deputy.uid")) is None


def test_warnings_for_an_empty_an_other_station_and_a_county_backup(station_db, db_path, tmp_path):
    import sqlite3

    empty = backup.backup(db_path, tmp_path / "empty.db")
    assert any("是空的" in w for w in backup_store.restore_warnings(db_path, empty))
    fill(visits=6)
    same = backup.backup(db_path, tmp_path / "same.db")
    assert backup_store.restore_warnings(db_path, same) == []
    other = backup.backup(db_path, tmp_path / "other.db")
    county = backup.backup(db_path, tmp_path / "county.db")
    con = sqlite3.connect(other)
    con.execute("UPDATE station SET code = 'T09', name = '别的镇联络站'")
    con.execute("UPDATE deputy SET station_code = 'T09'")
    con.commit()
    con.close()
    assert any("另一个联络站：别的镇联络站（T09）" in w for w in backup_store.restore_warnings(db_path, other))
    con = sqlite3.connect(county)
    con.execute("INSERT INTO station (code, name, township, county, address, phone, is_home, reception_rule,"
                " schedule_rules, created_at, updated_at) SELECT 'T02', '二号站', '', '', '', '', 0, '', '[]',"
                " created_at, updated_at FROM station")
    con.commit()
    con.close()
    assert any("县级汇总库" in w for w in backup_store.restore_warnings(db_path, county))


def test_a_lock_left_by_a_dead_process_is_free_and_a_live_one_is_named(tmp_path):
    import socket
    import subprocess
    import sys

    from station_app.db import instance

    db = str(tmp_path / "station.db")
    lock = instance.lock_path(db)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    lock.write_text(f"{dead.stdout.strip()}\npython3\n{socket.gethostname()}\n\n\n")
    assert instance.holder(db) is None
    lock.write_text(f"{os.getppid()}\nstation-app\n{socket.gethostname()}\n\n\n")
    with pytest.raises(DatabaseError, match=f"进程 {os.getppid()}"):
        instance.refuse_if_held(db, "恢复数据库")
