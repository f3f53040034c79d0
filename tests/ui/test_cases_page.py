"""意见办理 page driven through real widgets: a visit typed on the 接待登记 form goes round the loop
(答复 → 不满意 → 再次交办 → 答复 → 满意) with the timeline on screen; illegal steps have no button;
a refused step stays in its dialog; overdue cases stand out; 承办单位管理; the printable sheets."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt

from station_app.domain import clock
from station_app.domain.records import DeputyData, OpinionData, ReceptionData
from station_app.services import cases, deputies, receptions, station
from station_app.ui.dialogs.case_action_dialog import CaseActionDialog
from station_app.ui.dialogs.departments_dialog import DepartmentsDialog
from station_app.ui.models.readonly import FOREGROUND
from tests.conftest import TEST_STATION
from tests.ui.conftest import type_text, when_modal


def _setup(win, qtbot):
    station.save_home_station(TEST_STATION)
    uid = deputies.create(DeputyData(name="王建国", levels=("township",))).uid
    with qtbot.waitActive(win):
        win.activateWindow()
    return uid


def _step(qtbot, page, action, fill):
    """Click the step's button on the detail pane and fill its dialog."""
    seen = {}

    def handler(dlg):
        assert isinstance(dlg, CaseActionDialog) and dlg.action == action
        seen["title"] = dlg.windowTitle()
        fill(dlg)
        dlg.ok_button.click()

    state = when_modal(qtbot, handler)
    qtbot.mouseClick(page.action_buttons[action], Qt.MouseButton.LeftButton)
    assert state["ran"]
    return seen


def _note(qtbot, text):
    def fill(dlg):
        type_text(qtbot, dlg.note, text)
    return fill


def _home_cases(win, number) -> str:
    """首页's 意见建议办理提醒 as the clerk sees it on going there, then back to 意见办理 on ``number``."""
    win.show_page("home")
    text = win.home.cases_text()
    win.show_page("cases")
    assert win.cases.select_number(number)
    return text


