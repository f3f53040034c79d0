"""The GUI step of ``--self-test``: the real main window, started on a database and closed again."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSettings


def open_and_close_main_window(db_url: str, settings_dir: str) -> None:
    """``settings_dir``: where the window's QSettings go (never the user's own settings)."""
    from station_app.errors import KnownError
    from station_app.services.session import close_database, open_database
    from station_app.ui.app import _translators, make_application
    from station_app.ui.main_window import MainWindow

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)
    app = make_application()
    open_database(db_url)
    try:
        window = MainWindow(db_url)
        window.show()
        app.processEvents()
        if not window.isVisible() or window.centralWidget() is None:
            raise KnownError("主窗口没有显示出来")
        if window.windowIcon().isNull():
            raise KnownError("程序图标缺失（安装不完整）")
        if not _translators:
            raise KnownError("Qt 中文翻译缺失（安装不完整）")
        window.close()
        window.deleteLater()
        QCoreApplication.sendPostedEvents(None, 0)  # DeferredDelete: the window is gone before the database
        app.processEvents()
    finally:
        close_database()
