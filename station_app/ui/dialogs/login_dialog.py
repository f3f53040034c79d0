"""Login (issue 19): the first 管理员 and their recovery code, the login at every start, 忘记密码.

Each dialog calls one function of ``services/users.py`` and shows its refusal at the field (a wrong
password, the wait, the lock); nothing here decides who may log in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from station_app.errors import KnownError, ValidationError
from station_app.services import users
from station_app.services.context import Actor
from station_app.ui.forms import FieldForm


def _password_field() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class _FormDialog(QDialog):
    """A form, an intro line and 确定/取消; :meth:`submit` does the work, errors at the fields."""

    ok_text = "确定"

    def __init__(self, parent, title: str, intro: str = ""):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        lay = QVBoxLayout(self)
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            lay.addWidget(label)
        self.form = FieldForm(self)
        self.build()
        lay.addLayout(self.form.layout)
        self.extra(lay)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr(self.ok_text))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)

    def build(self) -> None:
        raise NotImplementedError

    def extra(self, lay) -> None:
        """More widgets under the form (a link)."""

    def submit(self) -> None:
        raise NotImplementedError

    def first_field(self) -> str:
        return self.form._order[0]

    def _submit(self) -> None:
        try:
            self.submit()
        except ValidationError as exc:
            self.form.show_errors(exc.fields)
            return
        except KnownError as exc:
            self.form.show_errors({self.error_field(): exc.message})
            return
        self.accept()

    def error_field(self) -> str:
        return "password"


class FirstAdminDialog(_FormDialog):
    """A new database: create the 管理员 (name, password twice). ``code`` is the recovery code."""

    ok_text = "创建管理员"

    def __init__(self, parent=None, protect: str | None = None):
        self.protect = protect
        self.code = ""
        super().__init__(parent, "创建管理员", "请设置管理员的用户名和密码：数据库随即加密，"
                         "以后每次打开都要登录，管理员可以再添加联络员和只读用户。\n"
                         "密码至少 8 个字符（可以用汉字），不能和用户名相同。")

    def build(self) -> None:
        self.username = self.form.add("username", self.tr("用户名*"), QLineEdit())
        self.display = self.form.add("display", self.tr("姓名"), QLineEdit())
        self.password = self.form.add("password", self.tr("密码*"), _password_field())
        self.again = self.form.add("again", self.tr("再输一次*"), _password_field())

    def submit(self) -> None:
        if self.password.text() != self.again.text():
            raise ValidationError({"again": "两次输入的密码不一样。"})
        self.code = users.create_first_admin(self.username.text(), self.password.text(), self.display.text(),
                                             protect=self.protect)


class RecoveryCodeDialog(QDialog):
    """The one-time recovery code, shown once: written down (or printed) before it closes."""

    def __init__(self, code: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("管理员恢复码"))
        self.code = code
        lay = QVBoxLayout(self)
        intro = QLabel(self.tr("这是管理员的一次性恢复码。忘记密码时，用它可以重设管理员密码（用过一次后会换成新的恢复码）。\n"
                               "它只显示这一次：请抄写或打印下来，和公章一样妥善保管，不要存在这台电脑上。"))
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.code_label = QLabel(code)
        self.code_label.setObjectName("recoveryCode")
        font = QFont("monospace")
        font.setPointSize(18)
        font.setBold(True)
        self.code_label.setFont(font)
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.code_label)
        self.print_button = QPushButton(self.tr("打印…"))
        self.print_button.clicked.connect(self._print)
        lay.addWidget(self.print_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.written = QCheckBox(self.tr("我已抄写或打印了恢复码，并会妥善保管"))
        lay.addWidget(self.written)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("完成"))
        self.ok_button.setEnabled(False)
        self.written.toggled.connect(self.ok_button.setEnabled)
        buttons.accepted.connect(self.accept)
        lay.addWidget(buttons)

    def _print(self) -> None:
        from PySide6.QtGui import QPageSize, QPainter
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        if QPrintDialog(printer, self).exec() != QDialog.DialogCode.Accepted:
            return
        painter = QPainter(printer)
        painter.setFont(QFont("monospace", 16))
        painter.drawText(200, 400, self.tr("联络站工作台 管理员恢复码"))
        painter.drawText(200, 800, self.code)
        painter.end()

    def reject(self) -> None:  # Esc does not close it before the code is kept
        if self.written.isChecked():
            super().reject()


class LoginDialog(_FormDialog):
    """The login at a start (or after 注销). ``login`` is the function that logs in (the open
    plain database's :func:`users.login`, or an encrypted file's :func:`users.open_protected`)."""

    ok_text = "登录"

    def __init__(self, parent=None, url: str = "", username: str = ""):
        self.url = url
        self.actor: Actor | None = None
        self.password_for_encryption = ""
        self.now: Callable[[], dt.datetime] | None = None  # the time of a try (tests give their own clock; None: now)
        super().__init__(parent, "登录", "请输入用户名和密码。")
        self.username.setText(username)
        (self.password if username else self.username).setFocus()

    def build(self) -> None:
        self.username = self.form.add("username", self.tr("用户名"), QLineEdit())
        self.password = self.form.add("password", self.tr("密码"), _password_field())

    def extra(self, lay) -> None:
        self.forgot = QLabel(f"<a href='#'>{self.tr('忘记密码？')}</a>")
        self.forgot.setObjectName("forgotLink")
        self.forgot.linkActivated.connect(self.recover)
        lay.addWidget(self.forgot, 0, Qt.AlignmentFlag.AlignRight)

    def submit(self) -> None:
        at = self.now() if self.now else None
        try:
            if self.url and users.is_protected(self.url):
                self.actor = users.open_protected(self.url, self.username.text(), self.password.text(), now=at)
            else:
                self.actor = users.login(self.username.text(), self.password.text(), now=at)
                if self.url and users.may_encrypt(self.url):
                    # an administrator on a plain file: start-up offers to encrypt it (needs the password)
                    self.password_for_encryption = self.password.text()
        finally:
            self.password.clear()

    def recover(self) -> None:
        dlg = RecoveryResetDialog(self, self.url, self.username.text())
        if dlg.exec():
            RecoveryCodeDialog(dlg.fresh_code, self).exec()
            self.username.setText(dlg.username.text())
            self.form.show_errors({"password": self.tr("密码已重设，请用新密码登录。")})


class RecoveryResetDialog(_FormDialog):
    """忘记密码: the 管理员's recovery code and a new password."""

    ok_text = "重设密码"

    def __init__(self, parent=None, url: str = "", username: str = ""):
        self.url = url
        self.fresh_code = ""
        super().__init__(parent, "用恢复码重设管理员密码",
                         "只有管理员可以用恢复码重设密码。恢复码用过后作废，会显示一个新的恢复码。")
        self.username.setText(username)

    def build(self) -> None:
        self.username = self.form.add("username", self.tr("管理员用户名"), QLineEdit())
        self.code = self.form.add("code", self.tr("恢复码"), QLineEdit())
        self.code.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        self.password = self.form.add("password", self.tr("新密码"), _password_field())
        self.again = self.form.add("again", self.tr("再输一次"), _password_field())

    def error_field(self) -> str:
        return "code"

    def submit(self) -> None:
        if self.password.text() != self.again.text():
            raise ValidationError({"again": "两次输入的密码不一样。"})
        self.fresh_code = users.reset_with_recovery_code(self.username.text(), self.code.text(),
                                                         self.password.text(), url=self.url or None)


class PasswordDialog(_FormDialog):
    """Set a password: one's own (old one first) or, for the admin, another user's."""

    def __init__(self, parent=None, username: str | None = None):
        self.target = username
        super().__init__(parent, "修改密码" if username is None else f"重设“{username}”的密码")

    def build(self) -> None:
        if self.target is None:
            self.old = self.form.add("old", self.tr("原密码"), _password_field())
        self.password = self.form.add("password", self.tr("新密码"), _password_field())
        self.again = self.form.add("again", self.tr("再输一次"), _password_field())

    def submit(self) -> None:
        if self.password.text() != self.again.text():
            raise ValidationError({"again": "两次输入的密码不一样。"})
        if self.target is None:
            users.change_own_password(self.old.text(), self.password.text())
        else:
            users.reset_password(self.target, self.password.text())


def create_admin(window, url: str) -> None:
    """A database the window has just made: the 管理员 is created and the database encrypted under
    their password; the one-time recovery code is shown. Cancelled: the database stays plain and
    without users (everything allowed, as before users existed)."""
    dlg = FirstAdminDialog(window, protect=url)
    if dlg.exec():
        RecoveryCodeDialog(dlg.code, window).exec()
        window._show_user()
        window.set_view_code(window._start_code())
