"""载入国务院节假日通知 from the 活动日 page: paste or open the notice, preview, confirm, generate."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from station_app.domain.records import DeputyData
from station_app.services import activity, deputies, settings, station
from tests.conftest import TEST_STATION
from tests.ui.conftest import when_modal

NOTICE_2025 = (Path(__file__).resolve().parents[1] / "fixtures" / "holiday_notices" / "2025.txt").read_text(encoding="utf-8")
NOTICE_2031 = NOTICE_2025.replace("2025", "2031").replace("2024", "2030")  # the same calendar as 2025


def _setup(home=True):
    if home:
        station.save_home_station(TEST_STATION)
    settings.set("schedule.rules", ["每月第一个周三"])
    for name in ("王建国", "李秀英"):
        deputies.create(DeputyData(name=name, levels=("township",)))


def test_pasting_next_years_notice_previews_it_and_stores_it(app, qtbot, station_db):
    from station_app.ui.dialogs.holiday_notice_dialog import HolidayNoticeDialog

    _setup(home=False)
    dlg = HolidayNoticeDialog()
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.text.setPlainText("关于召开2031年第一季度代表活动日的通知")
    assert "不是国务院办公厅关于部分节假日安排的通知" in dlg.message.text() and not dlg.ok_button.isEnabled()
    dlg.text.setPlainText(NOTICE_2031)
    assert dlg.message.text() == "" and dlg.ok_button.isEnabled()
    assert dlg.summary.text() == "2031 年：6 个节日，放假 28 天，调休上班 5 天"
    rows = [(dlg.table.item(r, 0).text(), dlg.table.item(r, 1).text(), dlg.table.item(r, 2).text())
            for r in range(dlg.table.rowCount())]
    assert len(rows) == 33 and rows[0] == ("2031-01-01（周三）", "放假", "元旦")
    assert ("2031-01-26（周日）", "调休上班", "春节") in rows and ("2031-10-08（周三）", "放假", "国庆节、中秋节") in rows
    dlg.grab().save("/tmp/h1_holiday_notice_dialog.png")
    assert not activity.year_entered(2031)  # nothing stored before 确定
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    assert dlg.result() == dlg.DialogCode.Accepted and dlg.stored.year == 2031
    assert activity.year_entered(2031) and len(activity.holiday_overrides(2031)) == 33
    summary = activity.generate_year(2031, today=dt.date(2031, 1, 1))
    days = {d.date.month: d.date for d in activity.days_in_range(dt.date(2031, 1, 1), dt.date(2031, 12, 31),
                                                                 station_code=TEST_STATION.code)}
    assert summary.created == 12
    assert days[10] != dt.date(2031, 10, 1)  # 国庆 1 Oct 2031 is a Wednesday, but a day off: moved


def test_the_page_button_opens_it_and_the_page_shows_the_year_loaded(open_window, qtbot, db_path):
    win = open_window(db_path)
    _setup()
    page = win.activities
    win.show_page("activities")

    def paste(dlg):
        dlg.text.setPlainText(NOTICE_2031)
        qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)

    when_modal(qtbot, paste)
    qtbot.mouseClick(page.holiday_notice_button, Qt.MouseButton.LeftButton)
    assert page.year.value() == 2031 and "已载入 2031 年节假日安排" in page.message.text()
    page.grab().save("/tmp/h1_activities_after_notice.png")


def test_opening_a_notice_file_and_cancelling_stores_nothing(open_window, qtbot, db_path, tmp_path, monkeypatch):
    win = open_window(db_path)
    _setup()
    page = win.activities
    notice_file = tmp_path / "通知.txt"
    notice_file.write_bytes(NOTICE_2031.encode("gb18030"))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(notice_file), ""))  # Qt's dialog only
    seen = {}

    def open_then_cancel(dlg):
        qtbot.mouseClick(dlg.open_button, Qt.MouseButton.LeftButton)
        seen["summary"] = dlg.summary.text()
        dlg.reject()

    when_modal(qtbot, open_then_cancel)
    qtbot.mouseClick(page.holiday_notice_button, Qt.MouseButton.LeftButton)
    assert seen["summary"].startswith("2031 年")
    assert not activity.year_entered(2031) and activity.holiday_overrides(2031) == []
