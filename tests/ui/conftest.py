"""Qt fixtures: the real application setup (bundled font, translations) on the offscreen platform."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from station_app.db import close_database, open_database
from station_app.ui import tasks
from station_app.ui.app import make_application


@pytest.fixture
def app(qapp, tmp_path):
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    tasks.SYNCHRONOUS = True
    application = make_application()
    yield application
    tasks.SYNCHRONOUS = False


@pytest.fixture
def open_window(app, qtbot):
    """``open_window(db_path)`` opens the database and shows a MainWindow on it."""
    from station_app.ui.main_window import MainWindow

    windows = []

    def _open(db_path: str) -> MainWindow:
        open_database(db_path)
        win = MainWindow(db_path)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        windows.append(win)
        return win

    yield _open
    for win in windows:
        win.close()
    close_database()


@pytest.fixture
def started(app, qtbot):
    """``started(url)`` starts the program on ``url`` as ``station-app`` does (ui/startup.start_window:
    lock, health, the window's frame, then the login and the data); the window once its start is
    over, or None when the start was refused. Everything is closed afterwards."""
    from station_app.db import connection
    from station_app.services import context
    from station_app.ui.startup import start_window

    windows = []

    def _start(url):
        win = start_window(url)
        if win is None:  # refused before the window (the lock, a damaged header)
            return None
        qtbot.addWidget(win)
        windows.append(win)
        qtbot.waitUntil(lambda: win.start_done, timeout=20000)  # the frame first, then the data
        return None if win.start_refused else win

    yield _start
    for win in windows:
        win.close()
        if win.instance_lock:
            win.instance_lock.unlock()
    close_database()
    context.set_user(None)
    connection.forget_key()


def type_text(qtbot, widget, text: str) -> None:
    """Type like a clerk: ASCII as key presses, Chinese as an input method commits it
    (QTest cannot press keys for non-ASCII characters)."""
    from PySide6.QtGui import QInputMethodEvent

    for chunk in _runs(text):
        if chunk.isascii():
            qtbot.keyClicks(widget, chunk)
        else:
            event = QInputMethodEvent("", [])
            event.setCommitString(chunk)
            QApplication.sendEvent(widget, event)


def _runs(text: str) -> list[str]:
    out: list[str] = []
    for ch in text:
        if out and out[-1][-1].isascii() == ch.isascii():
            out[-1] += ch
        else:
            out.append(ch)
    return out


def when_modal(qtbot, handler, timeout_ms: int = 5000):
    """Run ``handler(dialog)`` as soon as a modal dialog is shown (exec() blocks the test)."""
    state = {"ran": False}

    def poll():
        widget = QApplication.activeModalWidget()
        if widget is None:
            QTimer.singleShot(10, poll)
            return
        state["ran"] = True
        handler(widget)

    QTimer.singleShot(0, poll)
    return state
