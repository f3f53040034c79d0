"""代表名册 import/export: real .xlsx/.csv files in tmp_path, a real SQLite database."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station_app.db import close_database, open_database
from station_app.domain.records import DeputyData, ImportReport, RowError, StationProfile
from station_app.errors import ImportRejected, KnownError
from station_app.services import audit, deputies, deputy_io, station
from station_app.services.deputies import DeputyFilter

HEADERS = ["姓名*", "性别", "民族", "出生日期", "党派", "代表层级*", "界别/行业", "代表小组", "联系电话", "届次",
           "是否在任", "承诺", "备注", "公开联系电话"]


def _open_station_db(path: Path):
    db = open_database(str(path))
    station.save_home_station(StationProfile(code="T01", name="测试联络站"))
    return db


@pytest.fixture
def roster_db(tmp_path):
    """A fresh database with the home station T01 saved."""
    db = _open_station_db(tmp_path / "t.db")
    yield db
    close_database()


def _fill_template(tmp_path, rows, name="名册.xlsx") -> Path:
    """Save the app's template, then type ``rows`` below the example row as a clerk would."""
    path = tmp_path / name
    deputy_io.save_template(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["代表名册"]
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _row(name, levels, gender=None, ethnicity=None, birth=None, party=None, sector=None, group=None,
         phone=None, term=None, active=None, commitment=None, note=None):
    return [name, gender, ethnicity, birth, party, levels, sector, group, phone, term, active, commitment, note]


def _by_name() -> dict[str, deputies.DeputyRecord]:
    return {d.name: d for d in deputies.all_deputies(DeputyFilter(active=None))}


# --- template ----------------------------------------------------------------------------

def test_template_layout(tmp_path):
    path = tmp_path / "模板.xlsx"
    deputy_io.save_template(path)

    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["代表名册", "填写说明"]
    ws = wb["代表名册"]
    assert [c.value for c in ws[1]] == HEADERS
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width >= 10 and ws.column_dimensions["L"].width >= 20
    example = [c.value for c in ws[2]]
    assert example[0] == "示例：张三"
    assert ws["A2"].font.italic and ws["A2"].font.color.rgb.endswith("808080")
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["B2"] == '"男,女"' and lists["K2"] == '"是,否"'
    assert ws.column_dimensions["I"].number_format == "@"  # phones stay text

    help_text = "\n".join(str(c.value) for row in wb["填写说明"].iter_rows() for c in row if c.value)
    for words in ("县、乡镇", "1970-01-31", "13812345678", "是 或 否", "示例"):
        assert words in help_text
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_bare_template_has_no_data(roster_db, tmp_path):
    path = tmp_path / "模板.xlsx"
    deputy_io.save_template(path)

    assert deputy_io.read_rows(path) == []  # the example row is skipped
    report = deputy_io.import_deputies(path)
    assert not report.ok and report.imported == 0
    assert deputy_io.error_report_text(report) == "文件中没有代表数据"
    assert deputies.count(DeputyFilter(active=None)) == 0


def test_template_round_trip(roster_db, tmp_path):
    path = _fill_template(tmp_path, [
        _row("王秀英", "县、乡镇", "女", "汉族", dt.datetime(1972, 5, 3), "中共党员", "教育", "第一代表小组",
             "13812345678", "第十八届", "是", "每月进站一次", "村小教师"),
        _row("赛山·托西别克", "乡镇级", "男", "哈萨克", "1968/11/2", phone=13912345678),
        _row("李建国", "市,县", phone="0534-5123456", active="否"),
    ])

    report = deputy_io.import_deputies(path)

    assert report == ImportReport(total=3, imported=3)
    roster = _by_name()
    assert set(roster) == {"王秀英", "赛山·托西别克", "李建国"}
    wang = roster["王秀英"]
    assert wang.levels == ("county", "township") and wang.gender == "female"
    assert wang.birth_date == dt.date(1972, 5, 3) and wang.phone == "13812345678"
    assert (wang.ethnicity, wang.party, wang.sector, wang.group, wang.term) == ("汉族", "中共党员", "教育",
                                                                                 "第一代表小组", "第十八届")
    assert (wang.commitment, wang.note, wang.active) == ("每月进站一次", "村小教师", True)
    assert wang.station_code == "T01"
    sai = roster["赛山·托西别克"]
    assert sai.levels == ("township",) and sai.gender == "male" and sai.ethnicity == "哈萨克族"
    assert sai.birth_date == dt.date(1968, 11, 2) and sai.phone == "13912345678"
    li = roster["李建国"]
    assert li.levels == ("city", "county") and li.phone == "0534-5123456" and li.active is False
    assert li.gender is None and li.birth_date is None

    entries = audit.entries(table="deputy")
    assert sorted(e.action for e in entries) == ["create", "create", "create", "import"]
    summary = next(e for e in entries if e.action == "import")
    assert summary.after["count"] == 3 and summary.after["file"] == "名册.xlsx"
    assert set(summary.after["uids"]) == {d.uid for d in roster.values()}
    assert "导入代表 3 名" in summary.summary


# --- rejected files: nothing written, every problem listed -----------------------------

def test_one_bad_row_imports_nothing(roster_db, tmp_path):
    path = _fill_template(tmp_path, [
        _row("张三", "乡镇", phone="13812345678"),            # row 3: fine
        _row("李四", "乡镇", phone="1381234567"),             # row 4: 10 digits
        _row("王五", "村", gender="男的", birth="1970-02-30"),  # row 5: three problems
        _row(None, "县", phone="13812345679"),                # row 6: no name
        _row("赵六", None),                                   # row 7: no level
        _row("钱七", "县", active="也许"),                      # row 8
    ])

    report = deputy_io.import_deputies(path)

    assert not report.ok and report.imported == 0 and report.total == 6
    assert deputies.count(DeputyFilter(active=None)) == 0
    assert audit.entries(table="deputy") == []
    where = [(e.row, e.field) for e in report.errors]
    assert where == [(4, "联系电话"), (5, "性别"), (5, "出生日期"), (5, "代表层级"), (6, "姓名"), (7, "代表层级"),
                     (8, "是否在任")]
    text = deputy_io.error_report_text(report)
    assert "第4行 联系电话：手机号应为11位数字" in text
    assert "第5行 代表层级：代表层级“村”看不懂" in text
    assert "第6行 姓名：请填写姓名" in text
    assert len(text.splitlines()) == 7

    good, errors = deputy_io.parse_deputies(path)
    assert [d.name for d in good] == ["张三"]
    assert errors == list(report.errors)


def test_duplicate_rows_in_the_file(roster_db, tmp_path):
    path = _fill_template(tmp_path, [
        _row("张三", "乡镇", phone="13812345678"),
        _row("张三", "乡镇", phone="138 1234 5678"),  # same person, phone typed with spaces
        _row("张三", "县", phone="13912345678"),      # a namesake with another phone is fine
        _row("李四", "乡镇"),
        _row("李四", "县"),                           # same name, neither has a phone
    ])

    report = deputy_io.import_deputies(path)

    assert report.imported == 0 and deputies.count(DeputyFilter(active=None)) == 0
    assert [(e.row, e.field) for e in report.errors] == [(4, "姓名"), (7, "姓名")]
    assert "与第3行重复" in report.errors[0].message
    assert "与第6行重复" in report.errors[1].message and "电话" in report.errors[1].message


def test_duplicate_of_a_deputy_already_in_the_database(roster_db, tmp_path):
    existing = deputies.create(DeputyData(name="张三", levels=("township",), phone="13812345678"))
    path = _fill_template(tmp_path, [_row("张三", "乡镇", phone="+86 138 1234 5678"), _row("李四", "县")])

    good, errors = deputy_io.parse_deputies(path)
    assert [d.name for d in good] == ["李四"]
    assert errors == [RowError(row=3, field="姓名", message=errors[0].message)]
    assert "名册中已有这位代表" in errors[0].message
    report = deputy_io.import_deputies(path)
    assert report.imported == 0 and report.errors == tuple(errors)
    assert set(_by_name()) == {"张三"}

    deputies.delete(existing.uid)  # a deleted deputy is no longer a duplicate
    assert deputy_io.import_deputies(path).imported == 2
    assert {d.name for d in deputies.all_deputies(DeputyFilter(active=None))} == {"张三", "李四"}


# --- cell types ------------------------------------------------------------------------------

def test_phone_typed_as_a_number(roster_db, tmp_path):
    path = tmp_path / "numbers.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "代表层级", "联系电话"])
    ws.append(["张三", "乡镇", 13812345678])
    ws.append(["李四", "乡镇", 13912345678.0])
    wb.save(path)

    rows = deputy_io.read_rows(path)
    assert [r[1]["phone"] for r in rows] == ["13812345678", "13912345678"]
    assert deputy_io.import_deputies(path).imported == 2
    assert {d.name: d.phone for d in deputies.all_deputies()} == {"张三": "13812345678", "李四": "13912345678"}


def test_date_cells_and_typed_dates(roster_db, tmp_path):
    path = tmp_path / "dates.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "代表层级", "出生日期"])
    ws.append(["甲", "县", dt.datetime(1970, 1, 31)])
    ws.append(["乙", "县", dt.date(1981, 12, 1)])
    ws.append(["丙", "县", "1975年6月8日"])
    ws.append(["丁", "县", 19660305])
    ws.append(["戊", "县", 25599])  # an Excel date serial in a 常规 column: 1970-01-31
    wb.save(path)

    assert deputy_io.read_rows(path)[0] == (2, {"name": "甲", "levels": "县", "birth_date": dt.date(1970, 1, 31)})
    assert deputy_io.import_deputies(path).imported == 5
    assert {d.name: d.birth_date for d in deputies.all_deputies()} == {
        "甲": dt.date(1970, 1, 31), "乙": dt.date(1981, 12, 1), "丙": dt.date(1975, 6, 8),
        "丁": dt.date(1966, 3, 5), "戊": dt.date(1970, 1, 31)}


CSV_TEXT = (
    "姓名*,性别,代表层级*,联系电话,出生日期,是否在任,身份证号\r\n"
    "赛山·托西别克,男,县、乡镇,13812345678,1975/3/8,是,650102197503080000\r\n"
    "\r\n"
    ",,,,,,\r\n"
    "\"阿依古丽·买买提\",女,\"乡镇\",0991-5123456,,否,\r\n"
)


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8", "gb18030"])
def test_csv_encodings(roster_db, tmp_path, encoding):
    path = tmp_path / "名册.csv"
    path.write_bytes(CSV_TEXT.encode(encoding))

    rows = deputy_io.read_rows(path)
    assert [n for n, _ in rows] == [2, 5]  # empty lines skipped, numbers as Excel shows them
    assert "身份证号" not in rows[0][1]  # unknown columns ignored
    report = deputy_io.import_deputies(path)
    assert report.ok and report.imported == 2
    roster = _by_name()
    assert set(roster) == {"赛山·托西别克", "阿依古丽·买买提"}
    sai = roster["赛山·托西别克"]
    assert sai.levels == ("county", "township") and sai.birth_date == dt.date(1975, 3, 8)
    assert sai.phone == "13812345678" and sai.gender == "male"
    assert roster["阿依古丽·买买提"].active is False and roster["阿依古丽·买买提"].phone == "0991-5123456"


def test_csv_with_tabs_and_a_phone_in_scientific_notation(roster_db, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("姓名\t代表层级\t电话\n张三\t乡镇\t1.38123E+10\n".encode("gbk"))

    report = deputy_io.import_deputies(path)
    assert [(e.row, e.field) for e in report.errors] == [(2, "联系电话")]
    assert "科学计数法" in report.errors[0].message and "文本" in report.errors[0].message


def test_headers_by_alias_in_any_order(roster_db, tmp_path):
    path = tmp_path / "own.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["花名册"])  # a title above the header row
    ws.append(["序号", "手机号码", " 姓 名 ", "层级（必填）", "性别＊", "政治面貌"])
    ws.append([1, "13812345678", "张三", "县级人大代表", "女性", "群众"])
    wb.save(path)

    assert deputy_io.read_rows(path) == [(3, {"phone": "13812345678", "name": "张三", "levels": "县级人大代表",
                                              "gender": "女性", "party": "群众"})]
    assert deputy_io.import_deputies(path).imported == 1
    (rec,) = deputies.all_deputies()
    assert (rec.levels, rec.gender, rec.party) == (("county",), "female", "群众")


# --- files that cannot be read -----------------------------------------------------------------

def test_unreadable_files_are_rejected(roster_db, tmp_path):
    cases = {
        "old.xls": b"\xd0\xcf\x11\xe0 old excel",
        "notes.txt": "姓名,代表层级\n张三,县\n".encode(),
        "broken.xlsx": b"PK\x03\x04 not really a zip",
        "encrypted.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
        "binary.csv": b"\x00\x01\x02\x03" * 40,
        "noheader.csv": "张三,县\n李四,乡镇\n".encode(),
        "nolevels.csv": "姓名,性别\n张三,男\n".encode(),
    }
    messages = {}
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(ImportRejected) as info:
            deputy_io.import_deputies(path)
        messages[name] = info.value.message
    with pytest.raises(ImportRejected, match="找不到文件"):
        deputy_io.read_rows(tmp_path / "missing.xlsx")
    assert ".xlsx" in messages["old.xls"] and "另存为" in messages["old.xls"]
    assert "只能导入" in messages["notes.txt"]
    assert "无法读取这个 Excel 文件" in messages["broken.xlsx"]
    assert "无法读取这个 Excel 文件" in messages["encrypted.xlsx"]
    assert "不是文本格式" in messages["binary.csv"]
    assert "找不到表头" in messages["noheader.csv"]
    assert "代表层级" in messages["nolevels.csv"]
    assert deputies.count(DeputyFilter(active=None)) == 0


def test_import_needs_the_station_profile(tmp_path):
    open_database(str(tmp_path / "empty.db"))
    try:
        path = _fill_template(tmp_path, [_row("张三", "县")])
        with pytest.raises(KnownError, match="站点信息"):
            deputy_io.import_deputies(path)
    finally:
        close_database()


# --- export ----------------------------------------------------------------------------------

def _sample_roster() -> None:
    deputies.create(DeputyData(name="王秀英", levels=("township", "county"), gender="female", ethnicity="汉族",
                               birth_date=dt.date(1972, 5, 3), party="中共党员", sector="教育", group="第一代表小组",
                               phone="13812345678", term="第十八届", commitment="每月进站一次", note="村小教师"))
    deputies.create(DeputyData(name="赛山·托西别克", levels=("township",), gender="male", ethnicity="哈萨克族",
                               phone="0991-5123456"))
    gone = deputies.create(DeputyData(name="李建国", levels=("city",), active=False))
    deleted = deputies.create(DeputyData(name="已删除", levels=("county",)))
    deputies.delete(deleted.uid)
    assert not gone.active


def test_export_then_reimport_into_a_fresh_database(roster_db, tmp_path):
    _sample_roster()
    before = sorted((d.data() for d in deputies.all_deputies(DeputyFilter(active=None))), key=lambda d: d.name)
    path = tmp_path / "导出" / "代表名册.xlsx"

    assert deputy_io.export_deputies(path) == 3

    ws = openpyxl.load_workbook(path)["代表名册"]
    assert [c.value for c in ws[1]] == HEADERS
    cells = {row[0]: row for row in ws.iter_rows(min_row=2, values_only=True)}
    assert set(cells) == {"王秀英", "赛山·托西别克", "李建国"}
    wang = cells["王秀英"]
    assert wang[1] == "女" and wang[5] == "县、乡镇" and wang[8] == "13812345678" and wang[10] == "是"
    assert wang[3] == dt.datetime(1972, 5, 3)
    assert cells["李建国"][10] == "否" and cells["赛山·托西别克"][8] == "0991-5123456"

    close_database()
    _open_station_db(tmp_path / "second.db")
    report = deputy_io.import_deputies(path)
    assert report == ImportReport(total=3, imported=3)
    after = sorted((d.data() for d in deputies.all_deputies(DeputyFilter(active=None))), key=lambda d: d.name)
    assert after == before
    # the same file again: every row is already there
    again = deputy_io.import_deputies(path)
    assert again.imported == 0 and len(again.errors) == 3
    assert all("名册中已有" in e.message for e in again.errors)


def test_export_follows_the_filter(roster_db, tmp_path):
    _sample_roster()
    path = tmp_path / "在任.xlsx"
    assert deputy_io.export_deputies(path, DeputyFilter(active=True)) == 2
    names = [r[0] for r in openpyxl.load_workbook(path).active.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["王秀英", "赛山·托西别克"]


def test_error_report_text_when_all_went_well():
    assert deputy_io.error_report_text(ImportReport(total=4, imported=4)) == "已导入 4 名代表。"


# --- robustness --------------------------------------------------------------------------------

_cell = st.one_of(st.text(max_size=12), st.sampled_from(["县", "乡镇", "男", "女", "是", "否", "13812345678",
                                                         "1970-01-31", "示例", "＊", "\"", ",", "\n"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_cell, min_size=0, max_size=8), max_size=5))
def test_any_csv_gives_a_report_or_a_rejection(roster_db, rows):
    """Whatever is typed, the importer answers with row errors or ImportRejected, never a crash."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["姓名", "性别", "代表层级", "联系电话", "出生日期", "是否在任", "民族", "备注"])
            writer.writerows(rows)
        try:
            good, errors = deputy_io.parse_deputies(path)
        except ImportRejected as exc:
            assert exc.message
            return
    assert all(e.row >= 2 and e.field and e.message for e in errors)
    for data in good:
        assert deputies.validate(data) == {}
