"""数据交换: a station exports its data to a USB stick (EXCHANGE_FORMAT §2); the county imports
every station's packages and compares the stations.

Three tabs, always reachable:

- 导出到U盘: the removable volumes (``ui/drives.py``) or any folder, the period (since the last
  package by default), 全部数据, 加密 with the password of 设置 (or one typed for this export only);
  ``exchange.export_package`` runs in a worker with a progress dialog whose 取消 stops it.
- 导入数据包: pick packages (.zip), an optional password; ``exchange.import_packages`` in a worker,
  then one row per package (已导入/已拒绝, why, 新增/更新/未变).
- 各站情况: ``exchange.county_stations()`` (packages, last import, period covered, 断档 in red) and
  the §3 figures of a period per station (``stats.statistics(...).by_station``) as a table and a
  grouped bar chart; 代表履职积分排名（全县）: ``scoring.county_ranking`` of a year, for every station
  or one, scored with the county database's own 指标设置.

A station database opens on 导出; a county database (more than one station, or 县级汇总模式 ticked)
opens on 导入 with 各站情况 beside it.

Signals:
    exported(str): a package was written to this path
    imported(): packages were imported (the database changed: refresh what shows its data)
    progressed(int, int): (done, total) of the running export or import, on the GUI thread"""

from __future__ import annotations

from PySide6.QtCharts import QBarSet
from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station_app.domain import clock
from station_app.domain.roles import Permission
from station_app.services import context, station, stats
from station_app.ui import drives, tasks
from station_app.ui.forms import show_message
from station_app.ui.pages.exchange.common import (
    CHART_COLUMNS_MAX,
    CHART_FIGURES,
    CHART_HEIGHT,
    CHART_ROW,
    PRESETS,
    RED,
    STATUS_NAMES,
    STYLE,
    TABLE_NAMES,
    TABS,
    _Progress,
)
from station_app.ui.pages.exchange.county import CountyTab
from station_app.ui.pages.exchange.county_ranking import CountyRanking
from station_app.ui.pages.exchange.export import ExportTab
from station_app.ui.pages.exchange.import_tab import ImportTab

__all__ = [
    "CHART_COLUMNS_MAX",
    "CHART_FIGURES",
    "CHART_HEIGHT",
    "CHART_ROW",
    "ExchangePage",
    "PRESETS",
    "RED",
    "STATUS_NAMES",
    "STYLE",
    "TABLE_NAMES",
    "TABS",
]


