"""The 年度评定 button of the 履职积分 page, through real widgets on a real SQLite file: an open
year shows 合格进度 (defined in a tooltip) and 数据截至, never a grade; 否 closes nothing; 是
freezes the grades, shown from then on even when a record comes later; 重新开放年度… asks a
reason and is audited."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from station_app.services import audit, scoring
from station_app.services.context import set_actor
from tests.ui import test_points_page
from tests.ui.conftest import when_modal
from tests.ui.test_points_page import Y, _open_points, fill

LEFT = Qt.MouseButton.LeftButton
frozen_clock = test_points_page.frozen_clock  # the fixture: 2026-06-15 10:00


def test_year_closing_button_freezes_grades_and_reopens_with_a_reason(open_window, qtbot, db_path, frozen_clock,
                                                                      tmp_path):
    win = open_window(db_path)
    people = fill()
    page = _open_points(win, qtbot)
    assert page.ranking_table.horizontalHeaderItem(4).text() == "合格进度"
    assert page.ranking_rows() == [("1", "王建国", "3", "5.0", "18%", ""), ("2", "李秀英", "2", "3.3", "12%", ""),
                                   ("3", "张伟", "1", "1.7", "6%", "")]
    tip = page.ranking_table.horizontalHeaderItem(4).toolTip()
    assert "合格进度 = 百分制得分" in tip and "已过天数 166" in tip and "不是年度等次" in tip
    assert page.year_state.text() == "年度未结束　数据截至 2026-06-15"
    assert "合格进度" in page.formula.text() and "尚未年度评定，不显示等次" in page.formula.text()
    assert page.close_year_button.text() == "年度评定…"
    QApplication.processEvents()
    page.grab().save(str(tmp_path / "points-open.png"))

    seen = {}

    def answer(button):
        def handle(box):
            seen["text"] = box.text()
            box.button(button).click()
        return handle

    state = when_modal(qtbot, answer(QMessageBox.StandardButton.No))
    qtbot.mouseClick(page.close_year_button, LEFT)
    assert state["ran"] and "冻结 3 位代表" in seen["text"] and "2026年尚未结束" in seen["text"]
    assert not scoring.year_status(Y).closed and page.ranking_rows()[0][4] == "18%"

    set_actor("站长老王")
    state = when_modal(qtbot, answer(QMessageBox.StandardButton.Yes))
    qtbot.mouseClick(page.close_year_button, LEFT)
    assert state["ran"] and scoring.year_status(Y).closed
    assert page.ranking_table.horizontalHeaderItem(4).text() == "等次"
    assert page.ranking_rows() == [("1", "王建国", "3", "5.0", "不称职", ""), ("2", "李秀英", "2", "3.3", "不称职", ""),
                                   ("3", "张伟", "1", "1.7", "不称职", "")]
    assert page.year_state.text() == "已年度评定　积分截至 2026-06-15"
    assert "站长老王" in page.formula.text() and "之后的记录不改变评定结果" in page.formula.text()
    assert page.close_year_button.text() == "重新开放年度…" and "年度评定完成" in page.message_text()
    QApplication.processEvents()
    page.grab().save(str(tmp_path / "points-closed.png"))

    # a later record moves nothing on the closed year
    rec = scoring.add_manual(people["张伟"], dt.date(Y, 6, 1), "A02", 3, "列席人大主席团会议")
    scoring.review(rec.uid)
    page.refresh()
    assert page.ranking_rows()[2] == ("3", "张伟", "1", "1.7", "不称职", "")

    def cancel(dlg):
        assert isinstance(dlg, QInputDialog)
        dlg.reject()

    state = when_modal(qtbot, cancel)
    qtbot.mouseClick(page.close_year_button, LEFT)
    assert state["ran"] and scoring.year_status(Y).closed

    def give_reason(dlg):
        assert isinstance(dlg, QInputDialog) and "重新开放2026年" in dlg.labelText()
        dlg.setTextValue("补录6月列席记录")
        dlg.accept()

    state = when_modal(qtbot, give_reason)
    qtbot.mouseClick(page.close_year_button, LEFT)
    assert state["ran"] and not scoring.year_status(Y).closed
    assert page.ranking_rows()[0] == ("1", "张伟", "7", "11.7", "43%", "")
    assert audit.entries(table="score_year_closing")[0].summary == "重新开放2026年度（撤销年度评定）：补录6月列席记录"
    assert page.close_year_button.text() == "年度评定…"
