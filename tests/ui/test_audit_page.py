"""审计日志 page: lists the entries, its filters narrow them (real counts), 导出Excel reads back,
the chain's state is shown, and only an administrator (or nobody logged in) sees it."""

from __future__ import annotations

import sqlite3

from openpyxl import load_workbook

from station_app.domain.roles import Role
from station_app.services import audit, context, station
from tests.conftest import TEST_STATION


def _fill(db_path) -> None:
    from station_app.db import close_database, open_database

    open_database(db_path)
    try:
        station.save_home_station(TEST_STATION)
        context.set_actor("zhangsan")
        for i in range(40):
            audit.record("update", "reception", f"r{i}", None, {"n": i}, summary=f"接待{i}")
        context.set_actor("lisi")
        for i in range(7):
            audit.event("print", f"打印纪要{i}", "activity_day", f"d{i}")
    finally:
        context.set_actor("")
        close_database()


def _pick(combo, value) -> None:
    combo.setCurrentIndex(combo.findData(value))


def test_page_lists_filters_exports_and_shows_the_chain(open_window, db_path, tmp_path, qtbot):
    _fill(db_path)
    win = open_window(db_path)
    win.show_page("audit")
    page = win.pages["audit"]
    total = audit.count()
    assert total >= 48  # 40 + 7 + the station's own entry
    assert page.count_label.text() == f"共 {total} 条" and page.model.rowCount() == total
    assert "完整" in page.chain_label.text()
    _pick(page.user_filter, "lisi")
    assert page.model.rowCount() == 7 and page.count_label.text() == "共 7 条"
    assert page.model.index(0, 3).data() == "打印"
    _pick(page.user_filter, "")
    _pick(page.table_filter, "reception")
    _pick(page.action_filter, "update")
    assert page.model.rowCount() == 40
    page.grab().save(str(tmp_path / "audit_page.png"))

    target = tmp_path / "审计日志.xlsx"
    page.excel.run(str(target))
    qtbot.waitUntil(lambda: page.excel.last_path == str(target))
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "时间", "用户", "操作") and len(rows) == 41
    assert {r[2] for r in rows[1:]} == {"zhangsan"} and rows[1][7] == "接待39"
    assert audit.count(action="export", table="xlsx") == 1  # the export itself is audited

    con = sqlite3.connect(db_path)
    con.execute("UPDATE audit_log SET summary = '改' WHERE seq = 5")
    con.commit()
    con.close()
    page.check_button.click()
    assert "审计日志第 5 条" in page.chain_label.text() and "被改动过" in page.chain_label.text()
    page.grab().save(str(tmp_path / "audit_page_broken.png"))


def test_only_an_administrator_sees_the_log(open_window, db_path):
    _fill(db_path)
    context.set_user(context.Actor("clerk1", Role.CLERK))
    try:
        win = open_window(db_path)
        item = win.nav.item([win.nav.item(i).data(256) for i in range(win.nav.count())].index("audit"))
        assert item.isHidden()
        win.show_page("audit")
        page = win.pages["audit"]
        assert page.model.rowCount() == 0 and not page.denied.isHidden() and not page.excel.button.isEnabled()
    finally:
        context.set_user(None)
