"""履职积分 page driven through real widgets on a real SQLite file: a manual credit typed into the
dialog with an evidence file waits for review (the ranking does not move) and counts once
approved (it does); the archive's 合计 always equals the score; an imported rules file changes
nothing until the previewed 重新计算 is confirmed; the 首页 tile names who is behind a quota and
leads to the 任务 tab; a bad entry is stopped at its field; 退回 and 删除; the two printouts."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox

from station_app.db.models import DutyRecord
from station_app.domain import clock
from station_app.domain.records import DeputyData, ReceptionData
from station_app.domain.scoring import MANUAL
from station_app.services import deputies, receptions, scoring, station
from station_app.ui.dialogs.duty_record_dialog import DutyRecordDialog, RejectDialog
from station_app.ui.dialogs.recompute_dialog import RecomputeDialog
from station_app.ui.pages.points import R_COUNTED, R_EVIDENCE, R_STATE
from tests.conftest import TEST_STATION
from tests.ui.conftest import type_text, when_modal

Y = 2026
NOW = dt.datetime(Y, 6, 15, 10, 0, tzinfo=clock.zone())  # a Monday in the second quarter
LEFT = Qt.MouseButton.LeftButton


def _at(m: int, d: int) -> dt.datetime:
    return dt.datetime(Y, m, d, 9, 30, tzinfo=clock.zone())


@pytest.fixture
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def fill() -> dict[str, str]:
    """Three deputies with 3, 2 and 1 visits (张伟's only one in the first quarter), scored."""
    station.save_home_station(TEST_STATION)
    people = {n: deputies.create(DeputyData(name=n, levels=("township",))).uid for n in ("王建国", "李秀英", "张伟")}
    for name, days in (("王建国", [(4, 2), (4, 20), (5, 11)]), ("李秀英", [(4, 8), (5, 12)]), ("张伟", [(3, 3)])):
        for m, d in days:
            receptions.record_visit(ReceptionData(_at(m, d), "visit", "来访群众", village="前进村",
                                                  deputy_uids=(people[name],)))
    scoring.recompute(Y)
    return people


def _open_points(win, qtbot):
    with qtbot.waitActive(win):
        win.activateWindow()
    win.show_page("points")
    page = win.points
    assert page.isVisible() and page.current_year() == Y
    return page


def _pending_row(page) -> int:
    return next(r for r in range(page.records_model.rowCount()) if page.record_cell(r, R_STATE) == "待审核")


def test_a_manual_credit_counts_only_once_reviewed(open_window, qtbot, db_path, frozen_clock, tmp_path, monkeypatch):
    win = open_window(db_path)
    people = fill()
    page = _open_points(win, qtbot)
    before = [("1", "王建国", "3", "5.0", "18%", ""), ("2", "李秀英", "2", "3.3", "12%", ""),
              ("3", "张伟", "1", "1.7", "6%", "")]
    assert page.ranking_rows() == before

    # 张伟's archive: one visit, 合计 = score
    assert page.show_deputy(people["张伟"])
    assert page.current_tab() == "archive"
    assert page.record_rows()[0][:8] == ("2026-03-03", "进站接待群众", "联系群众", "1", "1", "1", "自动", "自动计入")
    assert page.explain.text() == "合计 1 分 = 年度积分 1 分"
    assert page.month_values[2] == 1 and page.category_values["联系群众"] == 1

    # 录入履职记录… with an evidence file chosen through the file chooser
    proof = tmp_path / "建议原件.pdf"
    proof.write_bytes(b"%PDF-1.4 the proposal as handed in")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(proof), ""))
    manual = {i.code for i in scoring.applied_rules(Y).indicators if i.source == MANUAL}

    def enter(dlg):
        assert isinstance(dlg, DutyRecordDialog)
        assert dlg.deputy.currentText() == "张伟"
        assert set(dlg.indicator_codes()) == manual and "D01" not in dlg.indicator_codes()  # automatic ones are not offered
        assert dlg.set_indicator("B01")
        dlg.quantity.setValue(2)
        assert dlg.points_label.text().startswith("计 6 分")
        type_text(qtbot, dlg.note, "《关于修缮前进村村道的建议》等2件")
        qtbot.mouseClick(dlg.choose_button, LEFT)
        assert dlg.evidence.text() == str(proof)
        qtbot.mouseClick(dlg.save_button, LEFT)

    state = when_modal(qtbot, enter)
    qtbot.mouseClick(page.add_button, LEFT)
    assert state["ran"]
    [rec] = [r for r in scoring.records(people["张伟"], Y) if r.source == MANUAL]
    assert (rec.indicator_code, rec.points, rec.verified, rec.note) == ("B01", 6, False, "《关于修缮前进村村道的建议》等2件")

    # shown 待审核, counting nothing yet: the ranking has not moved, it only says one is pending
    r = _pending_row(page)
    assert page.record_cell(r, R_COUNTED) == "0"
    assert page.record_cell(r, R_COUNTED, Qt.ItemDataRole.ToolTipRole) == "审核通过后计入"
    assert page.record_cell(r, R_STATE, Qt.ItemDataRole.FontRole).bold()  # pending rows stand out
    assert page.record_cell(r, R_EVIDENCE) == "查看"
    assert page.record_cell(r, R_EVIDENCE, Qt.ItemDataRole.ToolTipRole) == "双击打开佐证材料"
    assert page.explain.text() == "合计 1 分 = 年度积分 1 分"
    assert "待审核 1 条" in page.score_line.text()
    assert page.ranking_rows()[:2] == before[:2] and page.ranking_rows()[2] == ("3", "张伟", "1", "1.7", "6%", "1")
    assert "已录入" in page.message_text()

    # the evidence opens from the row (double-click) in the app's own PDF viewer, never the system's
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    cell = page.records_model.index(r, R_EVIDENCE)
    page.records_table.scrollTo(cell)
    where = page.records_table.visualRect(cell).center()
    qtbot.mouseClick(page.records_table.viewport(), LEFT, pos=where)  # QTest's double-click needs the press before it
    qtbot.mouseDClick(page.records_table.viewport(), LEFT, pos=where)
    assert opened == []
    viewer = page.evidence_viewer
    assert viewer.isVisible() and viewer.path == str(scoring.evidence_path(rec.evidence))
    viewer.close()
    assert scoring.evidence_path(rec.evidence).read_bytes() == proof.read_bytes()

    # 审核通过: now it counts, and 张伟 moves from last to first
    page.records_table.selectRow(r)
    assert page.approve_button.isEnabled() and page.reject_button.isEnabled() and page.delete_button.isEnabled()
    qtbot.mouseClick(page.approve_button, LEFT)
    assert page.record_cell(_row_of(page, rec.uid), R_STATE) == "已审核"
    assert page.selected_record().uid == rec.uid  # the row stays selected through the refresh
    assert not page.record_cell(_row_of(page, rec.uid), R_STATE, Qt.ItemDataRole.FontRole)
    assert page.ranking_rows() == [("1", "张伟", "7", "11.7", "43%", ""), ("2", "王建国", "3", "5.0", "18%", ""),
                                   ("3", "李秀英", "2", "3.3", "12%", "")]
    s = page.archive_score()
    assert s.raw == 7 == scoring.score_of(people["张伟"], Y).raw
    assert page.counted_total() == s.raw
    assert page.explain.text() == "合计 7 分 = 年度积分 7 分"
    assert "第 <b>1</b> 名" in page.score_line.text()
    assert page.category_values["建议议案"] == 6 and page.month_values[5] == 6


