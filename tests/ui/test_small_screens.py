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
    "backups": ("backup_now", "restore_selected", "restore_file"),
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
    return _inside(win, widget)


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
        if win.page_scroll.horizontalScrollBar().maximum() > 0:  # (a bar left over from a taller page may show with nothing to scroll)
            missing.append(f"{key}: the page is wider than the window")
        for name in buttons:
            if not _reachable(win, _attr(page, name)):
                missing.append(f"{key}.{name}")
    assert not missing, missing
    assert (tmp_path / "reception.png").stat().st_size > 0



# -- forms that scroll (issue 16, item 8): their save button stays in view without resizing ----------
SMALL_SCREEN_HEIGHT = 700  # a 1024×700 screen: a dialog gets what its title bar leaves


def _inside(outer: QWidget, widget: QWidget) -> bool:
    """``widget`` shown, and wholly inside ``outer`` (and inside every scroll area between)."""
    if not widget.isVisible():
        return False
    rect = QRect(widget.mapTo(outer, QPoint(0, 0)), widget.size())
    if not outer.rect().contains(rect):
        return False
    parent = widget.parentWidget()
    while parent is not None and parent is not outer:
        if isinstance(parent, QAbstractScrollArea):
            port = parent.viewport()
            if not QRect(port.mapTo(outer, QPoint(0, 0)), port.size()).contains(rect):
                return False
        parent = parent.parentWidget()
    return True


def _every_field_wrong(form) -> dict[str, str]:
    """A message at every field of a FieldForm: the form at its tallest, as after a bad save."""
    return {name: "请按要求填写这一项（示例：长一些的提示，说明应当怎样填写才能保存）" for name in form.errors}


def _check_small_dialog(qtbot, dlg, save_button, last_field, tmp_path, name):
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.form.show_errors(_every_field_wrong(dlg.form))
    QApplication.processEvents()
    # never taller than the screen it opens on
    assert dlg.maximumHeight() <= dlg.screen().availableGeometry().height()
    small = SMALL_SCREEN_HEIGHT - 48
    dlg.resize(dlg.width(), small)
    QApplication.processEvents()
    dlg.grab().save(str(tmp_path / f"{name}.png"))
    assert dlg.height() <= small, (name, dlg.height())  # the form gives way, not the screen
    assert _inside(dlg, save_button), name  # 保存 in view without scrolling or resizing
    bar = dlg.form_scroll.verticalScrollBar()  # and the last field is reached by scrolling down
    assert bar.maximum() > 0, name
    bar.setValue(bar.maximum())
    QApplication.processEvents()
    assert _inside(dlg, last_field), name


def test_dialogs_keep_save_in_view_at_1024x700(demo_window, qtbot, tmp_path):
    from station_app.services import receptions
    from station_app.ui.dialogs.deputy_dialog import DeputyDialog
    from station_app.ui.dialogs.reception_dialog import ReceptionDialog

    dlg = DeputyDialog(demo_window)
    _check_small_dialog(qtbot, dlg, dlg.save_button, dlg.note, tmp_path, "deputy_dialog")
    rec = receptions.page(limit=1, station_code=None).rows[0]
    dlg = ReceptionDialog(receptions.get_for_edit(rec.uid), demo_window)
    _check_small_dialog(qtbot, dlg, dlg.save_button, dlg.summary, tmp_path, "reception_dialog")


def test_case_details_scroll_and_its_steps_stay_in_view(demo_window, tmp_path):
    from station_app.domain import clock
    from station_app.domain.records import OpinionData, ReceptionData
    from station_app.services import cases, receptions

    long_text = "村东头到镇上的道路年久失修，雨天泥泞，学生上学和农产品外运都很困难，" * 8
    rec = receptions.record_visit(ReceptionData(received_at=clock.now(), channel="visit", visitor_name="李大娘",
                                                village="红旗社区"),
                                  [OpinionData(long_text, "infrastructure", "assigned", department="镇交通办")])
    case = cases.page(reception_uid=rec.uid, station_code=None).rows[0]
    win = demo_window
    win.resize(1024, 700)
    win.show_page("cases")
    page = win.cases
    page.reload()
    assert page.select_uid(case.uid)
    QApplication.processEvents()
    win.grab().save(str(tmp_path / "case_detail.png"))
    assert set(page.action_buttons) == {"supervise", "reply", "close"}
    for button in page.action_buttons.values():  # the next steps: in view, the page not scrolled
        assert win.page_scroll.verticalScrollBar().value() == 0
        assert _inside(win, button)
    # the case's whole text is there (not squeezed into the lines left over): read by scrolling
    content = page.detail_content
    assert content.height() >= content.heightForWidth(content.width())
    page.detail_scroll.ensureWidgetVisible(page.fields["deadline"])
    QApplication.processEvents()
    assert _inside(win, page.fields["deadline"])


def test_settings_save_in_view_without_scrolling_the_page(demo_window, tmp_path):
    win = demo_window
    win.resize(1024, 700)
    win.show_page("settings")
    QApplication.processEvents()
    page = win.pages["settings"]
    win.grab().save(str(tmp_path / "settings.png"))
    assert not win.page_scroll.verticalScrollBar().isVisible()
    assert _inside(win, page.save_button)
    last = list(page.editors.values())[-1]
    page.form_scroll.ensureWidgetVisible(last)
    QApplication.processEvents()
    assert _inside(win, last)


def test_a_short_page_after_a_tall_one_does_not_scroll(demo_window):
    """The page area is as tall as the page on screen needs: after 接待登记 (taller than 700 px),
    首页 and 备份与恢复 showed a scroll bar and blank space below them (the stack asked every page)."""
    win = demo_window
    win.resize(1024, 700)
    win.show_page("reception")
    QApplication.processEvents()
    bar = win.page_scroll.verticalScrollBar()
    assert bar.maximum() > 0  # the tall page does scroll, as it must
    for key in ("home", "backups"):
        win.show_page(key)
        QApplication.processEvents()
        assert bar.maximum() == 0, key
        assert win.stack.height() == win.page_scroll.viewport().height(), key
