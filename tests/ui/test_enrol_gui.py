"""Signed packages in the GUI (issue 19): export is encrypted unless the clerk confirms the risk,
a 生成口令 passphrase passes the policy, and the county's admin enrols a new station only after a
dialog shows its fingerprint; a clerk is not asked and the package is refused."""

from __future__ import annotations

import zipfile

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from station_app.db import close_database
from station_app.db.models import StationKey
from station_app.domain import passphrase
from station_app.domain.package_signing import grouped
from station_app.domain.records import DeputyData
from station_app.domain.roles import Role
from station_app.services import context, deputies, station
from station_app.services.exchange import keys
from tests.conftest import TEST_STATION
from tests.ui.conftest import when_modal

LEFT = Qt.MouseButton.LeftButton


def fill_station() -> None:
    station.save_home_station(TEST_STATION)
    deputies.create(DeputyData(name="王建国", levels=("township",)))


@pytest.fixture
def station_package(open_window, qtbot, tmp_path):
    """T01's package exported through the page with a generated passphrase, and its fingerprint."""
    win = open_window(str(tmp_path / "station.db"))
    fill_station()
    win.show_page("exchange")
    page = win.exchange
    assert page.encrypt.isChecked()
    qtbot.mouseClick(page.generate_button, LEFT)
    word = page.export_password.text()
    assert len(word) == 24 and passphrase.problem(word) is None
    out = tmp_path / "stick"
    out.mkdir()
    page.export_to(str(out))
    (pkg,) = out.glob("*.zip")
    with zipfile.ZipFile(pkg) as zf:
        assert all(i.flag_bits & 1 for i in zf.infolist())
    fp = keys.own_fingerprint("T01")
    win.close()
    close_database()
    return pkg, word, fp


def test_unchecking_encryption_asks_and_no_keeps_it(open_window, qtbot, tmp_path):
    win = open_window(str(tmp_path / "station.db"))
    fill_station()
    win.show_page("exchange")
    page = win.exchange
    seen = {}

    def answer(box, button):
        seen["text"] = box.text()
        box.grab().save(str(tmp_path / "no_encrypt.png"))
        box.button(button).click()

    when_modal(qtbot, lambda box: answer(box, QMessageBox.StandardButton.No))
    page.encrypt.click()
    assert page.encrypt.isChecked() and "明文" in seen["text"] and "身份证号" in seen["text"]
    when_modal(qtbot, lambda box: answer(box, QMessageBox.StandardButton.Yes))
    page.encrypt.click()
    assert not page.encrypt.isChecked() and not page.export_password.isEnabled()


def test_the_admin_enrols_after_seeing_the_fingerprint(station_package, open_window, qtbot, tmp_path):
    pkg, word, fp = station_package
    context.set_user(context.Actor("admin", Role.ADMIN, "县管理员"))
    try:
        win = open_window(str(tmp_path / "county.db"))
        win.show_page("exchange")
        page = win.exchange
        page.import_password.setText(word)
        seen = {}

        def answer(box):
            seen["text"] = box.text()
            box.grab().save(str(tmp_path / "enrol.png"))
            box.button(QMessageBox.StandardButton.Yes).click()

        state = when_modal(qtbot, answer)
        page.import_files([str(pkg)])
        assert state["ran"] and grouped(fp) in seen["text"] and "T01" in seen["text"]
        assert page.result_rows()[0][1] == "已导入", page.result_rows()
        row = StationKey.get(StationKey.station_code == "T01")
        assert row.fingerprint == fp and row.enrolled_by == "admin"
    finally:
        context.set_user(None)


def test_a_clerk_is_not_asked_and_the_package_is_refused(station_package, open_window, qtbot, tmp_path):
    pkg, word, fp = station_package
    context.set_user(context.Actor("clerk", Role.CLERK, "联络员"))
    try:
        win = open_window(str(tmp_path / "county.db"))
        win.show_page("exchange")
        page = win.exchange
        page.import_password.setText(word)
        page.import_files([str(pkg)])
        (row,) = page.result_rows()
        assert row[1] == "已拒绝" and grouped(fp) in row[2] and "尚未登记" in row[2]
        assert StationKey.select().count() == 0
    finally:
        context.set_user(None)


def test_the_settings_page_shows_the_fingerprint_and_copies_it(open_window, qtbot, tmp_path):
    from PySide6.QtGui import QGuiApplication

    win = open_window(str(tmp_path / "station.db"))
    fill_station()
    win.show_page("settings")
    box = win.settings_page.key_box
    box.refresh()
    assert "尚未生成" in box.fingerprint_label.text() and not box.copy_button.isEnabled()
    qtbot.mouseClick(box.make_button, LEFT)
    fp = keys.own_fingerprint("T01")
    assert fp and grouped(fp) in box.fingerprint_label.text() and not box.make_button.isEnabled()
    qtbot.mouseClick(box.copy_button, LEFT)
    assert QGuiApplication.clipboard().text() == grouped(fp)
    win.settings_page.grab().save(str(tmp_path / "settings.png"))


def _plain_package(tmp_path, name: str):
    from station_app.db import open_database
    from station_app.services import exchange

    open_database(str(tmp_path / f"{name}.db"))
    try:
        fill_station()
        return exchange.export_package(tmp_path / name, full=True, password="").path, keys.own_fingerprint("T01")
    finally:
        close_database()


def test_the_admin_reenrols_a_station_after_comparing_fingerprints(open_window, qtbot, tmp_path):
    from station_app.db.models import AuditLog

    old_pc, old_fp = _plain_package(tmp_path, "old_pc")
    new_pc, new_fp = _plain_package(tmp_path, "new_pc")
    assert old_fp != new_fp
    context.set_user(context.Actor("admin", Role.ADMIN, "县管理员"))
    try:
        win = open_window(str(tmp_path / "county.db"))
        win.show_page("exchange")
        page = win.exchange
        when_modal(qtbot, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
        page.import_files([old_pc])
        assert page.result_rows()[0][1] == "已导入"
        seen = {}

        def answer(box):
            seen["text"] = box.text()
            box.grab().save(str(tmp_path / "reenrol.png"))
            box.button(QMessageBox.StandardButton.Yes).click()

        when_modal(qtbot, answer)
        assert page.reenrol_from(new_pc)
        assert grouped(old_fp) in seen["text"] and grouped(new_fp) in seen["text"]
        assert StationKey.get(StationKey.station_code == "T01").fingerprint == new_fp
        entry = AuditLog.get(AuditLog.action == "reenrol")
        assert (entry.before["fingerprint"], entry.after["fingerprint"]) == (old_fp, new_fp)
        context.set_user(context.Actor("clerk", Role.CLERK, "联络员"))
        when_modal(qtbot, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
        assert not page.reenrol_from(old_pc)  # a clerk may not: refused by the service
        assert StationKey.get(StationKey.station_code == "T01").fingerprint == new_fp
    finally:
        context.set_user(None)
