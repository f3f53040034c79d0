"""The deputy dialog's 公开联系电话 field, and a name the font cannot print stopped at the field."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from station_app.db.models import Deputy
from station_app.services import deputies
from station_app.ui.dialogs.deputy_dialog import DeputyDialog
from tests.ui.conftest import type_text

SHOTS = os.environ.get("STATION_APP_SHOTS")  # a folder: save what the clerk sees, to look at


def _shot(widget, name: str) -> None:
    if SHOTS:
        QApplication.processEvents()  # let the layout take the error lines in first
        widget.grab().save(os.path.join(SHOTS, name))


def test_the_public_number_is_typed_saved_and_loaded_again(app, qtbot, station_db):
    dlg = DeputyDialog()
    qtbot.addWidget(dlg)
    dlg.show()
    assert "不填则印联络站电话" in dlg.public_phone_hint.text()
    type_text(qtbot, dlg.name, "赵公开")
    dlg.level_checks["township"].setChecked(True)
    qtbot.keyClicks(dlg.phone, "13700002222")
    qtbot.keyClicks(dlg.public_phone, "139 0000 1111")
    _shot(dlg, "deputy_dialog_public_phone.png")
    qtbot.keyClick(dlg.public_phone, Qt.Key.Key_Return)  # Enter saves
    assert dlg.saved is not None
    rec = deputies.get(dlg.saved.uid)
    assert (rec.phone, rec.public_phone) == ("13700002222", "13900001111")

    again = DeputyDialog(record=rec)
    qtbot.addWidget(again)
    assert again.public_phone.text() == "13900001111"


def test_a_bad_public_number_and_an_unprintable_name_are_stopped_at_their_fields(app, qtbot, station_db):
    dlg = DeputyDialog()
    qtbot.addWidget(dlg)
    dlg.show()
    type_text(qtbot, dlg.name, "张😀")
    dlg.level_checks["township"].setChecked(True)
    qtbot.keyClicks(dlg.public_phone, "12345")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    _shot(dlg, "deputy_dialog_errors.png")
    assert dlg.isVisible() and dlg.saved is None
    assert dlg.form.error_text("name") == "姓名中的“😀”（U+1F600）无法打印（字库中没有这个字），请改用文字"
    assert "公开联系电话" in dlg.form.error_text("public_phone")
    assert Deputy.select().count() == 0
