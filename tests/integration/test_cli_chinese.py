"""The command line speaks Chinese and refuses what it cannot do, leaving no file behind
(EXCHANGE_FORMAT §1), run as a real process."""

from __future__ import annotations

import re

import pytest

from tests.integration.test_cli_foundation import run

ENGLISH = re.compile(r"the following arguments|invalid choice|unrecognized arguments|expected one argument|"
                     r"invalid \w+ value|usage:|error:|required")


def _refused(res, *words):
    assert res.returncode == 2, (res.returncode, res.stderr)
    assert not ENGLISH.search(res.stderr), res.stderr
    for w in words:
        assert w in res.stderr, (w, res.stderr)


def test_argparse_errors_are_in_chinese(tmp_path):
    db = str(tmp_path / "none.db")
    _refused(run("demo"), "缺少必需的参数：--db")
    _refused(run("no-such-command"), "无效的选项 'no-such-command'", "demo")
    _refused(run("check", "--db", db, "--verbose"), "无法识别的参数：--verbose")
    _refused(run("check", "--db"), "参数 --db：后面应跟一个值")
    _refused(run("demo", "--db", db, "--deputies", "many"), "参数 --deputies：应为整数，不是 'many'")
    _refused(run("print", "board", "--db", db, "--out", "a.pdf", "--paper", "B5"), "纸张应为 A3 或 A4")
    assert not (tmp_path / "none.db").exists()


def test_an_impossible_date_says_so(tmp_path):
    res = run("stats", "--db", str(tmp_path / "x.db"), "--from", "2026-02-30", "--to", "2026-03-31")
    _refused(res, "参数 --from：日期无效：2026-02-30 没有这一天")
    _refused(run("stats", "--db", str(tmp_path / "x.db"), "--from", "2026/02/01", "--to", "2026-03-31"),
             "日期应写成 2026-01-31")


def test_help_is_chinese_and_names_no_internal_sections():
    for args in (["--help"], ["stats", "--help"], ["export", "--help"], ["import", "--help"], ["print", "--help"],
                 ["print", "board", "--help"], ["holidays", "--help"], ["holidays", "load", "--help"]):
        res = run(*args)
        assert res.returncode == 0 and "用法：" in res.stdout, args
        assert "§" not in res.stdout and "EXCHANGE_FORMAT" not in res.stdout, (args, res.stdout)
        assert "usage:" not in res.stdout and "show this help" not in res.stdout, args


def test_print_out_must_be_a_pdf(tmp_path):
    for kind in ("board", "cards", "poster"):
        out = tmp_path / f"{kind}.png"
        _refused(run("print", kind, "--db", str(tmp_path / "s.db"), "--out", str(out)), "参数 --out：输出文件应以 .pdf 结尾")
        assert not out.exists()


@pytest.mark.parametrize("args", [
    ["stats", "--from", "2026-01-01", "--to", "2026-12-31", "--json"],
    ["check"],
    ["export", "--out", "{tmp}/usb"],
    ["backup", "--out", "{tmp}/copy.db"],
    ["print", "board", "--out", "{tmp}/board.pdf"],
    ["holidays", "load", "{notice}"],
])
def test_a_read_command_on_a_missing_database_exits_2_naming_it_and_creates_nothing(tmp_path, args):
    from tests.unit.test_holiday_notice import NOTICES

    db = tmp_path / "没有这个库.db"
    argv = [a.format(tmp=tmp_path, notice=NOTICES / "2025.txt") for a in args]
    res = run(*argv[:2] if argv[0] in ("print", "holidays") else argv[:1], "--db", str(db),
              *(argv[2:] if argv[0] in ("print", "holidays") else argv[1:]))
    assert res.returncode == 2 and f"找不到数据库：{db}" in res.stderr, res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no database, no output, no folder
    res = run(*argv[:2] if argv[0] in ("print", "holidays") else argv[:1], "--db", f"sqlite:///{db}",
              *(argv[2:] if argv[0] in ("print", "holidays") else argv[1:]))
    assert res.returncode == 2 and str(db) in res.stderr
    assert list(tmp_path.iterdir()) == []


def test_demo_validates_before_creating_anything(tmp_path):
    db = tmp_path / "demo.db"
    _refused(run("demo", "--db", str(db), "--deputies", "0"), "--deputies 代表人数应在 1 到 2000 之间")
    _refused(run("demo", "--db", str(db), "--receptions", "-5"), "接待登记条数不能是负数")
    assert list(tmp_path.iterdir()) == []


def test_print_notice_of_a_range_without_activity_days_says_so_and_writes_nothing(tmp_path):
    db = tmp_path / "s.db"
    assert run("demo", "--db", str(db), "--deputies", "3", "--receptions", "0").returncode == 0
    out = tmp_path / "公示.pdf"
    res = run("print", "notice", "--db", str(db), "--out", str(out), "--from", "2029-03-01", "--to", "2029-03-31")
    assert res.returncode == 1 and "没有活动日" in res.stderr and "未生成文件" in res.stderr, res.stderr
    assert not out.exists() and not [p for p in tmp_path.iterdir() if "公示" in p.name]


def test_an_import_that_imports_nothing_leaves_no_new_county_database(tmp_path):
    db = tmp_path / "county.db"
    bad = tmp_path / "not-a-package.zip"
    bad.write_bytes(b"PK\x03\x04 not a zip")
    res = run("import", "--db", str(db), str(bad))
    assert res.returncode == 1 and "已拒绝" in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-package.zip"]
