"""Environment faults (issue 18 item 5): each one a Chinese message naming the cause, nothing lost.

The disk-full, read-only and USB faults use a small tmpfs (root in the sandbox and in CI: `mount -t
tmpfs -o size=…`); as root a chmod does not stop writes, so read-only is a real read-only remount.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess

import pytest

from station_app.db import close_database, open_database
from station_app.db.connection import database, is_read_only
from station_app.db.faults import DatabaseLocked, DataFolderGone, DiskFull, ReadOnlyDatabase
from station_app.domain.records import DeputyData, ReceptionData
from station_app.errors import KnownError
from station_app.services import deputies, receptions, station
from tests.conftest import TEST_STATION

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _mount(folder, size="2m"):
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("needs root to mount a small tmpfs (the CI runs as root)")
    return folder


@pytest.fixture
def stick(tmp_path):
    folder = _mount(tmp_path / "stick")
    yield folder
    close_database()
    subprocess.run(["umount", "-l", str(folder)], check=False)


def _visit(name: str, summary: str = "") -> ReceptionData:
    return ReceptionData(received_at=NOW, channel="visit", visitor_name=name, summary=summary)


def _home(path) -> None:
    open_database(str(path))
    station.save_home_station(TEST_STATION)


def _integrity(path) -> str:
    with sqlite3.connect(str(path)) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def test_locked_database_says_so_and_saves_nothing(station_db, db_path):
    database.obj.execute_sql("PRAGMA busy_timeout = 50")  # the clerk's 5 s, shortened for the test
    other = sqlite3.connect(str(db_path), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO setting(key, value) VALUES ('x.lock', '1')")
    with pytest.raises(DatabaseLocked) as err:
        deputies.create(DeputyData(name="张三", levels=("township",)))
    assert "数据库正被另一个程序使用" in err.value.message
    other.execute("ROLLBACK")
    other.close()
    assert deputies.count() == 0
    rec = deputies.create(DeputyData(name="张三", levels=("township",)))  # the lock gone, it saves
    assert deputies.get(rec.uid).name == "张三"


def test_full_disk_says_so_not_the_rollback_error(stick):
    path = stick / "station.db"
    _home(path)
    saved = [receptions.record_visit(_visit("王五")).uid]
    fd = os.open(stick / "filler", os.O_WRONLY | os.O_CREAT)  # fill the stick, leaving a few pages free
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass
    os.close(fd)
    os.truncate(stick / "filler", os.path.getsize(stick / "filler") - 64 * 1024)
    with pytest.raises(KnownError) as err:
        for i in range(200):
            saved.append(receptions.record_visit(_visit(f"访客{i}", "情况" * 1900)).uid)
    assert isinstance(err.value, DiskFull), err.value
    assert "磁盘空间不足" in err.value.message and "rollback" not in err.value.message
    os.unlink(stick / "filler")
    assert [receptions.get(u).uid for u in saved] == saved  # every acknowledged save is there
    receptions.record_visit(_visit("赵六"))  # space again: saves again
    close_database()
    assert _integrity(path) == "ok"


def test_read_only_medium_opens_read_only(stick):
    path = stick / "station.db"
    _home(path)
    uid = deputies.create(DeputyData(name="李四", levels=("township",))).uid
    close_database()
    subprocess.run(["mount", "-o", "remount,ro", str(stick)], check=True)
    open_database(str(path))
    assert is_read_only()
    assert deputies.get(uid).name == "李四"  # browse still works
    view = station.view(TEST_STATION.code)
    assert not view.writable and "只读" in view.read_only_reason
    with pytest.raises(ReadOnlyDatabase) as err:
        deputies.create(DeputyData(name="王二", levels=("township",)))
    assert "只读" in err.value.message
    with pytest.raises(ReadOnlyDatabase):
        deputies.update(uid, DeputyData(name="李四改", levels=("township",)))
    assert deputies.get(uid).name == "李四"


def test_data_folder_gone_says_so_and_saves_nothing(tmp_path):
    folder = tmp_path / "stick"
    folder.mkdir()
    path = folder / "station.db"
    _home(path)
    receptions.record_visit(_visit("王五"))
    folder.rename(tmp_path / "pulled")  # the stick pulled out: the path is gone
    with pytest.raises(DataFolderGone) as err:
        receptions.record_visit(_visit("赵六"))
    assert "U盘可能已拔出" in err.value.message
    close_database()
    (tmp_path / "pulled").rename(folder)
    open_database(str(path))
    assert [r.visitor_name for r in receptions.page().rows] == ["王五"]