class ExchangePage(ExportTab, ImportTab, CountyTab, CountyRanking, QWidget):
    """Signals:
        exported(str): a package was written to this path
        imported(): packages were imported (the database changed)
        progressed(int, int): (done, total) of the running export or import, on the GUI thread
    """

    exported = Signal(str)

    imported = Signal()

    progressed = Signal(int, int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setStyleSheet(STYLE)
        self._busy = False
        self._cancel = False
        self._folder = None  # typed in ExchangeTab (common.py); chosen with 选择文件夹… (None: the selected volume)
        self._county: bool | None = None  # the mode the tabs were last ordered for
        self._ready = False
        # the county's statistics and ranking are computed on a worker (seconds on a county of
        # 90 stations and a million receptions)
        self._county_work = tasks.OneAtATime()
        self._defaults_key = None  # (last package, today) the export period and options were set for
        self._incremental_hint = ""
        self.volumes: list[drives.Volume] = []
        self.last_export = None  # ExportResult
        self.last_reports: list = []  # ImportReport
        self.county_rows: list = []  # StationStatus
        self.county_stats = None  # Statistics
        self.chart_sets: dict[str, QBarSet] = {}
        self.chart_labels: list[str] = []
        self.progress_dialog: QProgressDialog | None = None
        self._relay = _Progress(self)
        self._relay.step.connect(self._on_progress)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 10, 16, 8)
        head = QHBoxLayout()
        title = QLabel(self.tr("数据交换"))
        title.setObjectName("pageTitle")
        head.addWidget(title)
        head.addSpacing(16)
        self.mode_label = QLabel()
        self.mode_label.setObjectName("modeLabel")
        head.addWidget(self.mode_label)
        head.addStretch(1)
        self.county_mode = QCheckBox(self.tr("县级汇总模式"))
        self.county_mode.setToolTip(self.tr("在县人大常委会代表工委汇总各联络站数据时勾选：先显示导入和各站情况"))
        head.addWidget(self.county_mode)
        outer.addLayout(head)

        self.tabs = QTabWidget()
        self.tab_widgets = {"export": self._build_export(), "import": self._build_import(),
                            "county": self._build_county()}
        self.tab_titles = {"export": self.tr("导出到U盘"), "import": self.tr("导入数据包"),
                           "county": self.tr("各站情况")}
        outer.addWidget(self.tabs, 1)

        self.county_mode.setChecked(QSettings().value("exchange/county_mode", False, type=bool))
        self.county_mode.toggled.connect(self._on_county_mode)
        self._order_tabs(self.is_county())

    def _title(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("sectionTitle")
        return label

    @staticmethod
    def _scrolled(w: QWidget) -> QScrollArea:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(w)
        return scroll

    # -- mode and tabs ---------------------------------------------------------------------------------
    def is_county(self) -> bool:
        """A county database (more than one station) or 县级汇总模式 ticked."""
        try:
            many = len(stats.station_codes()) > 1
        except Exception:  # noqa: BLE001 - no database yet (building the window before opening one)
            many = False
        return many or self.county_mode.isChecked()

    def _order_tabs(self, county: bool) -> None:
        """County: 导入, 各站情况, 导出; station: 导出, 导入, 各站情况. The first tab is shown."""
        if county == self._county:
            return
        self._county = county
        order = ("import", "county", "export") if county else TABS
        self.tabs.blockSignals(True)
        while self.tabs.count():
            self.tabs.removeTab(0)
        for key in order:
            self.tabs.addTab(self.tab_widgets[key], self.tab_titles[key])
        self.tabs.setCurrentIndex(0)
        self.tabs.blockSignals(False)

    def show_tab(self, key: str) -> None:
        self.tabs.setCurrentWidget(self.tab_widgets[key])

    def current_tab(self) -> str:
        w = self.tabs.currentWidget()
        return next(k for k, v in self.tab_widgets.items() if v is w)

    def tab_order(self) -> list[str]:
        return [next(k for k, v in self.tab_widgets.items() if v is self.tabs.widget(i))
                for i in range(self.tabs.count())]

    def _on_county_mode(self, on: bool) -> None:
        QSettings().setValue("exchange/county_mode", on)
        self.refresh()

    def _update_mode(self) -> None:
        codes = stats.station_codes()
        many = len(codes) > 1
        self.county_mode.blockSignals(True)
        if many:
            self.county_mode.setChecked(True)
        else:
            self.county_mode.setChecked(QSettings().value("exchange/county_mode", False, type=bool))
        self.county_mode.blockSignals(False)
        self.county_mode.setEnabled(not many)
        home = station.home_station()
        if many:
            self.mode_label.setText(self.tr("县级汇总数据库：共 {0} 个联络站").format(len(codes)))
        elif self.county_mode.isChecked():
            self.mode_label.setText(self.tr("县级汇总模式"))
        elif home is not None:
            self.mode_label.setText(self.tr("本站：{0}（{1}）").format(home.name, home.code))
        else:
            self.mode_label.setText(self.tr("尚未填写站点信息"))
        self._order_tabs(many or self.county_mode.isChecked())

    # -- refreshing ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Everything from the database: mode, export defaults, volumes, the county view."""
        self._ready = True
        self._update_mode()
        last = self._last_package()
        if self._defaults_key != (last.package_id if last else None, clock.today()):
            self._refresh_export_defaults()  # a new package or a new day; otherwise keep the clerk's choices
        self._update_export_state()
        self.refresh_volumes()
        self.refresh_county()
        self._allow_by_role()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if not self._busy:
            self.refresh()

    # -- progress ----------------------------------------------------------------------------------------
    def _open_progress(self, text: str, cancellable: bool) -> None:
        dlg = QProgressDialog(text, self.tr("取消") if cancellable else "", 0, 0, self)
        dlg.setWindowTitle(self.tr("数据交换"))
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setMinimumDuration(300)
        dlg.setAutoClose(False)
        dlg.setAutoReset(False)
        if not cancellable:
            dlg.setCancelButton(None)
        else:
            dlg.canceled.connect(self._on_cancel)
        self.progress_dialog = dlg

    def _on_cancel(self) -> None:
        self._cancel = True
        if self.progress_dialog is not None:
            self.progress_dialog.setLabelText(self.tr("正在取消…"))

    def _on_progress(self, done: int, total: int) -> None:
        dlg = self.progress_dialog
        if dlg is not None and not self._cancel:
            dlg.setMaximum(max(total, 1) if total > 0 else 0)
            dlg.setValue(min(done, total) if total > 0 else 0)
        self.progressed.emit(done, total)
        if self.progress_dialog is not None and self.progress_dialog.wasCanceled() and not self._cancel:
            self._on_cancel()  # 取消, Esc or the dialog closed: the worker stops at its next step

    def _finish_progress(self) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for w in (self.export_button, self.pick_button, self.refresh_button, self.folder_button):
            w.setEnabled(not busy)
        self._allow_by_role()
        if busy:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        else:
            QApplication.restoreOverrideCursor()
            self._update_target()

    def _allow_by_role(self) -> None:
        """Export and import are changes (a 只读 user neither); re-enrolling a station's key is the
        管理员's. The services refuse the same; this only greys out what they would refuse."""
        change = context.may(Permission.CHANGE)
        for w in (self.export_button, self.pick_button):
            if not change:
                w.setEnabled(False)
                w.setToolTip(self.tr("只读用户不能导出或导入数据包"))
        self.reenrol_button.setVisible(context.may(Permission.ENROL))

    # -- helpers -----------------------------------------------------------------------------------------
    @staticmethod
    def _show(label: QLabel, text: str, kind: str) -> None:
        show_message(label, text, kind)
