"""Issue 19 item 1 in the window: the first 管理员 and the recovery code, the login dialog's lockout,
the idle lock, and a 只读 user who can neither press 保存 nor save through the service."""

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from station_app.db import connection
from station_app.domain import clock
from station_app.domain.records import ReceptionData
from station_app.domain.roles import Role
from station_app.services import context, receptions, users
from station_app.ui.dialogs.login_dialog import FirstAdminDialog, LoginDialog, RecoveryCodeDialog
from tests.ui.conftest import type_text

ADMIN_PW = "联络站管理2026"


@pytest.fixture(autouse=True)
def _nobody():
    context.set_user(None)
    yield
    context.set_user(None)
    connection.forget_key()


def test_first_admin_is_created_with_the_policy_at_the_field_and_the_recovery_code_shown(app, qtbot, db, db_path):
    dlg = FirstAdminDialog(protect=db_path)
    qtbot.addWidget(dlg)
    type_text(qtbot, dlg.username, "王管理")
    type_text(qtbot, dlg.password, "短密码")
    type_text(qtbot, dlg.again, "短密码")
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    assert "至少要 8 个字符" in dlg.form.error_text("password")
    assert not users.has_users()  # nothing saved
    dlg.password.setText(ADMIN_PW)
    dlg.again.setText(ADMIN_PW + "x")
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    assert "不一样" in dlg.form.error_text("again")
    dlg.again.setText(ADMIN_PW)
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    assert dlg.result() == FirstAdminDialog.DialogCode.Accepted
    assert users.is_protected(db_path) and context.current_user().role is Role.ADMIN

    shown = RecoveryCodeDialog(dlg.code)
    qtbot.addWidget(shown)
    shown.show()
    assert shown.code_label.text() == dlg.code and len(dlg.code.split("-")) == 6
    assert not shown.ok_button.isEnabled()  # not closed before the code is kept
    shown.written.setChecked(True)
    assert shown.ok_button.isEnabled()
    shown.grab().save("/tmp/s1_recovery_code.png")
    # the code shown is the one that resets the admin's password (once)
    users.reset_with_recovery_code("王管理", dlg.code, "新的密码abc123", url=db_path)


def test_login_dialog_locks_the_user_after_five_wrong_passwords(app, qtbot, db):
    users.create_first_admin("admin", ADMIN_PW)
    context.set_user(None)
    dlg = LoginDialog()
    qtbot.addWidget(dlg)
    t = [dt.datetime(2026, 3, 2, 9, 0, tzinfo=clock.zone())]
    dlg.now = lambda: t[0]
    dlg.username.setText("admin")
    for _ in range(5):
        type_text(qtbot, dlg.password, "wrong-password")
        qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
        t[0] += dt.timedelta(seconds=5)  # past the growing wait
    assert "锁定" in dlg.form.error_text("password") and "15 分钟" in dlg.form.error_text("password")
    dlg.grab().save("/tmp/s1_login_locked.png")
    type_text(qtbot, dlg.password, ADMIN_PW)
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    assert dlg.result() != LoginDialog.DialogCode.Accepted and context.current_user() is None
    assert "锁定" in dlg.form.error_text("password")
    t[0] += dt.timedelta(minutes=16)
    type_text(qtbot, dlg.password, ADMIN_PW)
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    assert dlg.result() == LoginDialog.DialogCode.Accepted and context.current_user().username == "admin"


def test_idle_lock_hides_the_content_until_the_password_is_given(open_window, qtbot, station_db, db_path):
    users.create_first_admin("admin", ADMIN_PW)
    users.login("admin", ADMIN_PW)
    win = open_window(db_path)
    assert "admin（管理员）" in win.user_status.text() and win.lock_button.isVisible()
    content = win.centralWidget()
    assert win.idle_lock.timer.isActive() and win.idle_lock.timer.interval() == 10 * 60_000
    win.idle_lock.timer.timeout.emit()  # ten minutes without input
    panel = win.idle_lock.panel
    assert panel is not None and win.centralWidget() is panel and not content.isVisible()
    assert not win.menuBar().isEnabled()
    assert panel.isVisible()
    win.grab().save(str(db_path) + "-idle-locked.png")
    type_text(qtbot, panel.password, "wrong-password")
    qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    assert "不对" in panel.message.text() and win.centralWidget() is panel
    type_text(qtbot, panel.password, ADMIN_PW)
    qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    assert win.centralWidget() is content and content.isVisible()
    assert win.idle_lock.panel is None and win.menuBar().isEnabled()


def test_readonly_user_cannot_press_save_and_the_service_refuses_too(open_window, qtbot, station_db, db_path):
    users.create_first_admin("admin", ADMIN_PW)
    users.add_user("小李", Role.READONLY, "只读用户的密码1")
    users.login("小李", "只读用户的密码1")
    win = open_window(db_path)
    win.show_page("reception")
    assert not win.receptions.save_button.isEnabled()
    assert "只读" in win.user_status.text() and not win.act_users.isVisible()
    win.grab().save("/tmp/s1_readonly_reception.png")
    visit = ReceptionData(received_at=clock.now() - dt.timedelta(minutes=5), channel="visit", visitor_name="赵六")
    with pytest.raises(context.PermissionDenied, match="只读"):
        receptions.record_visit(visit)