def test_a_visit_goes_round_the_loop_until_the_citizen_is_satisfied(open_window, qtbot, db_path):
    win = open_window(db_path)
    deputy = _setup(win, qtbot)
    changed = []

    # 1. the visit, typed on the 接待登记 form with two opinions
    win.show_page("reception")
    rp = win.receptions
    rp.name.setFocus()
    type_text(qtbot, rp.name, "张大爷")
    qtbot.keyClicks(rp.phone, "13812341234")
    type_text(qtbot, rp.village, "前进村")
    rp.deputy_checks.set_checked([deputy])
    type_text(qtbot, rp.summary, "反映村道和新农合问题")
    spot = rp.add_opinion_row()
    type_text(qtbot, spot.content, "咨询新农合缴费时间")
    spot.category.setCurrentIndex(spot.category.findData("health"))
    type_text(qtbot, spot.reply, "已当场告知每年9至12月缴费")
    road = rp.add_opinion_row()
    type_text(qtbot, road.content, "前进村到镇上的道路坑洼严重，雨天无法通行")
    road.category.setCurrentIndex(road.category.findData("infrastructure"))
    road.handling.setCurrentIndex(road.handling.findData("assigned"))
    road.department.setCurrentText("")
    type_text(qtbot, road.department.lineEdit(), "镇农业农村办")
    qtbot.keyClick(rp.summary, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    year = clock.today().year
    assert rp.status_label.text() == f"已保存：张大爷，意见建议 {year}-0001、{year}-0002"
    spot_no, road_no = f"{year}-0001", f"{year}-0002"
    assert cases.get(spot_no).status == "resolved"

    # 2. the 交办 one on the 意见办理 page
    win.show_page("cases")
    page = win.cases
    page.changed.connect(lambda: changed.append(True))
    assert page.model.rowCount() == 2  # the page followed the reception page's saved()
    assert page.select_number(road_no)
    rec = page.selected()
    assert rec.number == road_no and rec.department == "镇农业农村办"
    assert page.fields["status"].text() == "已交办" and page.fields["visitor"].text() == "张大爷　138****1234"
    assert list(page.action_buttons) == ["supervise", "reply", "close"]
    assert "evaluate" not in page.action_buttons

    home = _home_cases(win, road_no)
    assert "未办结 1 件" in home and "待群众评价 0 件" in home
    _step(qtbot, page, "reply", _note(qtbot, "已完成路面修补300米"))
    assert page.fields["status"].text() == "已答复"
    assert "待群众评价 1 件" in _home_cases(win, road_no)  # 首页, looked at, follows each step
    assert list(page.action_buttons) == ["evaluate", "resolve", "close"]

    def dissatisfied(dlg):
        dlg.set_evaluation("dissatisfied")
        type_text(qtbot, dlg.note, "还有一段没修")

    _step(qtbot, page, "evaluate", dissatisfied)
    assert list(page.action_buttons) == ["reassign", "close"]

    def to_county(dlg):
        assert dlg.department.currentText() == "镇农业农村办"  # the current one is offered
        assert dlg.deadline_date() == cases.default_deadline("assigned")
        dlg.department.setCurrentText("")
        type_text(qtbot, dlg.department.lineEdit(), "县交通运输局")
        type_text(qtbot, dlg.note, "转县交通局")

    _step(qtbot, page, "reassign", to_county)
    assert page.fields["department"].text() == "县交通运输局" and page.fields["rounds"].text() == "第 2 轮"
    _step(qtbot, page, "reply", _note(qtbot, "剩余路段已硬化"))
    _step(qtbot, page, "evaluate", lambda dlg: dlg.set_evaluation("satisfied"))

    # 3. what the page shows, and what is stored
    shown = [page.timeline.item(r, 1).text() for r in range(page.timeline.rowCount())]
    assert shown == ["登记", "交办", "答复", "评价", "再次交办（第2轮）", "答复", "评价", "办结"]
    assert page.timeline_actions() == ["登记", "交办", "答复", "评价", "再次交办", "答复", "评价", "办结"]
    assert "不满意：还有一段没修" in page.timeline.item(3, 3).text()
    assert "县交通运输局" in page.timeline.item(4, 3).text()
    assert page.fields["status"].text() == "已办结" and page.fields["rounds"].text() == "第 2 轮"
    assert page.fields["evaluation"].text() == "满意"
    assert page.action_buttons == {}  # nothing more to do
    row = page.model.row_of(lambda r: r.rec.number == road_no)
    assert page.model.index(row, 8).data() == "已办结" and page.model.index(row, 10).data() == "2"
    assert page.model.index(row, 9).data() == "满意"
    stored = cases.get(road_no)
    assert (stored.status, stored.rounds, stored.evaluation, stored.department) == (
        "resolved", 2, "satisfied", "县交通运输局")
    assert [e.action for e in cases.events(stored.uid)] == [
        "register", "assign", "reply", "evaluate", "reassign", "reply", "evaluate", "resolve"]
    assert len(changed) == 5
    home = _home_cases(win, road_no)
    assert "未办结 0 件" in home and "待群众评价 0 件" in home
    month = win.home.month_figures
    assert (month.receptions, month.cases_collected, month.cases_resolved) == (1, 2, 2)


def _visit(days_ago=0, content="村里路灯不亮", department="供电所", name="李大娘", deadline=None,
           village="红旗社区", category="infrastructure"):
    when = clock.now() - dt.timedelta(days=days_ago, minutes=5)
    data = ReceptionData(received_at=when, channel="visit", visitor_name=name, village=village)
    op = OpinionData(content, category, "assigned", department=department, deadline=deadline)
    rec = receptions.record_visit(data, [op])
    return cases.page(reception_uid=rec.uid).rows[0]


def test_illegal_steps_have_no_button_and_a_refused_step_changes_nothing(open_window, qtbot, db_path):
    win = open_window(db_path)
    _setup(win, qtbot)
    case = _visit()
    win.show_page("cases")
    page = win.cases
    assert page.select_uid(case.uid)
    # no 评价 (nor 再次交办, 办结) before 答复
    assert set(page.action_buttons) == {"supervise", "reply", "close"}

    # an empty reply is refused in the dialog, which stays open; nothing is written
    def empty_reply(dlg):
        dlg.ok_button.click()
        assert dlg.isVisible() and dlg.error_text() == "请填写答复内容（办理情况）"
        # meanwhile someone else replied: the state no longer allows 督办 either
        dlg.reject()

    state = when_modal(qtbot, empty_reply)
    qtbot.mouseClick(page.action_buttons["reply"], Qt.MouseButton.LeftButton)
    assert state["ran"]
    assert [e.action for e in cases.events(case.uid)] == ["register", "assign"]
    assert page.selected().status == "assigned"

    # a step the state no longer allows (the case changed behind the page) is refused with the reason
    cases.reply(case.uid, "已修好")
    dlg = CaseActionDialog(page.selected(), "supervise", cases.departments(), page)
    type_text(qtbot, dlg.note, "电话督办")
    assert dlg.apply() is False and "只有交办后、答复前才能督办" in dlg.error_text()
    dlg.deleteLater()
    assert [e.action for e in cases.events(case.uid)] == ["register", "assign", "reply"]


def test_overdue_and_due_soon_filters(open_window, qtbot, qtmodeltester, db_path):
    win = open_window(db_path)
    _setup(win, qtbot)
    late = _visit(days_ago=40, content="排水沟堵塞", department="镇综合执法队", name="赵六", village="东风村")
    fresh = _visit(days_ago=0, content="路灯不亮", department="供电所")
    soon = _visit(days_ago=0, content="低保复核", department="镇社会事务办", category="social_security",
                  deadline=clock.today() + dt.timedelta(days=1))
    cases.reply(soon.uid, "已复核")  # answered: no longer counts as due soon
    soon2 = _visit(days_ago=0, content="危房改造", department="镇社会事务办", deadline=clock.today() + dt.timedelta(days=1))
    win.show_page("cases")
    page = win.cases
    assert page.overdue_button.text() == "超期 1" and page.due_soon_button.text() == "即将到期 1"
    assert page.awaiting_button.text() == "待评价 1"
    qtbot.mouseClick(page.due_soon_button, Qt.MouseButton.LeftButton)
    assert [r.uid for r in page.rows()] == [soon2.uid]
    assert page.model.index(0, 7).data(FOREGROUND).name() == "#b35c00"
    qtbot.mouseClick(page.awaiting_button, Qt.MouseButton.LeftButton)
    assert [r.uid for r in page.rows()] == [soon.uid]
    page.reset_filters()
    page.category.setCurrentIndex(page.category.findData("social_security"))
    assert [r.uid for r in page.rows()] == [soon.uid]
    page.reset_filters()
    page.village.setCurrentIndex(page.village.findData("东风村"))
    assert [r.uid for r in page.rows()] == [late.uid]
    page.reset_filters()
    page.department.setCurrentIndex(page.department.findData("镇社会事务办"))
    assert {r.uid for r in page.rows()} == {soon.uid, soon2.uid} and page.count_label.text() == "共 2 条"
    page.reset_filters()
    page.date_from.setDate(QDate(clock.today().year, clock.today().month, clock.today().day))
    assert late.uid not in {r.uid for r in page.rows()} and len(page.rows()) == 3
    page.reset_filters()
    qtbot.mouseClick(page.overdue_button, Qt.MouseButton.LeftButton)
    assert page.overdue.isChecked() and [r.uid for r in page.rows()] == [late.uid]
    assert "超期" in page.model.index(0, 7).data()
    assert page.model.index(0, 7).data(FOREGROUND).name() == "#c00000"
    page.reset_filters()
    assert {r.uid for r in page.rows()} == {late.uid, fresh.uid, soon.uid, soon2.uid}
    row = page.model.row_of(lambda r: r.rec.uid == fresh.uid)
    assert "剩" in page.model.index(row, 7).data() and page.model.index(row, 7).data(FOREGROUND) is None

    # keyword search, 2 Chinese characters
    type_text(qtbot, page.search, "排水")
    qtbot.waitUntil(lambda: [r.uid for r in page.rows()] == [late.uid], timeout=2000)
    assert page.count_label.text() == "共 1 条"
    qtmodeltester.check(page.model)  # last: the tester also watches later resets


def test_departments_dialog_adds_and_removes(open_window, qtbot, db_path):
    win = open_window(db_path)
    _setup(win, qtbot)
    win.show_page("cases")
    page = win.cases

    def manage(dlg):
        assert isinstance(dlg, DepartmentsDialog)
        type_text(qtbot, dlg.name, "镇城建办")
        qtbot.keyClick(dlg.name, Qt.Key.Key_Return)  # Enter adds, and does not close the dialog
        assert "镇城建办" in dlg.names() and dlg.isVisible() and dlg.name.text() == ""
        assert dlg.remove("供电所") and "供电所" not in dlg.names()
        dlg.add_button.click()  # empty name
        assert dlg.error.text() == "请填写承办单位名称"
        dlg.reject()

    state = when_modal(qtbot, manage)
    page.departments_button.click()
    assert state["ran"]
    names = cases.departments()
    assert "镇城建办" in names and "供电所" not in names
    assert page.department.findData("镇城建办") >= 0


def test_sheets_are_saved_and_previewed(open_window, qtbot, db_path, tmp_path):
    win = open_window(db_path)
    _setup(win, qtbot)
    case = _visit()
    win.show_page("cases")
    page = win.cases
    page.select_uid(case.uid)
    assert page.assign_pdf_button.isEnabled() and not page.feedback_pdf_button.isEnabled()
    out = tmp_path / "交办通知单"
    page.save_sheet("assign", str(out))
    pdf = tmp_path / "交办通知单.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    assert page.message.text() == f"已保存：{pdf}"
    assert page.preview_dialog is not None and page.preview_dialog.preview.page_count >= 1

    cases.reply(case.uid, "已修好")
    page.reload()
    assert page.feedback_pdf_button.isEnabled()
    page.save_sheet("feedback", str(tmp_path / "反馈单.pdf"), preview=False)
    assert (tmp_path / "反馈单.pdf").exists()
