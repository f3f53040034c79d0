"""Issue 16 items 1, 4 and 5 through real widgets: the reception form wants the answer of a
当场答复 at its field; date edits keep the date range and a date long past is confirmed first; an ID
number given before under another name, and a second deputy of one name, are warned of on save."""

from __future__ import annotations

import datetime as dt
import os

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import QApplication, QMessageBox

from station_app.db.models import Case, Deputy, Reception
from station_app.domain import clock
from station_app.domain.records import DeputyData, ReceptionData
from station_app.domain.validators import id_check_digit, latest_date
from station_app.services import deputies, receptions, settings, station
from station_app.ui.dialogs.deputy_dialog import DeputyDialog
from tests.conftest import TEST_STATION
from tests.ui.conftest import type_text, when_modal

SHOTS = os.environ.get("STATION_APP_SHOTS")  # a folder: save what the clerk sees, to look at
ID = "11010119900307777"
ID += id_check_digit(ID)


def _shot(widget, name: str) -> None:
    if SHOTS:
        QApplication.processEvents()
        widget.grab().save(os.path.join(SHOTS, name))


def _page(win, qtbot):
    station.save_home_station(TEST_STATION)
    deputies.create(DeputyData(name="王建国", levels=("township",)))
    win.show_page("reception")
    with qtbot.waitActive(win):
        win.activateWindow()
    page = win.receptions
    page.set_view(station.view("T01"))  # the station in view, as the window hands it down
    return page


def test_an_on_the_spot_opinion_needs_its_answer_at_the_field(open_window, qtbot, db_path):
    page = _page(open_window(db_path), qtbot)
    type_text(qtbot, page.name, "张大爷")
    row = page.add_opinion_row()
    type_text(qtbot, row.content, "咨询新农合缴费时间")
    row.category.setCurrentIndex(row.category.findData("health"))
    assert row.handling.currentData() == "on_the_spot"  # the default
    assert page.save() is None
    assert "当场答复请填写答复内容" in row.error_text("reply")
    _shot(page, "reception_spot_without_answer.png")
    assert Reception.select().count() == 0 and Case.select().count() == 0
    type_text(qtbot, row.reply, "已告知每年9至12月缴费")
    assert page.save() is not None
    assert Case.get().status == "resolved"


def test_date_edits_stop_at_the_range_and_an_old_visit_is_confirmed(open_window, qtbot, db_path):
    win = open_window(db_path)
    page = _page(win, qtbot)
    last = latest_date()
    for edit in (page.date_from, page.date_to):  # the list's 至 filter: 9999-12-31 overflowed
        edit.setDate(QDate(9999, 12, 31))
        assert edit.date() == QDate(last.year, last.month, last.day)
    page.received_at.setDateTime(QDateTime(QDate(1900, 1, 1), QTime(9, 0)))
    assert page.received_at.date() == QDate(2000, 1, 1)
    for edit in (win.stats.date_from, win.stats.date_to):  # 统计分析's 至 too
        edit.setDate(QDate(9999, 12, 31))
        assert edit.date() == QDate(last.year, last.month, last.day)

    # a visit two years back: asked first; 否 keeps the form, 是 saves
    settings.set("input.past_days_confirm", 365)
    old = clock.today() - dt.timedelta(days=730)
    page.received_at.setDateTime(QDateTime(QDate(old.year, old.month, old.day), QTime(9, 0)))
    type_text(qtbot, page.name, "李大娘")
    seen = []

    def answer(button):
        def handle(box):
            seen.append(box.text())
            _shot(box, "reception_old_date_confirm.png")
            box.button(button).click()
        return handle

    state = when_modal(qtbot, answer(QMessageBox.StandardButton.No))
    assert page.save() is None and state["ran"]
    assert "730 天以前" in seen[0] and Reception.select().count() == 0 and page.name.text() == "李大娘"
    state = when_modal(qtbot, answer(QMessageBox.StandardButton.Yes))
    assert page.save() is not None and state["ran"] and Reception.select().count() == 1


def test_the_same_id_number_under_another_name_is_warned_and_can_be_linked(open_window, qtbot, db_path):
    page = _page(open_window(db_path), qtbot)
    first = receptions.record_visit(ReceptionData(clock.now() - dt.timedelta(days=3), "visit", "张三",
                                                  visitor_id_number=ID, village="前进村"))
    when = clock.to_local(first.received_at)
    texts = []

    def fill(name):
        type_text(qtbot, page.name, name)
        page.id_toggle.setChecked(True)
        page.id_number.setText(ID)

    def press(label_start):
        def handle(box):
            texts.append(box.text())
            _shot(box, "reception_same_id.png")
            next(b for b in box.buttons() if b.text().startswith(label_start)).click()
        return handle

    fill("张山")
    state = when_modal(qtbot, press("返回修改"))
    assert page.save() is None and state["ran"]
    assert "张三" in texts[0] and f"{when.year}年{when.month}月{when.day}日" in texts[0] and "张山" in texts[0]
    assert Reception.select().count() == 1 and page.name.text() == "张山"

    state = when_modal(qtbot, press("是同一人"))  # link: registered under the earlier name
    rec = page.save()
    assert state["ran"] and rec is not None and rec.visitor_name == "张三"

    fill("张山")
    state = when_modal(qtbot, press("不是"))  # keep both names
    rec = page.save()
    assert state["ran"] and rec is not None and rec.visitor_name == "张山"
    assert Reception.select().count() == 3


def test_a_second_deputy_of_the_same_name_is_warned_of_on_save(app, qtbot, station_db):
    deputies.create(DeputyData(name="王建国", levels=("township",), group="第一代表小组", sector="农业"))
    texts = []

    def dialog():
        dlg = DeputyDialog()
        qtbot.addWidget(dlg)
        dlg.show()
        type_text(qtbot, dlg.name, "王建国")
        dlg.level_checks["county"].setChecked(True)
        return dlg

    def press(button):
        def handle(box):
            texts.append(box.text())
            _shot(box, "deputy_same_name.png")
            box.button(button).click()
        return handle

    dlg = dialog()
    state = when_modal(qtbot, press(QMessageBox.StandardButton.No))
    dlg.accept()
    assert state["ran"] and dlg.saved is None and Deputy.select().count() == 1
    assert "王建国" in texts[0] and "第一代表小组" in texts[0] and "农业" in texts[0]
    state = when_modal(qtbot, press(QMessageBox.StandardButton.Yes))
    dlg.accept()
    assert state["ran"] and dlg.saved is not None and Deputy.select().count() == 2

    # editing that deputy without changing the name asks nothing
    again = DeputyDialog(record=deputies.get(dlg.saved.uid))
    qtbot.addWidget(again)
    again.note.setText("改了备注")
    again.accept()
    assert again.saved is not None and deputies.get(dlg.saved.uid).note == "改了备注"
