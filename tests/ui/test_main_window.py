"""Main window and the 代表名册 flows, driven through real widgets with qtbot."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontInfo, QImage, QPainter
from PySide6.QtWidgets import QMessageBox

from station_app.db import close_database
from station_app.db.models import AuditLog, Deputy
from station_app.domain.records import DeputyData
from station_app.resources import FONT_FAMILY
from station_app.services import audit, deputies, station
from station_app.ui.dialogs.deputy_dialog import DeputyDialog
from station_app.ui.dialogs.station_dialog import StationDialog
from tests.conftest import TEST_STATION
from tests.ui.conftest import type_text, when_modal


def _fill_deputy(qtbot, dlg: DeputyDialog, name: str, phone: str) -> None:
    type_text(qtbot, dlg.name, name)
    dlg.level_checks["county"].setChecked(True)
    dlg.level_checks["township"].setChecked(True)
    dlg.gender.setCurrentIndex(dlg.gender.findText("女"))
    qtbot.keyClicks(dlg.phone, phone)
    qtbot.keyClicks(dlg.birth_date, "1978-06-01")
    dlg.group.setCurrentText("第二代表小组")


def test_add_deputy_through_dialog_survives_restart(open_window, qtbot, db_path):
    win = open_window(db_path)
    station.save_home_station(TEST_STATION)

    def fill_and_save(dlg):
        assert isinstance(dlg, DeputyDialog)
        _fill_deputy(qtbot, dlg, "阿依古丽·买买提", "13912345678")
        qtbot.keyClick(dlg.phone, Qt.Key.Key_Return)  # Enter saves

    state = when_modal(qtbot, fill_and_save)
    win.act_new.trigger()  # Ctrl+N: opens the dialog on the roster page
    assert state["ran"]
    assert win.stack.currentWidget() is win.deputies
    assert win.deputies.selected().name == "阿依古丽·买买提"

    win.close()
    close_database()
    win2 = open_window(db_path)
    win2.show_page("deputies")
    model = win2.deputies.model
    names = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert names == ["阿依古丽·买买提"]
    row = model.record(0)
    assert row.levels_text == "县、乡镇" and row.phone == "13912345678" and row.group == "第二代表小组"
    assert "在任代表 1 名" in win2.home.tile_deputies.value.text()


def test_bad_phone_is_stopped_at_the_field(open_window, qtbot, db_path):
    win = open_window(db_path)
    station.save_home_station(TEST_STATION)
    seen = {}

    def fill_bad_then_cancel(dlg):
        _fill_deputy(qtbot, dlg, "王建国", "1381234")
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
        seen["visible"] = dlg.isVisible()
        seen["phone_error"] = dlg.form.error_text("phone")
        seen["name_error"] = dlg.form.error_text("name")
        seen["focus"] = dlg.focusWidget() is dlg.phone  # the field with the error has the cursor
        dlg.reject()

    when_modal(qtbot, fill_bad_then_cancel)
    win.act_new.trigger()
    assert seen["visible"] is True  # the dialog stayed open
    assert "手机号" in seen["phone_error"] or "电话" in seen["phone_error"]
    assert seen["name_error"] == ""
    assert seen["focus"]
    assert Deputy.select().count() == 0
    assert AuditLog.select().where(AuditLog.table_name == "deputy").count() == 0


def test_missing_level_and_name_messages(app, qtbot, station_db):
    dlg = DeputyDialog()
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.form.error_text("name") == "请填写姓名"
    assert "代表层级" in dlg.form.error_text("levels")
    type_text(qtbot, dlg.birth_date, "1975年13月")
    type_text(qtbot, dlg.name, "张三")
    dlg.level_checks["township"].setChecked(True)
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert "1975-03-08" in dlg.form.error_text("birth_date")
    assert Deputy.select().count() == 0


def test_edit_and_deactivate_through_gui_are_audited(open_window, qtbot, db_path, monkeypatch):
    win = open_window(db_path)
    station.save_home_station(TEST_STATION)
    rec = deputies.create(DeputyData(name="李芳", levels=("township",), phone="13700001111"))
    win.deputies.refresh()
    win.show_page("deputies")
    win.deputies.select_uid(rec.uid)

    def change_phone(dlg):
        dlg.phone.clear()
        qtbot.keyClicks(dlg.phone, "0534-5123456")
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)

    when_modal(qtbot, change_phone)
    win.deputies.edit_button.click()
    assert deputies.get(rec.uid).phone == "0534-5123456"

    when_modal(qtbot, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    win.deputies.toggle_button.click()
    assert deputies.get(rec.uid).active is False
    assert win.deputies.model.rowCount() == 0  # the list shows 在任 by default
    assert [e.action for e in audit.entries(record_uid=rec.uid)] == ["deactivate", "update", "create"]


def test_first_run_asks_for_station(open_window, qtbot, db_path):
    win = open_window(db_path)
    assert "尚未设置" in win.station_status.text()

    def fill(dlg):
        assert isinstance(dlg, StationDialog)
        type_text(qtbot, dlg.name, "长官镇人大代表联络站")
        qtbot.keyClicks(dlg.code, "bad code!")
        dlg.accept()
        assert "站点编码" in dlg.form.error_text("code")
        dlg.code.clear()
        qtbot.keyClicks(dlg.code, "NJ-CG01")
        dlg.accept()

    when_modal(qtbot, fill)
    assert win.ensure_station_profile() is True
    assert station.home_station().code == "NJ-CG01"
    assert "长官镇人大代表联络站（NJ-CG01）" in win.station_status.text()


def test_roster_model_is_a_correct_qt_model(app, qtmodeltester, station_db):
    from station_app.services.demo import make_demo
    from station_app.ui.pages.deputies import DeputiesPage

    make_demo(seed=2, deputies=300)
    page = DeputiesPage()
    model = page.model
    assert model.rowCount() == 256 and model.canFetchMore()
    qtmodeltester.check(model)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == deputies.count(page.current_filter())
    page.deleteLater()


def _render(font: QFont, char: str) -> QImage:
    img = QImage(64, 64, QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    p.setFont(font)
    p.setPen(QColor("black"))
    p.drawText(img.rect(), Qt.AlignmentFlag.AlignCenter, char)
    p.end()
    return img


def test_chinese_renders_from_bundled_font(open_window, db_path, tmp_path):
    win = open_window(db_path)
    station.save_home_station(TEST_STATION)
    win._on_station_changed()
    font = win.home.heading.font()
    assert QFontInfo(font).family() == FONT_FAMILY
    # A CJK glyph must not look like the "missing glyph" box of an unassigned code point.
    han = [_render(font, ch) for ch in "代表联络站"]
    tofu = _render(font, "\ue000")
    assert all(img != tofu for img in han)
    assert len({bytes(img.constBits()) for img in han}) == 5  # five different glyphs
    shot = tmp_path / "main_window.png"
    assert win.grab().save(str(shot)) and shot.stat().st_size > 10_000


def test_settings_page_stops_a_bad_qr_template_at_its_field(open_window, qtbot, db_path):
    from station_app.services import settings

    win = open_window(db_path)
    station.save_home_station(TEST_STATION)
    win.show_page("settings")
    page = win.settings_page
    page.editors["qr.mode"].setCurrentIndex(page.editors["qr.mode"].findData("url"))
    page.editors["privacy.show_full_numbers"].setChecked(True)
    type_text(qtbot, page.editors["qr.deputy_template"], "https://rd.example.cn/d/{代表}")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert "{代表}" in page.form.error_text("qr.deputy_template")
    assert "联络站二维码网址模板" in page.form.error_text("qr.station_template")
    assert settings.get("qr.mode") == "text" and settings.get("privacy.show_full_numbers") is False

    page.editors["qr.deputy_template"].clear()
    type_text(qtbot, page.editors["qr.deputy_template"], "https://rd.example.cn/d/{deputy_uid}")
    type_text(qtbot, page.editors["qr.station_template"], "https://rd.example.cn/s/{station_code}")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.form.error_text("qr.deputy_template") == ""
    assert settings.get("qr.mode") == "url" and settings.get("privacy.show_full_numbers") is True