def _row_of(page, uid: str) -> int:
    return next(i for i, r in enumerate(page._records) if r.uid == uid)


def test_an_imported_rules_file_changes_scores_only_after_the_previewed_recompute(
        open_window, qtbot, db_path, frozen_clock, tmp_path, monkeypatch):
    win = open_window(db_path)
    fill()
    page = _open_points(win, qtbot)
    page.show_tab("rules")
    assert ("D01", "进站接待群众", "联系群众", "+1", "12", "自动：进站接待群众（接待登记中列为接待代表）", "次", "") \
        in page.indicator_rows()
    before = page.ranking_rows()
    assert page.banner.isHidden()

    # export through the button, change one indicator as the county would, import it back
    exported = tmp_path / "指标.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(exported), ""))
    qtbot.mouseClick(page.export_button, LEFT)
    doc = json.loads(exported.read_text(encoding="utf-8"))
    for ind in doc["indicators"]:
        if ind["code"] == "D01":
            ind["points"] = 2
    changed = tmp_path / "县里下发的指标.json"
    changed.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(changed), ""))
    qtbot.mouseClick(page.import_button, LEFT)
    assert "已导入2026年指标" in page.message_text()
    assert not page.banner.isHidden() and "积分尚未重新计算" in page.banner_text.text()
    assert "已修改，尚未重新计算" in page.rules_state.text()
    assert page.indicator_rows()[10][:4] == ("D01", "进站接待群众", "联系群众", "+2")
    assert page.ranking_rows() == before  # not silently rewritten

    seen = {}

    def look_then(button):
        def handler(dlg):
            assert isinstance(dlg, RecomputeDialog)
            seen["changes"], seen["scores"] = dlg.change_rows(), dlg.score_rows()
            seen["summary"] = dlg.summary.text()
            qtbot.mouseClick(dlg.ok_button if button == "ok" else dlg.cancel_button, LEFT)
        return handler

    # 取消: the preview lists every change, nothing is written
    state = when_modal(qtbot, look_then("cancel"))
    qtbot.mouseClick(page.banner_button, LEFT)
    assert state["ran"]
    assert ("分值变化", "王建国", "D01 进站接待群众", "2026-04-02", "1", "2", "接待 来访群众") in seen["changes"]
    assert len(seen["changes"]) == 6 and {c[0] for c in seen["changes"]} == {"分值变化"}
    assert seen["scores"] == [("张伟", "1", "2", "+1"), ("李秀英", "2", "4", "+2"), ("王建国", "3", "6", "+3")]
    assert "6 条履职记录变化，3 名代表的积分变化" in seen["summary"]
    assert page.ranking_rows() == before and scoring.rules_pending(Y) and not page.banner.isHidden()

    # 确定重新计算: now the ranking follows the new indicator
    state = when_modal(qtbot, look_then("ok"))
    qtbot.mouseClick(page.recompute_button, LEFT)
    assert state["ran"]
    assert [r[1:3] for r in page.ranking_rows()] == [("王建国", "6"), ("李秀英", "4"), ("张伟", "2")]
    assert page.banner.isHidden() and not scoring.rules_pending(Y)
    assert "已重新计算2026年积分：6 条记录变化，3 名代表积分变化" in page.message_text()
    assert scoring.preview_recompute(Y).changes == ()


