"""The main window: navigation on the left, one page per area, status bar with station and database."""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Protocol, cast, runtime_checkable

from PySide6.QtCore import QCoreApplication, QEvent, QLockFile, QSettings, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from station_app import APP_TITLE, __version__
from station_app.domain import clock, name_order
from station_app.domain.roles import Permission
from station_app.errors import KnownError
from station_app.services import context, secret_store
from station_app.ui import style
from station_app.ui.errors import report

# QMessageBox is imported where a box is shown: PySide makes a class on first touch (~1.8 ms for
# this one), and a start paints its window before any box is needed
# the data layer (services.station and what it brings: peewee, the models, the records) is imported
# where it is used: a start paints this window's frame before it (MainWindow(attach=False), issue 21)
if TYPE_CHECKING:
    from station_app.domain.records import StationView
    from station_app.ui.idle_lock import IdleLock
    from station_app.ui.pages.activities import ActivitiesPage
    from station_app.ui.pages.backup_page import BackupPage
    from station_app.ui.pages.cases import CasesPage
    from station_app.ui.pages.deputies import DeputiesPage
    from station_app.ui.pages.exchange import ExchangePage
    from station_app.ui.pages.home import HomePage
    from station_app.ui.pages.points import PointsPage
    from station_app.ui.pages.print_page import PrintPage
    from station_app.ui.pages.receptions import ReceptionsPage
    from station_app.ui.pages.settings_page import SettingsPage
    from station_app.ui.pages.stats import StatsPage

STYLE = style.WINDOW_STYLE  # kept under its old name
# Qt.ItemDataRole.UserRole by its number: PySide makes its ``Qt`` namespace on first use (~15 ms of
# enums), and the frame a start paints first (issue 21) needs nothing else of it
USER_ROLE = 256
WARM_AFTER_MS = 8000  # the pages warm at the latest this long after the window is up
CLOSE_WAIT_MS = 3000  # closing waits this long for running work (an export, a PDF) before it asks

# (key, title, what is coming — for pages whose issue is not done yet)
PAGES = (
    ("home", "首页", None),
    ("activities", "活动日", None),
    ("reception", "接待登记", None),
    ("cases", "意见办理", None),
    ("livelihood", "民生实事", None),
    ("stats", "统计分析", None),
    ("deputies", "代表档案", None),
    ("points", "履职积分", None),
    ("print", "打印", None),
    ("exchange", "数据交换", None),
    ("backups", "备份与恢复", None),
    ("settings", "设置", None),
    ("audit", "审计日志", None),
)

log = logging.getLogger(__name__)


@runtime_checkable
class _Refreshes(Protocol):
    """A page that reads its data afresh on request (every page but a stand-in)."""

    def refresh(self) -> None: ...


@runtime_checkable
class _Prints(Protocol):
    """A page with its own printout (Ctrl+P)."""

    def request_print(self) -> None: ...


# each page's class, imported when the page is first shown (a start imports 首页's alone)
PAGE_CLASSES = {
    "home": ("station_app.ui.pages.home", "HomePage"),
    "activities": ("station_app.ui.pages.activities", "ActivitiesPage"),
    "reception": ("station_app.ui.pages.receptions", "ReceptionsPage"),
    "cases": ("station_app.ui.pages.cases", "CasesPage"),
    "livelihood": ("station_app.ui.pages.livelihood", "LivelihoodPage"),
    "stats": ("station_app.ui.pages.stats", "StatsPage"),
    "deputies": ("station_app.ui.pages.deputies", "DeputiesPage"),
    "points": ("station_app.ui.pages.points", "PointsPage"),
    "print": ("station_app.ui.pages.print_page", "PrintPage"),
    "exchange": ("station_app.ui.pages.exchange", "ExchangePage"),
    "backups": ("station_app.ui.pages.backup_page", "BackupPage"),
    "settings": ("station_app.ui.pages.settings_page", "SettingsPage"),
    "audit": ("station_app.ui.pages.audit", "AuditPage"),
}
EAGER_PAGES = ("home", "backups")  # 首页 is shown first; 备份与恢复 runs the daily backup's timer
_warming: list[threading.Thread] = []


