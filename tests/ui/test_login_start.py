"""The start of the program on a database with users (issue 19), through ui/startup.start_window as
``station-app`` runs it: the login dialog, an administrator's offer to encrypt a plain file, the
one-time recovery code, and the next start that cannot open the file without the password."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest
from PySide6.QtWidgets import QMessageBox

from station_app.db import close_database, connection, open_database
from station_app.domain.records import StationProfile
from station_app.domain.roles import Role
from station_app.services import backup_store, context, users
from station_app.services.station import save_home_station
from station_app.ui.dialogs.login_dialog import LoginDialog, RecoveryCodeDialog
from tests.ui.conftest import when_modal

ADMIN_PW = "青石镇联络站2026"


def _log_in(name: str, password: str, seen: list):
    def handle(dlg):
        assert isinstance(dlg, LoginDialog), type(dlg)
        seen.append("login")
        dlg.username.setText(name)
        dlg.password.setText(password)
        dlg.ok_button.click()
    return handle


def test_admin_login_offers_encryption_and_the_next_start_needs_the_password(started, qtbot, tmp_path):
    url = str(tmp_path / "station.db")
    open_database(url)
    save_home_station(StationProfile("QS01", "青石镇人大代表联络站", "青石镇", "沁水县"))
    users.create_first_admin("管理员", ADMIN_PW)  # a plain file with users (made before encryption existed)
    context.set_user(None)
    plain_backup = backup_store.auto_backup(url).path  # a copy made while the file was plain
    close_database()
    with closing(sqlite3.connect(url)) as con:  # plain: readable as it is
        con.execute("SELECT count(*) FROM user").fetchone()

    seen: list[str] = []
    codes: list[str] = []

    def offer(box):
        assert isinstance(box, QMessageBox) and "还没有加密" in box.text()
        seen.append("offer")
        when_modal(qtbot, keep_code)
        box.button(QMessageBox.StandardButton.Yes).click()

    def keep_code(dlg):
        assert isinstance(dlg, RecoveryCodeDialog)
        codes.append(dlg.code)
        dlg.written.setChecked(True)
        dlg.ok_button.click()

    def login_then_offer(dlg):
        when_modal(qtbot, offer)
        _log_in("管理员", ADMIN_PW, seen)(dlg)

    when_modal(qtbot, login_then_offer)
    win = started(url)
    assert win is not None and seen == ["login", "offer"] and len(codes) == 1
    assert context.current_user().role is Role.ADMIN
    assert users.is_protected(url)
    for file in (url, plain_backup):  # the database and the copy made while it was plain
        # (closed at once: another SQLite library's descriptor of the open file drops its locks)
        with closing(sqlite3.connect(file)) as con, pytest.raises(sqlite3.DatabaseError, match="not a database"):
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    assert backup_store.inspect(plain_backup, key=connection.current_key()).station_code == "QS01"
    win.close()
    win.instance_lock.unlock()
    close_database()
    context.set_user(None)
    connection.forget_key()

    # the next start: a wrong password opens nothing; the right one opens the encrypted file
    wrong: list[str] = []

    def wrong_then_right(dlg):
        dlg.username.setText("管理员")
        dlg.password.setText("不对的密码123")
        dlg.ok_button.click()
        wrong.append(dlg.form.error_text("password"))
        assert dlg.isVisible()
        _log_in("管理员", ADMIN_PW, seen)(dlg)

    when_modal(qtbot, wrong_then_right)
    again = started(url)
    assert again is not None and "用户名或密码不对" in wrong[0]
    assert context.current_user().username == "管理员"
    assert again.current_view().name == "青石镇人大代表联络站"


def test_a_database_without_users_says_so_in_red_and_the_admin_made_there_encrypts_it(open_window, qtbot, tmp_path):
    url = str(tmp_path / "station.db")
    open_database(url)
    save_home_station(StationProfile("QS01", "青石镇人大代表联络站", "青石镇", "沁水县"))
    win = open_window(url)
    assert win.no_admin_button.isVisible() and "任何人都能查看" in win.no_admin_button.text()
    win.grab().save(str(tmp_path / "no-admin.png"))

    codes: list[str] = []

    def make_admin(dlg):
        dlg.username.setText("管理员")
        dlg.password.setText(ADMIN_PW)
        dlg.again.setText(ADMIN_PW)
        when_modal(qtbot, keep)
        dlg.ok_button.click()

    def keep(dlg):
        codes.append(dlg.code)
        dlg.written.setChecked(True)
        dlg.ok_button.click()

    when_modal(qtbot, make_admin)
    win.no_admin_button.click()
    try:
        assert len(codes) == 1 and users.is_protected(url)
        assert not win.no_admin_button.isVisible() and "管理员" in win.user_status.text()
    finally:
        context.set_user(None)
        connection.forget_key()


def test_switching_user_from_the_lock_panel_gives_the_next_user_the_window(open_window, qtbot, station_db, db_path):
    """注销/切换用户 pressed while the window is locked: the next user logs in and finds the window
    whole (the content back in its place, not a loose window and not the lock panel)."""
    users.create_first_admin("管理员", ADMIN_PW)
    users.add_user("小王", Role.CLERK, "小王的密码123456")
    win = open_window(db_path)
    content = win.centralWidget()
    win.lock_now()
    assert win.centralWidget() is not content and not content.isVisible()

    def log_in_as_clerk(dlg):
        dlg.username.setText("小王")
        dlg.password.setText("小王的密码123456")
        dlg.ok_button.click()

    when_modal(qtbot, log_in_as_clerk)
    win.logout_button.click()
    assert context.current_user().username == "小王"
    assert win.centralWidget() is content and content.isVisible() and content.window() is win
    assert win.idle_lock is not None and not win.idle_lock.locked and win.menuBar().isEnabled()
    assert "小王（联络员）" in win.user_status.text()
