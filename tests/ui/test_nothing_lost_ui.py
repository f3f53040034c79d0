"""Issue 18: a stale activity-day edit and a read-only database, as the clerk sees them."""

from __future__ import annotations

import datetime as dt

from station_app.db import close_database
from station_app.db.connection import database
from station_app.services import activity, station
from tests.conftest import TEST_STATION


def test_a_stale_day_edit_is_refused_in_the_dialog_and_the_newer_theme_kept(app, qtbot, station_db):
    from station_app.ui.pages.activities import DayDialog

    day = activity.add_day(dt.date(2026, 12, 15), theme="原主题")
    dialog = DayDialog(activity.get(day.uid))  # window A opens the form
    qtbot.addWidget(dialog)
    activity.update_day(day.uid, theme="窗口B的主题")  # another window saves first
    dialog.edits["theme"].setText("窗口A的主题")
    dialog._on_save()
    dialog.show()
    dialog.grab().save("/tmp/hc2_stale_day.png")
    assert not dialog.result()  # still open, not accepted
    assert "该记录已被修改" in dialog.form.errors["theme"].text()
    assert activity.get(day.uid).theme == "窗口B的主题"


def test_a_read_only_database_says_so_in_the_window(open_window, qtbot, tmp_path):
    import subprocess

    import pytest

    from station_app.db import open_database

    stick = tmp_path / "stick"
    stick.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(stick)]).returncode:
        pytest.skip("needs root to mount a small tmpfs (the CI runs as root)")
    try:
        path = stick / "station.db"
        open_database(str(path))
        station.save_home_station(TEST_STATION)
        close_database()
        subprocess.run(["mount", "-o", "remount,ro", str(stick)], check=True)
        win = open_window(str(path))
        assert database.obj.read_only
        win.grab().save("/tmp/hc2_read_only_window.png")
        assert "只读" in win.read_only_note.text() and "只读" in win.db_status.text()
        assert not win.act_new.isEnabled()
        win.close()
        close_database()
    finally:
        subprocess.run(["umount", "-l", str(stick)])
