"""The idle lock (issue 19): after ``security.idle_lock_minutes`` without a key press or a mouse
click the main window's content is hidden behind a panel asking for the logged-in user's password.
The right password brings it back; wrong ones count like failed logins (services/users.py).

Tests call :meth:`IdleLock.lock_now` (or the timer's slot) instead of waiting."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station_app.errors import KnownError
from station_app.services import context, users
from station_app.ui.forms import show_message

ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel}


def _application() -> QCoreApplication:
    app = QApplication.instance()
    assert app is not None, "a window exists, so does its application"
    return app


class LockPanel(QWidget):
    """What the window shows while locked: who, the password, 解锁."""

    def __init__(self, unlock, parent=None):
        super().__init__(parent)
        self.setObjectName("lockPanel")
        self._unlock = unlock
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QVBoxLayout()
        user = context.current_user()
        who = f"{user.username}（{user.role.label}）" if user else ""
        self.title = QLabel(self.tr("窗口已锁定"))
        self.title.setStyleSheet("font-size: 20px; font-weight: bold;")
        box.addWidget(self.title, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addWidget(QLabel(self.tr("当前用户：{0}。请输入密码继续。").format(who)), 0, Qt.AlignmentFlag.AlignHCenter)
        row = QHBoxLayout()
        self.password = QLineEdit()
        self.password.setObjectName("lockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMinimumWidth(220)
        self.password.returnPressed.connect(self._try)
        self.button = QPushButton(self.tr("解锁"))
        self.button.clicked.connect(self._try)
        row.addStretch(1)
        row.addWidget(self.password)
        row.addWidget(self.button)
        row.addStretch(1)
        box.addLayout(row)
        self.message = QLabel()
        self.message.setObjectName("lockMessage")
        self.message.setWordWrap(True)
        box.addWidget(self.message, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addLayout(box)
        outer.addStretch(2)

    def _try(self) -> None:
        text = self.password.text()
        self.password.clear()
        try:
            users.check_password(text)
        except KnownError as exc:
            show_message(self.message, exc.message, "error")
            return
        self._unlock()


class IdleLock(QObject):
    """Watches the application's input; locks ``window`` after ``minutes`` of none."""

    def __init__(self, window, minutes: int):
        super().__init__(window)
        self.window = window
        self.panel: LockPanel | None = None
        self._content: QWidget | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(max(1, int(minutes)) * 60_000)
        self.timer.timeout.connect(self.lock_now)
        _application().installEventFilter(self)
        self.timer.start()

    @property
    def locked(self) -> bool:
        return self.panel is not None

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        if event.type() in ACTIVITY and not self.locked:
            self.timer.start()
        return False

    def lock_now(self) -> None:
        """Hide the window's content behind the password panel (the menus and bars too)."""
        if self.locked or context.current_user() is None:
            return
        self.timer.stop()
        self._content = self.window.takeCentralWidget()
        self.panel = LockPanel(self.unlock)
        self.window.setCentralWidget(self.panel)
        self.panel.show()
        self.window.menuBar().setEnabled(False)
        self.window.station_bar.setEnabled(False)
        self.panel.password.setFocus()

    def unlock(self) -> None:
        """The password was right: the content comes back as it was."""
        panel, content = self.panel, self._content
        if panel is None or content is None:  # not locked
            return
        self.window.takeCentralWidget()
        panel.deleteLater()
        self.panel = None
        self.window.setCentralWidget(content)
        content.show()
        self._content = None
        self.window.menuBar().setEnabled(True)
        self.window.station_bar.setEnabled(True)
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        _application().removeEventFilter(self)
