"""接待登记 page driven through real widgets: the intake form with its checks, the history panel
("老朋友"), search as you type, correcting and deleting a visit."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from station_app.domain import clock
from station_app.domain.records import DeputyData, OpinionData, ReceptionData
from station_app.services import cases, deputies, receptions, settings, station
from station_app.ui.dialogs.reception_dialog import ReceptionDialog
from tests.conftest import TEST_STATION
from tests.ui.conftest import type_text, when_modal


def _setup(win, qtbot, names=("王建国", "李秀英")):
    station.save_home_station(TEST_STATION)
    uids = [deputies.create(DeputyData(name=n, levels=("township",))).uid for n in names]
    win.show_page("reception")
    with qtbot.waitActive(win):  # shortcuts and focus need the active window
        win.activateWindow()
    page = win.receptions
    page.refresh()
    return page, uids


def _visit(name, phone, village, summary, minutes_ago=60):
    return ReceptionData(received_at=clock.now() - dt.timedelta(minutes=minutes_ago), channel="visit",
                         visitor_name=name, visitor_phone=phone, village=village, summary=summary)


def test_record_a_visit_with_the_keyboard(open_window, qtbot, db_path):
    win = open_window(db_path)
    page, uids = _setup(win, qtbot)
    saved = []
    page.saved.connect(lambda: saved.append(True))
    # Tab order of a keyboard-only desk (the time is one stop, the collapsed 身份证号 none)
    page.name.setFocus()
    order = []
    for _ in range(8):
        order.append(QApplication.focusWidget())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert order == [page.name, page.phone, page.village, page.count, page.channel, page.received_at,
                     page.deputy_checks, page.summary]
    page.name.setFocus()
    type_text(qtbot, page.name, "张大爷")
    qtbot.keyClick(page.name, Qt.Key.Key_Tab)
    assert page.phone.hasFocus()
    qtbot.keyClicks(page.phone, "13812341234")
    type_text(qtbot, page.village, "前进村")
    page.count.setValue(3)
    page.deputy_checks.set_checked([uids[0]])
    type_text(qtbot, page.summary, "反映村道破损")
    qtbot.keyClick(page.summary, Qt.Key.Key_Tab)  # Tab moves on, no tab character
    assert page.summary.toPlainText() == "反映村道破损"

    qtbot.keyClick(page.summary, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Enter
    assert len(page.rows) == 1
    row = page.rows[0]
    type_text(qtbot, row.content, "咨询新农合缴费时间")
    row.category.setCurrentIndex(row.category.findData("health"))
    type_text(qtbot, row.reply, "已告知每年9至12月缴费")
    qtbot.keyClick(page.summary, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Ctrl+S

    assert receptions.count() == 1 and saved == [True]
    rec = receptions.get_for_edit(receptions.page().rows[0].uid)  # what was stored, unmasked
    assert (rec.visitor_name, rec.visitor_phone, rec.village, rec.visitor_count) == ("张大爷", "13812341234", "前进村", 3)
    assert receptions.page().rows[0].visitor_phone == "138****1234"  # the list shows it masked
    assert rec.deputy_names == ("王建国",) and rec.summary == "反映村道破损" and rec.case_count == 1
    year = clock.today().year
    assert page.status_label.text() == f"已保存：张大爷，意见建议 {year}-0001"
    # the form is ready for the next visitor: empty, deputies kept, focus on 来访人
    assert page.name.text() == "" and page.phone.text() == "" and not page.rows
    assert page.deputy_checks.checked() == (uids[0],)
    assert page.name.hasFocus()
    # the list shows it, phone masked
    assert page.model.rowCount() == 1
    assert page.model.index(0, 2).data() == "138****1234"
    assert page.count_label.text() == "共 1 次接待"

    # the next visitor: Enter in 接待情况 saves (Shift+Enter is a new line)
    type_text(qtbot, page.name, "李大娘")
    type_text(qtbot, page.summary, "咨询养老保险")
    qtbot.keyClick(page.summary, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    type_text(qtbot, page.summary, "已解答")
    qtbot.keyClick(page.summary, Qt.Key.Key_Return)
    assert receptions.count() == 2 and page.status_label.text() == "已保存：李大娘"
    assert receptions.page().rows[0].summary == "咨询养老保险\n已解答"

    # Esc clears the form, asking first when something was typed
    type_text(qtbot, page.name, "王五")

    def confirm(box):
        assert isinstance(box, QMessageBox) and "清空" in box.text()
        box.button(QMessageBox.StandardButton.Yes).click()

    state = when_modal(qtbot, confirm)
    qtbot.keyClick(page.name, Qt.Key.Key_Escape)
    assert state["ran"] and page.name.text() == "" and receptions.count() == 2


def test_bad_input_is_shown_at_the_fields_and_nothing_is_saved(open_window, qtbot, db_path):
    win = open_window(db_path)
    page, _uids = _setup(win, qtbot)
    qtbot.keyClicks(page.phone, "12345")
    row = page.add_opinion_row()
    row.handling.setCurrentIndex(row.handling.findData("assigned"))
    row.department.setCurrentText("")
    assert page.save() is None
    assert receptions.count() == 0 and cases.count() == 0
    assert page.form_left.error_text("visitor_name")
    assert "电话" in page.form_right.error_text("visitor_phone") or page.form_right.error_text("visitor_phone")
    assert row.error_text("content") == "请填写意见建议内容"
    assert row.error_text("category") == "请选择类别"
    assert row.error_text("department") == "交办请选择承办单位"
    assert page.name.hasFocus()  # the first wrong field
    assert page.phone.text() == "12345"  # what was typed stays

    # a wrong 身份证号 opens the collapsed field and shows its message there
    type_text(qtbot, page.name, "李四")
    page.phone.clear()
    page.id_number.setText("123")
    page.remove_opinion_row(row)
    assert page.save() is None
    assert page.id_toggle.isChecked() and page.id_number.isVisible()
    assert page.form_full.error_text("visitor_id_number")
    assert not page.form_left.error_text("visitor_name")
    assert receptions.count() == 0


def test_history_panel_recognises_an_earlier_visitor_by_phone(open_window, qtbot, db_path):
    win = open_window(db_path)
    page, _uids = _setup(win, qtbot)
    op = OpinionData("前进村到镇上的道路坑洼严重", "infrastructure", "assigned", department="镇农业农村办")
    receptions.record_visit(_visit("张大爷", "13812341234", "前进村", "反映村道破损", minutes_ago=60 * 24 * 3), [op])
    number = cases.page().rows[0].number
    page.refresh()

    qtbot.keyClicks(page.phone, "13812341234")
    qtbot.keyClick(page.phone, Qt.Key.Key_Return)  # editingFinished → history
    assert "老朋友" in page.history_title.text() and "张大爷" in page.history_title.text()
    assert "138****1234" in page.history_title.text()  # masked by default
    assert page.history_visits.rowCount() == 1 and page.history_visits.item(0, 1).text() == "反映村道破损"
    assert page.history_cases_numbers() == [number]
    assert page.history_cases.item(0, 1).text() == "已交办"
    assert page.history_cases.item(0, 2).text() == "镇农业农村办"

    # choosing the earlier visitor from the completer fills name and village
    page.clear_form(ask=False)
    type_text(qtbot, page.name, "张")
    popup = page.name_completer.popup()
    assert popup.isVisible() and popup.model().rowCount() == 1
    assert popup.model().index(0, 0).data() == "张大爷　138****1234　前进村"
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert (page.name.text(), page.phone.text(), page.village.text()) == ("张大爷", "13812341234", "前进村")
    assert page.history_cases_numbers() == [number]


def test_search_box_narrows_the_list(open_window, qtbot, db_path):
    win = open_window(db_path)
    page, _uids = _setup(win, qtbot)
    receptions.record_visit(_visit("张大爷", "13812341234", "前进村", "反映村道破损", 30))
    receptions.record_visit(_visit("李大娘", "13900001111", "红旗社区", "咨询养老保险", 20))
    receptions.record_visit(_visit("王五", "", "前进村", "路灯不亮", 10))
    page.refresh()
    assert page.model.rowCount() == 3
    qtbot.keyClick(page.name, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)  # Ctrl+F
    assert page.search.hasFocus()
    type_text(qtbot, page.search, "养老")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=2000)
    assert page.model.index(0, 1).data() == "李大娘" and page.count_label.text() == "共 1 次接待"
    page.search.clear()
    type_text(qtbot, page.search, "前进")
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=2000)
    page.search.clear()
    page.village_filter.setCurrentIndex(page.village_filter.findData("红旗社区"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=2000)
    assert page.model.index(0, 2).data() == "139****1111"
    settings.set("privacy.show_full_numbers", True)
    page.refresh()
    assert page.model.index(0, 2).data() == "13900001111"


def test_edit_and_delete_a_visit(open_window, qtbot, db_path):
    win = open_window(db_path)
    page, _uids = _setup(win, qtbot)
    op = OpinionData("路灯不亮", "infrastructure", "on_the_spot", reply="已联系供电所")
    rec = receptions.record_visit(_visit("王五", "", "前进村", "路灯", 10), [op])
    page.refresh()
    page.table.selectRow(0)

    def edit(dlg):
        assert isinstance(dlg, ReceptionDialog)
        # (not the name, phone or village: see the report — receptions.update does not re-index the cases)
        dlg.summary.clear()
        type_text(qtbot, dlg.summary, "反映路灯不亮，已当场联系")
        dlg.count.setValue(2)
        dlg.save_button.click()

    state = when_modal(qtbot, edit)
    page.edit_button.click()
    saved = receptions.get(rec.uid)
    assert state["ran"] and (saved.summary, saved.visitor_count) == ("反映路灯不亮，已当场联系", 2)
    assert page.model.index(0, 8).data() == "反映路灯不亮，已当场联系" and page.model.index(0, 4).data() == "2"

    def confirm(box):
        assert isinstance(box, QMessageBox) and "1 条意见建议" in box.text()
        box.button(QMessageBox.StandardButton.Yes).click()

    page.table.selectRow(0)
    state = when_modal(qtbot, confirm)
    page.delete_button.click()
    assert state["ran"] and receptions.count() == 0 and cases.count() == 0
    assert page.model.rowCount() == 0


def test_list_model_passes_the_model_tester(open_window, qtbot, qtmodeltester, db_path):
    win = open_window(db_path)
    page, _uids = _setup(win, qtbot)
    for i in range(3):
        receptions.record_visit(_visit(f"来访人{i}", "", "前进村", "事由", 10 + i))
    page.refresh()
    qtmodeltester.check(page.model)