def test_home_names_who_is_behind_a_quota_and_leads_to_the_tasks_tab(open_window, qtbot, db_path, frozen_clock):
    win = open_window(db_path)
    people = fill()
    home = win.home
    home.refresh()
    lines = home.tile_quota.value.text().splitlines()
    quarter = next(line for line in lines if line.startswith("每季度至少进站活动1次"))
    assert quarter == "每季度至少进站活动1次：本季度未完成 1 人——张伟"  # his only visit was in March
    assert "功能建设中" not in home.tile_quota.value.text()
    yearly = next(line for line in lines if line.startswith("每年进站接待群众不少于2次"))
    assert "张伟" in yearly and "王建国" not in yearly

    with qtbot.waitActive(win):
        win.activateWindow()
    qtbot.mouseClick(home.tile_quota, LEFT)
    page = win.points
    assert win.stack.currentWidget() is page and page.current_tab() == "tasks"
    rows = page.task_rows()
    assert ("张伟", "每季度至少进站活动1次", "2026年第二季度", "0", "1") in rows
    assert not any(r[0] == "王建国" and r[1].startswith("每季度") for r in rows)
    assert "截至 2026-06-15" in page.tasks_summary.text()

    # a visit recorded elsewhere counts as soon as the pages are shown again: no button needed
    receptions.record_visit(ReceptionData(_at(6, 12), "visit", "来访群众", deputy_uids=(people["张伟"],)))
    win.show_page("home")
    assert "张伟" not in next((line for line in home.tile_quota.value.text().splitlines()
                              if line.startswith("每季度")), "")
    win.show_page("points")
    assert not any(r[0] == "张伟" and r[1].startswith("每季度") for r in page.task_rows())
    page.show_tab("ranking")
    assert ("2", "张伟", "2", "3.3", "12%", "") in page.ranking_rows()  # synced on show

    # double-click a shortfall → that deputy's archive
    page.show_tab("tasks")
    r = next(i for i, row in enumerate(page.task_rows()) if row[0] == "李秀英")
    page.tasks_table.cellDoubleClicked.emit(r, 0)
    assert page.current_tab() == "archive" and page.current_deputy() == people["李秀英"]


