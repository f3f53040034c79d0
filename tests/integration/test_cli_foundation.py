"""The command line of EXCHANGE_FORMAT §1 (foundation part), run as a real process."""

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*args, env_extra=None, cwd=None):
    env = dict(os.environ)
    env.update(env_extra or {})
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=120)


def table_dump(path) -> list:
    con = sqlite3.connect(path)
    try:
        return [list(con.execute(f"SELECT * FROM {t} ORDER BY 1")) for t in ("station", "deputy")]
    finally:
        con.close()


def test_help_and_bad_arguments():
    res = run("--help")
    assert res.returncode == 0 and "demo" in res.stdout and "backup" in res.stdout
    res = run("demo")
    assert res.returncode == 2 and "参数错误" in res.stderr
    res = run("no-such-command")
    assert res.returncode == 2


def test_demo_is_deterministic_and_checks_clean(tmp_path):
    a, b, c = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "c.db"
    assert run("demo", "--db", str(a), "--seed", "5", "--deputies", "60").returncode == 0
    assert run("demo", "--db", str(b), "--seed", "5", "--deputies", "60").returncode == 0
    assert run("demo", "--db", str(c), "--seed", "6", "--deputies", "60").returncode == 0
    dump_a = table_dump(a)
    assert len(dump_a[1]) == 60
    assert [row[1:] for row in dump_a[1]] == [row[1:] for row in table_dump(b)[1]]
    assert [row[1:] for row in dump_a[1]] != [row[1:] for row in table_dump(c)[1]]
    names = {row[6] for row in dump_a[1]}
    assert any("·" in n for n in names) or len(names) == 60
    res = run("check", "--db", str(a))
    assert res.returncode == 0, res.stderr
    assert _activity_content(a) == _activity_content(b)
    days, marks = _activity_content(a)
    kinds = sqlite3.connect(a).execute("SELECT kind, count(*) FROM activity_day GROUP BY kind").fetchall()
    assert dict(kinds) == {"reception": 12, "livelihood": 3}  # the monthly days and the 民生实事督查 visits
    assert len(days) == 15 and any(reason for *_x, reason in days)  # some moved off a holiday
    import datetime as dt

    past_days = [d for d in days if d[0] <= dt.date.today().isoformat() and d[1] != "cancelled"]
    assert {m[0] for m in marks} == {d[0] for d in past_days}  # every past day held was signed in
    assert {m[2] for m in marks} <= {"present", "late", "leave", "absent"}
    assert {d[1] for d in days} >= {"cancelled"} and any(r.startswith("与镇防汛") for *_x, r in days)
    assert _uids(a) == _uids(b)  # the same seed gives the same uids, activity records included
    assert all(_uids(a)) and _uids(a) != _uids(c)  # every table filled; another seed, other data
    con = sqlite3.connect(a)
    try:
        handled = dict(con.execute('SELECT handling, count(*) FROM "case" GROUP BY handling').fetchall())
        overdue = con.execute("""SELECT count(*) FROM "case" WHERE status IN ('assigned', 'in_progress')
                                 AND deadline < date('now', 'localtime')""").fetchone()[0]
        rounds = con.execute('SELECT max(rounds) FROM "case"').fetchone()[0]
        pending = con.execute("SELECT count(*) FROM duty_record WHERE source = 'manual' AND NOT verified").fetchone()[0]
    finally:
        con.close()
    assert handled["on_the_spot"] > sum(handled.values()) / 2  # most answered on the spot
    assert rounds >= 2 and overdue >= 1 and pending >= 1  # some re-handled, some overdue, some unreviewed

    assert "检查通过" in res.stdout
    res = run("demo", "--db", str(a))
    assert res.returncode == 1 and "已经有数据" in res.stderr


def test_check_finds_problems(tmp_path):
    db = tmp_path / "bad.db"
    assert run("demo", "--db", str(db), "--deputies", "5").returncode == 0
    con = sqlite3.connect(db)
    con.execute("UPDATE deputy SET levels_mask = 0 WHERE id = 1")
    con.execute("UPDATE deputy SET station_code = 'NOPE' WHERE id = 2")
    con.commit()
    con.close()
    res = run("check", "--db", str(db))
    assert res.returncode == 1
    assert "代表层级" in res.stderr and "NOPE" in res.stderr