def import_in_background(modules: Iterable[str], name: str, first: Iterable[Callable[[], object]] = (),
                         then: Callable[[], object] | None = None) -> threading.Thread:
    """On a daemon thread: call ``first``, import ``modules`` (no widget is made there), then call
    ``then``. A module that fails is logged; the others still load, and whoever needs it imports it
    again on the GUI thread, where the error is reported."""

    def work() -> None:
        try:
            for call in first:
                call()
            for module in modules:
                try:
                    importlib.import_module(module)
                except Exception:
                    log.exception("importing %s", module)
        finally:
            if then is not None:
                then()

    thread = threading.Thread(target=work, name=name, daemon=True)
    thread.start()
    return thread


def _warm_pages() -> None:
    """Import the other pages' modules (and the stroke table villages and names sort by) on a
    background thread once the window is up, so a page's first showing does not spend a quarter of
    a second importing on the GUI thread (tests/ui/test_stall_guard.py)."""
    if _warming:
        return
    # the stroke table, and the OS keyring probed once (数据交换 asks it on showing)
    _warming.append(import_in_background([module for module, _name in PAGE_CLASSES.values()], "warm-pages",
                                         first=(name_order.table, secret_store.available)))


def pages_warm() -> bool:
    """True once :func:`_warm_pages` has imported every page (tests wait for it as a clerk would)."""
    return bool(_warming) and not _warming[0].is_alive()


class PageStack(QStackedWidget):
    """The pages, sized by the page on screen alone: a stacked widget asks every page how tall it
    must be for a width, so on a small screen every page scrolled as far as the tallest one
    (接待登记) needed, with a bar and blank space below a short page."""

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt API
        page = self.currentWidget()
        if page is None:
            return super().heightForWidth(width)
        h = page.heightForWidth(width)
        return h if h >= 0 else page.minimumSizeHint().height()

    def minimumSizeHint(self):  # noqa: N802 - Qt API
        page = self.currentWidget()
        return super().minimumSizeHint() if page is None else page.minimumSizeHint()


