"""services/xlsx_export: the one workbook writer behind every 导出Excel… button."""

from __future__ import annotations

import threading

import openpyxl
import pytest

from station_app.domain.records import Page
from station_app.services import xlsx_export
from station_app.services.xlsx_export import (
    ExportCancelled,
    Sheet,
    paged_rows,
    sheet_title,
    write_sheets,
    write_xlsx,
)


def read(path) -> dict[str, list[list]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


def test_rows_are_written_as_the_texts_given(tmp_path):
    path = tmp_path / "接待记录.xlsx"
    rows = [("2026-11-02 09:30", "王秀英", "138****1234", "=HYPERLINK(\"http://x\")"),
            ("2026-11-03 10:00", "李强", "", "反映\x07路灯不亮")]
    result = write_xlsx(path, "接待记录", ("时间", "来访人", "电话", "接待情况"), iter(rows))
    assert result.rows == 2 and result.path == str(path)
    sheets = read(path)
    assert list(sheets) == ["接待记录"]
    assert sheets["接待记录"] == [["时间", "来访人", "电话", "接待情况"],
                                  ["2026-11-02 09:30", "王秀英", "138****1234", "=HYPERLINK(\"http://x\")"],
                                  ["2026-11-03 10:00", "李强", None, "反映路灯不亮"]]
    ws = openpyxl.load_workbook(path).active
    assert ws["D2"].data_type == "s"  # text, never a formula that runs when the file is opened
    assert ws.freeze_panes == "A2"


def test_several_sheets_with_names_excel_accepts(tmp_path):
    path = tmp_path / "统计.xlsx"
    write_sheets(path, [Sheet("主要数字", ("项目", "数值"), [("接待批次", "12")]),
                        Sheet("分村/社区:统计", ("村（社区）", "接待批次"), [("东村", "3"), ("西村", "9")]),
                        Sheet("主要数字", ("a",), [])])
    sheets = read(path)
    assert list(sheets) == ["主要数字", "分村_社区_统计", "主要数字(2)"]
    assert sheets["分村_社区_统计"] == [["村（社区）", "接待批次"], ["东村", "3"], ["西村", "9"]]
    assert sheets["主要数字(2)"] == [["a"]]


def test_sheet_titles_are_valid_and_unique():
    taken: set[str] = set()
    assert sheet_title("2026年积分排名[全部]?", taken) == "2026年积分排名_全部__"
    long = "很长的标题" * 10
    first = sheet_title(long, taken)
    second = sheet_title(long, taken)
    assert len(first) == 31 and len(second) == 31 and first != second
    assert sheet_title("", taken) == "Sheet"


def test_cancel_leaves_no_file_and_keeps_an_earlier_one(tmp_path):
    path = tmp_path / "意见建议.xlsx"
    path.write_bytes(b"earlier export")
    cancel = threading.Event()
    seen = []

    def rows():
        for i in range(5000):
            if i == 1200:
                cancel.set()  # the clerk presses 取消 while rows are being written
            yield (str(i), "内容")

    with pytest.raises(ExportCancelled) as err:
        write_xlsx(path, "意见建议", ("编号", "内容"), rows(), progress=seen.append, cancel=cancel)
    assert err.value.message == "已取消导出，没有生成文件。"
    assert path.read_bytes() == b"earlier export"
    assert [p.name for p in tmp_path.iterdir()] == ["意见建议.xlsx"]  # no temp file left
    assert seen == [500, 1000]


def test_progress_is_reported_while_writing(tmp_path):
    seen = []
    write_xlsx(tmp_path / "x.xlsx", "x", ("n",), ((str(i),) for i in range(1234)), progress=seen.append)
    assert seen == [500, 1000, 1234]


def test_unwritable_target_is_a_plain_message(tmp_path):
    target = tmp_path / "folder"
    target.mkdir()
    with pytest.raises(xlsx_export.KnownError) as err:
        write_xlsx(target, "x", ("n",), [("1",)])  # a folder is there under that name
    assert "文件夹" in err.value.message or "文件" in err.value.message


def test_paged_rows_walks_every_page():
    data = [f"第{i}条" for i in range(2500)]

    def fetch(after, limit):
        start = after[0] if after else 0
        chunk = data[start:start + limit]
        nxt = (start + limit,) if start + limit < len(data) else None
        return Page(tuple(chunk), nxt)

    rows = list(paged_rows(fetch, [lambda r: r, len], batch=1000))
    assert len(rows) == 2500 and rows[0] == ("第0条", 3) and rows[-1] == ("第2499条", 6)