def test_backup_and_restore(tmp_path):
    db = tmp_path / "live.db"
    bak = tmp_path / "copy" / "b.db"
    assert run("demo", "--db", str(db), "--deputies", "12").returncode == 0
    before = table_dump(db)
    res = run("backup", "--db", str(db), "--out", str(bak))
    assert res.returncode == 0 and Path(res.stdout.strip()) == bak
    con = sqlite3.connect(db)
    con.execute("DELETE FROM deputy")
    con.commit()
    con.close()
    res = run("restore", "--db", str(db), "--from", str(bak))
    assert res.returncode == 0, res.stderr
    assert table_dump(db) == before
    kept = list(tmp_path.glob("live.replaced-*.db"))
    assert len(kept) == 1 and table_dump(kept[0])[1] == []


def test_restore_refuses_garbage_and_keeps_db(tmp_path):
    db = tmp_path / "live.db"
    assert run("demo", "--db", str(db), "--deputies", "3").returncode == 0
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    res = run("restore", "--db", str(db), "--from", str(junk))
    assert res.returncode == 1 and "错误" in res.stderr
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest
    res = run("restore", "--db", str(db), "--from", str(tmp_path / "missing.db"))
    assert res.returncode == 1 and "找不到备份文件" in res.stderr


def test_backup_to_unwritable_place(tmp_path):
    if os.geteuid() == 0:
        target = Path("/proc/station-app-cannot-write/b.db")
    else:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        target = ro / "b.db"
    db = tmp_path / "live.db"
    assert run("demo", "--db", str(db), "--deputies", "3").returncode == 0
    res = run("backup", "--db", str(db), "--out", str(target))
    assert res.returncode == 1
    assert "错误" in res.stderr and "Traceback" not in res.stderr
    assert not target.exists()


def test_self_test():
    res = run("--self-test")
    assert res.returncode == 0, res.stderr
    (line,) = res.stdout.strip().splitlines()  # EXCHANGE_FORMAT §1: one line
    assert line.startswith("自检通过")
    assert "数据包导出导入" in line and "二维码回读" in line and "主窗口" in line


@pytest.mark.parametrize("entry", ["main", "module"])
def test_entry_points_agree(tmp_path, entry):
    cmd = [sys.executable, str(ROOT / "main.py")] if entry == "main" else [sys.executable, "-m", "station_app"]
    res = subprocess.run([*cmd, "--version"], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert res.returncode == 0 and "联络站工作台" in res.stdout


def _activity_content(path):
    """Activity days and sign-ins as content."""
    import sqlite3

    con = sqlite3.connect(path)
    try:
        days = con.execute("SELECT date, status, theme, change_reason FROM activity_day ORDER BY date").fetchall()
        marks = con.execute("SELECT d.date, a.deputy_uid, a.status FROM attendance a JOIN activity_day d"
                            " ON d.uid = a.activity_day_uid WHERE a.deleted_at IS NULL ORDER BY 1, 2").fetchall()
        return days, marks
    finally:
        con.close()


def _uids(path):
    con = sqlite3.connect(path)
    try:
        return [con.execute(f'SELECT uid FROM "{t}" ORDER BY id').fetchall()
                for t in ("activity_day", "duty", "attendance", "reception", "case", "case_event", "duty_record")]
    finally:
        con.close()


def test_check_finds_broken_activity_records(tmp_path):
    db = tmp_path / "act.db"
    assert run("demo", "--db", str(db), "--deputies", "6").returncode == 0
    con = sqlite3.connect(db)
    con.execute("DROP INDEX activity_day_one_per_date")  # as if written by a faulty tool
    con.execute("UPDATE activity_day SET date = (SELECT MIN(date) FROM activity_day) WHERE id = 2")
    con.execute("UPDATE duty SET deputy_uid = 'gone' WHERE id = 1")
    con.commit()
    con.close()
    res = run("check", "--db", str(db))
    assert res.returncode == 1
    assert "有两个活动日" in res.stdout + res.stderr and "指向不存在的代表" in res.stdout + res.stderr
