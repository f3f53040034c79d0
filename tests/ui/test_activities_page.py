"""活动日 page driven through real widgets: generate a year, sign in, write minutes; 首页 follows."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from station_app.db.models import AuditLog
from station_app.domain.records import DeputyData
from station_app.services import activity, deputies, settings, station
from tests.conftest import TEST_STATION
from tests.ui.conftest import type_text, when_modal


def _setup(names):
    station.save_home_station(TEST_STATION)
    settings.set("schedule.rules", ["每月15日"])
    return [deputies.create(DeputyData(name=n, levels=("township",))).uid for n in names]


def test_generate_sign_in_and_minutes_through_the_page(open_window, qtbot, db_path):
    win = open_window(db_path)
    uids = _setup(["赛山·托西别克", "王建国", "李秀英", "张伟"])
    win.show_page("activities")
    page = win.activities
    # the rota as it stood at the start of the year (the page itself rosters from today on)
    activity.generate_year(2026, today=dt.date(2026, 1, 1))
    activity.cancel_day(activity.month_days(2026, 5)[0].uid, "劳动节后调整")
    page.refresh()
    page.year.setValue(2026)

    def confirm(box):
        assert isinstance(box, QMessageBox) and "12 个活动日" in box.text()
        box.button(QMessageBox.StandardButton.Yes).click()

    state = when_modal(qtbot, confirm)
    qtbot.mouseClick(page.generate_button, Qt.MouseButton.LeftButton)
    assert state["ran"]
    days = activity.days_in_range(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert len(days) == 12 and [d.status for d in days].count("cancelled") == 1  # regenerating kept it

    # March 2026: the 15th is a Sunday (no 调休 that day) → moved to Monday the 16th
    page.select_date(dt.date(2026, 3, 16))
    day = page.current_day()
    assert day is not None and day.original_date == dt.date(2026, 3, 15) and len(day.duty) == 2
    assert page.list.rowCount() == 1 and "、".join(day.duty_names) == page.list.item(0, 3).text()

    qtbot.mouseClick(page.all_present, Qt.MouseButton.LeftButton)
    late = next(u for u in uids if u not in {d.uid for d in day.duty})
    combo = page.sign_in_combo(late)
    combo.setCurrentIndex(combo.findData("late"))
    qtbot.mouseClick(page.save_sign, Qt.MouseButton.LeftButton)
    marks = activity.attendance_of(day.uid)
    assert marks == {**{d.uid: "present" for d in day.duty}, late: "late"}
    assert page.current_day().status == "held" and "签到已保存" in page.message.text()

    page.tabs.setCurrentIndex(1)
    type_text(qtbot, page.minutes["discussion"], "群众反映村道破损，代表现场查看。")
    type_text(qtbot, page.minutes["decisions"], "交办镇交通所，月底前答复。")
    qtbot.mouseClick(page.save_minutes_button, Qt.MouseButton.LeftButton)
    saved = activity.get(day.uid)
    assert saved.discussion == "群众反映村道破损，代表现场查看。" and saved.decisions == "交办镇交通所，月底前答复。"
    assert AuditLog.select().where(AuditLog.record_uid == day.uid, AuditLog.action == "sign_in").count() == 1

    # 首页, when the clerk goes back to it, shows the next activity day and who is on duty
    nxt = activity.next_activity_day()
    if nxt is not None:
        win.show_page("home")
        text = win.home.tile_activity.value.text()
        assert f"{nxt.date.month}月{nxt.date.day}日" in text and nxt.duty_names[0] in text


def test_a_clash_is_refused_on_the_page_and_nothing_changes(open_window, qtbot, db_path):
    win = open_window(db_path)
    _setup(["王建国", "李秀英"])
    activity.generate_year(2026, today=dt.date(2026, 1, 1))
    page = win.activities
    win.show_page("activities")
    page.select_date(dt.date(2026, 7, 15))
    july = page.current_day()

    def move_onto_june(dlg):
        dlg.date.setDate(dlg.date.date().addMonths(-1))  # 6-15, which already has a day
        type_text(qtbot, dlg.reason, "冲突测试")
        dlg.accept()

    when_modal(qtbot, move_onto_june)
    qtbot.mouseClick(page.move_button, Qt.MouseButton.LeftButton)
    assert "已经有一个活动日" in page.message.text()
    assert activity.get(july.uid).date == dt.date(2026, 7, 15)


def test_minutes_pdf_from_the_page(open_window, qtbot, db_path, tmp_path, monkeypatch):
    import subprocess

    from PySide6.QtWidgets import QFileDialog

    win = open_window(db_path)
    uids = _setup(["赛山·托西别克", "王建国"])
    activity.generate_year(2026, today=dt.date(2026, 1, 1))
    day = activity.month_days(2026, 4)[0]
    activity.update_day(day.uid, theme="农村人居环境整治")
    activity.sign_in(day.uid, {uids[0]: "present"})
    page = win.activities
    win.show_page("activities")
    page.select_date(day.date)
    target = tmp_path / "记录.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))  # Qt's dialog only
    qtbot.mouseClick(page.minutes_pdf_button, Qt.MouseButton.LeftButton)
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    assert "农村人居环境整治" in text.replace(" ", "") and "赛山·托西别克" in text


def test_entering_next_years_holidays_lets_the_page_generate_it(open_window, qtbot, db_path):
    from station_app.ui.dialogs.holiday_dialog import HolidayDialog

    win = open_window(db_path)
    _setup(["王建国", "李秀英"])
    page = win.activities
    win.show_page("activities")
    page.year.setValue(2027)

    def refuse(box):
        seen["text"] = box.text()
        box.accept()

    seen = {}
    when_modal(qtbot, refuse)
    qtbot.mouseClick(page.generate_button, Qt.MouseButton.LeftButton)
    assert "2027年的法定节假日安排尚未收录" in seen["text"]
    assert activity.days_in_range(dt.date(2027, 1, 1), dt.date(2027, 12, 31)) == []

    def enter(dlg):
        assert isinstance(dlg, HolidayDialog) and "尚未收录" in dlg.covered.text()
        dlg.date.setDate(dlg.date.date().addDays(14))  # 2027-01-15 off (a made-up arrangement)
        type_text(qtbot, dlg.note, "测试假日")
        qtbot.mouseClick(dlg.add_button, Qt.MouseButton.LeftButton)
        dlg.entered.setChecked(True)
        seen["after"] = dlg.covered.text()
        dlg.reject()

    when_modal(qtbot, enter)
    qtbot.mouseClick(page.holiday_button, Qt.MouseButton.LeftButton)
    assert "可以为 2027 年生成活动日" in seen["after"]
    summary = activity.generate_year(2027, today=dt.date(2027, 1, 1))
    jan = activity.month_days(2027, 1)[0]
    assert summary.created == 12 and jan.date == dt.date(2027, 1, 18)  # 15th off → next workday (Monday)


def test_photos_of_the_day(open_window, qtbot, db_path, tmp_path, monkeypatch):
    from PIL import Image
    from PySide6.QtWidgets import QFileDialog

    win = open_window(db_path)
    _setup(["王建国", "李秀英"])
    activity.generate_year(2026, today=dt.date(2026, 1, 1))
    day = activity.month_days(2026, 4)[0]
    page = win.activities
    win.show_page("activities")
    page.select_date(day.date)
    big = tmp_path / "现场.jpg"
    Image.new("RGB", (4000, 3000), "#3366AA").save(big)
    bad = tmp_path / "notes.png"
    bad.write_text("not a picture", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(big)], ""))
    qtbot.mouseClick(page.add_photo_button, Qt.MouseButton.LeftButton)
    assert page.photo_list.count() == 1
    (uid, path, _caption), = activity.photos(day.uid)
    assert path.is_file() and max(Image.open(path).size) == 1600  # scaled, kept whole

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(bad)], ""))
    qtbot.mouseClick(page.add_photo_button, Qt.MouseButton.LeftButton)
    assert "不是能识别的照片" in page.message.text() and len(activity.photos(day.uid)) == 1

    page.photo_list.item(0).setSelected(True)
    qtbot.mouseClick(page.remove_photo_button, Qt.MouseButton.LeftButton)
    assert activity.photos(day.uid) == [] and page.photo_list.count() == 0


def test_leave_keeps_a_deputy_off_duty(open_window, qtbot, db_path):
    win = open_window(db_path)
    _setup(["赛山·托西别克", "王建国", "李秀英", "张伟"])
    page = win.activities
    win.show_page("activities")
    today = dt.date.today()
    settings.set("schedule.rules", ["每周三"])
    activity.add_day(today + dt.timedelta(days=3))  # at least one future day, whatever today is
    activity.reassign_rota(today.year)
    start, end = today, today + dt.timedelta(days=60)
    first = next(d for d in activity.days_in_range(start, end) if d.status == "planned")
    away = first.duty[0].uid  # on duty before the leave is recorded

    def fill(dlg):
        dlg.deputy.setCurrentIndex(dlg.deputy.findData(away))
        dlg.end.setDate(dlg.end.date().addDays(60))
        type_text(qtbot, dlg.reason, "外出学习")
        dlg.accept()

    when_modal(qtbot, fill)
    qtbot.mouseClick(page.leave_button, Qt.MouseButton.LeftButton)
    assert "已登记请假" in page.message.text()
    future = [d for d in activity.days_in_range(start, end) if d.status == "planned"]
    assert future and all(away not in {p.uid for p in d.duty} for d in future)
    assert all(len(d.duty) == 2 for d in future)


def test_edit_a_day_with_a_bad_time_then_a_good_one(open_window, qtbot, db_path):
    win = open_window(db_path)
    _setup(["王建国", "李秀英"])
    activity.generate_year(2026, today=dt.date(2026, 1, 1))
    day = activity.month_days(2026, 6)[0]
    page = win.activities
    win.show_page("activities")
    page.select_date(day.date)
    seen = {}

    def edit(dlg):
        dlg.edits["start_time"].clear()
        type_text(qtbot, dlg.edits["start_time"], "9点半")
        type_text(qtbot, dlg.edits["place"], "东营村党群服务中心")
        dlg.kind.setCurrentIndex(dlg.kind.findData("inspection"))
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
        seen["error"] = dlg.form.error_text("start_time")
        seen["unchanged"] = activity.get(day.uid).place
        dlg.edits["start_time"].clear()
        type_text(qtbot, dlg.edits["start_time"], "14:30")
        dlg.edits["end_time"].clear()
        type_text(qtbot, dlg.edits["end_time"], "17:00")
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)

    when_modal(qtbot, edit)
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    assert "09:00" in seen["error"] and seen["unchanged"] == day.place
    saved = activity.get(day.uid)
    assert (saved.start_time, saved.end_time, saved.kind) == ("14:30", "17:00", "inspection")
    assert saved.place.endswith("东营村党群服务中心") and "视察调研" in page.detail.text()
