"""Application start: QApplication, bundled CJK font, Chinese Qt translations, error hook."""

from __future__ import annotations

import logging
import sys
import traceback

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from station_app import APP_NAME, APP_TITLE, __version__
from station_app.resources import FONT_FAMILY, font_path, resource_path

# QMessageBox is imported where a box is shown: PySide makes a class on first touch (~1.8 ms for
# this one), and a start paints its window before any box is needed
log = logging.getLogger(__name__)
_translators: list[QTranslator] = []


def register_font() -> str:
    """Register the bundled CJK font and make it the application font. Returns its family."""
    font_id = QFontDatabase.addApplicationFont(str(font_path()))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    family = families[0] if families else FONT_FAMILY
    font = QFont(family)
    font.setPointSize(10)
    QApplication.setFont(font)
    return family


def install_translations(app: QApplication) -> None:
    """Qt's own dialogs (file pickers, message boxes' buttons) in Chinese."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        tr = QTranslator(app)
        if tr.load(name, folder):
            app.installTranslator(tr)
            _translators.append(tr)


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        QCoreApplication.setOrganizationName(APP_NAME)
        QCoreApplication.setApplicationName(APP_NAME)
        app = QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication), "the program has windows: its application is a QApplication"
    app.setApplicationDisplayName(APP_TITLE)
    app.setApplicationVersion(__version__)
    icon = resource_path("icons", "station_app.png")  # the installer's icon, on every window
    if icon.is_file():
        from PySide6.QtGui import QIcon

        app.setWindowIcon(QIcon(str(icon)))
    install_translations(app)
    register_font()
    return app


def _excepthook(exc_type, exc, tb) -> None:
    """A bug: log it with the traceback to the data dir and show it, never swallow it."""
    from PySide6.QtWidgets import QMessageBox

    from station_app.core.crashlog import write_crash_log

    text = "".join(traceback.format_exception(exc_type, exc, tb))
    log.error("unhandled exception\n%s", text)
    write_crash_log(text)
    app = QApplication.instance()
    if app is not None:
        box = QMessageBox(QMessageBox.Icon.Critical, APP_TITLE,
                          "程序出现了一个错误（已记录到日志）。请把下面的信息发给维护人员。")
        box.setDetailedText(text)
        box.exec()


def run_gui(db: str | None = None) -> int:
    from station_app.core.paths import default_database
    from station_app.services.session import close_database
    from station_app.ui.startup import start_window

    app = make_application()
    sys.excepthook = _excepthook
    url = db or default_database()
    window = start_window(url)  # the lock, the file's header, the frame; then the data
    if window is None:
        return 1
    import os

    if os.environ.get("STATION_APP_EXIT_WHEN_SHOWN") == "1":  # bench/bench_installer.py: time to the window
        window.ready.connect(app.quit)  # with its data (or the start given up)
    try:
        status = app.exec()
        return 1 if window.start_refused else status
    finally:
        close_database()
        if window.instance_lock:
            window.instance_lock.unlock()
