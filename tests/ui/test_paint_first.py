"""The start paints the window before the data layer (issue 21): ui/startup.start_window shows the
main window's frame, a worker imports peewee, the models and the services, then the GUI thread
opens the database and fills the window in short steps."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from station_app.db import close_database, open_database
from station_app.domain.records import StationProfile
from station_app.services import context, users
from station_app.services.station import save_home_station
from station_app.ui.dialogs.login_dialog import LoginDialog
from station_app.ui.startup import start_window, take_lock
from tests.ui.conftest import when_modal

ROOT = Path(__file__).resolve().parents[2]

# a fresh process, as station-app starts: at the window's first paint, which of the data layer's
# modules are imported; then the window once its start is over
CHILD = r"""
import json, os, sys
from PySide6.QtCore import QObject, QEvent, QSettings
from station_app import cli
args = cli.parse(["--db", sys.argv[1]])
from station_app.ui.app import make_application
app = make_application()
QSettings.setDefaultFormat(QSettings.Format.IniFormat)
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[2])
from station_app.ui.startup import start_window
DATA = ("peewee", "station_app.db.connection", "station_app.db.models", "station_app.domain.records",
        "station_app.services.station")
seen = {}

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not seen:
            seen.update({m: m in sys.modules for m in DATA}, opening=watched.opening.isVisible())
        return False

w = start_window(args.db)
probe = FirstPaint()
w.installEventFilter(probe)
while not w.start_done:
    app.processEvents()
print(json.dumps({"at_first_paint": seen, "attached": w.attached, "status": w.station_status.text(),
                  "page": type(w.stack.currentWidget()).__name__, "menus": w.menuBar().isEnabled()},
                 ensure_ascii=False))
w.instance_lock.unlock()
os._exit(0)
"""


def _station(url: str) -> None:
    open_database(url)
    save_home_station(StationProfile("QS01", "青石镇人大代表联络站", "青石镇", "沁水县"))
    close_database()


def test_the_window_paints_before_the_data_layer_is_imported(tmp_path):
    url = str(tmp_path / "station.db")
    _station(url)
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen",
               STATION_APP_DATA_DIR=str(tmp_path / "appdata"))
    out = subprocess.run([sys.executable, "-c", CHILD, url, str(tmp_path / "qsettings")], capture_output=True,
                         text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])
    first = got["at_first_paint"]
    assert first, "the window never painted"
    assert not any(first[m] for m in first if m != "opening"), first  # nothing of the data layer yet
    assert first["opening"] is True  # 首页 says the database is being opened
    assert got["attached"] and got["menus"] and got["page"] == "HomePage"
    assert "青石镇人大代表联络站" in got["status"]


def test_a_page_picked_while_the_database_opens_is_shown_once_it_is_open(app, qtbot, tmp_path):
    url = str(tmp_path / "station.db")
    _station(url)
    win = start_window(url)
    assert win is not None
    qtbot.addWidget(win)
    try:
        assert not win.attached and win.opening.isVisible() and not win.menuBar().isEnabled()
        win.nav.setCurrentRow(2)  # 接待登记, clicked before the data is in
        qtbot.waitUntil(lambda: win.start_done, timeout=20000)
        assert not win.start_refused and win.attached
        assert win.stack.currentWidget() is win.pages["reception"]
        assert win.menuBar().isEnabled() and not win.act_new.shortcut().isEmpty()
        assert "青石镇人大代表联络站" in win.station_status.text()
    finally:
        win.close()
        win.instance_lock.unlock()
        close_database()


def test_a_login_given_up_after_the_frame_closes_the_window_and_frees_the_database(app, qtbot, tmp_path):
    url = str(tmp_path / "station.db")
    _station(url)
    open_database(url)
    users.create_first_admin("管理员", "青石镇联络站2026")
    context.set_user(None)
    close_database()
    seen = []

    def cancel(dlg):
        seen.append(type(dlg).__name__)
        assert isinstance(dlg, LoginDialog)
        dlg.reject()

    when_modal(qtbot, cancel)
    win = start_window(url)
    assert win is not None  # the frame was shown
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: win.start_done, timeout=20000)
    assert seen == ["LoginDialog"] and win.start_refused and not win.attached
    assert not win.isVisible() and win.instance_lock is None
    lock = take_lock(url)  # nobody holds the database any more
    assert lock
    lock.unlock()
    close_database()
