"""Small screens (issue 16, item 8): the main window fits 1024×768 and 1366×768 at 125 %, and at
1024×700 every page's save or primary button can be seen — in place, or by scrolling the scroll
area it is in. Each page is grabbed to a PNG (in tmp_path) for a person to look at."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QScrollArea, QWidget

from station_app.services.demo import make_demo

# page → the buttons a clerk must be able to reach on it (attribute paths on the page)
PRIMARY = {
    "home": (),  # no button once deputies exist: grabbed and checked for width only
    "activities": ("generate_button", "rules_button"),
    "reception": ("save_button", "excel.button", "edit_button", "delete_button"),
    "cases": ("excel.button", "reset_button"),
    "stats": ("print_button", "excel.button"),
    "deputies": ("add_button", "excel.button"),
    "points": ("print_ranking_button", "excel.button"),
    "print": ("preview_button", "save_button"),
    "exchange": ("export_button",),
    "settings": ("save_button",),
}


def _attr(obj, path: str):
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def _reachable(win: QWidget, widget: QWidget) -> bool:
    """Scroll every scroll area around ``widget`` to it, then: is it visible and inside the window,
    and inside the viewport of each scroll area around it?"""
    app = QApplication.instance()
    parent = widget.parentWidget()
    while parent is not None and parent is not win:
        if isinstance(parent, QScrollArea):
            parent.ensureWidgetVisible(widget, 4, 4)
        parent = parent.parentWidget()
    app.processEvents()
    if not widget.isVisible():
        return False
    rect = QRect(widget.mapTo(win, QPoint(0, 0)), widget.size())
    if not win.rect().contains(rect):
        return False
    parent = widget.parentWidget()
    while parent is not None and parent is not win:
        if isinstance(parent, QAbstractScrollArea):
            port = parent.viewport()
            seen = QRect(port.mapTo(win, QPoint(0, 0)), port.size())
            if not seen.contains(rect):
                return False
        parent = parent.parentWidget()
    return True


@pytest.fixture
def demo_window(db, db_path, open_window):
    make_demo(receptions=120)
    return open_window(db_path)


def test_the_window_fits_small_screens(demo_window):
    win = demo_window
    hint = win.minimumSizeHint().expandedTo(win.minimumSize())
    assert hint.width() <= 1000 and hint.height() <= 600, hint


def test_every_page_shows_its_buttons_at_1024x700(demo_window, tmp_path):
    win = demo_window
    win.resize(1024, 700)
    QApplication.processEvents()
    assert (win.width(), win.height()) == (1024, 700)
    missing = []
    for key, buttons in PRIMARY.items():
        win.show_page(key)
        QApplication.processEvents()
        page = win.pages[key]
        win.grab().save(str(tmp_path / f"{key}.png"))
        # the page itself fits: no sideways scrolling of the whole page on a 1024-pixel screen
        if win.page_scroll.horizontalScrollBar().isVisible():
            missing.append(f"{key}: the page is wider than the window")
        for name in buttons:
            if not _reachable(win, _attr(page, name)):
                missing.append(f"{key}.{name}")
    assert not missing, missing
    assert (tmp_path / "reception.png").stat().st_size > 0

