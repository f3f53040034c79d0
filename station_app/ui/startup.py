"""Start-up: one GUI per database (QLockFile), the file's header, the main window's frame painted,
then the data layer (imported on a worker), the login, the database opened and the window's data.

* The lock: a ``QLockFile`` at ``<database>.lock`` (db/instance.py reads the same file without Qt,
  so ``restore``/``import``/``demo`` on the command line refuse while the GUI runs). A second GUI
  on the same database is refused with who holds it.
* Health: before the database is opened, its header and size only (a few bytes, whatever the
  size: a truncated file or a damaged header → a Chinese dialog offering the newest good backup);
  a file SQLite cannot open at all gets ``quick_check`` and the same offer. After the window is
  shown, ``quick_check`` and then ``integrity_check`` run in the background (on a county's file
  they take seconds to minutes, issue 21); damage found → the same offer, restored in place, or
  the 备份与恢复 page when there is no good backup.
* Paint first (issue 21): nothing before the window's first paint imports peewee, the models or the
  services (tests/ui/test_paint_first.py holds that), so the window shows in about the time of a
  bare Qt window; the GUI thread then stays free while a worker imports them, and does the rest in
  steps short enough for the event loop to answer between them.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QEvent, QLockFile, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from station_app import APP_TITLE
from station_app.core.paths import sqlite_file_of
from station_app.errors import KnownError
from station_app.services.session import Holder, lock_path

# QMessageBox is imported where a box is shown: PySide makes a class on first touch (~1.8 ms for
# this one), and a start paints its window before any box is needed
log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate("startup", text)


def take_lock(url: str, parent: QWidget | None = None) -> QLockFile | None | bool:
    """Hold the database's lock file. ``None``: nothing to lock (PostgreSQL); ``False``: another
    GUI holds it (the clerk has been told who)."""
    path = lock_path(url)
    if path is None:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = QLockFile(str(path))
    lock.setStaleLockTime(0)  # only a dead holder makes it stale, never its age
    if lock.tryLock(200):
        return lock
    info = lock.getLockInfo()
    who = Holder(int(info[0]), str(info[2]), str(info[1]), None).describe() if info and info[0] else ""
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.warning(
        parent, APP_TITLE,
        _tr("这个数据库已经在另一个窗口中打开：{0}。\n\n请切换到那个窗口继续工作；"
            "同一个数据库同时开两个窗口，一方的修改会丢失。\n数据库：{1}").format(who or _tr("（无法读取占用者）"), url))
    return False


def _offer_backup(parent: QWidget | None, url: str, text: str, no_backup: str, question: str, no_label: str):
    """Damage told in ``text``: the newest good backup offered (its date, file and contents), or
    ``no_backup`` said when there is none. The backup the clerk chose to restore, or None."""
    from PySide6.QtWidgets import QMessageBox

    from station_app.services.backup_store import newest_good_backup

    best = newest_good_backup(url)
    if best is None:
        QMessageBox.critical(parent, APP_TITLE, text + "\n\n" + no_backup)
        return None
    box = QMessageBox(QMessageBox.Icon.Warning, APP_TITLE, text, parent=parent)
    box.setInformativeText(_tr("最新的完好备份：{0}（{1}）\n{2}\n\n恢复前，损坏的文件会原样另存一份。{3}")
                           .format(f"{best.taken_at:%Y-%m-%d %H:%M}", best.path.name, best.holds(), question))
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.button(QMessageBox.StandardButton.Yes).setText(_tr("用这个备份恢复"))
    box.button(QMessageBox.StandardButton.No).setText(no_label)
    box.setObjectName("damagedDatabaseBox")
    return best if box.exec() == QMessageBox.StandardButton.Yes else None


def restore_at_start(parent: QWidget | None, url: str, findings: list[str]) -> bool:
    """The database file is damaged: offer the newest good backup. True when the database was
    restored (and may be opened now)."""
    from PySide6.QtWidgets import QMessageBox

    from station_app.services.backup import restore

    best = _offer_backup(parent, url, _tr("数据库文件已损坏，不能正常打开：\n{0}").format("\n".join("· " + f for f in findings)),
                         _tr("没有找到可用的备份。请不要删除这个文件，联系维护人员。\n数据库：{0}").format(url),
                         _tr("是否用这个备份恢复？"), _tr("退出"))
    if best is None:
        return False
    try:
        kept = restore(url, best.path)
    except KnownError as exc:
        QMessageBox.critical(parent, APP_TITLE, _tr("恢复失败：{0}").format(exc.message))
        return False
    QMessageBox.information(parent, APP_TITLE, _tr("已从备份恢复：{0}\n损坏的文件另存为：{1}").format(best.path.name, kept))
    return True


def check_in_background(window, url: str) -> None:
    """``quick_check``, then ``integrity_check``, off the GUI thread (their time grows with the
    file, so they never delay the window). Damage found → offer the newest good backup and restore
    it in place, or point to 备份与恢复 when there is none."""
    from station_app.services import health
    from station_app.ui.tasks import run_task

    file = sqlite_file_of(url)
    if file is None:
        return

    def both() -> list[str]:
        return health.findings(file, live=True) or health.findings(file, full=True, live=True)

    def done(found) -> None:
        if found:
            damaged_while_open(window, url, found)

    run_task(both, done, lambda exc: log.warning("background integrity check failed: %s", exc))


def damaged_while_open(window, url: str, found: list[str]) -> None:
    """The background check found damage in the open database: the newest good backup, restored
    in place on the clerk's word (the damaged file is set aside as it is), or 备份与恢复."""
    from PySide6.QtWidgets import QMessageBox

    from station_app.services.backup import note_restored, restore
    from station_app.services.session import close_database, open_database

    window.show_page("backups")
    best = _offer_backup(window, url, _tr("后台完整性检查发现数据库文件有损坏：\n{0}").format("\n".join("· " + f for f in found)),
                         _tr("没有找到可用的备份。请不要删除这个文件，联系维护人员；在此之前请尽快导出数据。"),
                         _tr("现在用这个备份恢复吗？"), _tr("稍后在“备份与恢复”页处理"))
    if best is None:
        return
    close_database()
    try:
        kept = restore(url, best.path)
    except KnownError as exc:
        open_database(url)
        QMessageBox.critical(window, APP_TITLE, _tr("恢复失败：{0}").format(exc.message))
        return
    open_database(url)
    note_restored(best.path, kept)
    window.restored_in_place()
    window.show_page("home")
    QMessageBox.information(window, APP_TITLE, _tr("已从备份恢复：{0}\n损坏的文件另存为：{1}").format(best.path.name, kept))


