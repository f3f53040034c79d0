"""The house of ui/ (issue 17): one error path (ui/errors.report), one style module (ui/style.py), and
a main window that does not close under running work without asking."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QMessageBox

from station_app.errors import KnownError, StorageError
from station_app.ui import main_window, style, tasks
from station_app.ui.errors import report
from tests.ui.conftest import when_modal

UI = Path(main_window.__file__).parent


def _blocking_task(release: threading.Event, done: list) -> None:
    """Long work on the pool that ends only when the test says so."""
    tasks.run_task(lambda: release.wait(30) and "ok", done.append, done.append)


def test_closing_under_running_work_asks_and_no_keeps_the_window(open_window, qtbot, db_path, monkeypatch):
    win = open_window(db_path)
    monkeypatch.setattr(tasks, "SYNCHRONOUS", False)
    monkeypatch.setattr(main_window, "CLOSE_WAIT_MS", 0)  # no wait: the question at once
    release, done = threading.Event(), []
    _blocking_task(release, done)
    qtbot.waitUntil(lambda: win.running_work() == 1)
    asked = {}

    def answer_no(box):
        asked["text"] = box.text()
        box.button(QMessageBox.StandardButton.No).click()

    state = when_modal(qtbot, answer_no)
    assert win.close() is False
    assert state["ran"] and "仍有工作在进行（1 项" in asked["text"] and "确定要退出吗？" in asked["text"]
    assert win.isVisible()

    release.set()
    qtbot.waitUntil(lambda: done == ["ok"])
    QThreadPool.globalInstance().waitForDone()
    assert win.close() is True  # nothing runs: closes without a question
    assert not win.isVisible()


def test_closing_under_running_work_yes_closes(open_window, qtbot, db_path, monkeypatch):
    win = open_window(db_path)
    monkeypatch.setattr(tasks, "SYNCHRONOUS", False)
    monkeypatch.setattr(main_window, "CLOSE_WAIT_MS", 0)
    release, done = threading.Event(), []
    _blocking_task(release, done)
    qtbot.waitUntil(lambda: win.running_work() == 1)
    state = when_modal(qtbot, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    try:
        assert win.close() is True
        assert state["ran"] and not win.isVisible()
    finally:
        release.set()
        QThreadPool.globalInstance().waitForDone()


def test_report_shows_a_known_error_and_raises_a_bug(qapp, qtbot):
    shown = []
    assert report(StorageError("U盘已拔出"), show=shown.append) == "U盘已拔出"
    assert shown == ["U盘已拔出"]

    boxes = {}

    def read_and_close(box):
        boxes["title"], boxes["text"] = box.windowTitle(), box.text()
        box.close()

    state = when_modal(qtbot, read_and_close)
    report(KnownError("磁盘空间不足"), None, "导出失败")
    assert state["ran"] and boxes == {"title": "导出失败", "text": "磁盘空间不足"}

    with pytest.raises(ZeroDivisionError):  # a bug goes on to the crash handler, shown nowhere here
        report(ZeroDivisionError("division by zero"), show=shown.append)
    assert shown == ["U盘已拔出"]


def test_the_window_stylesheet_and_the_colours_come_from_one_module(open_window, db_path):
    win = open_window(db_path)
    assert win.styleSheet() == style.WINDOW_STYLE
    assert f"#nav::item:selected {{ background: {style.RED}; color: white; }}" in style.WINDOW_STYLE
    assert style.css(style.RED, bold=True) == "font-weight: bold; color: #C00000;"
    # no page or dialog colours its text with a copied literal any more (backup_page.py: its imports
    # belong to another change of issue 17)
    inline = re.compile(r'setStyleSheet\(f?"[^"]*\bcolor:\s*#[0-9A-Fa-f]{3,6}')
    found = [f"{p.relative_to(UI)}:{n}" for p in sorted(UI.rglob("*.py")) if p.name != "backup_page.py"
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if inline.search(line)]
    assert found == []
