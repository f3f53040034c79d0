"""Empty states (issue 16, item 8): a combo with nothing to choose says so, a dialog does not
choose a deputy for the clerk, and an error message is shown whole, word-wrapped, at a narrow
width."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLabel

from station_app.services import deputies
from station_app.services.demo import make_demo

LONG = ("站点编码只能由大写字母、数字和连字符组成，长度3到20个字符，如 NJ-CG01；编码由县人大常委会"
        "代表工委统一分配，请向县里确认后填写。")


def _whole(label: QLabel) -> bool:
    """Shown, and as tall as its word-wrapped text needs at its width (no line clipped)."""
    return label.isVisible() and label.height() >= label.heightForWidth(label.width())


def test_archive_deputy_picker_of_a_station_without_deputies(station_db, db_path, open_window, tmp_path):
    win = open_window(db_path)
    win.show_page("points")
    page = win.points
    page.tabs.setCurrentIndex(1)  # 代表档案
    QApplication.processEvents()
    win.grab().save(str(tmp_path / "archive_empty.png"))
    assert page.deputy.count() == 0 and page.deputy.currentIndex() == -1
    assert page.deputy.placeholderText() == "（暂无代表）"


def test_duty_record_dialog_without_deputies_says_so(station_db, qtbot):
    from station_app.ui.dialogs.duty_record_dialog import DutyRecordDialog

    dlg = DutyRecordDialog([])
    qtbot.addWidget(dlg)
    assert dlg.deputy.currentIndex() == -1 and dlg.deputy.placeholderText() == "（暂无在任代表）"
    assert dlg.indicator.placeholderText() == "请选择指标…"


def test_leave_dialog_picks_nobody_until_the_clerk_does(db, db_path, open_window, qtbot, tmp_path):
    from station_app.ui.pages.activities import LeaveDialog

    make_demo(receptions=10)
    win = open_window(db_path)
    dlg = LeaveDialog(win)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.grab().save(str(tmp_path / "leave.png"))
    assert dlg.deputy.count() > 0 and dlg.deputy.currentIndex() == -1
    assert dlg.deputy.placeholderText() == "请选择代表…"
    assert not dlg.ok_button.isEnabled()  # Enter cannot put a deputy nobody chose on leave
    first = deputies.all_deputies()[0]
    dlg.deputy.setCurrentIndex(dlg.deputy.findData(first.uid))
    assert dlg.ok_button.isEnabled() and dlg.values()[0] == first.uid


def test_station_dialog_shows_a_long_message_whole_at_a_narrow_width(station_db, qtbot, tmp_path):
    from station_app.ui.dialogs.station_dialog import StationDialog

    dlg = StationDialog(first_run=True)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.resize(dlg.minimumWidth(), dlg.height())
    QApplication.processEvents()
    dlg.show_errors({"code": LONG, "phone": LONG})
    QApplication.processEvents()
    dlg.grab().save(str(tmp_path / "station_errors.png"))
    for name in ("code", "phone"):
        label = dlg.form.errors[name]
        assert label.text() == LONG
        assert label.heightForWidth(label.width()) > label.fontMetrics().lineSpacing() * 2  # wraps
        assert _whole(label), (name, label.size(), label.heightForWidth(label.width()))


def test_error_under_a_narrow_field_wraps_across_the_form(db, db_path, open_window, qtbot, tmp_path):
    """人数 (a spin box) keeps its width; its error line takes the form's width and shows whole."""
    from station_app.services import receptions
    from station_app.ui.dialogs.reception_dialog import ReceptionDialog

    make_demo(receptions=5)
    win = open_window(db_path)
    rec = receptions.page(limit=1, station_code=None).rows[0]
    dlg = ReceptionDialog(receptions.get_for_edit(rec.uid), win)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.form.show_errors({"visitor_count": "人数请填1到9999之间的整数：同来的几位都算上，代表不算在内。"})
    QApplication.processEvents()
    dlg.grab().save(str(tmp_path / "count_error.png"))
    label = dlg.form.errors["visitor_count"]
    assert dlg.count.width() < label.width()  # the spin box stays narrow, the message does not
    assert _whole(label)