def start_window(url: str):
    """Lock, check, show, open. Returns the main window (its ``instance_lock`` held), or ``None``
    when the start was refused before the window (the clerk has been told why).

    The window's frame is shown before the data layer is imported — its navigation, its menus
    (greyed) and 首页's "正在打开数据库…" — and the database is opened once a worker thread has
    imported peewee, the models and the services (:class:`_Loader`), so the window paints in about
    the time of a bare Qt window whatever the database (issue 21). Then, on the GUI thread in short
    steps: the login, the database opened and migrated, the window's data (``attach``), the
    first-run questions. The window's ``start_done`` is set and its ``ready`` emitted at the end;
    a start given up there (the login cancelled, a damaged file not restored) closes the window
    and sets its ``start_refused``."""
    from station_app.services import health

    lock = take_lock(url)
    if lock is False:
        return None
    file = sqlite_file_of(url)
    found = health.header_findings(file) if file is not None else []  # a few bytes, no peewee
    if found and not restore_at_start(None, url, found):
        _release(lock)
        return None
    new_database = file is not None and not file.exists()
    from station_app.ui.main_window import MainWindow

    window = MainWindow(url, attach=False)
    window.instance_lock = lock
    window.show()
    loader = _Loader(window)
    loader.done.connect(lambda: _open_and_attach(window, url, new_database))
    return window


# what opening the database and attaching the window's data import: a worker imports them once the
# window's frame has painted (no widget is made there: the pages' modules are warmed the same way,
# ui/main_window._warm_pages)
DATA_LAYER = ("station_app.db.connection", "station_app.db.migrations", "station_app.services.users",
              "station_app.services.station", "station_app.services.settings", "station_app.services.backup_store",
              "station_app.services.audit", "station_app.ui.pages.home", "station_app.ui.pages.backup_page")
LOAD_ANYWAY_MS = 300  # a window that never paints (minimised, no screen) has its data loaded all the same


