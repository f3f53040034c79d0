"""`station-app check` through the real command line names the first edited or deleted audit
entry and exits 1 (issue 19 item 3: "an edited and a deleted audit entry found by check")."""

from __future__ import annotations

import sqlite3

import pytest

from station_app.db import close_database, open_database
from station_app.services import audit, station
from tests.conftest import TEST_STATION
from tests.integration.test_cli_foundation import run


@pytest.fixture
def logged(tmp_path):
    path = tmp_path / "audit.db"
    open_database(str(path))
    try:
        station.save_home_station(TEST_STATION)
        for i in range(20):
            audit.record("update", "reception", f"r{i}", None, {"n": i}, summary=f"改了接待登记{i}")
    finally:
        close_database()
    return path


def _sql(path, sql: str) -> None:
    con = sqlite3.connect(path)
    con.execute(sql)
    con.commit()
    con.close()


def test_check_names_an_edited_audit_entry(logged):
    assert run("check", "--db", str(logged)).returncode == 0
    _sql(logged, "UPDATE audit_log SET summary = '无事发生' WHERE seq = 12")
    res = run("check", "--db", str(logged))
    assert res.returncode == 1
    assert "审计日志第 12 条（" in res.stderr and " 修改 接待登记）被改动过" in res.stderr
    assert "检查未通过" in res.stderr and "Traceback" not in res.stderr


def test_check_names_a_deleted_audit_entry(logged):
    _sql(logged, "DELETE FROM audit_log WHERE seq = 15")
    res = run("check", "--db", str(logged))
    assert res.returncode == 1
    assert "错误：审计日志第 14 条之后缺少第 15 条（被删除）" in res.stderr
