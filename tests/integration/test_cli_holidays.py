"""``station-app holidays parse|load`` (EXCHANGE_FORMAT §1), run as a real process."""

from __future__ import annotations

import json
import sqlite3

from tests.integration.test_cli_foundation import run
from tests.unit.test_holiday_notice import NOTICES


def test_parse_prints_the_arrangement_and_json_as_the_contract_says(tmp_path):
    res = run("holidays", "parse", str(NOTICES / "2025.txt"), "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert sorted(data) == ["days_off", "workdays", "year"] and data["year"] == 2025
    assert data["days_off"][:3] == ["2025-01-01", "2025-01-28", "2025-01-29"] and len(data["days_off"]) == 28
    assert data["workdays"] == ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"]
    gbk = tmp_path / "通知.txt"
    gbk.write_bytes((NOTICES / "2026.txt").read_text(encoding="utf-8").encode("gb18030"))
    res = run("holidays", "parse", str(gbk))
    assert res.returncode == 0 and "2026年节假日安排：放假 33 天，调休上班 6 天" in res.stdout
    assert "春节：2月15日（周日）至2月23日（周一）放假，共9天；2月14日（周六）、2月28日（周六）上班" in res.stdout


def test_what_is_not_a_notice_exits_1_with_the_reason(tmp_path):
    other = tmp_path / "会议通知.txt"
    other.write_text("关于召开代表活动日的通知\n3月15日上午在联络站接待选民。", encoding="utf-8")
    res = run("holidays", "parse", str(other), "--json")
    assert res.returncode == 1 and res.stdout == "" and "不是国务院办公厅关于部分节假日安排的通知" in res.stderr
    res = run("holidays", "parse", str(tmp_path / "没有.txt"))
    assert res.returncode == 1 and "找不到文件" in res.stderr


def test_load_stores_the_year_and_replaces_an_earlier_load(tmp_path):
    db = tmp_path / "s.db"
    assert run("demo", "--db", str(db), "--deputies", "3", "--receptions", "0").returncode == 0
    notice = tmp_path / "2031.txt"
    notice.write_text((NOTICES / "2025.txt").read_text(encoding="utf-8").replace("2025", "2031"), encoding="utf-8")
    res = run("holidays", "load", "--db", str(db), str(notice))
    assert res.returncode == 0 and "已载入2031年节假日安排" in res.stdout, res.stderr
    res = run("holidays", "load", "--db", str(db), str(notice))
    assert res.returncode == 0 and "替换了原有的 33 条设置" in res.stdout
    con = sqlite3.connect(db)
    try:
        rows = con.execute("SELECT date, kind FROM holiday_override WHERE date LIKE '2031-%' ORDER BY date").fetchall()
        years = con.execute("SELECT value FROM setting WHERE key = 'schedule.extra_holiday_years'").fetchone()[0]
    finally:
        con.close()
    assert len(rows) == 33 and ("2031-01-26", "workday") in rows and ("2031-10-08", "holiday") in rows
    assert 2031 in json.loads(years)