class _Loader(QObject):
    """Imports the data layer on a worker once the window has painted, then tells the GUI thread
    (``done``: a queued signal)."""

    done = Signal()

    def __init__(self, window) -> None:
        super().__init__(window)
        self.started = False
        window.installEventFilter(self)
        QTimer.singleShot(LOAD_ANYWAY_MS, self, self._start)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Paint:  # the frame is being painted: start right after it
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self._start)
        return False

    def _start(self) -> None:
        if self.started:
            return
        self.started = True
        from station_app.ui.main_window import import_in_background

        import_in_background(DATA_LAYER, "data-layer", then=self.done.emit)


def _open_and_attach(window, url: str, new_database: bool) -> None:
    """On the GUI thread once the data layer is imported: open, then the window's data in steps
    with the event loop turning between them (a click waits for one step at most)."""
    if _open(url, window):
        _one_by_one(window, [*window.attach_steps(), lambda: _opened(window, url, new_database),
                             lambda: _done(window)])
        return
    lock, window.instance_lock = window.instance_lock, None
    _release(lock)
    window.start_refused = True
    _done(window)
    window.close()


def _done(window) -> None:
    window.start_done = True
    window.ready.emit()


def _one_by_one(window, steps: list) -> None:
    if steps:
        steps[0]()
        QTimer.singleShot(0, window, lambda: _one_by_one(window, steps[1:]))


def _open(url: str, parent: QWidget | None) -> bool:
    """The login (an encrypted file opens at it), the database opened and migrated (a file SQLite
    cannot read: a backup offered), the login of a plain database with users. False: given up."""
    from PySide6.QtWidgets import QMessageBox

    from station_app.services import health
    from station_app.services.session import open_database

    file = sqlite_file_of(url)
    try:
        if not log_in(url, parent):  # an encrypted file opens at the login; a plain one just below
            return False
        try:
            open_database(url)
        except KnownError:
            # SQLite could not read it: damaged pages in its schema? Then offer a backup, once
            found = health.findings(file) if file is not None and file.exists() else []
            if not found:
                raise
            if not restore_at_start(parent, url, found):
                return False
            open_database(url)
        return log_in(url, parent)  # a plain database with users
    except KnownError as exc:
        QMessageBox.critical(parent, APP_TITLE, _tr("无法打开数据库：\n{0}").format(exc.message))
        return False


def _opened(window, url: str, new_database: bool) -> None:
    """The window has its data: the first-run questions, then the file's full check behind it."""
    window.ensure_station_profile()
    if new_database:
        from station_app.ui.dialogs.login_dialog import create_admin

        create_admin(window, url)
    check_in_background(window, url)


def log_in(url: str, parent: QWidget | None = None) -> bool:
    """The login at a start (issue 19): before opening an encrypted file (its key is unwrapped with
    the password), after opening a plain database that has users. False: the user gave up."""
    from station_app.services import users
    from station_app.ui.dialogs.login_dialog import LoginDialog

    if not users.needs_login(url):
        return True
    dlg = LoginDialog(parent, url)
    if not dlg.exec():
        return False
    if dlg.password_for_encryption:
        offer_encryption(url, dlg.password_for_encryption)
    return True


def offer_encryption(url: str, password: str) -> None:
    """A 管理员 logged into a plain database file: encrypt it now (issue 19)? Yes gives a new
    one-time recovery code; No asks again at the next login."""
    from PySide6.QtWidgets import QMessageBox

    from station_app.services import users
    from station_app.ui.dialogs.login_dialog import RecoveryCodeDialog

    box = QMessageBox(QMessageBox.Icon.Warning, APP_TITLE, _tr(
        "这个数据库文件还没有加密：拷走文件的人能读到选民的姓名、电话和身份证号。\n\n"
        "现在加密吗？加密后要用户名和密码登录才能打开，备份也一样加密。"))
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.button(QMessageBox.StandardButton.Yes).setText(_tr("现在加密"))
    box.button(QMessageBox.StandardButton.No).setText(_tr("下次再说"))
    box.setObjectName("encryptOfferBox")
    if box.exec() != QMessageBox.StandardButton.Yes:
        return
    try:
        code = users.convert_to_protected(url, password)
    except KnownError as exc:
        QMessageBox.critical(None, APP_TITLE, _tr("加密失败：{0}").format(exc.message))
        return
    RecoveryCodeDialog(code).exec()


def _release(lock) -> None:
    if lock:
        lock.unlock()