class MainWindow(QMainWindow):
    """The one window of the app.

    Signals:
        ready(): the start (ui/startup.start_window) is over: the data is in and the first-run
            questions answered, or the start was given up (``start_refused``)
    """

    ready = Signal()

    def __init__(self, db_url: str, parent=None, attach: bool = True):
        super().__init__(parent)
        self.db_url = db_url
        self.setWindowTitle(APP_TITLE)
        self.setStyleSheet(style.WINDOW_STYLE)
        self.resize(1200, 800)

        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(150)
        self.stack = PageStack()
        self.pages: dict[str, QWidget] = {}  # the pages made so far (each on its first showing)
        for i, (key, title, _coming) in enumerate(PAGES):
            self.stack.addWidget(QWidget())  # stands in until the page is first shown
            item = QListWidgetItem(self.tr(title))
            item.setData(USER_ROLE, key)
            item.setToolTip(f"Ctrl+{i + 1}" if i < 9 else "")
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._on_nav_row)
        self.stack.currentChanged.connect(self._fit_current_page)
        self.stack.currentChanged.connect(self._find_view)
        self.central = central = QWidget()
        lay = QHBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.nav)
        # a safety net for small screens (1024×768, 1366×768 at 125 %): a page taller or wider than
        # the window scrolls instead of pushing the window's minimum size beyond the screen
        self.page_scroll = QScrollArea()
        self.page_scroll.setObjectName("pageScroll")
        self.page_scroll.setWidgetResizable(True)
        self.page_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.page_scroll.setWidget(self.stack)
        lay.addWidget(self.page_scroll, 1)
        self.setCentralWidget(central)

        self._build_station_bar()
        self.station_bar.setVisible(False)  # a county's bar: shown once the data says so
        self.station_status = QLabel()
        self.db_status = QLabel()
        self.statusBar().addWidget(self.station_status, 1)
        self.statusBar().addPermanentWidget(self.db_status)
        self._build_menus()
        self._build_user_bar()
        for w in (self.user_status, self.lock_button, self.logout_button, self.no_admin_button):
            w.setVisible(False)  # who is logged in: once the database is open (_show_user)

        self.view: StationView | None = None
        self._starting = True  # the pages made now ask for the view; the chrome follows in attach()
        self.instance_lock: QLockFile | bool | None = None  # what start-up's take_lock gave (ui/startup.py)
        self.idle_lock: IdleLock | None = None
        self.attached = False  # the data is in: attach() has run
        self.start_done = False  # ui/startup.start_window is over: the data is in, or the start given up
        self.start_refused = False  # a start given up after this frame was shown (ui/startup.py)
        self.opening = QLabel(self.tr("正在打开数据库…"))
        self.opening.setObjectName("openingNote")
        home_slot = self.stack.widget(0)
        assert home_slot is not None, "every page has its place in the stack from the start"
        centred = QHBoxLayout(home_slot)
        centred.addStretch()
        centred.addWidget(self.opening)
        centred.addStretch()
        self.menuBar().setEnabled(False)  # its actions read the database
        self.nav.setCurrentRow(0)
        self._fit_current_page(self.stack.currentIndex())
        self._restore_geometry()
        if attach:
            self.attach()

    def attach(self) -> None:
        """The data, once the database is open: 首页 and 备份与恢复 made, the station in view, the
        logged-in user, the page the clerk left last time. A start paints the frame above first
        (``MainWindow(url, attach=False)``) while the data layer is imported, then runs these
        steps with the event loop turning between them (ui/startup.py)."""
        for step in self.attach_steps():
            step()

    def attach_steps(self) -> list[Callable[[], None]]:
        return [self._attach_home, self._attach_rest]

    def _attach_home(self) -> None:
        self.page("home")
        self.attached = True
        self._on_nav_row(self.nav.currentRow())  # the row clicked meanwhile, or 首页
        self._fit_current_page(self.stack.currentIndex())
        self.set_view_code(self._start_code())
        self._starting = False

    def _attach_rest(self) -> None:
        for key in EAGER_PAGES:
            self.page(key)
        self._restore_page()
        self._show_user()
        self._set_shortcuts()
        self.menuBar().setEnabled(True)
        # the other pages warm once 首页's figures are in (not beside that worker, for the GIL and for
        # the start's memory), or after a while whatever happens to them
        self.home.answered.connect(_warm_pages)
        QTimer.singleShot(WARM_AFTER_MS, self, _warm_pages)

    # -- pages --------------------------------------------------------------------------------
    def page(self, key: str) -> QWidget:
        """The page ``key``, made (its module imported) on first use: a start builds 首页 and the
        backup timer's page only, whatever the size of the database."""
        made = self.pages.get(key)
        if made is not None:
            return made
        module, name = PAGE_CLASSES[key]
        page = getattr(importlib.import_module(module), name)()
        if hasattr(page, "follow"):
            page.follow(self.current_view)
        index = [k for k, _t, _c in PAGES].index(key)
        stand_in = self.stack.widget(index)
        assert stand_in is not None, "every page has its place in the stack from the start"
        current = self.stack.currentIndex()
        self.stack.insertWidget(index, page)
        self.stack.removeWidget(stand_in)
        stand_in.deleteLater()
        self.stack.setCurrentIndex(current)
        self.pages[key] = page
        self._wire(key, page)
        return page

    def _wire(self, key: str, page) -> None:
        """What a page tells the others (首页 refreshes after a change anywhere)."""
        home = lambda *_a: self._refresh_made("home")  # noqa: E731
        if key == "home":
            page.add_deputy_requested.connect(self.new_deputy)
            page.cases_requested.connect(self._show_cases)
            page.stats_requested.connect(lambda: self.show_page("stats"))
            page.quota_requested.connect(self.show_quota_shortfalls)
        elif key in ("deputies", "activities", "cases", "points", "livelihood"):
            page.changed.connect(home)
        elif key == "reception":
            page.saved.connect(lambda: self._refresh_made("cases"))
            page.saved.connect(home)
        elif key == "settings":
            page.station_changed.connect(self._on_station_changed)
        elif key == "exchange":
            page.imported.connect(self._on_imported)
        elif key == "backups":
            page.restored.connect(self._on_restored)

    def _refresh_made(self, key: str) -> None:
        """A made page reads its data afresh; a hidden one that refreshes whenever it is shown
        waits for that (首页 after a 重新计算: its worker beside the points page's refill held the
        GUI thread ~200 ms, for figures nobody was looking at)."""
        page = self.pages.get(key)
        if isinstance(page, _Refreshes) and (page.isVisible() or not getattr(page, "refreshes_on_show", False)):
            page.refresh()

    def _on_nav_row(self, row: int) -> None:
        if row >= 0 and self.attached:  # a row clicked while the database opens is shown by attach()
            self.page(PAGES[row][0])
            self.stack.setCurrentIndex(row)

    def _show_cases(self, which: str) -> None:
        """首页 tile → 意见办理, filtered as the line clicked says."""
        self.show_page("cases")
        if which == "open":  # show_attention knows overdue / due_soon / awaiting evaluation only
            self.cases.reset_filters()
            self.cases.status.setCurrentIndex(self.cases.status.findData("open"))
        else:
            self.cases.show_attention(which)

    @property
    def home(self) -> HomePage:
        return cast("HomePage", self.page("home"))  # the class PAGE_CLASSES names, as below

    @property
    def deputies(self) -> DeputiesPage:
        return cast("DeputiesPage", self.page("deputies"))

    @property
    def settings_page(self) -> SettingsPage:
        return cast("SettingsPage", self.page("settings"))

    @property
    def activities(self) -> ActivitiesPage:
        return cast("ActivitiesPage", self.page("activities"))

    @property
    def print_page(self) -> PrintPage:
        return cast("PrintPage", self.page("print"))

    @property
    def receptions(self) -> ReceptionsPage:
        return cast("ReceptionsPage", self.page("reception"))

    @property
    def cases(self) -> CasesPage:
        return cast("CasesPage", self.page("cases"))

    @property
    def stats(self) -> StatsPage:
        return cast("StatsPage", self.page("stats"))

    @property
    def points(self) -> PointsPage:
        return cast("PointsPage", self.page("points"))

    @property
    def exchange(self) -> ExchangePage:
        return cast("ExchangePage", self.page("exchange"))

    @property
    def backups(self) -> BackupPage:
        return cast("BackupPage", self.page("backups"))

    # -- the logged-in user (issue 19) ---------------------------------------------------------
    def _build_user_bar(self) -> None:
        """The status bar's right end: who is logged in, 锁定, 注销/切换用户 (hidden with nobody)."""
        from PySide6.QtWidgets import QPushButton

        self.user_status = QLabel()
        self.user_status.setObjectName("userStatus")
        self.lock_button = QPushButton(self.tr("锁定"))
        self.lock_button.clicked.connect(self.lock_now)
        self.logout_button = QPushButton(self.tr("注销/切换用户"))
        self.logout_button.clicked.connect(self.switch_user)
        for w in (self.user_status, self.lock_button, self.logout_button):
            self.statusBar().addPermanentWidget(w)
        # a database nobody logs into (made before users existed): anyone at the PC, or with a copy
        # of the file, reads everything. Said in red, with the way out one click away.
        self.no_admin_button = QPushButton(self.tr("未设置管理员：任何人都能查看数据。设置管理员…"))
        self.no_admin_button.setObjectName("noAdminButton")
        self.no_admin_button.setFlat(True)
        style.set_text(self.no_admin_button, style.RED)
        self.no_admin_button.clicked.connect(self._create_admin)
        self.statusBar().addPermanentWidget(self.no_admin_button)

    def _create_admin(self) -> None:
        from station_app.ui.dialogs.login_dialog import create_admin

        create_admin(self, self.db_url)

    def _show_user(self) -> None:
        """Show who is logged in; start the idle lock for them (nobody: a plain database)."""
        from station_app.services import settings, users

        user = context.current_user()
        for w in (self.user_status, self.lock_button, self.logout_button):
            w.setVisible(user is not None)
        self.no_admin_button.setVisible(user is None and users.may_create_first_admin(self.db_url))
        self.act_users.setVisible(user is not None and context.may(Permission.MANAGE_USERS))
        self.act_password.setVisible(user is not None)
        for row in range(self.nav.count()):  # 审计日志: an administrator's (anyone's without users)
            item = self.nav.item(row)
            item.setHidden(item.data(USER_ROLE) == "audit" and not context.may(Permission.READ_AUDIT))
        if user is None:
            return
        self.user_status.setText(self.tr("用户：{0}（{1}）").format(user.display_name or user.username, user.role.label))
        if self.idle_lock is None:
            from station_app.ui.idle_lock import IdleLock

            self.idle_lock = IdleLock(self, settings.get("security.idle_lock_minutes"))

    def lock_now(self) -> None:
        if self.idle_lock is not None:
            self.idle_lock.lock_now()

    def switch_user(self) -> None:
        """注销/切换用户: the content is hidden until someone logs in; cancelled → the window closes."""
        from station_app.services import users
        from station_app.ui.dialogs.login_dialog import LoginDialog

        if self.idle_lock is not None:
            self.idle_lock.unlock()  # 注销 from the lock panel: the content goes back in its place first
            self.idle_lock.stop()
            self.idle_lock = None
        users.logout()
        self.central.hide()
        dlg = LoginDialog(self)
        if not dlg.exec():
            self.close()
            return
        self.central.show()
        self._show_user()
        self.set_view_code(self._start_code())

    def manage_users(self) -> None:
        from station_app.ui.dialogs.users_dialog import UsersDialog

        UsersDialog(self).exec()

    def change_password(self) -> None:
        from station_app.ui.dialogs.login_dialog import PasswordDialog

        if PasswordDialog(self).exec():
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.information(self, self.tr("修改密码"), self.tr("密码已修改。"))

    # -- the station in view ------------------------------------------------------------------
    def _build_station_bar(self) -> None:
        """The top bar of a county database (or a PC restored from a station's package): which
        station every page shows, 全县 for all of them; hidden at a station's own database."""
        bar = self.station_bar = QToolBar(self.tr("联络站"))
        bar.setObjectName("stationBar")
        bar.setMovable(False)
        bar.setFloatable(False)
        bar.toggleViewAction().setVisible(False)
        bar.addWidget(QLabel(self.tr("查看联络站：")))
        self.station_picker = QComboBox()
        self.station_picker.setObjectName("stationPicker")
        self.station_picker.setMinimumContentsLength(24)
        self.station_picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.station_picker.setToolTip(self.tr("首页、活动日、接待登记、意见办理、统计分析、代表档案、履职积分和打印都显示所选联络站的数据"))
        bar.addWidget(self.station_picker)
        self.read_only_note = QLabel()
        self.read_only_note.setObjectName("readOnlyNote")
        self.read_only_note.setWordWrap(True)
        self.read_only_note.setMinimumWidth(540)  # two lines at most beside the picker on a 1024 screen
        bar.addWidget(self.read_only_note)
        self.addToolBar(bar)  # at the top
        self.station_picker.activated.connect(self._on_picked)

    def _fill_picker(self) -> None:
        """全县 and every station the database holds data of; the bar shows only at a county."""
        from station_app.services import station

        county = self._county = station.is_county()
        choices = self._stations = station.data_stations() if county else []
        self.station_picker.blockSignals(True)
        self.station_picker.clear()
        if len(choices) > 1:
            self.station_picker.addItem(self.tr("全县（{0} 个联络站）").format(len(choices)), "")
        for st in choices:
            self.station_picker.addItem(f"{st.name}（{st.code}）", st.code)
        self.station_picker.blockSignals(False)
        self.station_bar.setVisible(county)

    def _start_code(self) -> str | None:
        from station_app.services import station

        view = station.default_view()
        return None if view is None else view.code

    def current_view(self) -> StationView | None:
        """The station every page shows. Nothing in view yet (a new database): look again, since
        a station may have come in meanwhile (the first-run dialog, an import); the top bar and
        the status line follow once the page asking is done."""
        from station_app.services import station

        if self.view is None:
            self.view = station.default_view()
            if self.view is not None and not self._starting:
                QTimer.singleShot(0, self._chrome_later)
        return self.view

    def _chrome_later(self) -> None:
        try:
            self._show_view_chrome()
        except KnownError as exc:  # the database went away meanwhile: the next action says so
            log.warning("station bar not updated: %s", exc.message)

    def _find_view(self, _index: int = 0) -> None:
        self.current_view()

    def _show_view_chrome(self) -> None:
        """The top bar, the read-only note, the status line and Ctrl+N as the view says."""
        self._fill_picker()
        view = self.view
        found = self.station_picker.findData((view.code if view else None) or "")
        if found >= 0:
            self.station_picker.setCurrentIndex(found)
        writable = view is None or view.writable  # before any station: the first steps are offered
        self.act_new.setEnabled(writable)
        self.read_only_note.setText("" if view is None or view.writable else view.read_only_reason)
        self._update_status()

    def _on_picked(self, index: int) -> None:
        self.set_view_code(self.station_picker.itemData(index) or None)

    def set_view_code(self, code: str | None) -> None:
        """Show station ``code`` (None: 全县 at a county; nothing before the first station exists)
        on every page."""
        from station_app.services import station

        if code is None and len(station.data_stations()) <= 1:  # no 全县 of one station: show that station
            self.view = station.default_view()
        else:
            self.view = station.view(code)
        self._show_view_chrome()
        for page in self.pages.values():
            if hasattr(page, "on_view_changed"):
                page.on_view_changed()

    def _on_imported(self) -> None:
        """Packages were merged in: the pages that show the data see the new records (a station
        database may have become a county one: the status bar and the stations picker follow)."""
        from station_app.services import station

        keep = self.view.code if self.view is not None else None
        codes = {s.code for s in station.data_stations()}
        self.set_view_code(keep if keep in codes or (keep is None and len(codes) > 1) else self._start_code())

    def show_quota_shortfalls(self) -> None:
        """首页's quota tile → 履职积分, 任务完成情况 tab, this year."""
        self.show_page("points")
        self.points.set_year(clock.today().year)
        self.points.show_tab("tasks")

    def _fit_current_page(self, index: int) -> None:
        """Only the page shown sets the minimum size of the page area (a stack's minimum is
        otherwise the largest of all its pages): hidden pages ignore their size hints."""
        for i in range(self.stack.count()):
            page = self.stack.widget(i)
            assert page is not None, "i is below the stack's count"
            policy = QSizePolicy.Policy.Preferred if i == index else QSizePolicy.Policy.Ignored
            page.setSizePolicy(policy, policy)
        self.stack.updateGeometry()
        # the scroll area sizes the stack anew (PageStack: by the page on screen) on a layout request
        QCoreApplication.postEvent(self.stack, QEvent(QEvent.Type.LayoutRequest))

    def show_page(self, key: str) -> None:
        self.nav.setCurrentRow([k for k, _t, _c in PAGES].index(key))

    # -- menus --------------------------------------------------------------------------------
    def _action(self, menu, text: str, slot, shortcut: str | None = None) -> QAction:
        """A menu's action; ``shortcut``: a key sequence ("Ctrl+1") or the name of one of
        ``QKeySequence.StandardKey`` ("std:New")."""
        act = QAction(text, self)
        if shortcut is not None:  # set by attach(): the first shortcut makes PySide's enums of keys
            self._shortcuts.append((act, shortcut))  # (~30 ms), and the menus wait for the data anyway
        act.triggered.connect(slot)
        menu.addAction(act)
        return act

    def _set_shortcuts(self) -> None:
        from PySide6.QtGui import QKeySequence  # its class and enums: not before the first paint

        for act, shortcut in self._shortcuts:
            name = shortcut.removeprefix("std:")
            act.setShortcut(QKeySequence(getattr(QKeySequence.StandardKey, name) if name != shortcut else shortcut))
        self._shortcuts.clear()

    def _build_menus(self) -> None:
        self._shortcuts: list[tuple[QAction, str]] = []
        bar = self.menuBar()
        m = bar.addMenu(self.tr("文件(&F)"))
        self.act_new = self._action(m, self.tr("新增代表…"), self.new_deputy, "std:New")
        self.act_print = self._action(m, self.tr("打印…"), self.print_current, "std:Print")
        m.addSeparator()
        self._action(m, self.tr("备份数据库…"), self.backup_database)
        self._action(m, self.tr("从备份恢复…"), self.restore_database)
        m.addSeparator()
        self.act_users = self._action(m, self.tr("用户管理…"), self.manage_users)
        self.act_password = self._action(m, self.tr("修改密码…"), self.change_password)
        m.addSeparator()
        self._action(m, self.tr("退出"), self.close, "std:Quit")
        m = bar.addMenu(self.tr("编辑(&E)"))
        self.act_find = self._action(m, self.tr("查找代表"), self.find_deputy, "std:Find")
        m = bar.addMenu(self.tr("查看(&V)"))
        for i, (key, title, _c) in enumerate(PAGES):
            self._action(m, self.tr(title), lambda _=False, k=key: self.show_page(k), f"Ctrl+{i + 1}" if i < 9 else None)
        m = bar.addMenu(self.tr("帮助(&H)"))
        self._action(m, self.tr("关于"), self.about)

    # -- actions ------------------------------------------------------------------------------
    def new_deputy(self) -> None:
        self.show_page("deputies")
        self.deputies.add_deputy()

    def print_current(self) -> None:
        """Ctrl+P: print what the current page prints; from a page without a printout, go to 打印."""
        page = self.stack.currentWidget()
        if isinstance(page, _Prints):
            page.request_print()
        else:
            self.show_page("print")

    def find_deputy(self) -> None:
        self.show_page("deputies")
        self.deputies.focus_search()

    def about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(self, self.tr("关于"), f"{APP_TITLE} {__version__}\n{self.tr('人大代表联络站日常工作软件（离线版）')}\n"
                                                f"{self.tr('数据库')}：{self.db_url}")

    def backup_database(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        from station_app.services.backup import backup

        path, _ = QFileDialog.getSaveFileName(self, self.tr("备份数据库到"), self.tr("联络站备份.db"),
                                              self.tr("数据库备份 (*.db)"))
        if not path:
            return
        try:
            backup(self.db_url, path)
        except KnownError as exc:
            report(exc, self, self.tr("备份失败"))
            return
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.information(self, self.tr("备份完成"), self.tr("已备份并校验：{0}").format(path))

    def restore_database(self) -> None:
        self.show_page("backups")
        self.backups.refresh()

    def restored_in_place(self) -> None:
        """The start's background check restored a backup over a damaged file: every page,
        备份与恢复 included, reads it afresh."""
        self._on_restored()
        backups = self.pages.get("backups")
        if isinstance(backups, _Refreshes):
            backups.refresh()

    def _on_restored(self) -> None:
        """The database file was replaced by a backup: every page reads it afresh."""
        self._on_station_changed()
        for key, page in self.pages.items():
            if key not in ("backups", "settings") and isinstance(page, _Refreshes):
                page.refresh()

    def ensure_station_profile(self) -> bool:
        """First run: ask for the station profile until it is given (or the clerk cancels). A
        county database, or one restored from a station's package, opens straight away."""
        from station_app.services import station

        if station.home_station() is not None or station.is_county():
            return True
        from station_app.ui.dialogs.station_dialog import StationDialog

        dlg = StationDialog(self, first_run=True)
        if dlg.exec():
            self._on_station_changed()
            return True
        return False

    def _on_station_changed(self) -> None:
        """The home profile was saved (first run or 设置): a station database shows its station."""
        from station_app.services import station

        keep = self.view.code if self.view is not None and station.is_county() else self._start_code()
        self.set_view_code(keep)
        self._refresh_made("settings")
        self._refresh_made("exchange")

    def _update_status(self) -> None:
        from station_app.services import station

        st = station.home_station()
        text = self.tr("本站：{0}（{1}）").format(st.name, st.code) if st else self.tr("本站：尚未设置")
        if self._county:  # as _fill_picker found it just before
            text = self.tr("县级汇总库：{0} 个联络站").format(len(self._stations))
            if self.view is not None:
                text += self.tr("　正在查看：{0}").format(self.view.name)
        self.station_status.setText(text)
        self.db_status.setText(self.tr("数据库：{0}").format(self.db_url))
        if station.database_read_only():  # a read-only folder or medium: browse, print and back up only (issue 18)
            self.db_status.setText(self.tr("数据库（只读，不能保存修改）：{0}").format(self.db_url))

    # -- window state ----------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        qs = QSettings()
        geometry = qs.value("main/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = qs.value("main/state")
        if state is not None:
            self.restoreState(state)

    def _restore_page(self) -> None:
        """The page the clerk left last time, unless they picked one while the database opened."""
        page = QSettings().value("main/page")
        if page in PAGE_CLASSES and self.nav.currentRow() == 0:
            self.show_page(page)

    def running_work(self) -> int:
        """How many pieces of long work (``ui/tasks.run_task``, ``OneAtATime``) are running now."""
        return QThreadPool.globalInstance().activeThreadCount()

    def _may_close(self) -> bool:
        """Running work (an export writing to the stick, a PDF, a county computation) is waited for
        briefly; still running after that, the clerk is asked whether to quit anyway."""
        if not self.running_work() or QThreadPool.globalInstance().waitForDone(CLOSE_WAIT_MS):
            return True
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            self, self.tr("退出"),
            self.tr("仍有工作在进行（{0} 项，如导出、打印或统计），确定要退出吗？").format(self.running_work()),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if not self._may_close():
            event.ignore()
            return
        qs = QSettings()
        qs.setValue("main/geometry", self.saveGeometry())
        qs.setValue("main/state", self.saveState())
        if self.attached:  # a start given up before the data came in has nothing more to keep
            qs.setValue("main/page", PAGES[self.nav.currentRow()][0])
            self.backups.backup_on_exit()
        if self.idle_lock is not None:  # its filter sits on the application, not on this window
            self.idle_lock.stop()
            self.idle_lock = None
        super().closeEvent(event)
