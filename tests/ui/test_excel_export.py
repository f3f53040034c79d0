"""导出Excel… on the list pages (issue 16, item 9): the .xlsx read back holds what the table shows —
the current filter, every row (not only the fetched page), the visible columns in the order shown,
the same texts, phone numbers masked as on screen."""

from __future__ import annotations

import openpyxl
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from station_app.services import cases
from station_app.services.demo import make_demo
from station_app.ui.excel_export import shown_columns


def read(path) -> dict[str, list[list[str]]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [["" if c.value is None else c.value for c in row] for row in ws.iter_rows()]
            for ws in wb.worksheets}


def table_texts(view) -> list[list[str]]:
    model = view.model()
    while model.canFetchMore(view.rootIndex()):
        model.fetchMore(view.rootIndex())
    cols = shown_columns(view)
    head = [model.headerData(c, Qt.Orientation.Horizontal) for c in cols]
    return [head] + [[model.index(r, c).data() or "" for c in cols] for r in range(model.rowCount())]


def test_receptions_export_every_row_masked_with_columns_as_shown(db, db_path, open_window, tmp_path, monkeypatch):
    make_demo(receptions=300)  # more than one page of the list (256)
    win = open_window(db_path)
    win.show_page("reception")
    page = win.receptions
    assert page.model.rowCount() == 256 and page.model.canFetchMore()  # the table holds only a page
    header = page.table.horizontalHeader()
    header.moveSection(header.visualIndex(2), 0)  # 电话 dragged to the front
    page.table.setColumnHidden(8, True)  # 接待情况 hidden
    target = tmp_path / "接待记录.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    page.excel.button.click()
    QApplication.processEvents()
    sheets = read(target)
    assert list(sheets) == ["接待记录"]
    rows = sheets["接待记录"]
    assert rows[0] == ["电话", "时间", "来访人", "村（社区）", "人数", "方式", "接待代表", "意见条数"]
    assert len(rows) == 301
    assert rows == table_texts(page.table)
    phones = [r[0] for r in rows[1:] if r[0]]
    assert phones and all("****" in p for p in phones)  # masked exactly as the table shows them
    assert page.excel.last_message.startswith("已导出 300 行")


def test_cases_export_follows_the_filter(db, db_path, open_window, tmp_path):
    make_demo(receptions=200)
    win = open_window(db_path)
    win.show_page("cases")
    page = win.cases
    page.status.setCurrentIndex(page.status.findData("open"))
    QApplication.processEvents()
    shown = table_texts(page.table)  # the header and every row the filter keeps
    assert 1 < len(shown) - 1 == cases.count(status="open") < cases.count()  # the filter narrows the list
    target = tmp_path / "open.xlsx"
    page.excel.run(str(target))
    rows = read(target)["意见建议"]
    assert rows == shown
    assert {r[8] for r in rows[1:]} <= {"已登记", "已交办", "办理中", "已答复"} or len(rows) > 1


def test_deputies_ranking_and_stats_export_what_they_show(db, db_path, open_window, tmp_path):
    make_demo(receptions=120)
    win = open_window(db_path)
    win.show_page("deputies")
    win.deputies.excel.run(str(tmp_path / "d.xlsx"))
    assert read(tmp_path / "d.xlsx")["代表名册"] == table_texts(win.deputies.table)

    win.show_page("points")
    points = win.points
    points.excel.run(str(tmp_path / "p.xlsx"))
    (title, rows), = read(tmp_path / "p.xlsx").items()
    assert title == f"{points.year.value()}年积分排名"
    t = points.ranking_table
    assert rows[0] == [t.horizontalHeaderItem(c).text() for c in range(t.columnCount())]
    assert [r[:6] for r in rows[1:]] == [list(r) for r in points.ranking_rows()] and len(rows) > 2

    win.show_page("stats")
    stats = win.stats
    stats.excel.run(str(tmp_path / "s.xlsx"))
    sheets = read(tmp_path / "s.xlsx")
    assert list(sheets)[:3] == ["主要数字", "分村（社区）统计", "代表接待统计"]
    figures = {r[0]: r[1] for r in sheets["主要数字"][1:]}
    assert figures["接待批次"] == stats.figure_texts()["receptions"]
    vt = stats.village_table
    assert sheets["分村（社区）统计"][1:] == [[vt.item(r, c).text() for c in range(vt.columnCount())]
                                            for r in range(vt.rowCount())]


def test_cancelled_export_leaves_no_file(db, db_path, open_window, tmp_path):
    make_demo(receptions=50)
    win = open_window(db_path)
    page = win.receptions
    win.show_page("reception")
    target = tmp_path / "x.xlsx"
    sheets = page.excel.sheets

    def cancel_while_writing():
        found = sheets()

        def rows(inner=found[0].rows):
            for i, r in enumerate(inner):
                if i == 10:
                    page.excel.cancel()  # 取消 on the progress dialog
                yield r
        return [found[0].__class__(found[0].title, found[0].headers, rows())]

    page.excel.sheets = cancel_while_writing
    page.excel.run(str(target))
    assert not target.exists() and page.excel.last_message == "已取消导出，没有生成文件。"
    assert page.excel.button.isEnabled()


def _watch_progress(excel, at: int) -> dict:
    """Wrap the export's rows: at row ``at`` let the progress timer tick and note what the
    progress dialog shows."""
    seen: dict = {}
    sheets = excel.sheets

    def watched():
        found = sheets()

        def rows(inner=found[0].rows):
            for i, r in enumerate(inner):
                if i == at:
                    excel._on_tick()
                    dlg = excel.progress_dialog
                    seen.update(maximum=dlg.maximum(), value=dlg.value(), label=dlg.labelText())
                yield r
        return [found[0].__class__(found[0].title, found[0].headers, rows())] + list(found[1:])

    excel.sheets = watched
    return seen


def test_progress_counts_against_the_whole_list(db, db_path, open_window, tmp_path):
    make_demo(receptions=300)
    win = open_window(db_path)
    win.show_page("reception")
    page = win.receptions
    assert page.model.rowCount() == 256  # one fetch: the total is not the rows fetched so far
    seen = _watch_progress(page.excel, 280)
    page.excel.run(str(tmp_path / "r.xlsx"))
    assert seen == {"maximum": 300, "value": 280, "label": "正在导出Excel…已写入 280 / 300 行"}
    assert len(read(tmp_path / "r.xlsx")["接待记录"]) == 301

    # a filtered list: the total is that filter's count (same service function, same filters)
    win.show_page("cases")
    cases_page = win.cases
    cases_page.status.setCurrentIndex(cases_page.status.findData("open"))
    QApplication.processEvents()
    seen = _watch_progress(cases_page.excel, 1)
    cases_page.excel.run(str(tmp_path / "c.xlsx"))
    written = len(read(tmp_path / "c.xlsx")["意见建议"]) - 1
    assert seen["maximum"] == written and 1 < written < 300, (seen, written)

    win.show_page("deputies")
    seen = _watch_progress(win.deputies.excel, 1)
    win.deputies.excel.run(str(tmp_path / "d.xlsx"))
    assert seen["maximum"] == len(read(tmp_path / "d.xlsx")["代表名册"]) - 1 > 1