def test_a_bad_manual_entry_is_stopped_at_its_field_and_saves_nothing(open_window, qtbot, db_path, frozen_clock,
                                                                      tmp_path):
    win = open_window(db_path)
    people = fill()
    page = _open_points(win, qtbot)
    page.show_deputy(people["王建国"])
    n = DutyRecord.select().count()
    seen = {}

    def enter(dlg):
        dlg.set_indicator("A02")  # 列席人大主席团会议: no evidence needed
        qtbot.mouseClick(dlg.save_button, LEFT)  # no 事由
        seen["note"] = dlg.error_text("note")
        seen["evidence"] = dlg.error_text("evidence")
        seen["open"] = dlg.isVisible()
        seen["invalid"] = dlg.note.styleSheet()
        dlg.set_indicator("B01")  # needs evidence
        type_text(qtbot, dlg.note, "提出建议")
        qtbot.mouseClick(dlg.save_button, LEFT)
        seen["note2"] = dlg.error_text("note")
        seen["evidence2"] = dlg.error_text("evidence")
        dlg.evidence.setText(str(tmp_path / "病毒.exe"))
        qtbot.mouseClick(dlg.save_button, LEFT)
        seen["evidence3"] = dlg.error_text("evidence")
        seen["still_open"] = dlg.isVisible()
        dlg.reject()

    state = when_modal(qtbot, enter)
    qtbot.mouseClick(page.add_button, LEFT)
    assert state["ran"]
    assert seen["note"] == "请写明事由（如会议名称、建议标题）" and seen["open"] and "C00000" in seen["invalid"]
    assert seen["evidence"] == ""
    assert seen["note2"] == "" and seen["evidence2"] == "“提出代表建议”需要上传佐证材料"
    assert seen["evidence3"].startswith("佐证材料请用照片") and seen["still_open"]
    assert DutyRecord.select().count() == n  # nothing saved
    assert page.ranking_rows()[0] == ("1", "王建国", "3", "5.0", "18%", "")


def test_reject_with_a_reason_and_delete_with_confirmation(open_window, qtbot, db_path, frozen_clock):
    win = open_window(db_path)
    people = fill()
    one = scoring.add_manual(people["李秀英"], dt.date(Y, 5, 20), "A02", 1, "列席镇人大主席团第三次会议")
    two = scoring.add_manual(people["李秀英"], dt.date(Y, 5, 28), "E02", 1, "参加食品安全执法检查")
    page = _open_points(win, qtbot)
    page.show_deputy(people["李秀英"])
    assert page.ranking_rows()[1] == ("2", "李秀英", "2", "3.3", "12%", "2")

    # an automatic record can be neither reviewed nor deleted
    page.records_table.selectRow(0)
    assert not page.approve_button.isEnabled() and not page.delete_button.isEnabled()

    assert page.select_record(one.uid)
    seen = {}

    def reject(dlg):
        assert isinstance(dlg, RejectDialog)
        qtbot.mouseClick(dlg.ok_button, LEFT)  # no reason yet
        seen["error"] = dlg.form.error_text("note")
        type_text(qtbot, dlg.note, "未列席，记录有误")
        qtbot.mouseClick(dlg.ok_button, LEFT)

    state = when_modal(qtbot, reject)
    qtbot.mouseClick(page.reject_button, LEFT)
    assert state["ran"] and seen["error"] == "退回请写明原因"
    assert one.uid not in {r.uid for r in scoring.records(people["李秀英"], Y)}
    assert "已退回" in page.message_text()

    assert page.select_record(two.uid)
    state = when_modal(qtbot, lambda box: box.button(QMessageBox.StandardButton.No).click())
    qtbot.mouseClick(page.delete_button, LEFT)
    assert state["ran"] and two.uid in {r.uid for r in scoring.records(people["李秀英"], Y)}  # 否: kept
    assert page.select_record(two.uid)
    state = when_modal(qtbot, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    qtbot.mouseClick(page.delete_button, LEFT)
    assert state["ran"] and two.uid not in {r.uid for r in scoring.records(people["李秀英"], Y)}
    assert page.ranking_rows()[1] == ("2", "李秀英", "2", "3.3", "12%", "")
    assert page.explain.text() == "合计 2 分 = 年度积分 2 分"


def test_ranking_and_archive_pdfs_are_written_and_previewed(open_window, qtbot, db_path, frozen_clock, tmp_path):
    win = open_window(db_path)
    people = fill()
    page = _open_points(win, qtbot)
    out = tmp_path / "排名.pdf"
    page.save_ranking(str(out))
    assert out.read_bytes().startswith(b"%PDF") and str(out) in page.message_text()
    assert page.preview_dialog is not None and page.preview_dialog.isVisible()
    assert page.preview_dialog.preview.page_count >= 1
    page.show_deputy(people["王建国"])
    out = tmp_path / "档案.pdf"
    page.save_archive(str(out))
    assert out.read_bytes().startswith(b"%PDF") and page.preview_dialog.preview.page_count >= 1
    assert "王建国" in page.preview_dialog.windowTitle()
