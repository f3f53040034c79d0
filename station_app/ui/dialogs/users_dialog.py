"""用户管理 (issue 19, 管理员 only): list users, add one, change a role, deactivate, reset a password.
Every action is a ``services/users.py`` call, which refuses a non-admin anyway."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from station_app.domain.roles import ROLE_LABELS, Role
from station_app.errors import KnownError
from station_app.services import users
from station_app.ui.dialogs.login_dialog import PasswordDialog, _FormDialog, _password_field
from station_app.ui.forms import read_only_table, show_message, table_item


class AddUserDialog(_FormDialog):
    ok_text = "添加"

    def __init__(self, parent=None):
        super().__init__(parent, "添加用户", "联络员可以录入和修改数据；只读用户只能查看（电话、身份证号遮挡）。")

    def build(self) -> None:
        self.username = self.form.add("username", self.tr("用户名*"), QLineEdit())
        self.display = self.form.add("display", self.tr("姓名"), QLineEdit())
        self.role = self.form.add("role", self.tr("角色*"), QComboBox())
        for role in (Role.CLERK, Role.READONLY, Role.ADMIN):
            self.role.addItem(ROLE_LABELS[role], role.value)
        self.password = self.form.add("password", self.tr("初始密码*"), _password_field())

    def submit(self) -> None:
        users.add_user(self.username.text(), self.role.currentData(), self.password.text(), self.display.text())


class UsersDialog(QDialog):
    """The users of this database and the admin's actions on them."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("用户管理"))
        self.resize(640, 400)
        lay = QVBoxLayout(self)
        self.table = read_only_table([self.tr("用户名"), self.tr("姓名"), self.tr("角色"), self.tr("状态"),
                                      self.tr("上次登录")], stretch=1, single=True)
        lay.addWidget(self.table)
        row = QHBoxLayout()
        self.buttons = {}
        for key, text, slot in (("add", "添加用户…", self.add), ("role", "修改角色…", self.change_role),
                                ("active", "停用/启用", self.toggle_active), ("password", "重设密码…", self.reset)):
            button = QPushButton(self.tr(text))
            button.clicked.connect(slot)
            row.addWidget(button)
            self.buttons[key] = button
        row.addStretch(1)
        lay.addLayout(row)
        self.message = QLabel()
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        self.refresh()

    def refresh(self) -> None:
        self.rows = users.list_users()
        self.table.setRowCount(len(self.rows))
        for i, u in enumerate(self.rows):
            for j, text in enumerate((u.username, u.display_name, u.role.label,
                                      self.tr("正常") if u.active else self.tr("已停用"), u.last_login_at)):
                self.table.setItem(i, j, table_item(text))

    def selected(self) -> users.UserInfo | None:
        row = self.table.currentRow()
        if row < 0:
            show_message(self.message, self.tr("请先在列表中选一个用户。"), "error")
            return None
        return self.rows[row]

    def _do(self, action) -> None:
        try:
            action()
        except KnownError as exc:
            show_message(self.message, exc.message, "error")
        else:
            self.refresh()

    def add(self) -> None:
        if AddUserDialog(self).exec():
            self.refresh()

    def change_role(self) -> None:
        user = self.selected()
        if user is None:
            return
        labels = [ROLE_LABELS[r] for r in Role]
        label, ok = QInputDialog.getItem(self, self.tr("修改角色"), self.tr("“{0}”的角色：").format(user.username),
                                         labels, labels.index(user.role.label), False)
        if ok:
            self._do(lambda: users.change_role(user.username, list(Role)[labels.index(label)]))

    def toggle_active(self) -> None:
        user = self.selected()
        if user is not None:
            self._do(lambda: users.set_active(user.username, not user.active))

    def reset(self) -> None:
        user = self.selected()
        if user is not None and PasswordDialog(self, user.username).exec():
            show_message(self.message, self.tr("已重设“{0}”的密码。").format(user.username), "ok")
