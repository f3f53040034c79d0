"""Issue 18 on the command line: ``check`` on damaged files, ``restore`` over a damaged database and
its warnings (empty, another station's, a county backup)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from station_app.db import close_database, open_database
from station_app.services import backup
from tests.backup_helpers import counts, damage_header, damage_pages, fill, truncate
from tests.integration.test_cli_foundation import run


@pytest.fixture
def filled(tmp_path) -> tuple[Path, dict]:
    file = tmp_path / "station.db"
    open_database(str(file))
    try:
        expected = fill(visits=60)
    finally:
        close_database()
    return file, expected


@pytest.mark.parametrize("damage", [truncate, damage_pages, damage_header], ids=["truncated", "pages", "header"])
def test_check_on_a_damaged_file_exits_1_with_chinese_findings(filled, damage):
    file, _ = filled
    assert run("check", "--db", str(file)).returncode == 0
    damage(file)
    res = run("check", "--db", str(file))
    assert res.returncode == 1, res.stdout
    assert "Traceback" not in res.stderr and "内部错误" not in res.stderr
    assert res.stderr.startswith("错误：") and "检查未通过：数据库文件已损坏" in res.stderr
    assert "malformed" not in res.stderr


def test_restore_over_a_truncated_database_on_the_command_line(filled, tmp_path):
    file, expected = filled
    good = backup.backup(str(file), tmp_path / "good.db")
    truncate(file)
    damaged = file.read_bytes()
    res = run("restore", "--db", str(file), "--from", str(good))
    assert res.returncode == 0, res.stderr
    assert counts(file) == tuple(expected.values())
    kept = list(tmp_path.glob("station.replaced-*.db"))
    assert len(kept) == 1 and kept[0].read_bytes() == damaged
    assert run("check", "--db", str(file)).returncode == 0


def test_restore_onto_a_new_pc_where_there_is_no_database_yet(filled, tmp_path):
    """A replacement PC: the backup from the stick becomes the database; nothing was replaced, and
    the message does not say an original was kept aside."""
    file, expected = filled
    good = backup.backup(str(file), tmp_path / "stick" / "station-backup.db")
    target = tmp_path / "newpc" / "station.db"
    res = run("restore", "--db", str(target), "--from", str(good))
    assert res.returncode == 0, res.stderr
    assert "原数据库另存为" not in res.stdout and "原处没有数据库" in res.stdout, res.stdout
    assert counts(target) == tuple(expected.values())
    assert not list(target.parent.glob("*.replaced-*"))
    assert run("check", "--db", str(target)).returncode == 0


def _other_station(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("UPDATE station SET code = 'T09', name = '别的镇联络站'")
    con.execute("UPDATE deputy SET station_code = 'T09'")
    con.commit()
    con.close()


def _county(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("INSERT INTO station (code, name, township, county, address, phone, is_home, reception_rule,"
                " schedule_rules, created_at, updated_at) SELECT 'T02', '二号站', '', '', '', '', 0, '', '[]',"
                " created_at, updated_at FROM station")
    con.commit()
    con.close()


def test_restore_warns_of_an_empty_an_other_station_and_a_county_backup(filled, tmp_path):
    file, expected = filled
    empty = tmp_path / "empty.db"
    open_database(str(empty))
    close_database()
    other = backup.backup(str(file), tmp_path / "other.db")
    _other_station(other)
    county = backup.backup(str(file), tmp_path / "county.db")
    _county(county)
    before = file.read_bytes()
    for source, words in ((empty, "是空的"), (other, "另一个联络站：别的镇联络站（T09）"), (county, "县级汇总库")):
        res = run("restore", "--db", str(file), "--from", str(source))
        assert res.returncode == 1 and "注意：这" in res.stderr and words in res.stderr, res.stderr
        assert "--yes" in res.stderr and "Traceback" not in res.stderr
        assert file.read_bytes() == before  # nothing replaced
    res = run("restore", "--db", str(file), "--from", str(other), "--yes")
    assert res.returncode == 0, res.stderr
    con = sqlite3.connect(file)
    assert con.execute("SELECT code FROM station").fetchall() == [("T09",)]
    con.close()
